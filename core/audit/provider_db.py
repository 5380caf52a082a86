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

The database's host is the same for every domain, so its connections and addresses belong
to the run too: one pool (a TLS handshake per connection, not per domain) and one address
lookup per host (it cost each domain four DNS questions and their DNSSEC validation, the
largest share of a domain's queries in an audit of the lab's scenarios, issue 18).
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
        self._fetcher: Fetcher | None = None
        self._resolve: Resolve | None = None  # the latest asker's, for a host not yet known
        self._addresses: dict[str, asyncio.Task[tuple[str, ...]]] = {}

    def fetcher(self, resolve: Resolve, ssl_context: ssl.SSLContext) -> Fetcher:
        """The run's one fetcher for the database (made with the first asker's context)."""
        self._resolve = resolve
        if self._fetcher is None:
            self._fetcher = Fetcher(self._resolve_once, ssl_context)
        return self._fetcher

    async def _resolve_once(self, host: str) -> Sequence[str]:
        task = self._addresses.get(host)
        # A failed lookup is not kept: the next asker tries in its own time.
        if task is None or (task.done() and (task.cancelled() or task.exception() is not None)):
            assert self._resolve is not None
            task = self._addresses[host] = asyncio.ensure_future(_addresses(self._resolve, host))
        return await asyncio.shield(task)  # an asker that gives up leaves it to the others

    def covers(self, url: str, method: str, body: bytes | None) -> bool:
        return url.startswith(self.base) and method.upper() == "GET" and body is None

    async def close(self) -> None:
        await cancel_and_wait([*self.results.values(), *self._addresses.values()])
        if self._fetcher is not None:
            await self._fetcher.aclose()


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
        # The run's connections: this check's fetcher may close while others still wait.
        return await self.db.fetcher(*self.made_with).fetch(url, headers=headers, **rest)


async def _addresses(resolve: Resolve, host: str) -> tuple[str, ...]:
    return tuple(await resolve(host))
