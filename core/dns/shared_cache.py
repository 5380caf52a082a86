"""What the resolvers of one batch run (``mailhop audit``) share: the validated keys of the
trust anchor's zone and of the top-level domains, and negative answers within their TTLs.

One ``Resolver`` serves one check, so each check used to walk the root and its TLD again:
the same DS and DNSKEY questions, the same signature checks, for every domain of a list. A
``SharedDnsCache`` passed to each resolver keeps those zones once they are validated
(SECURE, with their keys) and hands them to the next walk, which then starts below them:
never re-validated per domain, and dropped when their DNSKEY TTL runs out.

Negative answers (NXDOMAIN, NODATA) are kept as the messages that came, for the negative
TTL of RFC 2308 section 5 (the SOA record's TTL, at most its MINIMUM field), and so are the
anchor's and the TLDs' DS and DNSKEY answers (the vantage check asks for the anchor's keys
in every check): the question is not asked again, but each reader still validates what it
reads, so the cache saves round trips and never makes an answer more trusted than it is.

Which signatures verified is kept too (``dnssec_sigs.Verified``, keyed by the records,
the signature and the keys themselves): a provider's records, and the TLD's proofs, are
checked once per run instead of once per domain that meets them.

Only data the validator accepted or the upstream sent goes in; nothing here is per domain.
Deeper zones are not shared: a domain's own keys are its own check's business.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

import dns.message
import dns.name
import dns.rcode
import dns.rdatatype
from dns.rdtypes.ANY.SOA import SOA

from ..common.lru import Lru
from ..common.tasks import cancel_and_wait
from .dnssec_result import Security, ZoneState
from .dnssec_sigs import Verified

__all__ = ["MAX_ANSWERS", "MAX_KEEP", "SharedDnsCache"]

MAX_KEEP = 3600.0  # seconds: however long a TTL says, a batch revalidates hourly
MAX_ANSWERS = 4096  # messages kept (about 8 KB each as dnspython objects: 32 MB)
RdataType = dns.rdatatype.RdataType


class SharedDnsCache:
    """Validated anchor and TLD zones and negative answers, for many resolvers in one run."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._zones: dict[dns.name.Name, tuple[ZoneState, float]] = {}
        # Most negative answers concern one domain and are never asked again: the least
        # recently used go past MAX_ANSWERS, so memory stays flat over a long run.
        self._responses: Lru[tuple[dns.name.Name, RdataType], tuple[dns.message.Message, float]]
        self._responses = Lru(MAX_ANSWERS)
        # The anchor's and TLDs' key questions in flight: a run starts many checks at once,
        # and each would otherwise ask them before the first answer is kept.
        self._asking: dict[tuple[dns.name.Name, RdataType], asyncio.Task[dns.message.Message]]
        self._asking = {}
        self.verified = Verified()
        self.zone_hits = 0
        self.response_hits = 0

    async def close(self) -> None:
        """End the questions still in flight (the run is over)."""
        await cancel_and_wait(self._asking.values())

    async def fetch(
        self,
        name: dns.name.Name,
        rdtype: RdataType,
        fetch: Callable[[], Awaitable[dns.message.Message]],
        *,
        anchor: dns.name.Name,
    ) -> dns.message.Message:
        """The kept answer, the one in flight, or `fetch`'s (kept when it may be)."""
        known = self.response(name, rdtype)
        if known is not None:
            return known
        key = (name, rdtype)
        shared = rdtype in (RdataType.DS, RdataType.DNSKEY) and len(name) <= len(anchor) + 1
        if not shared:
            message = await fetch()
            self.keep_response(name, rdtype, message, anchor=anchor)
            return message
        task = self._asking.get(key)
        if task is None or (task.done() and (task.cancelled() or task.exception() is not None)):
            task = self._asking[key] = asyncio.ensure_future(self._ask(key, fetch, anchor))
        # One asker's deadline or cancel must not end the question for the others.
        return await asyncio.shield(task)

    async def _ask(
        self,
        key: tuple[dns.name.Name, RdataType],
        fetch: Callable[[], Awaitable[dns.message.Message]],
        anchor: dns.name.Name,
    ) -> dns.message.Message:
        message = await fetch()
        self.keep_response(*key, message, anchor=anchor)
        return message

    def zone(self, name: dns.name.Name) -> ZoneState | None:
        kept = self._zones.get(name)
        if kept is None or kept[1] <= self._clock():
            return None
        self.zone_hits += 1
        return kept[0]

    def keep_zone(self, name: dns.name.Name, state: ZoneState, *, anchor: dns.name.Name) -> None:
        """Keep `state` if it is the anchor's zone or one directly below, validated SECURE."""
        if state.security is not Security.SECURE or state.keys is None or state.apex != name:
            return
        if len(name) > len(anchor) + 1:
            return
        ttl = min(float(state.keys.ttl), MAX_KEEP)
        self._zones[name] = (state, self._clock() + ttl)

    def response(self, name: dns.name.Name, rdtype: RdataType) -> dns.message.Message | None:
        """A kept message for the question, while its TTL lasts."""
        kept = self._responses.get((name, rdtype))
        if kept is None or kept[1] <= self._clock():
            return None
        self.response_hits += 1
        return kept[0]

    def keep_response(
        self,
        name: dns.name.Name,
        rdtype: RdataType,
        message: dns.message.Message,
        *,
        anchor: dns.name.Name,
    ) -> None:
        """Keep `message` if it denies the name or the type (for its negative TTL), or if it
        holds the anchor's or a TLD's DS or DNSKEY records (for their TTL)."""
        rcode = message.rcode()
        if rcode not in (dns.rcode.NXDOMAIN, dns.rcode.NOERROR):
            return
        if message.answer:
            keys = rdtype in (RdataType.DS, RdataType.DNSKEY) and len(name) <= len(anchor) + 1
            if keys and rcode == dns.rcode.NOERROR:
                ttl = min(float(rrset.ttl) for rrset in message.answer)
                self._keep(name, rdtype, message, ttl)
            return
        ttls = [
            min(float(rrset.ttl), float(rdata.minimum))
            for rrset in message.authority
            if rrset.rdtype == RdataType.SOA
            for rdata in rrset
            if isinstance(rdata, SOA)
        ]
        if ttls:
            self._keep(name, rdtype, message, min(ttls))

    def _keep(
        self, name: dns.name.Name, rdtype: RdataType, message: dns.message.Message, ttl: float
    ) -> None:
        if ttl > 0:
            self._responses[(name, rdtype)] = (message, self._clock() + min(ttl, MAX_KEEP))
