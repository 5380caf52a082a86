"""One discovery run's tasks: the phase-1 sources at once, follow-ups as answers arrive.

    start(source)  -> a task that waits for its scheduler slot, then asks the source
    drain()        -> each answer as it arrives: kept, told to the observer, followed up
                      (TLSA for new endpoints, MX-derived lookups), handed to the hook;
                      at the soft deadline it stops once the verified answer is complete,
                      at the scheduler's deadline what still runs is timed out
    abandon()      -> on every way out, no task outlives the run (cancelled and awaited)

Which function answers for each source is the ``Sources`` record's business, when each runs
the ``Scheduler``'s (core/common/schedule.py); this module only keeps the order of events.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from typing import Any

from ..common.domains import registrable_domain
from ..common.failure import Failure as FailureRecord
from ..common.model import Service
from ..common.schedule import Scheduler
from ..common.tasks import cancel_and_wait
from ..discover.report import Attempt, Auth, Failure, Source, Status
from ..discover.source_context import SourceContext
from ..discover.source_mx_derived import mx_lookup_domains
from ..discover.source_srv import SRV_SERVICES
from ..discover.sources import Sources
from ..policy.plan import Plan, Tier, make_plan
from .events import ProgressEvent, ProgressObserver, SourceFinished, SourceStarted

__all__ = ["AttemptHook", "DiscoveryRun"]

# Sees each attempt as it arrives, with all attempts so far (the check probes a server the
# moment a source names it).
AttemptHook = Callable[[Attempt, Sequence[Attempt]], None]
SourceCall = Callable[..., Awaitable[Any]]


class DiscoveryRun:
    """The tasks of one run: started at once, follow-ups spawned as answers arrive."""

    def __init__(
        self,
        ctx: SourceContext,
        *,
        sources: Sources,
        scheduler: Scheduler,
        observer: ProgressObserver,
        soft_deadline: float,
        on_attempt: AttemptHook | None = None,
    ) -> None:
        self.ctx = ctx
        self.sources = sources
        self.scheduler = scheduler
        self.observer = observer
        self.soft_deadline = soft_deadline  # monotonic seconds
        self.on_attempt = on_attempt
        self.attempts: list[Attempt] = []
        self.stopped_early = False
        self._tasks: dict[asyncio.Task[list[Attempt]], tuple[Source, str, float]] = {}
        self._given_up: list[asyncio.Task[list[Attempt]]] = []  # cancelled, not yet awaited
        self._tlsa_asked: set[tuple[str, int]] = set()
        self._mx_asked: set[str] = set()
        self._primer: asyncio.Future[None] | None = None

    def now(self) -> float:
        return self.ctx.since_start()

    def emit(self, event: ProgressEvent) -> None:
        with contextlib.suppress(Exception):  # a broken observer must not stop discovery
            self.observer(event)

    # -- starting sources ------------------------------------------------------------

    def start(self, source: Source, target: str, fn: SourceCall, *args: object) -> None:
        """Run ``fn(ctx, *args)`` as a source, in the slot the scheduler gives it."""

        async def run() -> list[Attempt]:
            async with self.scheduler.slot() as deadline:
                found = await fn(replace(self.ctx, deadline=deadline), *args)
            return found if isinstance(found, list) else [found]

        task = asyncio.ensure_future(run())
        self._tasks[task] = (source, target, self.now())
        task_id = _task_id(source, target)
        self.emit(SourceStarted(source=source, target=target, at=self.now(), task=task_id))

    def _prime(self) -> None:
        """The DNSSEC chain to the address's zone is needed by nearly every answer: fetch
        it alongside the first questions rather than after them (one round trip saved)."""

        async def primed() -> None:
            async with self.scheduler.slot():
                await self.ctx.resolver.prime(self.ctx.domain)

        self._primer = asyncio.ensure_future(primed())
        self._primer.add_done_callback(lambda done: done.cancelled() or done.exception())

    def phase_one_sources(self) -> None:
        ctx, domain, ask = self.ctx, self.ctx.domain, self.sources
        self._prime()
        # Longest chains first: an HTTPS fetch is 4 round trips, a DNS question 1. Their
        # answers then come back (and get the event loop's CPU) before the short ones.
        self.start(Source.ISPDB, f"{ctx.ispdb_url}{domain}", ask.ispdb, domain)
        self.start(Source.AUTOCONFIG, f"autoconfig.{domain}", ask.autoconfig)
        self.start(Source.WELL_KNOWN, f"{domain}/.well-known/autoconfig", ask.well_known)
        self.start(Source.PACC, f"ua-auto-config.{domain}", ask.pacc)
        self.start(Source.AUTODISCOVER, f"autodiscover.{domain}", ask.autodiscover)
        self.start(Source.MTA_STS, f"mta-sts.{domain}", ask.mta_sts)
        for label in SRV_SERVICES:
            self.start(Source.SRV, f"{label}.{domain} SRV", ask.srv, label)
        self.start(Source.MX, f"{domain} MX", ask.mx)
        # Information only (keys for the address, TLS reports): last in line.
        self.start(Source.WKD, f"openpgpkey.{domain}", ask.wkd)
        self.start(Source.TLS_RPT, f"_smtp._tls.{domain} TXT", ask.tls_rpt)
        for source in (Source.OPENPGPKEY, Source.SMIMEA):
            target = f"{source.value} for {ctx.address.ascii}"
            self.start(source, target, ask.smimea_or_openpgpkey, source)

    def follow_up(self, attempt: Attempt) -> None:
        """Start what an answer makes possible: TLSA for new endpoints, MX-derived lookups."""
        if attempt.source is Source.TLSA or attempt.status is not Status.FOUND:
            return
        if attempt.auth is Auth.DNSSEC_BOGUS:
            return
        for cand in attempt.candidates:
            key = (cand.hostname, cand.port)
            if key not in self._tlsa_asked:
                self._tlsa_asked.add(key)
                target = f"_{cand.port}._tcp.{cand.hostname} TLSA"
                self.start(Source.TLSA, target, self.sources.tlsa, cand.hostname, cand.port)
        if attempt.source is Source.MX:
            for cand in attempt.candidates:
                self._mx_derived(cand.hostname)

    def _mx_derived(self, mx_host: str) -> None:
        """Autoconfig and the provider database for an MX host in another domain."""
        base = registrable_domain(mx_host)
        if not base or base == self.ctx.registrable:
            return
        # Each of the MX host's parent domains once per run, however many MX hosts share
        # it (mx1 and mx2.mail.protection.x: one question per domain).
        domains = tuple(d for d in mx_lookup_domains(mx_host) if d not in self._mx_asked)
        if domains:
            self._mx_asked.update(domains)
            target = f"{', '.join(domains)} (from MX {mx_host})"
            self.start(Source.MX_AUTOCONFIG, target, self.sources.mx_derived, mx_host, domains)

    # -- waiting ---------------------------------------------------------------------

    async def phase_one(self) -> None:
        self.phase_one_sources()
        try:
            await self._drain(allow_early=True)
        finally:
            if self._primer is not None and not self._primer.done():
                self._primer.cancel()

    async def phase_two(self) -> None:
        domain, ask = self.ctx.domain, self.sources
        self.start(Source.HTTP_AUTOCONFIG, f"http://autoconfig.{domain}", ask.http_autoconfig)
        self.start(Source.GUESS, f"conventional hosts in {domain}", ask.guess, self._mx_host())
        await self._drain(allow_early=False)

    def _mx_host(self) -> tuple[str, ...]:
        """The most preferred MX host, for phase 2 to try before conventional names (as
        Thunderbird and K-9 Mail take only the first MX); none from a bogus answer."""
        for attempt in self.attempts:
            usable = attempt.status is Status.FOUND and attempt.auth is not Auth.DNSSEC_BOGUS
            if attempt.source is Source.MX and usable and attempt.candidates:
                return (min(attempt.candidates, key=lambda c: c.order).hostname,)
        return ()

    async def _drain(self, *, allow_early: bool) -> None:
        soft = self.soft_deadline
        while self._tasks:
            now, deadline = time.monotonic(), self.scheduler.deadline
            if allow_early and now >= soft and self._complete():
                self.stopped_early = True
                self._cancel("stopped at the soft deadline: verified settings were complete")
                return
            if now >= deadline:
                self._cancel("no answer before the deadline")
                return
            wake = soft if allow_early and now < soft else deadline
            timeout = None if math.isinf(wake) else max(0.0, wake - now)
            done, _ = await asyncio.wait(
                self._tasks, timeout=timeout, return_when=asyncio.FIRST_COMPLETED
            )
            for task in done:
                self._finish(task)

    def _finish(self, task: asyncio.Task[list[Attempt]]) -> None:
        source, target, started = self._tasks.pop(task)
        task_id = _task_id(source, target)
        try:
            found = task.result()
        except Exception as exc:  # a bug in a source: its attempt says so, the run goes on
            crash = FailureRecord.internal(Failure.INTERNAL, exc)
            elapsed = self.now() - started
            crashed = _unanswered(source, target, Status.FAILED, crash.message, started, elapsed)
            found = [replace(crashed, failure=Failure.INTERNAL, crash=crash)]
        for attempt in found:
            self.attempts.append(attempt)
            self._finished(attempt.source, attempt.target, task_id, attempt.status, attempt.detail)
            self.follow_up(attempt)
            if self.on_attempt is not None:
                self.on_attempt(attempt, self.attempts)
        if not found:
            self._finished(source, target, task_id, Status.SKIPPED, "nothing to ask")

    def _finished(self, source: Source, target: str, task: str, status: Status, why: str) -> None:
        at = self.now()
        event = SourceFinished(
            source=source, target=target, at=at, task=task, status=status, detail=why
        )
        self.emit(event)

    async def abandon(self) -> None:
        """Cancel every source still running, and wait until they and the ones a deadline
        gave up on have let go."""
        pending: list[asyncio.Future[Any]] = [*self._tasks, *self._given_up]
        if self._primer is not None:
            pending.append(self._primer)
        self._tasks.clear()
        self._given_up.clear()
        await cancel_and_wait(pending)

    def _cancel(self, why: str) -> None:
        """A deadline: what still runs is timed out (awaited by ``abandon``)."""
        for task, (source, target, started) in list(self._tasks.items()):
            task.cancel()
            self._given_up.append(task)
            elapsed = self.now() - started
            self.attempts.append(
                _unanswered(source, target, Status.TIMED_OUT, why, started, elapsed)
            )
            self._finished(source, target, _task_id(source, target), Status.TIMED_OUT, why)
        self._tasks.clear()

    # -- the plan so far ---------------------------------------------------------------

    def _plan(self) -> Plan:
        ctx = self.ctx
        return make_plan(ctx.address.ascii, ctx.domain, ctx.registrable, self.attempts)

    def _complete(self) -> bool:
        """Submission and access have tier-A candidates and their TLSA answers are in."""
        plan = self._plan()
        submission = plan.for_service(Service.SUBMISSION).best
        access = plan.access[0] if plan.access else None
        if submission is None or access is None:
            return False
        if submission.tier is not Tier.A or access.tier is not Tier.A:
            return False
        pending = {target for source, target, _ in self._tasks.values() if source is Source.TLSA}
        wanted = {f"_{e.port}._tcp.{e.hostname} TLSA" for e in (submission, access)}
        return not (pending & wanted)

    def usable(self) -> bool:
        plan = self._plan()
        return bool(plan.for_service(Service.SUBMISSION).entries) and bool(plan.access)


def _unanswered(
    source: Source, target: str, status: Status, why: str, started: float, elapsed: float
) -> Attempt:
    """The attempt of a source that ended without an answer of its own (crash, deadline)."""
    return Attempt(
        source=source,
        target=target,
        status=status,
        auth=Auth.NONE,
        detail=why,
        started=started,
        elapsed=elapsed,
    )


def _task_id(source: Source, target: str) -> str:
    return f"{source.value} {target}"
