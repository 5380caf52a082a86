"""The check: discovery, a probe of every candidate as soon as it is named, and the verdict.

    address -> discover (all sources at once)
                 \\_ each source that names a server starts its probe at once:
                    resolve -> connect -> TLS (mailhop's verifying context) -> capabilities
    plan + sessions + TLSA -> certificate analysis, DANE match -> EndpointProbe -> verdict

Probing starts while discovery is still running, so a server named by a DNSSEC-signed SRV
record is being verified before the slower HTTPS sources have answered (DESIGN.md section
7: about 8 round trips from address to verdict). No credential exists anywhere in this
module: the sessions only read greetings and capabilities.

Deadlines: everything shares the discovery's hard deadline. At the soft deadline, if
sending and receiving both have a verified server, probes still pending (a black-holed
host, say) are given up as timed out, so one dead server costs the soft deadline once.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from ..common.address import EmailAddress
from ..common.i18n import N_, Words
from ..common.model import Security, Service
from ..common.tasks import cancel_and_wait
from ..discover.parse_mtasts import mx_matches
from ..discover.report import Attempt, MtaSts, Source, Status, TlsaQuestion, TlsReporting
from ..dns.dnssec import Security as Dnssec
from ..dns.resolver import ResolveError, Resolver
from ..net.tlscontext import client_context, diagnostic_context
from ..policy.plan import PlanEntry, tier_of
from ..probe.certinfo import ChainReport, analyze_chain
from ..probe.dane import DaneOutcome, TlsaRecord, match_tlsa
from ..probe.mailsession import SessionResult, TlsInfo, probe_session
from ..probe.probe_report import CertSummary, EndpointProbe, RelayProbe
from ..probe.proto_base import ServerAlert
from ..verdict.labels import SECURITY, SERVICE
from ..verdict.verdict import Verdict, judge
from .discovery import DiscoveryOptions, DiscoveryReport, discover, discovery_resolver
from .events import ProbeFinished, ProbeStarted, ProgressEvent, ProgressObserver

__all__ = ["MAX_SESSIONS", "MAX_SESSIONS_PER_HOST", "CheckReport", "check", "reference_words"]

MAX_SESSIONS = 32  # asyncio keeps a 256 KiB buffer per TLS socket (DESIGN.md section 7)
MAX_SESSIONS_PER_HOST = 8  # one of each port a mail host serves (7) at once

Key = tuple[Service, str, int, Security]


@dataclass(frozen=True, slots=True)
class _NoSession:
    """A probe that ended without a session: why, in words, and (as a fact, not read from
    the words) whether the deadline ended it."""

    message: str
    timed_out: bool = False


STOPPED_WAITING = _NoSession("no answer before the deadline (the check stopped waiting)", True)


@dataclass(frozen=True, slots=True)
class CheckReport:
    discovery: DiscoveryReport
    probes: tuple[EndpointProbe, ...]
    relay: tuple[RelayProbe, ...]
    verdict: Verdict
    elapsed: float
    stopped_early: bool  # the soft deadline ended the wait for pending probes

    @property
    def tls_rpt(self) -> str | None:
        """Where the domain wants TLS failure reports (RFC 8460), if it says."""
        for attempt in self.discovery.attempts:
            if attempt.source is Source.TLS_RPT and attempt.status is Status.FOUND:
                found = attempt.payload_as(TlsReporting)
                return found.rua if found is not None else None
        return None


async def check(
    address: EmailAddress, options: DiscoveryOptions, observer: ProgressObserver | None = None
) -> CheckReport:
    """Discover, probe and judge `address`; remote failures are findings, never raised."""
    started = time.monotonic()
    resolver = discovery_resolver(options, started)  # discovery's, shared with the probes
    prober = _Prober(options, started, resolver, observer)
    try:
        report = await discover(
            address, options, observer, resolver=resolver, on_attempt=prober.consider
        )
        for entry in _all_entries(report):
            prober.ensure(entry.service, entry.hostname, entry.port, entry.security)
        stopped_early = await prober.wait(report)
    finally:  # every path (the caller's cancel, an error): no probe may outlive the check
        await prober.abandon()
    probes = tuple(prober.endpoint_probe(e, report) for e in _client_entries(report))
    relay = tuple(prober.relay_probe(e, report) for e in _relay_entries(report))
    mta_sts = any(a.source is Source.MTA_STS and a.status is Status.FOUND for a in report.attempts)
    verdict = judge(report.plan, probes, relay, mta_sts=mta_sts)
    return CheckReport(report, probes, relay, verdict, time.monotonic() - started, stopped_early)


def _client_entries(report: DiscoveryReport) -> list[PlanEntry]:
    return [
        e
        for service in report.plan.services
        if service.service is not Service.RELAY
        for e in service.entries
    ]


def _relay_entries(report: DiscoveryReport) -> list[PlanEntry]:
    return list(report.plan.for_service(Service.RELAY).entries)


def _all_entries(report: DiscoveryReport) -> list[PlanEntry]:
    return _client_entries(report) + _relay_entries(report)


class _Prober:
    """Probe tasks keyed by endpoint, started as sources name them."""

    def __init__(
        self,
        options: DiscoveryOptions,
        started: float,
        resolver: Resolver,
        observer: ProgressObserver | None = None,
    ) -> None:
        self.options = options
        self.started = started
        self.observer = observer
        self.deadline = started + options.hard_deadline
        self.context: ssl.SSLContext = client_context(options.extra_ca_file)
        self.diagnostic: ssl.SSLContext = diagnostic_context()
        self.resolver = resolver
        self.tasks: dict[Key, asyncio.Task[SessionResult | _NoSession]] = {}
        # One at a time (benchmark comparison only): each session its own deadline.
        self.total = asyncio.Semaphore(1 if options.sequential else MAX_SESSIONS)
        self.per_host: dict[str, asyncio.Semaphore] = {}

    def consider(self, attempt: Attempt, attempts: Sequence[Attempt]) -> None:
        """Discovery hook: probe each usable candidate the moment a source names it."""
        if attempt.source is Source.TLSA or tier_of(attempt, attempts) is None:
            return
        for cand in attempt.candidates:
            self.ensure(cand.service, cand.hostname, cand.port, cand.security)

    def ensure(self, service: Service, host: str, port: int, security: Security) -> None:
        key = (service, host, port, security)
        if key not in self.tasks:
            self.tasks[key] = asyncio.ensure_future(self._session(key))

    def _tell(self, event: ProgressEvent) -> None:
        """A probe event for the observer; a broken observer must not stop the check."""
        if self.observer is not None:
            with contextlib.suppress(Exception):
                self.observer(event)

    def _started(self, key: Key) -> None:
        service, host, port, security = key
        checks = f"{SERVICE[service]}, {SECURITY[security]}"
        self._tell(ProbeStarted(target=f"{host}:{port}", at=self._now(), checks=checks))

    def _finished(self, key: Key, status: Status, detail: str) -> None:
        _, host, port, _ = key
        self._tell(
            ProbeFinished(target=f"{host}:{port}", at=self._now(), status=status, detail=detail)
        )

    def _now(self) -> float:
        return time.monotonic() - self.started

    async def _session(self, key: Key) -> SessionResult | _NoSession:
        self._started(key)
        outcome: SessionResult | _NoSession = STOPPED_WAITING
        try:
            outcome = await self._run_session(key)
            return outcome
        finally:
            if isinstance(outcome, _NoSession):
                status = Status.TIMED_OUT if outcome.timed_out else Status.FAILED
                self._finished(key, status, outcome.message)
            elif outcome.failure is not None:
                self._finished(key, Status.FAILED, outcome.failure.message)
            else:
                version = outcome.tls.version if outcome.tls else None
                self._finished(key, Status.FOUND, version or "")

    async def _run_session(self, key: Key) -> SessionResult | _NoSession:
        service, host, port, security = key
        host_limit = self.per_host.setdefault(host, asyncio.Semaphore(MAX_SESSIONS_PER_HOST))
        async with self.total, host_limit:
            deadline = self.deadline
            if self.options.sequential:
                deadline = time.monotonic() + self.options.hard_deadline
                self.resolver.deadline = deadline
            try:
                addresses = await self.resolver.addresses(host)
            except ResolveError as exc:
                return _NoSession(str(exc), exc.timed_out)
            return await probe_session(
                service,
                host,
                port,
                security,
                addresses=addresses,
                context=self.context,
                diagnostic_context=self.diagnostic,
                deadline=deadline,
            )

    async def abandon(self) -> None:
        await cancel_and_wait(self.tasks.values())

    async def wait(self, report: DiscoveryReport) -> bool:
        """Wait for the probes; at the soft deadline, stop if both legs are settled."""
        soft = self.started + self.options.soft_deadline
        if self.options.sequential:
            await asyncio.gather(*self.tasks.values(), return_exceptions=True)
            return False
        while True:
            pending = [t for t in self.tasks.values() if not t.done()]
            if not pending:
                return False
            now = time.monotonic()
            if now >= self.deadline:
                break
            if now >= soft and self._settled(report):
                await cancel_and_wait(pending)
                return True
            wake = soft if now < soft else self.deadline
            await asyncio.wait(
                pending, timeout=max(0.0, wake - now), return_when=asyncio.FIRST_COMPLETED
            )
        await cancel_and_wait(pending)
        return False

    def _settled(self, report: DiscoveryReport) -> bool:
        """Sending and receiving each have a finished, verified candidate."""

        def verified(entries: Sequence[PlanEntry]) -> bool:
            for entry in entries:
                task = self.tasks.get(_key(entry))
                if task is None or not task.done() or task.cancelled():
                    continue
                probe = self.endpoint_probe(entry, report)
                if probe.authenticated_by is not None:
                    return True
            return False

        plan = report.plan
        return verified(plan.for_service(Service.SUBMISSION).entries) and verified(plan.access)

    # -- turning sessions into probe results -------------------------------------------

    def _result(self, entry: PlanEntry) -> SessionResult | _NoSession:
        task = self.tasks.get(_key(entry))
        if task is None:
            return _NoSession("not probed")
        if task.cancelled():
            return STOPPED_WAITING
        if task.exception() is not None:
            return _NoSession(f"internal error in mailhop ({task.exception()!r}); please report it")
        return task.result()

    def endpoint_probe(self, entry: PlanEntry, report: DiscoveryReport) -> EndpointProbe:
        result = self._result(entry)
        tlsa_name = f"_{entry.port}._tcp.{entry.hostname}"
        reference = _reference(entry)
        if isinstance(result, _NoSession):
            code = "timeout" if result.timed_out else "connect"
            return _failed(entry, code, result.message, tlsa_name, reference)
        if result.failure is not None:
            failure = result.failure
            probe = _failed(entry, failure.code.value, failure.message, tlsa_name, reference)
            return _with_session(probe, result, evidence=failure.evidence)
        tls = result.tls
        now = datetime.now(UTC)
        chain = tls.chain if tls else ()
        analysis = analyze_chain(chain, entry.hostname, now=now) if chain else None
        dane, usage, detail = _dane(entry, report, chain, tls.verified if tls else False, now)
        probe = EndpointProbe(
            entry=entry,
            failure=None,
            failure_detail="",
            evidence="",
            peer=result.peer,
            tls_version=tls.version if tls else None,
            cipher=tls.cipher if tls else None,
            pkix_valid=bool(tls and tls.verified),
            pkix_error=tls.verify_error if tls else "no TLS",
            cert=_summary(analysis, tls) if analysis else None,
            dane=dane,
            dane_usage=usage,
            dane_detail=detail,
            tlsa_name=tlsa_name,
            auth_mechanisms=tuple(result.auth_mechanisms),
            capabilities=tuple(result.capabilities),
            reference=reference,
            elapsed=result.elapsed,
            capabilities_hidden=result.capabilities_hidden,
            alerts=tuple(ServerAlert("IMAP", entry.hostname, text) for text in result.alerts),
        )
        return probe

    def relay_probe(self, entry: PlanEntry, report: DiscoveryReport) -> RelayProbe:
        sts = next(
            (a for a in report.attempts if a.source is Source.MTA_STS and a.status is Status.FOUND),
            None,
        )
        found = sts.payload_as(MtaSts) if sts is not None else None
        policy = found.policy if found is not None else None
        mode = policy.mode.value if policy is not None else None
        patterns = policy.mx if policy is not None else ()
        match = any(mx_matches(p, entry.hostname) for p in patterns) if mode else None
        probe = self.endpoint_probe(entry, report)
        return RelayProbe(entry.hostname, entry.origins[0].order, probe, mode, match)


def _key(entry: PlanEntry) -> Key:
    return (entry.service, entry.hostname, entry.port, entry.security)


def _reference(entry: PlanEntry) -> str:
    """Where the name checked against the certificate came from (rule 4), in English (JSON)."""
    return reference_words(entry).english()


def reference_words(entry: PlanEntry) -> Words:
    """The same, as Words: in the person's language where it is shown (render_check)."""
    best = entry.origins[0]
    values = (("source", best.source.value), ("auth", best.auth.value))
    if entry.tier.value == "A":
        return Words(N_("published by the domain ({source}, {auth})"), values)
    if entry.tier.value == "B":
        return Words(N_("from {source} ({auth})"), values)
    if not entry.needs_approval:  # the relay leg: no password goes there (verdict.py)
        return Words(N_("from an unauthenticated source ({source})"), values)
    return Words(N_("from an unauthenticated source ({source}): needs approval"), values)


def _failed(
    entry: PlanEntry, code: str, message: str, tlsa_name: str, reference: str
) -> EndpointProbe:
    return EndpointProbe(
        entry=entry,
        failure=code,
        failure_detail=message,
        evidence="",
        peer=None,
        tls_version=None,
        cipher=None,
        pkix_valid=False,
        pkix_error=None,
        cert=None,
        dane=None,
        dane_usage=None,
        dane_detail="",
        tlsa_name=tlsa_name,
        auth_mechanisms=(),
        capabilities=(),
        reference=reference,
        elapsed=0.0,
    )


def _with_session(probe: EndpointProbe, result: SessionResult, *, evidence: str) -> EndpointProbe:
    tls = result.tls
    return replace(
        probe,
        evidence=evidence,
        peer=result.peer,
        tls_version=tls.version if tls else None,
        cipher=tls.cipher if tls else None,
        elapsed=result.elapsed,
    )


def _dane(
    entry: PlanEntry,
    report: DiscoveryReport,
    chain: Sequence[bytes],
    pkix_valid: bool,
    now: datetime,
) -> tuple[str | None, int | None, str]:
    """The DANE outcome for an endpoint from discovery's TLSA attempt, if one was made."""
    tlsa = next(
        (
            a
            for a in report.attempts
            if a.payload_as(TlsaQuestion) == TlsaQuestion(entry.hostname, entry.port)
        ),
        None,
    )
    if tlsa is None or not tlsa.records or not chain:
        return None, None, ""
    rrset = tlsa.records[0]
    if not rrset.records and rrset.dnssec is not Dnssec.BOGUS:
        return None, None, ""
    records, unreadable = [], []
    for text in rrset.records:
        try:
            records.append(TlsaRecord.from_answer(text))
        except ValueError as exc:  # remote data: a record no certificate can match
            unreadable.append(str(exc))
    if unreadable and not records and rrset.dnssec is not Dnssec.BOGUS:
        why = "; ".join(unreadable)
        return None, None, f"the TLSA records could not be read, so DANE does not apply: {why}"
    result = match_tlsa(
        records,
        chain,
        dnssec=rrset.dnssec,
        reference=entry.hostname,
        now=now,
        pkix_valid=pkix_valid,
        smtp=entry.service is Service.RELAY,
    )
    outcome = result.outcome.value if isinstance(result.outcome, DaneOutcome) else None
    if outcome in ("not-applicable", "unusable-records"):
        return None, None, result.reason
    return outcome, result.usage, result.reason


# OpenSSL's verify result (X509_V_ERR_*, ssl.SSLCertVerificationError.verify_code) -> the
# analysis's problem codes, for when the chain alone cannot show the reason (an issuer
# unknown to this computer's trust store). The number, not the words: the words change
# between OpenSSL versions ("self signed" / "self-signed").
_VERIFY_CODES = {
    2: "missing-intermediate",  # X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT
    9: "not-yet-valid",  # X509_V_ERR_CERT_NOT_YET_VALID
    10: "expired",  # X509_V_ERR_CERT_HAS_EXPIRED
    18: "unknown-issuer",  # X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT
    19: "unknown-issuer",  # X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN
    20: "unknown-issuer",  # X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY
    62: "name-mismatch",  # X509_V_ERR_HOSTNAME_MISMATCH
}


def _summary(analysis: ChainReport, tls: TlsInfo | None) -> CertSummary:
    leaf = analysis.leaf
    problems = [(p.code.value, p.message) for p in analysis.problems]
    if tls is not None and tls.verify_error and tls.verify_code is not None:
        code = _VERIFY_CODES.get(tls.verify_code)
        if code is not None and code not in {c for c, _ in problems}:
            why = f"this computer refused the certificate: {tls.verify_error}"
            problems.append((code, why))
    if leaf is None:
        return CertSummary("", "", (), "", 0, "", "", "", (), tuple(problems))
    return CertSummary(
        subject=leaf.subject,
        issuer=leaf.issuer,
        names=leaf.dns_names,
        not_after=leaf.not_after.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        days_left=leaf.days_left,
        key=leaf.key,
        signature=leaf.signature_algorithm,
        spki_sha256=leaf.spki_sha256,
        chain_subjects=tuple(c.subject for c in analysis.certificates),
        problems=tuple(problems),
    )
