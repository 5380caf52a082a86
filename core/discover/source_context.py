"""What every discovery source is given: the address, the run's resolver, fetcher and clock.

Sources are plain async functions ``(SourceContext, ...) -> Attempt``; the schedule in
``discovery`` decides when each runs. Keeping their inputs in one frozen object keeps
them callable alone, in tests and in the benchmark's one-at-a-time comparison.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from ..common.address import EmailAddress
from ..dns.resolver import Resolver
from ..net.fetch import Fetcher
from .mtasts_cache import MtaStsCache

__all__ = ["SourceContext"]


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceContext:
    """One discovery run's shared inputs. ``started``/``deadline`` are monotonic seconds."""

    address: EmailAddress
    registrable: str  # the address domain's registrable domain (A-label)
    resolver: Resolver
    fetcher: Fetcher
    ispdb_url: str
    started: float
    deadline: float
    # The MTA-STS policy cache (RFC 8461 section 5.1); None: nothing is kept or used.
    mtasts_cache: MtaStsCache | None = None

    @property
    def domain(self) -> str:
        return self.address.domain

    def since_start(self) -> float:
        return time.monotonic() - self.started
