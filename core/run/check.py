"""The check: discovery, a probe of every candidate as soon as it is named, and the verdict.

    address -> discover (all sources at once)
                 \\_ each source that names a server starts its probe at once (prober.py):
                    resolve -> connect -> TLS (mailhop's verifying context) -> capabilities
    plan + sessions + TLSA -> assemble_probe (stage.py) -> EndpointProbe -> judge -> verdict

This module only wires the stages: which entries are probed, which TLSA answer and MTA-STS
policy go with which, and the progress a person sees. Probing starts while discovery is
still running, so a server named by a DNSSEC-signed SRV record is being verified before
the slower HTTPS sources have answered (DESIGN.md section 7: about 8 round trips from
address to verdict). No credential exists anywhere here: the sessions only read greetings
and capabilities.

Deadlines: everything shares the discovery's hard deadline. At the soft deadline, if
sending and receiving both have a verified server, probes still pending (a black-holed
host, say) are given up as timed out, so one dead server costs the soft deadline once.

Whose fault: alongside discovery, vantage.py asks whether this computer can judge at all
(its network, resolver, clock, HTTPS path). When it cannot even reach a resolver, the run
stops there (an offline check answers in a moment, not at the hard deadline); whatever the
cause, the verdict is then "could not check" with no finding against the domain.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import dns.name

from ..common.address import EmailAddress
from ..common.domains import registrable_domain
from ..common.model import Service
from ..common.schedule import AllAtOnce, Scheduler
from ..common.tasks import cancel_and_wait
from ..discover.parse_mtasts import mx_matches
from ..discover.report import (
    Attempt,
    DnsRecordSet,
    MtaSts,
    Source,
    Status,
    TlsaQuestion,
    TlsReporting,
)
from ..discover.sources import SOURCES, Sources
from ..dns.resolver import Resolver
from ..net.fetch import Fetcher
from ..net.tlscontext import client_context, diagnostic_context
from ..policy.plan import PlanEntry, make_plan, tier_of
from ..probe.probe_report import EndpointProbe, RelayProbe
from ..probe.prober import MAX_SESSIONS, MAX_SESSIONS_PER_HOST, Key, Prober, SharedSessions
from ..probe.session_report import SessionResult
from ..probe.stage import NoSession, assemble_probe
from ..verdict.could_not_check import CouldNotCheck
from ..verdict.labels import SECURITY, SERVICE
from ..verdict.relay_mx import classify_mx, mta_sts_published
from ..verdict.verdict import Verdict, could_not_check, judge
from .discovery import DiscoveryOptions, DiscoveryReport, discover, discovery_resolver
from .events import ProbeFinished, ProbeStarted, ProgressObserver
from .vantage import assess, intercepted, stops_the_run

__all__ = ["MAX_SESSIONS", "MAX_SESSIONS_PER_HOST", "CheckReport", "check"]


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
    address: EmailAddress,
    options: DiscoveryOptions,
    observer: ProgressObserver | None = None,
    *,
    resolver: Resolver | None = None,
    scheduler: Scheduler | None = None,
    clock: Callable[[], float] = time.time,
    sources: Sources = SOURCES,
    shared: SharedSessions | None = None,
    fetcher: Fetcher | None = None,
    vantage: Awaitable[CouldNotCheck | None] | None = None,
) -> CheckReport:
    """Discover, probe and judge `address`; remote failures are findings, never raised.

    One `resolver` (default: made from `options`) serves discovery and the probes; one
    `scheduler` (default: all at once under the hard deadline) admits sources and sessions.
    `clock` is the wall clock the resolver validates with, to say how far off it is.
    `sources` answers for discovery (run/manual.py gives the servers the person typed in).
    `shared` runs the sessions for a batch of checks (an audit: each server probed once);
    `fetcher` (default: discovery's own) is the caller's to close. `vantage` (default:
    this check asks vantage.py itself) is a batch's one answer to whether this computer can
    judge DNS, so that 10,000 domains cost one root probe.
    """
    started = time.monotonic()
    scheduler = scheduler or AllAtOnce(started + options.hard_deadline)
    prober = _prober(options, scheduler, observer, started, shared)
    async with prober:
        hook = _Starter(prober, resolver or discovery_resolver(options, started), address)
        discovering = discover(
            address,
            options,
            observer,
            resolver=hook.resolver,
            scheduler=scheduler,
            on_attempt=hook.consider,
            fetcher=fetcher,
            sources=sources,
        )
        if vantage is None:
            vantage = assess(
                hook.resolver,
                deadline=started + options.soft_deadline,
                anchor=options.anchor.name if options.anchor is not None else dns.name.root,
                clock=clock,
            )
        report, cannot = await _discover_unless_blind(discovering, vantage, hook, options, started)
        stopped_early = report.stopped_early
        if not stops_the_run(cannot):
            for entry in _client_entries(report) + _relay_entries(report):
                hook.start(_key(entry))
            stopped_early = await prober.wait(
                lambda: _settled(prober, report, datetime.now(UTC)),
                soft_deadline=started + options.soft_deadline,
            )
    return _judged(prober, report, cannot, started, stopped_early)


def _prober(
    options: DiscoveryOptions,
    scheduler: Scheduler,
    observer: ProgressObserver | None,
    started: float,
    shared: SharedSessions | None,
) -> Prober:
    """The prober of one check: mailhop's verifying TLS context, under the hard deadline."""
    return Prober(
        deadline=started + options.hard_deadline,
        context=client_context(options.extra_ca_file),
        diagnostic=diagnostic_context(),
        scheduler=scheduler,
        watcher=_Progress(observer, started) if observer is not None else None,
        shared=shared,
    )


def _judged(
    prober: Prober,
    report: DiscoveryReport,
    cannot: CouldNotCheck | None,
    started: float,
    stopped_early: bool,
) -> CheckReport:
    """The check's report: each candidate's probe, the relay's, and the verdict on them
    (could not check, when this computer could not judge or its connection is intercepted)."""
    now = datetime.now(UTC)
    probes = tuple(_probe(prober, entry, report, now) for entry in _client_entries(report))
    relay = tuple(_relay(prober, entry, report, now) for entry in _relay_entries(report))
    attempts = report.attempts
    verdict = judge(
        report.plan,
        probes,
        relay,
        mta_sts=mta_sts_published(attempts),
        mx=classify_mx(attempts),
    )
    cannot = cannot or intercepted(attempts)
    if cannot is not None:
        verdict = could_not_check(verdict, cannot)
    return CheckReport(report, probes, relay, verdict, time.monotonic() - started, stopped_early)


async def _discover_unless_blind(
    discovering: Coroutine[Any, Any, DiscoveryReport],
    vantage: Awaitable[CouldNotCheck | None],
    hook: _Starter,
    options: DiscoveryOptions,
    started: float,
) -> tuple[DiscoveryReport, CouldNotCheck | None]:
    """Discovery's report and what keeps this computer from judging; when that is no
    network or no resolver at all, discovery is stopped with what it has so far."""
    found = asyncio.ensure_future(discovering)
    blind = asyncio.ensure_future(vantage)
    try:
        await asyncio.wait({found, blind}, return_when=asyncio.FIRST_COMPLETED)
        if not found.done() and stops_the_run(blind.result()):
            await cancel_and_wait([found])
            return _so_far(hook, options, started), blind.result()
        report = await found
        return report, await blind  # one question, over by the soft deadline
    finally:
        await cancel_and_wait([found, blind])


def _so_far(hook: _Starter, options: DiscoveryOptions, started: float) -> DiscoveryReport:
    """The report of a discovery stopped because nothing could reach a resolver."""
    address = hook.address
    attempts = tuple(hook.attempts)
    registrable = registrable_domain(address.domain) or address.domain
    return DiscoveryReport(
        address=address,
        registrable=registrable,
        attempts=attempts,
        plan=make_plan(address.ascii, address.domain, registrable, attempts),
        elapsed=time.monotonic() - started,
        phase2=False,
        stopped_early=True,
        resolver=str(hook.resolver.upstream),
        options=options,
    )


class _Starter:
    """Discovery hook: probe each usable candidate the moment a source names it, with the
    resolver the check gave discovery (one resolver, one cache, one deadline). It keeps the
    attempts so far, for a discovery stopped before its end."""

    def __init__(self, prober: Prober, resolver: Resolver, address: EmailAddress) -> None:
        self.prober = prober
        self.resolver = resolver
        self.address = address
        self.attempts: tuple[Attempt, ...] = ()

    def consider(self, attempt: Attempt, attempts: Sequence[Attempt]) -> None:
        self.attempts = tuple(attempts)
        if attempt.source is Source.TLSA or tier_of(attempt, attempts) is None:
            return
        for cand in attempt.candidates:
            self.start((cand.service, cand.hostname, cand.port, cand.security))

    def start(self, key: Key) -> None:
        self.prober.start(key, self.resolver)


class _Progress:
    """The prober's starts and ends as progress events (run/events.py)."""

    def __init__(self, observer: ProgressObserver, started: float) -> None:
        self.observer = observer
        self.started = started

    def probe_started(self, key: Key) -> None:
        service, host, port, security = key
        checks = f"{SERVICE[service]}, {SECURITY[security]}"
        self.observer(ProbeStarted(target=f"{host}:{port}", at=self._now(), checks=checks))

    def probe_finished(self, key: Key, outcome: SessionResult | NoSession) -> None:
        _, host, port, _ = key
        if isinstance(outcome, NoSession):
            status = Status.TIMED_OUT if outcome.timed_out else Status.FAILED
            detail = outcome.message
        elif outcome.failure is not None:
            status, detail = Status.FAILED, outcome.failure.message
        else:
            status = Status.FOUND
            detail = (outcome.tls.version if outcome.tls else None) or ""
        event = ProbeFinished(target=f"{host}:{port}", at=self._now(), status=status, detail=detail)
        self.observer(event)

    def _now(self) -> float:
        return time.monotonic() - self.started


def _client_entries(report: DiscoveryReport) -> list[PlanEntry]:
    return [
        e
        for service in report.plan.services
        if service.service is not Service.RELAY
        for e in service.entries
    ]


def _relay_entries(report: DiscoveryReport) -> list[PlanEntry]:
    return list(report.plan.for_service(Service.RELAY).entries)


def _key(entry: PlanEntry) -> Key:
    return (entry.service, entry.hostname, entry.port, entry.security)


def _settled(prober: Prober, report: DiscoveryReport, now: datetime) -> bool:
    """Sending and receiving each have a finished, verified candidate."""

    def verified(entries: Sequence[PlanEntry]) -> bool:
        return any(
            prober.finished(_key(entry))
            and _probe(prober, entry, report, now).authenticated_by is not None
            for entry in entries
        )

    plan = report.plan
    return verified(plan.for_service(Service.SUBMISSION).entries) and verified(plan.access)


def _probe(
    prober: Prober, entry: PlanEntry, report: DiscoveryReport, now: datetime
) -> EndpointProbe:
    return assemble_probe(entry, prober.outcome(_key(entry)), _tlsa(entry, report), now=now)


def _tlsa(entry: PlanEntry, report: DiscoveryReport) -> DnsRecordSet | None:
    """Discovery's TLSA answer for the entry's host and port, if it asked."""
    asked = TlsaQuestion(entry.hostname, entry.port)
    for attempt in report.attempts:
        if attempt.payload_as(TlsaQuestion) == asked:
            return attempt.records[0] if attempt.records else None
    return None


def _relay(prober: Prober, entry: PlanEntry, report: DiscoveryReport, now: datetime) -> RelayProbe:
    """One MX host's probe, with whether the domain's MTA-STS policy lists it."""
    sts = next(
        (a for a in report.attempts if a.source is Source.MTA_STS and a.status is Status.FOUND),
        None,
    )
    found = sts.payload_as(MtaSts) if sts is not None else None
    policy = found.policy if found is not None else None
    match = any(mx_matches(p, entry.hostname) for p in policy.mx) if policy else None
    return RelayProbe(
        host=entry.hostname,
        preference_order=entry.origins[0].order,
        probe=_probe(prober, entry, report, now),
        mta_sts_mode=policy.mode if policy is not None else None,
        mta_sts_match=match,
    )
