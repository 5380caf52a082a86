"""The audit engine: many checks at once, paced, their results handed on in input order.

    targets ─► (window, --concurrency, --rate) ─► check(postmaster@domain, shared probes)
            ─► reorder buffer ─► write(result), line after line in input order

Each domain gets the ordinary check (run/check.py, never a login) with its own deadlines, so
a black-holed domain costs its own hard deadline and holds one of the ``concurrency`` places
meanwhile, never the others. What the checks share for the whole run is passed in, never a
module global: the probe sessions and their caps (sessions.py), and the DNS cache of
validated root and TLD keys and negative answers (dns/shared_cache.py), the provider
database's answers (provider_db.py), and whether this computer can judge DNS at all (the
root probe of run/vantage.py: one question per run, not one per domain).

Order: completions arrive in any order; the buffer hands them to ``write`` in input order.
No domain starts more than ``window`` places ahead of the first one not yet written, so one
slow domain cannot make the buffer (and memory) grow without bound. A refused line (no
domain, see targets.py) costs no check and keeps its place.

A new domain starts only while the event loop keeps time and the CPU is not all taken
(``_Headroom``): the deadlines are wall-clock, and a loop busy with other checks' answers
would read replies late and call a healthy domain silent.

A check that raises is mailhop's bug; in a run over 10,000 domains it becomes that domain's
result (``error``) rather than the end of the run.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Collection, Sequence
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

import dns.name

from ..common.address import EmailAddress
from ..common.heap import give_back_freed_memory
from ..common.tasks import cancel_and_wait
from ..dns.dnssec import load_root_anchors
from ..dns.resolver import Resolver, system_upstream
from ..dns.shared_cache import SharedDnsCache
from ..net.tlscontext import client_context
from ..run.check import CheckReport, check
from ..run.discovery import DiscoveryOptions
from ..run.vantage import assess
from ..verdict.could_not_check import CouldNotCheck
from . import DEFAULT_CONCURRENCY
from .provider_db import ProviderDb, ProviderDbFetcher
from .sessions import Caps, SharedProbes
from .targets import Target

TRIM_EVERY = 5.0  # seconds between giving freed memory back (a few ms each)

__all__ = [
    "AuditCount",
    "AuditResult",
    "AuditSettings",
    "CheckOne",
    "Shared",
    "audit",
    "check_domain",
]


@dataclass(frozen=True, slots=True)
class AuditSettings:
    concurrency: int = DEFAULT_CONCURRENCY  # domains in flight at most (memory, not pace)
    rate: float | None = None  # domains started per second, over the whole run; None: no cap
    caps: Caps = field(default_factory=Caps)


@dataclass(frozen=True, slots=True)
class AuditResult:
    target: Target
    report: CheckReport | None  # None: the line was refused, or the check failed (error)
    error: str = ""


@dataclass(frozen=True, slots=True)
class AuditCount:
    """How far the run is, for a progress bar."""

    done: int
    total: int
    elapsed: float  # seconds since this run started

    @property
    def rate(self) -> float:
        return self.done / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def left(self) -> float | None:
        """Seconds left at the rate so far; None before there is a rate."""
        rate = self.rate
        return (self.total - self.done) / rate if rate > 0 else None


@dataclass(frozen=True, slots=True)
class Shared:
    """What every check of one run shares, made for the run and passed in (no globals)."""

    probes: SharedProbes
    dns: SharedDnsCache
    provider_db: ProviderDb
    # What keeps this computer from judging DNS (run/vantage.py), asked once for the run;
    # None: each check asks for itself.
    vantage: asyncio.Future[CouldNotCheck | None] | None = None

    def resolver(self, options: DiscoveryOptions) -> Resolver:
        """A resolver for one check (its own deadline) that shares the run's DNS cache."""
        deadline = time.monotonic() + options.hard_deadline
        upstream = options.upstream or system_upstream()
        anchor = options.anchor or load_root_anchors()
        return Resolver(upstream, anchor, deadline=deadline, shared=self.dns)


class CheckOne(Protocol):
    """How one domain is checked: run/check.py's check, unless a test counts the calls."""

    def __call__(
        self, address: EmailAddress, options: DiscoveryOptions, *, shared: Shared
    ) -> Awaitable[CheckReport]: ...


async def check_domain(
    address: EmailAddress,
    options: DiscoveryOptions,
    *,
    shared: Shared,
    resolver: Resolver | None = None,
) -> CheckReport:
    """The ordinary check, with the run's shared probes, DNS cache and provider database;
    `resolver` (default: ``shared.resolver``) should share ``shared.dns``."""
    resolver = resolver or shared.resolver(options)
    context = client_context(options.extra_ca_file)
    # Shielded: a check that ends must not cancel the run's one answer for the others.
    vantage = asyncio.shield(shared.vantage) if shared.vantage is not None else None
    async with ProviderDbFetcher(shared.provider_db, resolver.addresses, context) as fetcher:
        return await check(
            address,
            options,
            resolver=resolver,
            shared=shared.probes,
            fetcher=fetcher,
            vantage=vantage,
        )


async def audit(
    targets: Sequence[Target],
    options: DiscoveryOptions,
    write: Callable[[AuditResult], None],
    *,
    settings: AuditSettings = AuditSettings(),
    done: Collection[int] = (),
    progress: Callable[[AuditCount], None] | None = None,
    check_one: CheckOne = check_domain,
) -> Shared:
    """Check every target whose line is not in `done` and hand each result to `write`, in
    input order. Returns what the checks shared (its counts) once every task has ended."""
    todo = [t for t in targets if t.line not in done]
    run = _Run(todo, write, progress)
    async with (
        SharedProbes(settings.caps) as probes,
        _closing(SharedDnsCache()) as cache,
        _closing(ProviderDb(options.ispdb_url)) as provider_db,
    ):
        vantage = asyncio.ensure_future(_vantage(options, cache))
        shared = Shared(probes, cache, provider_db, vantage)
        places = asyncio.Semaphore(max(1, settings.concurrency))
        pace = _Pace(settings.rate)
        window = 4 * max(1, settings.concurrency)
        room = _Headroom()
        watching = asyncio.ensure_future(room.watch())
        trimming = asyncio.ensure_future(_give_back_memory())
        try:
            async with asyncio.TaskGroup() as group:
                for index, target in enumerate(todo):
                    if target.address is None:
                        run.finished(index, AuditResult(target, None))
                        continue
                    await run.room(index, window)
                    await places.acquire()
                    await pace.wait()
                    await room.calm(lambda: probes.longest_queue <= settings.caps.per_address)
                    group.create_task(run.one(index, target, places, options, shared, check_one))
        finally:
            await cancel_and_wait([watching, trimming, vantage])
    return shared


async def _give_back_memory() -> None:
    """Hand freed heap pages back now and then, so a long run's memory stays flat
    (common/heap.py)."""
    while give_back_freed_memory():
        await asyncio.sleep(TRIM_EVERY)


async def _vantage(options: DiscoveryOptions, cache: SharedDnsCache) -> CouldNotCheck | None:
    """The run's root probe and root-key check, by the soft deadline (as a check's own)."""
    started = time.monotonic()
    upstream = options.upstream or system_upstream()
    anchor = options.anchor or load_root_anchors()
    resolver = Resolver(upstream, anchor, deadline=started + options.hard_deadline, shared=cache)
    zone = options.anchor.name if options.anchor is not None else dns.name.root
    return await assess(resolver, deadline=started + options.soft_deadline, anchor=zone)


class _Closes(Protocol):
    async def close(self) -> None: ...


_T = TypeVar("_T", bound=_Closes)


@contextlib.asynccontextmanager
async def _closing(thing: _T) -> AsyncIterator[_T]:
    try:
        yield thing
    finally:
        await thing.close()


class _Run:
    """The reorder buffer and the count, shared by the run's tasks."""

    def __init__(
        self,
        todo: Sequence[Target],
        write: Callable[[AuditResult], None],
        progress: Callable[[AuditCount], None] | None,
    ) -> None:
        self.total = len(todo)
        self.write = write
        self.progress = progress
        self.waiting: dict[int, AuditResult] = {}
        self.next = 0  # the first index not yet written
        self.started = time.monotonic()
        self.moved = asyncio.Condition()

    async def room(self, index: int, window: int) -> None:
        async with self.moved:
            await self.moved.wait_for(lambda: index - self.next < window)

    async def one(
        self,
        index: int,
        target: Target,
        places: asyncio.Semaphore,
        options: DiscoveryOptions,
        shared: Shared,
        check_one: CheckOne,
    ) -> None:
        assert target.address is not None
        try:
            report = await check_one(target.address, options, shared=shared)
            result = AuditResult(target, report)
        except Exception as exc:  # mailhop's bug: this domain's result, not the run's end
            result = AuditResult(target, None, error=f"internal error ({type(exc).__name__})")
        finally:
            places.release()
        self.finished(index, result)
        async with self.moved:
            self.moved.notify_all()

    def finished(self, index: int, result: AuditResult) -> None:
        self.waiting[index] = result
        while self.next in self.waiting:
            self.write(self.waiting.pop(self.next))
            self.next += 1
        if self.progress is not None:
            elapsed = time.monotonic() - self.started
            self.progress(AuditCount(self.next, self.total, elapsed))


class _Headroom:
    """Whether this process has room for one more check: the event loop keeps time, and the
    process's CPU is not all taken.

    Every check's deadlines are wall-clock time; when the loop is busy with other checks'
    answers (validation, TLS, parsing), a reply that arrived in time is read too late and a
    healthy domain looks silent. So a new domain starts only while the loop's timers run
    on time and the CPU share of the last moments is below BUSY: the run's pace follows
    this machine's CPU, not a count of checks. A check that only waits (a black-holed
    domain's connections, until their deadline) takes no CPU, so it does not keep the
    others from starting: --concurrency bounds the checks in flight (memory), not the pace.
    One start per measurement at most, so the CPU a start causes is seen before the next;
    that caps a process at 1 / EVERY = 50 starts a second (a worker makes about 13 now).
    """

    EVERY = 0.02  # seconds between measurements
    CALM = 0.05  # the lag below which a new check may start
    BUSY = 0.9  # the CPU share (of one core: the loop's) above which none may
    MEMORY = 0.8  # weight of the past in the CPU share: about the last 0.1 s

    def __init__(self) -> None:
        self.lag = 0.0
        self.busy = 0.0
        self._ticks = 0

    async def watch(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            asked, cpu = loop.time(), time.process_time()
            await asyncio.sleep(self.EVERY)
            took = loop.time() - asked
            self.lag = took - self.EVERY
            share = (time.process_time() - cpu) / took if took > 0 else 1.0
            self.busy = self.MEMORY * self.busy + (1 - self.MEMORY) * share
            self._ticks += 1

    async def calm(self, uncrowded: Callable[[], bool]) -> None:
        """Until there is room (see the class) and `uncrowded()`: no server address has
        more than a cap's worth of sessions queued. Measured per address, not in all: 200
        sessions queued at 200 addresses wait no time, 5 at one address wait several
        sessions' length, and a check that waits past its deadline learns nothing there."""
        tick = self._ticks
        while (
            self._ticks == tick or self.lag > self.CALM or self.busy > self.BUSY or not uncrowded()
        ):
            await asyncio.sleep(self.EVERY / 2)


class _Pace:
    """At most `rate` starts a second over the run (evenly spaced: no bursts)."""

    def __init__(self, rate: float | None) -> None:
        self.gap = 1.0 / rate if rate and rate > 0 and math.isfinite(rate) else 0.0
        self.next = time.monotonic()

    async def wait(self) -> None:
        if self.gap == 0.0:
            return
        now = time.monotonic()
        slot, self.next = max(now, self.next), max(now, self.next) + self.gap
        if slot > now:
            await asyncio.sleep(slot - now)
