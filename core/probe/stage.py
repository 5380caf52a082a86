"""The probe stage's one pure step: a session, the TLSA answer and a clock -> EndpointProbe.

    SessionResult | NoSession ─┐
    TLSA answer (DnsRecordSet) ├─► assemble_probe ─► EndpointProbe (probe_report.py)
    now                        ┘     certificate summary (cert_summary.py)
                                     DANE match (dane.py)

No I/O: the prober (prober.py) ran the sessions, discovery asked for the TLSA records, and
the caller reads the clock once. A probe that never got a session (``NoSession``: the name
did not resolve, the deadline ended the wait, an internal error) is a failure record with
its words, so the verdict treats it like any other failed connection.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from ..common.failure import Failure
from ..common.model import Service
from ..discover.report import DnsRecordSet
from ..dns.dnssec import Security as Dnssec
from ..policy.plan import PlanEntry
from .cert_summary import summarize
from .dane import match_tlsa
from .dane_records import DaneOutcome, TlsaRecord
from .probe_report import Connection, DaneCheck, Dialogue, EndpointProbe, PkixCheck, ProbeFailure
from .proto_types import FailureCode, ServerAlert
from .session_report import SessionResult

__all__ = [
    "NOT_PROBED",
    "STOPPED_WAITING",
    "NoSession",
    "NoSessionCode",
    "assemble_probe",
    "dane_check",
]


class NoSessionCode(enum.Enum):
    """Why a probe has no session."""

    UNRESOLVED = "unresolved"  # the host name gave no address mailhop may use
    TIMED_OUT = "timed-out"  # the deadline ended the lookup or the wait
    NOT_PROBED = "not-probed"
    # An audit's own caps per server kept the session waiting past the check's deadline:
    # nothing was learned about the server (DESIGN.md rule 11), so no finding against it.
    NO_SLOT = "no-slot"
    INTERNAL = "internal"  # a bug in mailhop: the failure keeps the traceback


@dataclass(frozen=True, slots=True, kw_only=True)
class NoSession(Failure[NoSessionCode]):
    """A probe that ended without a session: the failure record (core/common/failure.py)
    with why, in words, and (as a fact, not read from the words) whether the deadline
    ended it."""

    @property
    def timed_out(self) -> bool:
        return self.code is NoSessionCode.TIMED_OUT

    @classmethod
    def internal_error(cls, error: BaseException) -> NoSession:
        """A bug: said so in the words, the traceback kept for a report."""
        return cls.internal(NoSessionCode.INTERNAL, error)


STOPPED_WAITING = NoSession(
    code=NoSessionCode.TIMED_OUT,
    message="no answer before the deadline (the check stopped waiting)",
)
NOT_PROBED = NoSession(code=NoSessionCode.NOT_PROBED, message="not probed")
_NO_SESSION_FAILURE = {
    NoSessionCode.TIMED_OUT: FailureCode.TIMEOUT,
    NoSessionCode.NO_SLOT: FailureCode.NOT_CHECKED,
}


def assemble_probe(
    entry: PlanEntry,
    outcome: SessionResult | NoSession,
    tlsa: DnsRecordSet | None,
    *,
    now: datetime,
) -> EndpointProbe:
    """The probe record for `entry` from its session `outcome` and its TLSA answer."""
    if isinstance(outcome, NoSession):
        code = _NO_SESSION_FAILURE.get(outcome.code, FailureCode.CONNECT)
        failure = ProbeFailure(code=code, detail=outcome.message, trace=outcome.trace)
        return EndpointProbe(entry=entry, failure=failure)
    tls = outcome.tls
    connection = Connection(
        peer=outcome.peer,
        tls_version=tls.version if tls else None,
        cipher=tls.cipher if tls else None,
        elapsed=outcome.elapsed,
    )
    if outcome.failure is not None:
        failed = outcome.failure
        failure = ProbeFailure(code=failed.code, detail=failed.message, evidence=failed.evidence)
        return EndpointProbe(entry=entry, failure=failure, connection=connection)
    chain = tls.chain if tls else ()
    verified = bool(tls and tls.verified)
    return EndpointProbe(
        entry=entry,
        connection=connection,
        pkix=PkixCheck(valid=verified, error=tls.verify_error if tls else "no TLS"),
        cert=summarize(chain, entry.hostname, tls, now=now) if chain else None,
        dane=dane_check(entry, tlsa, chain, pkix_valid=verified, now=now),
        dialogue=Dialogue(
            auth_mechanisms=tuple(outcome.auth_mechanisms),
            capabilities=tuple(outcome.capabilities),
            capabilities_hidden=outcome.capabilities_hidden,
            alerts=tuple(ServerAlert("IMAP", entry.hostname, text) for text in outcome.alerts),
        ),
    )


def dane_check(
    entry: PlanEntry,
    tlsa: DnsRecordSet | None,
    chain: Sequence[bytes],
    *,
    pkix_valid: bool,
    now: datetime,
) -> DaneCheck:
    """The DANE outcome for an endpoint from discovery's TLSA answer, if one was asked."""
    if tlsa is None or not chain or (not tlsa.records and tlsa.dnssec is not Dnssec.BOGUS):
        return DaneCheck()
    records, unreadable = [], []
    for text in tlsa.records:
        try:
            records.append(TlsaRecord.from_answer(text))
        except ValueError as exc:  # remote data: a record no certificate can match
            unreadable.append(str(exc))
    if unreadable and not records and tlsa.dnssec is not Dnssec.BOGUS:
        why = "; ".join(unreadable)
        return DaneCheck(
            detail=f"the TLSA records could not be read, so DANE does not apply: {why}"
        )
    result = match_tlsa(
        records,
        chain,
        dnssec=tlsa.dnssec,
        reference=entry.hostname,
        now=now,
        pkix_valid=pkix_valid,
        smtp=entry.service is Service.RELAY,
    )
    if result.outcome in (DaneOutcome.NOT_APPLICABLE, DaneOutcome.UNUSABLE_RECORDS):
        return DaneCheck(detail=result.reason)
    return DaneCheck(outcome=result.outcome, usage=result.usage, detail=result.reason)
