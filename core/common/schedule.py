"""When a stage's jobs run, and by when each must end: by default all at once, one deadline.

DESIGN.md section 7: everything independent runs at once, so an unreachable host costs its
deadline once, in parallel with the rest. A stage (discovery's sources, the check's probes)
enters ``slot()`` around each job and stops waiting at ``deadline``. The default,
``AllAtOnce``, lets every job in at once under the run's one deadline.

This is a seam rather than a flag because the only other schedule is the benchmark's
comparison (one job after another, each with a budget of its own, as a client that tries one
source after another behaves): the benchmark passes a scheduler of its own
(tests/bench/one_at_a_time.py), and production code knows nothing of it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Protocol

__all__ = ["AllAtOnce", "Scheduler"]


class Scheduler(Protocol):
    """Admits a stage's jobs and says by when they must end."""

    @property
    def deadline(self) -> float:
        """``time.monotonic()`` by which every job admitted so far must have ended (a stage
        gives up on what still runs then); ``math.inf`` while none has a deadline yet."""
        ...

    def slot(self) -> AbstractAsyncContextManager[float]:
        """Wait for a job's turn; the value is that job's deadline."""
        ...


class AllAtOnce:
    """Every job at once, all under one deadline (the default everywhere)."""

    def __init__(self, deadline: float) -> None:
        self._deadline = deadline

    @property
    def deadline(self) -> float:
        return self._deadline

    @asynccontextmanager
    async def _slot(self) -> AsyncIterator[float]:
        yield self._deadline

    def slot(self) -> AbstractAsyncContextManager[float]:
        return self._slot()
