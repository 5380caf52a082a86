"""The prober: one session task per endpoint, started as sources name them, always awaited.

    start(key, resolver) ─► task: resolve -> probe_session (mailsession.py) ─► outcome(key)
    wait(settled)        ─► until every task ends, the hard deadline, or (at the soft
                            deadline) as soon as ``settled()`` says both legs are verified
    async with Prober(...) ─► on every way out, no task outlives it (cancel and await)

Bounds: at most ``MAX_SESSIONS`` sessions at once (asyncio keeps a 256 KiB buffer per TLS
socket, DESIGN.md section 7) and ``MAX_SESSIONS_PER_HOST`` per host. Each session runs in
the slot its ``Scheduler`` gives it (core/common/schedule.py): by default all at once under
the one hard deadline; the benchmark's one-at-a-time comparison passes a scheduler of its
own, which gives each session a deadline of its own. A watcher hears each start and end;
a broken watcher must not stop the probes.

Batches (``mailhop audit``): a ``SharedSessions`` passed in runs each session for the whole
run instead of this prober: one (service, host, port, security) probed once, its outcome
given to every check that names it, under the run's own caps per server address and per
registrable domain (core/audit/sessions.py). The session then outlives this prober, which
only stops waiting for it.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import ssl
import time
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager
from types import TracebackType
from typing import Protocol

from ..common.model import Security, Service
from ..common.schedule import AllAtOnce, Scheduler
from ..common.tasks import cancel_and_wait
from ..dns.resolver import ResolveError, Resolver
from .mailsession import SessionResult, probe_session
from .stage import NOT_PROBED, STOPPED_WAITING, NoSession, NoSessionCode

__all__ = [
    "MAX_SESSIONS",
    "MAX_SESSIONS_PER_HOST",
    "Key",
    "Outcome",
    "ProbeWatcher",
    "Prober",
    "SharedSessions",
]

MAX_SESSIONS = 32  # asyncio keeps a 256 KiB buffer per TLS socket (DESIGN.md section 7)
MAX_SESSIONS_PER_HOST = 8  # one of each port a mail host serves (7) at once

Key = tuple[Service, str, int, Security]  # service, host (A-label), port, security
Outcome = SessionResult | NoSession
# A batch's caps (SharedSessions.hold) let the session in only after its deadline.
NO_SLOT = NoSession(
    code=NoSessionCode.NO_SLOT,
    message="no connection slot in time (the audit's own limit of sessions per server)",
)


class ProbeWatcher(Protocol):
    """Told when a probe starts and how it ended (the check turns it into progress)."""

    def probe_started(self, key: Key) -> None: ...

    def probe_finished(self, key: Key, outcome: Outcome) -> None: ...


class SharedSessions(Protocol):
    """Sessions shared by many checks in one run (an audit): each key probed once."""

    def outcome(self, key: Key, probe: Callable[[], Awaitable[Outcome]]) -> Awaitable[Outcome]:
        """The outcome of `key`'s one session, started with `probe` by its first asker."""
        ...

    def hold(
        self, host: str, addresses: Sequence[str], deadline: float
    ) -> AbstractAsyncContextManager[float | None]:
        """Wait until a session to `host` at `addresses` may connect, for its length; the
        value is the session's deadline (`deadline` moved on by the time spent waiting), or
        None when the slot came after `deadline` (the session does not begin)."""
        ...

    def delayed(self, key: Key) -> bool:
        """Whether `key`'s session waited for the run's caps (or waits still): a check that
        stops waiting for it has learned nothing about the server."""
        ...


class Prober:
    """Probe tasks keyed by endpoint; use as ``async with`` so that none is left behind."""

    def __init__(
        self,
        *,
        deadline: float,
        context: ssl.SSLContext,
        diagnostic: ssl.SSLContext,
        scheduler: Scheduler | None = None,
        watcher: ProbeWatcher | None = None,
        shared: SharedSessions | None = None,
    ) -> None:
        self.context = context  # mailhop's verifying context (tlscontext.client_context)
        self.diagnostic = diagnostic  # reads a refused chain (tlscontext.diagnostic_context)
        # When each session runs and by when it must end; default: all at once, `deadline`.
        self.scheduler = scheduler or AllAtOnce(deadline)
        self.watcher = watcher
        self.shared = shared
        self.tasks: dict[Key, asyncio.Task[Outcome]] = {}
        self.total = asyncio.Semaphore(MAX_SESSIONS)
        self.per_host: dict[str, asyncio.Semaphore] = {}

    async def __aenter__(self) -> Prober:
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        # Every path (all done, the caller's cancel, an error): no probe may outlive it.
        await cancel_and_wait(self.tasks.values())

    def start(self, key: Key, resolver: Resolver) -> None:
        """Probe `key` unless it is probed already."""
        if key not in self.tasks:
            self.tasks[key] = asyncio.ensure_future(self._session(key, resolver))

    def outcome(self, key: Key) -> Outcome:
        """What the probe of `key` came to; call after ``wait``."""
        task = self.tasks.get(key)
        if task is None:
            return NOT_PROBED
        if not task.done() or task.cancelled():
            # Given up on: the server's fault only if the run's own caps did not hold it up.
            if self.shared is not None and self.shared.delayed(key):
                return NO_SLOT
            return STOPPED_WAITING
        error = task.exception()
        return NoSession.internal_error(error) if error is not None else task.result()

    def finished(self, key: Key) -> bool:
        """The probe of `key` ran to its end (not cancelled, not pending)."""
        task = self.tasks.get(key)
        return task is not None and task.done() and not task.cancelled()

    async def wait(self, settled: Callable[[], bool], *, soft_deadline: float) -> bool:
        """Wait for the probes; at `soft_deadline`, stop waiting once ``settled()``. True
        when the soft deadline ended the wait (the pending probes were given up)."""
        while True:
            pending = [t for t in self.tasks.values() if not t.done()]
            if not pending:
                return False
            now, deadline = time.monotonic(), self.scheduler.deadline
            if now >= deadline:
                break
            if now >= soft_deadline and settled():
                await cancel_and_wait(pending)
                return True
            wake = soft_deadline if now < soft_deadline else deadline
            timeout = None if math.isinf(wake) else max(0.0, wake - now)
            await asyncio.wait(pending, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        await cancel_and_wait(pending)
        return False

    async def _session(self, key: Key, resolver: Resolver) -> Outcome:
        self._tell(lambda watcher: watcher.probe_started(key))
        outcome: Outcome = STOPPED_WAITING
        try:
            outcome = await self._run_session(key, resolver)
            return outcome
        finally:
            self._tell(lambda watcher: watcher.probe_finished(key, outcome))

    def _tell(self, call: Callable[[ProbeWatcher], None]) -> None:
        if self.watcher is not None:
            with contextlib.suppress(Exception):
                call(self.watcher)

    async def _run_session(self, key: Key, resolver: Resolver) -> Outcome:
        shared = self.shared
        if shared is not None:  # the run's caps replace this check's own
            async with self.scheduler.slot() as deadline:
                return await shared.outcome(key, lambda: self._probe(key, resolver, deadline))
        host_limit = self.per_host.setdefault(key[1], asyncio.Semaphore(MAX_SESSIONS_PER_HOST))
        async with self.scheduler.slot() as deadline, self.total, host_limit:
            return await self._probe(key, resolver, deadline)

    async def _probe(self, key: Key, resolver: Resolver, deadline: float) -> Outcome:
        service, host, port, security = key
        try:
            addresses = await resolver.addresses(host)
        except ResolveError as exc:
            code = NoSessionCode.TIMED_OUT if exc.timed_out else NoSessionCode.UNRESOLVED
            return NoSession(code=code, message=str(exc))
        async with (
            self.shared.hold(host, addresses, deadline)
            if self.shared is not None
            else contextlib.nullcontext(deadline)
        ) as session_deadline:
            if session_deadline is None:
                return NO_SLOT
            return await probe_session(
                service,
                host,
                port,
                security,
                addresses=addresses,
                context=self.context,
                diagnostic_context=self.diagnostic,
                deadline=session_deadline,
            )
