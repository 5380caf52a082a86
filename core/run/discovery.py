"""The discovery schedule: every phase-1 source at once, under one deadline.

    t=0   SRV x6, MX, autoconfig, .well-known, ISPDB, PACC, MTA-STS, TLS-RPT,
          Autodiscover, WKD, OPENPGPKEY, SMIMEA            -- all started together
    SRV/MX/document answers  -> TLSA for each new host:port, the moment they arrive
    MX answer                -> MX-derived autoconfig + ISPDB for the MX host's parent
                                domains, deepest first, down to its registrable domain
    soft deadline (3 s)      -> stop waiting if submission and access already have
                                tier-A candidates and no TLSA lookup for them is pending
    hard deadline (8 s)      -> stop; what has not answered is "timed out"
    phase 2                  -> only when phase 1 found nothing usable for submission or
                                access: plain-HTTP autoconfig (no address) and guesses

An unreachable host therefore costs its deadline once, in parallel with everything
else (DESIGN.md section 7). Progress goes to an observer as it happens, so the CLI and
the GUI can show each source live; the observer is called on the event loop's thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..common.address import EmailAddress
from ..common.domains import registrable_domain
from ..common.model import Service
from ..common.tasks import cancel_and_wait
from ..discover.report import Attempt, Auth, Source, Status
from ..discover.source_context import DEFAULT_ISPDB_URL, SourceContext
from ..discover.source_dns import SRV_SERVICES, guess, mx, smimea_or_openpgpkey, srv, tls_rpt, tlsa
from ..discover.source_web import (
    autoconfig,
    autodiscover,
    http_autoconfig,
    ispdb,
    mta_sts,
    mx_derived,
    mx_lookup_domains,
    pacc,
    well_known,
    wkd,
)
from ..dns.dnssec import TrustAnchor, load_root_anchors
from ..dns.resolver import Resolver, Upstream, system_upstream
from ..net.fetch import Fetcher
from ..net.tlscontext import client_context
from ..policy.plan import Plan, Tier, make_plan
from .events import (
    Phase,
    PhaseBegan,
    ProgressEvent,
    ProgressObserver,
    SourceFinished,
    SourceStarted,
    ignore,
)

__all__ = [
    "DEFAULT_HARD_DEADLINE",
    "DEFAULT_SOFT_DEADLINE",
    "DiscoveryOptions",
    "DiscoveryReport",
    "discover",
]

DEFAULT_SOFT_DEADLINE = 3.0  # seconds: stop early once the verified answer is complete
DEFAULT_HARD_DEADLINE = 8.0  # seconds: never wait longer than this for any source


@dataclass(frozen=True, slots=True)
class DiscoveryOptions:
    """The settings every command shares (``--resolver``, ``--trust-anchor``, ...)."""

    upstream: Upstream | None = None  # None: the system's first name server
    anchor: TrustAnchor | None = None  # None: the IANA root keys shipped with mailhop
    extra_ca_file: Path | None = None
    ispdb_url: str = DEFAULT_ISPDB_URL
    soft_deadline: float = DEFAULT_SOFT_DEADLINE
    hard_deadline: float = DEFAULT_HARD_DEADLINE
    phase2: bool = True
    sequential: bool = False  # one source at a time: only for the benchmark's comparison


@dataclass(frozen=True, slots=True)
class DiscoveryReport:
    address: EmailAddress
    registrable: str
    attempts: tuple[Attempt, ...]
    plan: Plan
    elapsed: float
    phase2: bool  # phase 2 ran
    stopped_early: bool  # the soft deadline ended the wait
    resolver: str
    options: DiscoveryOptions = field(repr=False)


AttemptHook = Callable[[Attempt, Sequence[Attempt], SourceContext], None]


async def discover(
    address: EmailAddress,
    options: DiscoveryOptions,
    observer: ProgressObserver | None = None,
    *,
    on_attempt: AttemptHook | None = None,
) -> DiscoveryReport:
    """Run discovery for `address`; remote failures are in the report, never raised.

    `on_attempt` sees each attempt as it arrives (with all attempts so far and the run's
    context): the check command starts probing a server the moment a source names it.
    """
    started = time.monotonic()
    upstream = options.upstream or system_upstream()
    registrable = registrable_domain(address.domain) or address.domain
    resolver = Resolver(
        upstream, options.anchor or load_root_anchors(), deadline=started + options.hard_deadline
    )
    context = client_context(options.extra_ca_file)
    async with Fetcher(resolve=resolver.addresses, ssl_context=context) as fetcher:
        ctx = SourceContext(
            address=address,
            registrable=registrable,
            resolver=resolver,
            fetcher=fetcher,
            ispdb_url=options.ispdb_url,
            started=started,
            deadline=started + options.hard_deadline,
        )
        run = _Run(ctx, observer or ignore, options, on_attempt)
        try:
            await run.phase_one()
            phase2 = False
            if options.phase2 and not run.usable():
                phase2 = True
                run.emit(PhaseBegan(phase=Phase.PLAIN_HTTP_AND_GUESSES, at=run.now()))
                await run.phase_two()
        finally:
            # Every path: the sources a deadline gave up on, and on the caller's cancel (the
            # GUI's Cancel) or an error all that still runs, end before discover returns.
            await run.abandon()
    attempts = tuple(run.attempts)
    plan = make_plan(address.ascii, address.domain, registrable, attempts)
    return DiscoveryReport(
        address=address,
        registrable=registrable,
        attempts=attempts,
        plan=plan,
        elapsed=time.monotonic() - started,
        phase2=phase2,
        stopped_early=run.stopped_early,
        resolver=str(upstream),
        options=options,
    )


class _Run:
    """The tasks of one run: started at once, follow-ups spawned as answers arrive."""

    def __init__(
        self,
        ctx: SourceContext,
        observer: ProgressObserver,
        options: DiscoveryOptions,
        on_attempt: AttemptHook | None = None,
    ) -> None:
        self.ctx = ctx
        self.on_attempt = on_attempt
        self.observer = observer
        self.options = options
        self.attempts: list[Attempt] = []
        self.stopped_early = False
        self._tasks: dict[asyncio.Task[list[Attempt]], tuple[Source, str, float]] = {}
        self._given_up: list[asyncio.Task[list[Attempt]]] = []  # cancelled, not yet awaited
        self._tlsa_asked: set[tuple[str, int]] = set()
        self._mx_asked: set[str] = set()
        self._queue: list[tuple[Source, str, Callable[..., Awaitable[Any]], tuple[object, ...]]]
        self._queue = []
        self._deadline = ctx.deadline
        self._primer: asyncio.Future[None] | None = None

    def now(self) -> float:
        return self.ctx.since_start()

    def emit(self, event: ProgressEvent) -> None:
        with contextlib.suppress(Exception):  # a broken observer must not stop discovery
            self.observer(event)

    # -- starting sources ------------------------------------------------------------

    def start(
        self, source: Source, target: str, fn: Callable[..., Awaitable[Any]], *args: object
    ) -> None:
        """Run ``fn(ctx, *args)`` as a source: now, or queued in sequential mode."""
        if self.options.sequential:
            self._queue.append((source, target, fn, args))
            return
        self._spawn(source, target, fn, args, self.ctx)

    def _spawn(
        self,
        source: Source,
        target: str,
        fn: Callable[..., Awaitable[Any]],
        args: tuple[object, ...],
        ctx: SourceContext,
    ) -> None:
        async def run() -> list[Attempt]:
            found = await fn(ctx, *args)
            return found if isinstance(found, list) else [found]

        coroutine: Coroutine[Any, Any, list[Attempt]] = run()
        task = asyncio.ensure_future(coroutine)
        self._tasks[task] = (source, target, self.now())
        task_id = _task_id(source, target)
        self.emit(SourceStarted(source=source, target=target, at=self.now(), task=task_id))

    def _spawn_next(self) -> None:
        """Sequential mode: the next source, with a deadline of its own (as a client that
        tries one source after another would give it)."""
        source, target, fn, args = self._queue.pop(0)
        self._deadline = time.monotonic() + self.options.hard_deadline
        self.ctx.resolver.deadline = self._deadline
        self._spawn(source, target, fn, args, replace(self.ctx, deadline=self._deadline))

    def phase_one_sources(self) -> None:
        ctx, domain = self.ctx, self.ctx.domain
        # The DNSSEC chain to the address's zone is needed by nearly every answer: fetch
        # it alongside the first questions rather than after them (one round trip saved).
        if not self.options.sequential:
            self._primer = asyncio.ensure_future(ctx.resolver.prime(domain))
            self._primer.add_done_callback(lambda done: done.cancelled() or done.exception())
        # Longest chains first: an HTTPS fetch is 4 round trips, a DNS question 1. Their
        # answers then come back (and get the event loop's CPU) before the short ones.
        self.start(Source.ISPDB, f"{ctx.ispdb_url}{domain}", ispdb, domain)
        self.start(Source.AUTOCONFIG, f"autoconfig.{domain}", autoconfig)
        self.start(Source.WELL_KNOWN, f"{domain}/.well-known/autoconfig", well_known)
        self.start(Source.PACC, f"ua-auto-config.{domain}", pacc)
        self.start(Source.AUTODISCOVER, f"autodiscover.{domain}", autodiscover)
        self.start(Source.MTA_STS, f"mta-sts.{domain}", mta_sts)
        for label in SRV_SERVICES:
            self.start(Source.SRV, f"{label}.{domain} SRV", srv, label)
        self.start(Source.MX, f"{domain} MX", mx)
        # Information only (keys for the address, TLS reports): last in line.
        self.start(Source.WKD, f"openpgpkey.{domain}", wkd)
        self.start(Source.TLS_RPT, f"_smtp._tls.{domain} TXT", tls_rpt)
        for source in (Source.OPENPGPKEY, Source.SMIMEA):
            self.start(
                source,
                f"{source.value} for {ctx.address.ascii}",
                smimea_or_openpgpkey,
                source,
            )

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
                self.start(
                    Source.TLSA,
                    f"_{cand.port}._tcp.{cand.hostname} TLSA",
                    tlsa,
                    cand.hostname,
                    cand.port,
                )
        if attempt.source is Source.MX:
            for cand in attempt.candidates:
                base = registrable_domain(cand.hostname)
                if not base or base == self.ctx.registrable:
                    continue
                # Each of the MX host's parent domains once per run, however many MX hosts
                # share it (mx1 and mx2.mail.protection.x: one question per domain).
                domains = tuple(
                    d for d in mx_lookup_domains(cand.hostname) if d not in self._mx_asked
                )
                if domains:
                    self._mx_asked.update(domains)
                    self.start(
                        Source.MX_AUTOCONFIG,
                        f"{', '.join(domains)} (from MX {cand.hostname})",
                        mx_derived,
                        cand.hostname,
                        domains,
                    )

    # -- waiting ---------------------------------------------------------------------

    async def phase_one(self) -> None:
        self.phase_one_sources()
        try:
            await self._drain(allow_early=True)
        finally:
            if self._primer is not None and not self._primer.done():
                self._primer.cancel()

    async def phase_two(self) -> None:
        ctx = self.ctx
        self.start(Source.HTTP_AUTOCONFIG, f"http://autoconfig.{ctx.domain}", http_autoconfig)
        self.start(Source.GUESS, f"conventional hosts in {ctx.domain}", guess, self._mx_host())
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
        soft = self.ctx.started + self.options.soft_deadline
        while self._tasks or self._queue:
            if not self._tasks:
                self._spawn_next()
            now = time.monotonic()
            if allow_early and now >= soft and self._complete():
                self.stopped_early = True
                self._cancel("stopped at the soft deadline: verified settings were complete")
                return
            if now >= self._deadline:
                self._cancel("no answer before the deadline")
                return
            wake = soft if allow_early and now < soft else self._deadline
            done, _ = await asyncio.wait(
                self._tasks, timeout=max(0.0, wake - now), return_when=asyncio.FIRST_COMPLETED
            )
            for task in done:
                self._finish(task)

    def _finish(self, task: asyncio.Task[list[Attempt]]) -> None:
        source, target, started = self._tasks.pop(task)
        try:
            found = task.result()
        except Exception as exc:
            found = [self._crashed(source, target, started, exc)]
        for attempt in found:
            self.attempts.append(attempt)
            self.emit(
                SourceFinished(
                    source=attempt.source,
                    target=attempt.target,
                    at=self.now(),
                    task=_task_id(source, target),
                    status=attempt.status,
                    detail=attempt.detail,
                )
            )
            self.follow_up(attempt)
            if self.on_attempt is not None:
                self.on_attempt(attempt, self.attempts, self.ctx)
        if not found:
            self.emit(
                SourceFinished(
                    source=source,
                    target=target,
                    at=self.now(),
                    task=_task_id(source, target),
                    status=Status.SKIPPED,
                    detail="nothing to ask",
                )
            )

    def _crashed(self, source: Source, target: str, started: float, exc: Exception) -> Attempt:
        why = f"internal error in mailhop ({type(exc).__name__}: {exc}); please report it"
        return _unanswered(source, target, Status.FAILED, why, started, self.now() - started)

    async def abandon(self) -> None:
        """Cancel every source still running, and wait until they and the ones a deadline
        gave up on have let go."""
        pending: list[asyncio.Future[Any]] = [*self._tasks, *self._given_up]
        if self._primer is not None:
            pending.append(self._primer)
        self._tasks.clear()
        self._given_up.clear()
        self._queue.clear()
        await cancel_and_wait(pending)

    def _cancel(self, why: str) -> None:
        """A deadline: what still runs is timed out (awaited by ``abandon``)."""
        for task, (source, target, started) in list(self._tasks.items()):
            task.cancel()
            self._given_up.append(task)
            elapsed = self.now() - started
            attempt = _unanswered(source, target, Status.TIMED_OUT, why, started, elapsed)
            self.attempts.append(attempt)
            task_id = _task_id(source, target)
            self.emit(
                SourceFinished(
                    source=source,
                    target=target,
                    at=self.now(),
                    task=task_id,
                    status=Status.TIMED_OUT,
                    detail=why,
                )
            )
        self._tasks.clear()
        self._queue.clear()

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
        if Tier.A not in (submission.tier,) or access.tier is not Tier.A:
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
