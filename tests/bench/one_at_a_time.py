"""The benchmark's comparison schedule: one job after another, each with a budget of its own.

This is how a client that asks one source after another behaves (Thunderbird waits per
source, Delta Chat per URL: DESIGN.md section 7). mailhop itself always runs everything at
once (core/common/schedule.AllAtOnce); the benchmark passes this scheduler to ``discover``
and ``check`` to measure what that is worth, so production code carries no flag for it.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from mailhop.core.dns.resolver import Resolver

__all__ = ["OneAtATime"]


class OneAtATime:
    """Admits one job at a time, in the order they asked, each with `budget` seconds.

    The resolver's deadline is the run's, shared by every lookup: each job's own deadline
    is set on it too, as a sequential client's resolver would give each question its own.
    """

    def __init__(self, budget: float, resolver: Resolver) -> None:
        self.budget = budget
        self.resolver = resolver
        self._turn = asyncio.Lock()  # first come, first served
        self._deadline = math.inf  # the running job's; none between jobs

    @property
    def deadline(self) -> float:
        return self._deadline

    def slot(self) -> AbstractAsyncContextManager[float]:
        return self._slot()

    @asynccontextmanager
    async def _slot(self) -> AsyncIterator[float]:
        async with self._turn:
            self._deadline = time.monotonic() + self.budget
            self.resolver.deadline = self._deadline
            try:
                yield self._deadline
            finally:
                self._deadline = math.inf
