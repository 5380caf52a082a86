"""The provider database, fetched once per URL for a whole audit.

Every domain's discovery asks the provider database (Thunderbird's ISPDB, or the lab's) for
its own name, and for the parent domains of its MX hosts (source_mx_derived.py). In a list
where a provider hosts thousands of the domains, those MX-derived questions are the same
URL thousands of times. ``ProviderDbFetcher`` is the check's ordinary fetcher, except that a
URL under the provider database's base is fetched once per run and its result (an immutable
``FetchResult``: status, body, hops) handed to every discovery that asks, while it is still
being fetched too. What each domain makes of it (placeholders, tiers) stays per domain.

Only the provider database is shared: a domain's own documents (autoconfig, MTA-STS, PACC)
can depend on who asks and are fetched per domain as before. The first asker's deadline
bounds the fetch; an asker that gives up does not end it for the others.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Sequence
from typing import Any

from ..common.lru import Lru
from ..common.tasks import cancel_and_wait
from ..net.connect import Resolve
from ..net.fetch import Fetcher
from ..net.fetch_result import FetchResult

__all__ = ["MAX_KEPT", "ProviderDb", "ProviderDbFetcher"]

MAX_KEPT = 1024  # provider-database answers kept for later domains


class ProviderDb:
    """The run's provider-database answers by URL; ``close`` ends what is still in flight."""

    def __init__(self, base_url: str) -> None:
        self.base = base_url.rstrip("/") + "/"
        # Per-domain URLs are asked once and forgotten; a provider's stay (flat memory).
        self.results: Lru[str, asyncio.Task[FetchResult]] = Lru(
            MAX_KEPT, keep=lambda t: not t.done()
        )
        self.asked = 0

    def covers(self, url: str, method: str, body: bytes | None) -> bool:
        return url.startswith(self.base) and method.upper() == "GET" and body is None

    async def close(self) -> None:
        await cancel_and_wait(self.results.values())


class ProviderDbFetcher(Fetcher):
    """A check's fetcher that takes provider-database answers from the run's ``ProviderDb``."""

    def __init__(self, db: ProviderDb, resolve: Resolve, ssl_context: ssl.SSLContext) -> None:
        super().__init__(resolve, ssl_context)
        self.db = db
        self.made_with = (resolve, ssl_context)

    async def fetch(
        self,
        url: str,
        *,
        method: str = "GET",
        body: bytes | None = None,
        headers: Sequence[tuple[str, str]] = (),
        **rest: Any,
    ) -> FetchResult:
        db = self.db
        if not db.covers(url, method, body):
            return await super().fetch(url, method=method, body=body, headers=headers, **rest)
        db.asked += 1
        key = url + "\0" + repr(tuple(headers))
        task = db.results.get(key)
        if task is None or (task.done() and (task.cancelled() or task.exception() is not None)):
            fetching = self._fetch_alone(url, headers=headers, **rest)
            task = db.results[key] = asyncio.ensure_future(fetching)
        return await asyncio.shield(task)

    async def _fetch_alone(
        self, url: str, *, headers: Sequence[tuple[str, str]], **rest: Any
    ) -> FetchResult:
        # Its own connection: this check's fetcher may close while others still wait.
        async with Fetcher(*self.made_with) as alone:
            return await alone.fetch(url, headers=headers, **rest)
