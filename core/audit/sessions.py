"""Probe sessions shared by every check of one audit, and the caps that keep it polite.

    check A ─┐                         ┌─ one task per (service, host, port, security):
    check B ─┼─ Prober ─► outcome(key) ┤  resolve -> hold(host, addresses) -> session
    check C ─┘                         └─ its outcome, to every check that asks again

A provider that hosts 5,000 of the audited domains is named 5,000 times: it gets one probe
per endpoint, not 5,000 TLS handshakes. The host is the name the certificate must carry, so
the key is the whole question; what each domain makes of the answer (its TLSA records, its
MTA-STS policy) is still judged per domain (probe/stage.py).

The session belongs to the run, not to the check that asked first: that check may end (its
soft deadline) while others still wait, so the task is shielded from the askers and only
``close`` cancels what is left. Its deadline is the first asker's.

Caps (``hold``): at most ``per_address`` sessions at once to one server address and
``per_domain`` to the hosts of one registrable domain, and ``total`` in all (asyncio keeps
a 256 KiB buffer per TLS socket, DESIGN.md section 7). A session counts against every
address it may dial (Happy Eyeballs tries more than one), taken in sorted order so that two
sessions never wait for each other. A session the caps let in only after its deadline does
not begin; that outcome says nothing about the server, so it is not kept as the endpoint's
answer: the next asker probes again in its own time.

The queue is the run's doing, never the server's (DESIGN.md rule 11): a session let in late
gets its whole time from then on (its deadline moves on by the wait), and a check that stops
waiting for a session the caps held up reads "not checked" there (``delayed``), not a
timeout against the domain. The engine starts new domains only while no address has more
than a cap's worth of sessions queued (``longest_queue``), so the wait stays short.
"""

from __future__ import annotations

import asyncio
import time
import weakref
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass

from ..common.domains import registrable_domain
from ..common.lru import Lru
from ..common.tasks import cancel_and_wait
from ..probe.prober import Key, Outcome

__all__ = ["MAX_KEPT", "Caps", "SharedProbes"]

MAX_KEPT = 4096  # endpoints whose outcome is kept for later domains (a few KB each)
_NO_WAIT = 0.005  # seconds: a slot taken this fast was free (the semaphores' own cost)


@dataclass(frozen=True, slots=True)
class Caps:
    """How many sessions may run at once: per server address, per registrable domain, all."""

    per_address: int = 4
    per_domain: int = 16
    total: int = 256


class SharedProbes:
    """One probe per endpoint for a whole run; ``async with`` so that none outlives it."""

    def __init__(self, caps: Caps = Caps()) -> None:
        self.caps = caps
        # Endpoints many domains name stay; one-off ones are forgotten past MAX_KEPT (flat
        # memory over 10,000s of domains); a session still running is never forgotten.
        self.tasks: Lru[Key, asyncio.Task[Outcome]] = Lru(MAX_KEPT, keep=lambda t: not t.done())
        self.started = 0
        self.waiting = 0  # sessions waiting for a cap now (the engine's backpressure)
        self.asked = 0  # how often a check asked (shared ones included), for the summary
        self._total = asyncio.Semaphore(caps.total)
        self._addresses: dict[str, asyncio.Semaphore] = {}
        self._domains: dict[str, asyncio.Semaphore] = {}
        self._late: weakref.WeakSet[asyncio.Future[Outcome]] = weakref.WeakSet()
        # Sessions queued for a cap now, or let in after a wait (see ``delayed``).
        self._held: weakref.WeakSet[asyncio.Future[Outcome]] = weakref.WeakSet()
        self._queued: Counter[str] = Counter()  # sessions waiting, per server address

    async def __aenter__(self) -> SharedProbes:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        await cancel_and_wait(self.tasks.values())

    @property
    def probed(self) -> int:
        """Sessions started: one per endpoint however many domains named it."""
        return self.started

    async def outcome(self, key: Key, probe: Callable[[], Awaitable[Outcome]]) -> Outcome:
        self.asked += 1
        while True:
            task = self.tasks.get(key)
            mine = task is None or (task.done() and task in self._late)
            if mine:
                if task is not None:
                    self._late.discard(task)
                task = self.tasks[key] = asyncio.ensure_future(probe())
                self.started += 1
            assert task is not None
            # The asker may give up (its deadline); the session goes on for the others.
            outcome = await asyncio.shield(task)
            if mine or task not in self._late:
                return outcome
            # The first asker's deadline passed while the session waited for a slot: that
            # says nothing about the server, so this asker tries in its own time.

    @property
    def longest_queue(self) -> int:
        """The most sessions waiting for a slot at any one server address."""
        return max(self._queued.values(), default=0)

    def delayed(self, key: Key) -> bool:
        """Whether `key`'s session is queued for a cap, or was let in after a wait."""
        task = self.tasks.get(key)
        return task is not None and task in self._held

    @asynccontextmanager
    async def hold(
        self, host: str, addresses: Sequence[str], deadline: float
    ) -> AsyncIterator[float | None]:
        domain = registrable_domain(host) or host
        places = sorted(set(addresses))
        task = asyncio.current_task()
        asked = time.monotonic()
        async with AsyncExitStack() as stack:
            self.waiting += 1
            self._queued.update(places)
            if task is not None:
                self._held.add(task)
            try:
                caps = self.caps
                await stack.enter_async_context(self._cap(self._domains, domain, caps.per_domain))
                for address in places:
                    cap = self._cap(self._addresses, address, caps.per_address)
                    await stack.enter_async_context(cap)
                await stack.enter_async_context(self._total)
            finally:
                self.waiting -= 1
                for place in places:
                    self._queued[place] -= 1
                    if not self._queued[place]:
                        del self._queued[place]  # flat over 10,000s of addresses
            admitted = time.monotonic()
            if task is not None and admitted - asked < _NO_WAIT:
                self._held.discard(task)  # let in at once: its time is the server's
            if admitted >= deadline:
                if task is not None:
                    self._late.add(task)  # not kept as the endpoint's answer (see outcome)
                yield None
            else:
                yield deadline + (admitted - asked)  # the wait is the run's, not the server's

    @staticmethod
    def _cap(caps: dict[str, asyncio.Semaphore], name: str, limit: int) -> asyncio.Semaphore:
        return caps.setdefault(name, asyncio.Semaphore(limit))
