"""What the probe found at each server: plain data for the verdict and the renderers.

The probe stage (stage.py) fills these from the TLS session, the certificate analysis
and the DANE match; the verdict reads only these fields, so its table stays pure and
testable with hand-built values. Nothing here can hold a credential: the probe never has
one. The record is nested by job, each part built by keyword and empty by default:

    EndpointProbe
     ├── entry        the plan's endpoint (policy/entries.py)
     ├── failure      ProbeFailure: why the dialogue did not complete (None: it did)
     ├── connection   Connection: the address connected to, TLS version and cipher
     ├── pkix         PkixCheck: OpenSSL's verdict with mailhop's own context
     ├── cert         CertSummary: the leaf and chain, with the analysis's problems
     ├── dane         DaneCheck: the DANE outcome against the domain's TLSA records
     └── dialogue     Dialogue: what the server listed over TLS, and its [ALERT]s

Codes stay enums here (FailureCode, ProblemCode, DaneOutcome, Usage, VerifiedBy); the
JSON writer, the profile writer and the renderers turn them into words.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import UTC, datetime

from ..common.i18n import N_, Words
from ..discover.parse_mtasts import MtaStsMode
from ..policy.plan import PlanEntry, Tier
from .certinfo import CertProblem
from .dane_records import DaneOutcome, Usage
from .proto_types import FailureCode, ServerAlert

__all__ = [
    "CertSummary",
    "Connection",
    "DaneCheck",
    "Dialogue",
    "EndpointProbe",
    "PkixCheck",
    "ProbeFailure",
    "RelayProbe",
    "VerifiedBy",
    "reference_words",
    "utc_text",
]


class VerifiedBy(enum.StrEnum):
    """How the server's key was verified; the values are the JSON's and the profile's."""

    DANE_EE = "dane-ee"  # the key the domain pinned in DNSSEC-signed DNS (RFC 7671 5.1)
    DANE_TA = "dane-ta"  # a CA the domain pinned there, and the chain to it (RFC 7671 5.2)
    PKIX = "pkix"  # a CA this computer trusts (mailhop's own context, DESIGN rule 3)


@dataclass(frozen=True, slots=True, kw_only=True)
class CertSummary:
    """The leaf certificate and chain as the person and the helpdesk see them."""

    subject: str = ""
    issuer: str = ""
    names: tuple[str, ...] = ()  # SAN dNSNames
    not_after: datetime | None = None  # None when no leaf could be read
    days_left: int = 0
    key: str = ""  # e.g. "EC P-256", "RSA 2048"
    signature: str = ""  # e.g. "ecdsa-with-SHA256"
    spki_sha256: str = ""  # hex: the pin a profile keeps
    chain_subjects: tuple[str, ...] = ()  # as presented, leaf first
    problems: tuple[CertProblem, ...] = ()  # from the analysis, and OpenSSL's refusal


@dataclass(frozen=True, slots=True, kw_only=True)
class ProbeFailure:
    """Why the dialogue did not complete: the session's stable code, plain words for a
    person, and the server's own words (sanitised) as evidence, if it said any; a bug that
    ended the probe keeps its traceback for a report, out of the words and the repr."""

    code: FailureCode
    detail: str
    evidence: str = ""
    trace: str | None = field(default=None, repr=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class Connection:
    """The connection as made: the address (None: none answered), TLS version and cipher
    (None: TLS did not come up), and the session's time in seconds."""

    peer: str | None = None
    tls_version: str | None = None
    cipher: str | None = None
    elapsed: float = 0.0


@dataclass(frozen=True, slots=True, kw_only=True)
class PkixCheck:
    """OpenSSL's verdict with mailhop's own context (PKIX and the name); ``error`` says why
    it refused, None when it accepted or never saw a certificate."""

    valid: bool = False
    error: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class DaneCheck:
    """The DANE outcome: MATCHED, MISMATCH or BOGUS, or None when DANE does not apply (no
    TLSA asked, none signed, none usable: ``detail`` then says which, if anything)."""

    outcome: DaneOutcome | None = None
    usage: Usage | None = None  # the matched record's usage
    detail: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Dialogue:
    """What the server listed after TLS (empty before it, or after a failure)."""

    auth_mechanisms: tuple[str, ...] = ()
    capabilities: tuple[str, ...] = ()
    capabilities_hidden: bool = False  # the server would not list capabilities after TLS
    alerts: tuple[ServerAlert, ...] = ()  # IMAP [ALERT]s over TLS: for the person, quoted


@dataclass(frozen=True, slots=True, kw_only=True)
class EndpointProbe:
    """One candidate endpoint, connected to (or not) without any credential."""

    entry: PlanEntry
    failure: ProbeFailure | None = None
    connection: Connection = field(default_factory=Connection)
    pkix: PkixCheck = field(default_factory=PkixCheck)
    cert: CertSummary | None = None
    dane: DaneCheck = field(default_factory=DaneCheck)
    dialogue: Dialogue = field(default_factory=Dialogue)

    @property
    def endpoint(self) -> str:
        """For a person: the host as U-label (A-label) when it is an IDN (rule 4)."""
        e = self.entry
        return f"{e.name.shown}:{e.port} ({e.service.value}, {e.security.value})"

    @property
    def tlsa_name(self) -> str:
        """Where the endpoint's TLSA records live (RFC 6698 section 3)."""
        return f"_{self.entry.port}._tcp.{self.entry.hostname}"

    @property
    def reference(self) -> str:
        """Where the name checked against the certificate came from (rule 4), in English
        (the JSON's); ``reference_words`` says it in the person's language."""
        return reference_words(self.entry).english()

    @property
    def authenticated_by(self) -> VerifiedBy | None:
        """How the server's key was verified, None when it was not (or the dialogue failed)."""
        dane = self.dane.outcome
        if self.failure is not None or dane in (DaneOutcome.MISMATCH, DaneOutcome.BOGUS):
            return None
        if dane is DaneOutcome.MATCHED and self.dane.usage is Usage.DANE_EE:
            return VerifiedBy.DANE_EE
        if dane is DaneOutcome.MATCHED and self.dane.usage is Usage.DANE_TA:
            return VerifiedBy.DANE_TA
        return VerifiedBy.PKIX if self.pkix.valid else None


def utc_text(moment: datetime | None) -> str:
    """A certificate date as written in the JSON, the findings and the certificate view:
    ISO 8601 in UTC to the second (``2027-06-01T00:00:00Z``), "" for none."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else ""


def reference_words(entry: PlanEntry) -> Words:
    """Where the checked name came from, as Words: in the person's language where it is
    shown (render_check), in English in the JSON (``EndpointProbe.reference``)."""
    best = entry.origins[0]
    values = (("source", best.source.value), ("auth", best.auth.value))
    if entry.tier is Tier.A:
        return Words(N_("published by the domain ({source}, {auth})"), values)
    if entry.tier is Tier.B:
        return Words(N_("from {source} ({auth})"), values)
    if not entry.needs_approval:  # the relay leg: no password goes there (verdict.py)
        return Words(N_("from an unauthenticated source ({source})"), values)
    return Words(N_("from an unauthenticated source ({source}): needs approval"), values)


@dataclass(frozen=True, slots=True, kw_only=True)
class RelayProbe:
    """One MX host on port 25: STARTTLS, certificate, DANE, and the MTA-STS verdict."""

    host: str
    preference_order: int
    probe: EndpointProbe | None
    mta_sts_mode: MtaStsMode | None = None  # None without a policy
    mta_sts_match: bool | None = None  # the host matches the policy's mx patterns
