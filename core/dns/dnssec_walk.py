"""The walk from the trust anchor down to the zone that signed an answer.

At each label below the anchor the parent's signed answer to "DS?" decides:

* a DS RRset (validated with the parent's keys) -> fetch the child's DNSKEY set and
  accept it only if one key matches a DS digest and signs the set: the child is secure;
* no DS, and validated NSEC/NSEC3 records prove the label is a delegation without DS
  -> everything below is INSECURE (proven); the same when the only proof is NSEC3 with
  more iterations than RFC 9276 lets a validator evaluate (``dnssec_denial``);
* no DS, and the records prove the label is no delegation -> stay in the parent zone;
* anything else (no proof, unsigned proof, failed lookup) -> INDETERMINATE, never
  INSECURE; a signature, digest or proof that fails -> BOGUS, with a reason naming
  the zone and what failed.

The anchor's own zone is the exception to "fails -> BOGUS": its signatures are made by
the root's operators, so when they verify but are not valid at this computer's time
(beyond the allowed skew, ``dnssec_sigs``), the clock is wrong: INDETERMINATE, with
``Clock.BEHIND`` or ``Clock.AHEAD``, never "forged".

Every question is fetched once (``lookup``; failures are kept too, so a dead resolver
costs one deadline, not one per question), and the DS/DNSKEY questions along a path are
asked in parallel before the walk checks them in order, so a chain costs about one extra
round trip.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Sequence

import dns.exception
import dns.message
import dns.name
import dns.rcode
import dns.rdatatype
import dns.rrset
from dns.rdtypes.ANY.DNSKEY import DNSKEY
from dns.rdtypes.ANY.DS import DS

from ..common.failure import Failure
from .dnssec_denial import CutKind, classify_cut
from .dnssec_keys import TrustAnchor, dnskeys, usable_ds, vouched
from .dnssec_result import (
    Clock,
    Fetch,
    Fetched,
    FetchError,
    LookupTrouble,
    Security,
    ZoneState,
)
from .dnssec_sigs import Checked, SignatureCheck, find, text, when
from .shared_cache import SharedDnsCache

__all__ = ["ZoneWalk"]

RdataType = dns.rdatatype.RdataType


class ZoneWalk:
    """Finds and caches the zones between `anchor` and a name, fetching through `fetch`."""

    def __init__(
        self,
        anchor: TrustAnchor,
        fetch: Fetch,
        sigs: SignatureCheck,
        shared: SharedDnsCache | None = None,
    ) -> None:
        self.anchor = anchor
        self.sigs = sigs
        self._fetch = fetch
        # A batch's resolvers share the anchor's and TLDs' validated keys (shared_cache.py).
        self.shared = shared
        self.zones: dict[dns.name.Name, ZoneState] = {}
        self._responses: dict[tuple[dns.name.Name, RdataType], Fetched] = {}
        self._locks: dict[tuple[dns.name.Name, RdataType], asyncio.Lock] = {}

    async def signing_zone(self, signer: dns.name.Name) -> ZoneState:
        zone = await self.zone_of(signer, signer=True)
        if zone.security is Security.SECURE and zone.apex != signer:
            why = (
                f"{signer} signed data but is no zone: the records of {zone.apex} show no cut there"
            )
            return ZoneState(Security.BOGUS, zone.apex, None, why)
        return zone

    async def zone_of(self, target: dns.name.Name, *, signer: bool) -> ZoneState:
        """The zone enclosing `target`, found by walking down from the trust anchor."""
        anchor = self.anchor.name
        if not target.is_subdomain(anchor):
            why = f"no trust anchor covers {target} (the configured anchor is for {anchor})"
            return ZoneState(Security.INDETERMINATE, target, None, why)
        path = [target.split(depth)[1] for depth in range(len(anchor), len(target) + 1)]
        self._borrow(path[:2])
        await self._prefetch(path, keys=signer)
        zone = self.zones.get(anchor) or await self._anchor_zone()
        for name in path[1:]:
            if zone.security is not Security.SECURE:
                break
            if name not in self.zones:
                self.zones[name] = await self._descend(zone, name)
            zone = self.zones[name]
        self._lend(path[:2])
        return zone

    def _borrow(self, names: Sequence[dns.name.Name]) -> None:
        """Take the anchor's and the TLD's zones another resolver of the batch validated."""
        if self.shared is not None:
            for name in names:
                if name not in self.zones and (found := self.shared.zone(name)) is not None:
                    self.zones[name] = found

    def _lend(self, names: Sequence[dns.name.Name]) -> None:
        if self.shared is not None:
            for name in names:
                if (zone := self.zones.get(name)) is not None:
                    self.shared.keep_zone(name, zone, anchor=self.anchor.name)

    async def _prefetch(self, path: Sequence[dns.name.Name], *, keys: bool) -> None:
        """Ask all questions a walk along `path` may need at once."""
        todo = [(path[0], RdataType.DNSKEY)] if path[0] not in self.zones else []
        todo += [(name, RdataType.DS) for name in path[1:] if name not in self.zones]
        if keys:
            todo += [(name, RdataType.DNSKEY) for name in path[1:] if name not in self.zones]
        todo = [question for question in todo if question not in self._responses]
        if len(todo) > 1:
            async with asyncio.TaskGroup() as group:
                for name, rdtype in todo:
                    group.create_task(self.lookup(name, rdtype))

    async def _anchor_zone(self) -> ZoneState:
        anchor = self.anchor
        message = await self.lookup(anchor.name, RdataType.DNSKEY)
        zone = self._trust_keys(anchor.name, message, anchor.ds, anchor.dnskeys, "the trust anchor")
        self.zones[anchor.name] = zone
        return zone

    async def _descend(self, parent: ZoneState, name: dns.name.Name) -> ZoneState:
        """One step down: is `name` a signed child, an unsigned child, or no cut at all?"""
        message = await self.lookup(name, RdataType.DS)
        if isinstance(message, Failure):
            return ZoneState(Security.INDETERMINATE, parent.apex, None, message.message)
        ds_rrset = find(message.answer, name, RdataType.DS)
        if ds_rrset is not None:
            checked = self.sigs.check(ds_rrset, message.answer, parent)
            if checked.sig is None:
                why = f"the DS records for {name} in {parent.apex} {checked.problem}"
                return self._failed(parent.apex, name, checked, why)
            usable = usable_ds(ds_rrset)
            if not usable:
                why = (
                    f"{name} uses only DNSSEC algorithms mailhop does not support, "
                    "so it counts as unsigned (RFC 4035 section 5.2)"
                )
                return ZoneState(Security.INSECURE, name, None, why)
            keys = await self.lookup(name, RdataType.DNSKEY)
            return self._trust_keys(name, keys, usable, (), f"the DS records in {parent.apex}")
        found = self.sigs.denial_records(message.authority, parent)
        proof = classify_cut(name, parent.apex, found.nsecs, found.nsec3s)
        if proof.kind is CutKind.NOT_A_CUT:
            return parent
        if proof.kind is CutKind.UNSIGNED_DELEGATION:
            why = f"{name} is an unsigned zone: {proof.reason} (proof signed by {parent.apex})"
            return ZoneState(Security.INSECURE, name, None, why)
        if proof.kind is CutKind.DECLINED:
            why = f"whether {name} is signed is not checked: in {parent.apex}, {proof.reason}"
            return ZoneState(Security.INSECURE, name, None, why)
        if found.failures:
            why = f"the denial of DS for {name} from {found.failures[0]}"
            return ZoneState(Security.BOGUS, name, None, why)
        why = f"cannot tell whether {name} is signed: {proof.reason}"
        return ZoneState(Security.INDETERMINATE, name, None, why)

    def _trust_keys(
        self,
        apex: dns.name.Name,
        message: Fetched,
        ds: Sequence[DS],
        trusted: Sequence[DNSKEY],
        by: str,
    ) -> ZoneState:
        """Accept `apex`'s DNSKEY set if a key vouched for by `ds`/`trusted` signs it."""
        if isinstance(message, Failure):
            return ZoneState(Security.INDETERMINATE, apex, None, message.message)
        keys = find(message.answer, apex, RdataType.DNSKEY)
        if keys is None:
            return ZoneState(Security.BOGUS, apex, None, f"{apex} returned no DNSKEY records")
        entry = [key for key in dnskeys(keys) if vouched(apex, key, ds, trusted)]
        if not entry:
            tags = ", ".join(str(d.key_tag) for d in ds) or "the anchor's keys"
            why = f"no DNSKEY of {apex} matches {by} (key tags {tags})"
            return ZoneState(Security.BOGUS, apex, None, why)
        entry_set = dns.rrset.from_rdata_list(apex, keys.ttl, entry)
        entry_zone = ZoneState(Security.SECURE, apex, entry_set, "")
        checked = self.sigs.check(keys, message.answer, entry_zone)
        if checked.sig is None:
            why = f"the DNSKEY records of {apex} {checked.problem}"
            return self._failed(apex, apex, checked, why)
        return ZoneState(Security.SECURE, apex, keys, f"the keys of {apex} are vouched for by {by}")

    def _failed(
        self, signer: dns.name.Name, apex: dns.name.Name, checked: Checked, why: str
    ) -> ZoneState:
        """BOGUS, unless the anchor's own zone signed the records and only the time is off."""
        if signer != self.anchor.name or checked.clock is Clock.PLAUSIBLE:
            return ZoneState(Security.BOGUS, apex, None, why)
        way = "behind" if checked.clock is Clock.BEHIND else "ahead"
        blame = (
            f"this computer's clock seems to be {way} (it says {when(int(self.sigs.now()))}): "
            f"{why}, yet they are the trust anchor's own signatures, so DNSSEC cannot be "
            "checked until the clock is set right"
        )
        return ZoneState(Security.INDETERMINATE, apex, None, blame, checked.clock)

    # -- fetching --------------------------------------------------------------------

    async def lookup(self, name: dns.name.Name, rdtype: RdataType) -> Fetched:
        """The message for a question, fetched once, or why there is none."""
        key = (name, rdtype)
        async with self._locks.setdefault(key, asyncio.Lock()):
            if key not in self._responses:
                self._responses[key] = await self._fetch_once(name, rdtype)
        return self._responses[key]

    def asked(self, name: dns.name.Name, rdtype: RdataType) -> bool:
        return (name, rdtype) in self._responses

    async def _fetch_once(self, name: dns.name.Name, rdtype: RdataType) -> Fetched:
        question = f"{name} {text(rdtype)}"
        shared = self.shared
        try:
            if shared is None:
                message = await self._fetch(name, rdtype)
            else:  # kept or shared answers are validated by whoever reads them, like fresh ones
                fetch = functools.partial(self._fetch, name, rdtype)
                message = await shared.fetch(name, rdtype, fetch, anchor=self.anchor.name)
        except (FetchError, dns.exception.DNSException, OSError) as exc:
            why = f"the lookup of {question} failed: {exc or type(exc).__name__}"
            return Failure(code=LookupTrouble.FAILED, message=why)
        rcode = message.rcode()
        if rcode == dns.rcode.YXDOMAIN:
            why = (
                f"the lookup of {question} failed with YXDOMAIN: a DNAME above it would "
                "rewrite it to a name longer than DNS allows (RFC 6672 section 2.2)"
            )
            return Failure(code=LookupTrouble.NAME_TOO_LONG, message=why)
        if rcode not in (dns.rcode.NOERROR, dns.rcode.NXDOMAIN):
            why = f"the lookup of {question} failed with {dns.rcode.to_text(rcode)}"
            return Failure(code=LookupTrouble.REFUSED, message=why)
        return message
