"""DNSSEC validation done by mailhop itself, from a trust anchor down to the answer.

Theory of operation
-------------------
mailhop never trusts a resolver's AD bit (DESIGN.md section 4, rule 5). It asks for the
records *and their signatures* and checks the chain itself:

    trust anchor (DS or DNSKEY of ".")  ->  DNSKEY set of "."
      -> DS of "test." (signed by ".")  ->  DNSKEY set of "test." (self-signed by a key
         whose digest is in that DS)  ->  DS of "signed.test." ...  ->  the answer RRset,
         signed by the deepest zone's keys.

The validator is a sans-IO engine with one async seam: ``fetch(name, rdtype)`` returns
the DNS message for a question; the caller's resolver adapter does the network.
``ChainValidator`` walks the tree from the anchor towards the zone that signed the
answer (the RRSIG signer name tells it where to go), asking for DS at every label on
the way. At each label the parent's signed answer decides:

* a DS RRset (validated with the parent's keys) -> fetch the child's DNSKEY set and
  accept it only if one key matches a DS digest and signs the set: the child is secure;
* no DS, and validated NSEC/NSEC3 records prove the label is a delegation without DS
  -> everything below is INSECURE (proven);
* no DS, and the records prove the label is no delegation -> stay in the parent zone;
* anything else (no proof, unsigned proof, failed lookup) -> INDETERMINATE, never
  INSECURE; a signature, digest or proof that fails -> BOGUS, with a reason naming
  the zone and what failed.

Denials of existence are checked by ``dnssec_denial`` (dnspython has none). The walk
for different questions shares one cache of validated zones and one memo of fetched
messages, and the DS/DNSKEY questions along a path are fetched in parallel before the
walk checks them in order, so a chain costs about one extra round trip.

The cache lives as long as the validator: make one per discovery run (failures are
cached too, so a dead resolver costs one deadline, not one per question).

Supported: the algorithms RFC 8624 section 3.1 asks validators to implement (RSA/SHA-1,
RSA/SHA-256/512, ECDSA P-256/P-384, Ed25519, Ed448) and DS digests SHA-1, SHA-256 and
SHA-384 (SHA-1 ignored when a SHA-2 digest is present, RFC 4509 section 3). A zone whose
DS records use only other algorithms is treated as unsigned (RFC 4035 section 5.2).
"""

from __future__ import annotations

import asyncio
import enum
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources

import dns.dnssec
import dns.exception
import dns.message
import dns.name
import dns.rcode
import dns.rdatatype
import dns.rrset
import dns.zonefile
from dns.dnssectypes import Algorithm
from dns.exception import DeniedByPolicy, UnsupportedAlgorithm, ValidationFailure
from dns.rdtypes.ANY.CNAME import CNAME
from dns.rdtypes.ANY.DNAME import DNAME
from dns.rdtypes.ANY.DNSKEY import DNSKEY
from dns.rdtypes.ANY.DS import DS
from dns.rdtypes.ANY.NSEC import NSEC
from dns.rdtypes.ANY.NSEC3 import NSEC3
from dns.rdtypes.ANY.RRSIG import RRSIG
from dns.rdtypes.dnskeybase import Flag

from ..common.errors import RemoteFailure, UsageError
from ..common.failure import Failure
from ..common.tasks import cancel_and_wait
from .dnssec_denial import (
    CutKind,
    Denial,
    DenialKind,
    ProofKind,
    classify_cut,
    prove_denial,
    prove_wildcard_expansion,
)

__all__ = [
    "SUPPORTED_ALGORITHMS",
    "SUPPORTED_DIGESTS",
    "ChainValidator",
    "Denial",
    "DenialKind",
    "Fetch",
    "FetchError",
    "ProofKind",
    "Security",
    "TrustAnchor",
    "ValidatedAnswer",
    "load_root_anchors",
]

RdataType = dns.rdatatype.RdataType
Fetch = Callable[[dns.name.Name, RdataType], Awaitable[dns.message.Message]]

_A = Algorithm
SUPPORTED_ALGORITHMS = frozenset(
    {_A.RSASHA1, _A.RSASHA1NSEC3SHA1, _A.RSASHA256, _A.RSASHA512}
    | {_A.ECDSAP256SHA256, _A.ECDSAP384SHA384, _A.ED25519, _A.ED448}
)
SUPPORTED_DIGESTS = frozenset({1, 2, 4})  # SHA-1, SHA-256, SHA-384
MAX_ALIASES = 8


class Security(enum.Enum):
    """The four outcomes of RFC 4033 section 5."""

    SECURE = "secure"  # a chain of signatures from the trust anchor proves the answer
    INSECURE = "insecure"  # proven to sit below a delegation without DS: nothing to check
    BOGUS = "bogus"  # a signature, digest or proof that should hold does not
    INDETERMINATE = "indeterminate"  # no anchor, failed lookup, or an unproven absence


class LookupTrouble(enum.Enum):
    """Why a question of the chain walk has no message to validate."""

    FAILED = "failed"  # the fetch failed: timeout, network, a malformed reply
    NAME_TOO_LONG = "yxdomain"  # RFC 6672 section 2.2: a DNAME would overflow the name
    REFUSED = "rcode"  # SERVFAIL, REFUSED, ...: any rcode but NOERROR and NXDOMAIN


Fetched = dns.message.Message | Failure[LookupTrouble]

_INDETERMINATE = Security.INDETERMINATE
_RANK = {Security.SECURE: 0, Security.INSECURE: 1, Security.INDETERMINATE: 2, Security.BOGUS: 3}


@dataclass(frozen=True, slots=True)
class ValidatedAnswer:
    """One question's answer and how far mailhop could authenticate it."""

    name: dns.name.Name
    rdtype: RdataType
    security: Security
    rrset: dns.rrset.RRset | None  # None for a negative answer
    reason: str
    denial: Denial | None = None  # set for NXDOMAIN / NODATA
    aliases: tuple[dns.name.Name, ...] = ()  # CNAME/DNAME owners followed from `name`

    @property
    def absence_proven(self) -> bool:
        """True only for a negative answer backed by a validated NSEC/NSEC3 proof."""
        return self.security is Security.SECURE and self.denial is not None


class FetchError(RemoteFailure):
    """Raised by a fetch callback when a lookup failed (timeout, network, SERVFAIL)."""


@dataclass(frozen=True, slots=True)
class TrustAnchor:
    """The keys mailhop trusts without proof: DS and/or DNSKEY records for one name."""

    name: dns.name.Name
    ds: tuple[DS, ...] = ()
    dnskeys: tuple[DNSKEY, ...] = ()

    @classmethod
    def from_text(cls, text: str) -> TrustAnchor:
        """Parse zone-file presentation records such as ``. 3600 IN DS 20326 8 2 E06D...``."""
        try:
            rrsets = dns.zonefile.read_rrsets(text, rdclass=None, default_ttl=0)
        except dns.exception.DNSException as exc:
            raise UsageError(
                f"the trust anchor text is not valid DS/DNSKEY records: {exc}"
            ) from exc
        names = {rrset.name for rrset in rrsets}
        if len(names) != 1:
            raise UsageError(f"a trust anchor needs records for exactly one name, got {len(names)}")
        ds = tuple(rd for rrset in rrsets for rd in rrset if isinstance(rd, DS))
        keys = tuple(rd for rrset in rrsets for rd in rrset if isinstance(rd, DNSKEY))
        if len(ds) + len(keys) != sum(len(rrset) for rrset in rrsets):
            raise UsageError("a trust anchor may hold only DS and DNSKEY records")
        if not all(_is_zone_key(key) for key in keys):
            raise UsageError("a trust anchor DNSKEY must have the zone-key flag set")
        return cls(names.pop(), ds, keys)


def load_root_anchors() -> TrustAnchor:
    """The IANA root trust anchors shipped with mailhop (KSK-2017 and KSK-2024)."""
    # One name per step: in a frozen bundle this is Python 3.11's MultiplexedPath, whose
    # joinpath() takes a single name (tests/installer/test_bundle_linux.py runs it).
    text = (resources.files("mailhop.core") / "data" / "root-anchors.txt").read_text("ascii")
    return TrustAnchor.from_text(text)


@dataclass(frozen=True, slots=True)
class _Zone:
    """What the walk knows about the zone that encloses some name."""

    security: Security
    apex: dns.name.Name
    keys: dns.rrset.RRset | None  # the validated DNSKEY set when SECURE
    reason: str


class ChainValidator:
    """Validates answers from `anchor` down, fetching what it needs through `fetch`."""

    def __init__(
        self, anchor: TrustAnchor, fetch: Fetch, *, clock: Callable[[], float] = time.time
    ) -> None:
        self._anchor = anchor
        self._fetch = fetch
        self._clock = clock
        self._zones: dict[dns.name.Name, _Zone] = {}
        self._responses: dict[tuple[dns.name.Name, RdataType], Fetched] = {}
        self._locks: dict[tuple[dns.name.Name, RdataType], asyncio.Lock] = {}
        self._primed: set[dns.name.Name] = set()

    async def validate(self, name: dns.name.Name, rdtype: RdataType) -> ValidatedAnswer:
        """Fetch `name`/`rdtype` and validate the answer.

        The chain of trust to the name's host part is fetched alongside the question, not
        after the answer names its signer: one round trip instead of two for a name in a
        zone not seen before. ``_service`` labels and what is below them are left out of that
        walk (never zone cuts in practice), so SRV/TLSA/OPENPGPKEY names cost no extra
        questions.
        """
        host = _host_part(name)
        chain = None
        if self._unknown_territory(host):
            chain = asyncio.ensure_future(self._zone_of(host, signer=True))
        try:
            message = await self._lookup(name, rdtype)
            if chain is not None:
                await chain
        finally:  # cancelled (a deadline) or failed: the walk ends with the question
            if chain is not None and not chain.done():
                await cancel_and_wait([chain])
        if isinstance(message, Failure):
            return ValidatedAnswer(name, rdtype, Security.INDETERMINATE, None, message.message)
        return await self.validate_message(name, rdtype, message)

    def _unknown_territory(self, host: dns.name.Name) -> bool:
        """No zone below the top level is known (or being primed) to enclose `host`.

        Below a known zone the answer is almost always signed by that zone, whose keys
        are at hand, so fetching DS/DNSKEY for every host name there would be wasted.
        """
        enclosing = [z for z in (*self._zones, *self._primed) if host.is_subdomain(z)]
        deepest = max(enclosing, key=len, default=None)
        return deepest is None or len(deepest) <= 2  # the root, or a top-level domain

    async def prime(self, name: dns.name.Name) -> None:
        """Fetch and check the DS/DNSKEY chain down to `name` before any answer needs it.

        Discovery knows at t=0 which zones its answers will come from (the address's
        domain), so the chain's round trip can overlap the first questions instead of
        following them.
        """
        self._primed.add(name)
        await self._zone_of(name, signer=True)

    async def validate_message(
        self, name: dns.name.Name, rdtype: RdataType, message: dns.message.Message
    ) -> ValidatedAnswer:
        """Validate a message the caller already has (answer, CNAME chain or denial)."""
        chain = _Chain(name, rdtype)
        current, asked = name, name
        for _ in range(MAX_ALIASES + 1):
            rrset = _find(message.answer, current, rdtype)
            if rrset is not None:
                return chain.end(await self._positive(rrset, message))
            alias = None if rdtype == RdataType.CNAME else await self._alias(current, message)
            if alias is not None:
                chain.follow(current, alias[0])
                current = alias[1]
                continue
            if current == asked or message.rcode() == dns.rcode.NXDOMAIN or message.authority:
                return chain.end(await self._negative(current, rdtype, message))
            fetched = await self._lookup(current, rdtype)  # the chain left this message
            if isinstance(fetched, Failure):
                why = fetched.message
                return chain.end(ValidatedAnswer(current, rdtype, _INDETERMINATE, None, why))
            message, asked = fetched, current
        why = f"gave up after following {MAX_ALIASES} aliases from {name}"
        return ValidatedAnswer(name, rdtype, Security.INDETERMINATE, None, why)

    # -- answers ---------------------------------------------------------------------

    async def _positive(
        self, rrset: dns.rrset.RRset, message: dns.message.Message
    ) -> ValidatedAnswer:
        what = f"the {_text(rrset.rdtype)} records at {rrset.name}"

        def result(security: Security, reason: str) -> ValidatedAnswer:
            return ValidatedAnswer(rrset.name, rrset.rdtype, security, rrset, reason)

        home = _home(rrset.name, rrset.rdtype)
        signers = {sig.signer for sig in _signatures(message.answer, rrset)}
        if not signers:
            zone = await self._zone_of(home, signer=False)
            if zone.security is Security.SECURE:
                return result(
                    Security.BOGUS, f"{what} carry no signatures, but {zone.apex} is signed"
                )
            return result(zone.security, zone.reason)
        ancestors = [signer for signer in signers if home.is_subdomain(signer)]
        if not ancestors:
            named = ", ".join(sorted(str(s) for s in signers))
            return result(
                Security.BOGUS, f"{what} are signed by {named}, which cannot vouch for them"
            )
        signer = max(ancestors, key=len)
        zone = await self._signing_zone(signer)
        if zone.security is not Security.SECURE or zone.keys is None:
            return result(zone.security, zone.reason)
        sig, failure = self._check(rrset, message.answer, zone)
        if sig is None:
            return result(Security.BOGUS, f"{what} {failure}")
        how = f"{what} are signed by {signer}, which chains to the anchor"
        if sig.labels < _label_count(rrset.name):
            proof = self._wildcard_proof(rrset.name, sig, message, zone)
            if not proof.proven:
                return result(Security.INSECURE if proof.opt_out else Security.BOGUS, proof.reason)
            how += f" (expanded from a wildcard; {proof.reason})"
        return result(Security.SECURE, how)

    async def _alias(
        self, name: dns.name.Name, message: dns.message.Message
    ) -> tuple[ValidatedAnswer, dns.name.Name] | None:
        """The validated CNAME (or the DNAME it was synthesised from) at `name`."""
        cname = _find(message.answer, name, RdataType.CNAME)
        if cname is None or not isinstance(cname[0], CNAME):
            return None
        target: dns.name.Name = cname[0].target
        dname = next((r for r in message.answer if _synthesises(r, name)), None)
        if dname is None or _signatures(message.answer, cname):
            return await self._positive(cname, message), target
        link = await self._positive(dname, message)  # RFC 6672 section 5.3.3: check the DNAME
        if link.security is Security.SECURE and _substitute(name, dname) != target:
            why = f"the CNAME at {name} does not follow the DNAME at {dname.name}"
            link = ValidatedAnswer(name, RdataType.CNAME, Security.BOGUS, cname, why)
        return link, target

    async def _negative(
        self, qname: dns.name.Name, rdtype: RdataType, message: dns.message.Message
    ) -> ValidatedAnswer:
        kind = DenialKind.NXDOMAIN if message.rcode() == dns.rcode.NXDOMAIN else DenialKind.NODATA
        what = (
            "does not exist" if kind is DenialKind.NXDOMAIN else f"has no {_text(rdtype)} records"
        )

        def result(
            security: Security, reason: str, denial: Denial | None = None
        ) -> ValidatedAnswer:
            denial = denial or Denial(kind, ProofKind.NONE, False, reason)
            return ValidatedAnswer(qname, rdtype, security, None, reason, denial)

        home = _home(qname, rdtype)
        signers = [
            sig.signer
            for rrset in message.authority
            if rrset.rdtype == RdataType.RRSIG
            for sig in _rrsigs(rrset)
        ]
        ancestors = [signer for signer in signers if home.is_subdomain(signer)]
        if not ancestors:
            zone = await self._zone_of(home, signer=False)
            if zone.security is Security.SECURE:
                why = f"{zone.apex} is signed, but the claim that {qname} {what} came without proof"
                return result(Security.INDETERMINATE, why)
            return result(zone.security, zone.reason)
        zone = await self._signing_zone(max(ancestors, key=len))
        if zone.security is not Security.SECURE:
            return result(zone.security, zone.reason)
        nsecs, nsec3s, failures = self._denial_records(message.authority, zone)
        denial = prove_denial(kind, qname, rdtype, zone.apex, nsecs, nsec3s)
        if denial.proven:
            return result(Security.SECURE, denial.reason, denial)
        if denial.opt_out:
            return result(Security.INSECURE, denial.reason, denial)
        if failures:
            return result(Security.BOGUS, f"the denial for {qname} from {failures[0]}", denial)
        below = await self._zone_of(home, signer=False)  # a parent cannot speak for a child
        if below.security is Security.INSECURE:
            return result(Security.INSECURE, below.reason, denial)
        why = f"the claim that {qname} {what} is not proven: {denial.reason}"
        return result(Security.INDETERMINATE, why, denial)

    def _wildcard_proof(
        self, owner: dns.name.Name, sig: RRSIG, message: dns.message.Message, zone: _Zone
    ) -> Denial:
        source = owner.split(sig.labels + 1)[1]
        nsecs, nsec3s, _ = self._denial_records(message.authority, zone)
        return prove_wildcard_expansion(owner, source, zone.apex, nsecs, nsec3s)

    # -- the walk from the anchor ----------------------------------------------------

    async def _signing_zone(self, signer: dns.name.Name) -> _Zone:
        zone = await self._zone_of(signer, signer=True)
        if zone.security is Security.SECURE and zone.apex != signer:
            why = (
                f"{signer} signed data but is no zone: the records of {zone.apex} show no cut there"
            )
            return _Zone(Security.BOGUS, zone.apex, None, why)
        return zone

    async def _zone_of(self, target: dns.name.Name, *, signer: bool) -> _Zone:
        """The zone enclosing `target`, found by walking down from the trust anchor."""
        anchor = self._anchor.name
        if not target.is_subdomain(anchor):
            why = f"no trust anchor covers {target} (the configured anchor is for {anchor})"
            return _Zone(Security.INDETERMINATE, target, None, why)
        path = [target.split(depth)[1] for depth in range(len(anchor), len(target) + 1)]
        await self._prefetch(path, keys=signer)
        zone = self._zones.get(anchor) or await self._anchor_zone()
        for name in path[1:]:
            if zone.security is not Security.SECURE:
                break
            if name not in self._zones:
                self._zones[name] = await self._descend(zone, name)
            zone = self._zones[name]
        return zone

    async def _prefetch(self, path: Sequence[dns.name.Name], *, keys: bool) -> None:
        """Ask all questions a walk along `path` may need at once."""
        todo = [(path[0], RdataType.DNSKEY)] if path[0] not in self._zones else []
        todo += [(name, RdataType.DS) for name in path[1:] if name not in self._zones]
        if keys:
            todo += [(name, RdataType.DNSKEY) for name in path[1:] if name not in self._zones]
        todo = [question for question in todo if question not in self._responses]
        if len(todo) > 1:
            async with asyncio.TaskGroup() as group:
                for name, rdtype in todo:
                    group.create_task(self._lookup(name, rdtype))

    async def _anchor_zone(self) -> _Zone:
        anchor = self._anchor
        message = await self._lookup(anchor.name, RdataType.DNSKEY)
        zone = self._trust_keys(anchor.name, message, anchor.ds, anchor.dnskeys, "the trust anchor")
        self._zones[anchor.name] = zone
        return zone

    async def _descend(self, parent: _Zone, name: dns.name.Name) -> _Zone:
        """One step down: is `name` a signed child, an unsigned child, or no cut at all?"""
        message = await self._lookup(name, RdataType.DS)
        if isinstance(message, Failure):
            return _Zone(Security.INDETERMINATE, parent.apex, None, message.message)
        ds_rrset = _find(message.answer, name, RdataType.DS)
        if ds_rrset is not None:
            sig, failure = self._check(ds_rrset, message.answer, parent)
            if sig is None:
                why = f"the DS records for {name} in {parent.apex} {failure}"
                return _Zone(Security.BOGUS, name, None, why)
            usable = _usable_ds(ds_rrset)
            if not usable:
                why = (
                    f"{name} uses only DNSSEC algorithms mailhop does not support, "
                    "so it counts as unsigned (RFC 4035 section 5.2)"
                )
                return _Zone(Security.INSECURE, name, None, why)
            keys = await self._lookup(name, RdataType.DNSKEY)
            return self._trust_keys(name, keys, usable, (), f"the DS records in {parent.apex}")
        nsecs, nsec3s, failures = self._denial_records(message.authority, parent)
        proof = classify_cut(name, parent.apex, nsecs, nsec3s)
        if proof.kind is CutKind.NOT_A_CUT:
            return parent
        if proof.kind is CutKind.UNSIGNED_DELEGATION:
            why = f"{name} is an unsigned zone: {proof.reason} (proof signed by {parent.apex})"
            return _Zone(Security.INSECURE, name, None, why)
        if failures:
            return _Zone(
                Security.BOGUS, name, None, f"the denial of DS for {name} from {failures[0]}"
            )
        why = f"cannot tell whether {name} is signed: {proof.reason}"
        return _Zone(Security.INDETERMINATE, name, None, why)

    def _trust_keys(
        self,
        apex: dns.name.Name,
        message: Fetched,
        ds: Sequence[DS],
        trusted: Sequence[DNSKEY],
        by: str,
    ) -> _Zone:
        """Accept `apex`'s DNSKEY set if a key vouched for by `ds`/`trusted` signs it."""
        if isinstance(message, Failure):
            return _Zone(Security.INDETERMINATE, apex, None, message.message)
        dnskeys = _find(message.answer, apex, RdataType.DNSKEY)
        if dnskeys is None:
            return _Zone(Security.BOGUS, apex, None, f"{apex} returned no DNSKEY records")
        entry = [key for key in _dnskeys(dnskeys) if _vouched(apex, key, ds, trusted)]
        if not entry:
            tags = ", ".join(str(d.key_tag) for d in ds) or "the anchor's keys"
            why = f"no DNSKEY of {apex} matches {by} (key tags {tags})"
            return _Zone(Security.BOGUS, apex, None, why)
        entry_set = dns.rrset.from_rdata_list(apex, dnskeys.ttl, entry)
        sig, failure = self._check(
            dnskeys, message.answer, _Zone(Security.SECURE, apex, entry_set, "")
        )
        if sig is None:
            return _Zone(Security.BOGUS, apex, None, f"the DNSKEY records of {apex} {failure}")
        return _Zone(Security.SECURE, apex, dnskeys, f"the keys of {apex} are vouched for by {by}")

    # -- signatures ------------------------------------------------------------------

    def _denial_records(
        self, section: Iterable[dns.rrset.RRset], zone: _Zone
    ) -> tuple[list[tuple[dns.name.Name, NSEC]], list[tuple[dns.name.Name, NSEC3]], list[str]]:
        """The NSEC/NSEC3 records in `section` that `zone`'s keys validate, and failures."""
        nsecs: list[tuple[dns.name.Name, NSEC]] = []
        nsec3s: list[tuple[dns.name.Name, NSEC3]] = []
        failures: list[str] = []
        section = list(section)
        for rrset in section:
            if rrset.rdtype not in (RdataType.NSEC, RdataType.NSEC3):
                continue
            if not rrset.name.is_subdomain(zone.apex):
                continue  # another zone's proof (e.g. at the end of a CNAME chain)
            sig, failure = self._check(rrset, section, zone)
            if sig is None:  # unsigned records are no proof; badly signed ones are bogus
                if _signatures(section, rrset):
                    what = f"the {_text(rrset.rdtype)} records at {rrset.name}"
                    failures.append(f"{zone.apex}: {what} {failure}")
                continue
            nsecs += [(rrset.name, rd) for rd in rrset if isinstance(rd, NSEC)]
            nsec3s += [(rrset.name, rd) for rd in rrset if isinstance(rd, NSEC3)]
        return nsecs, nsec3s, failures

    def _check(
        self, rrset: dns.rrset.RRset, section: Iterable[dns.rrset.RRset], zone: _Zone
    ) -> tuple[RRSIG | None, str]:
        """The first RRSIG in `section` by which `zone`'s keys validate `rrset`, or why none."""
        sigs = _signatures(section, rrset)
        if not sigs:
            return None, "carry no signatures"
        problems: list[str] = []
        for sig in sigs:
            problem = self._check_one(rrset, sig, zone)
            if problem is None:
                return sig, ""
            problems.append(problem)
        return None, " and ".join(dict.fromkeys(problems))

    def _check_one(self, rrset: dns.rrset.RRset, sig: RRSIG, zone: _Zone) -> str | None:
        if sig.signer != zone.apex or zone.keys is None:
            return f"are signed by {sig.signer}, not by {zone.apex}"
        if not rrset.name.is_subdomain(zone.apex):
            return f"lie outside {zone.apex}, which signed them"
        if sig.algorithm not in SUPPORTED_ALGORITHMS:
            return f"have a signature with unsupported algorithm {sig.algorithm}"
        now = self._clock()
        if sig.expiration < now:
            return f"have a signature that expired on {_when(sig.expiration)}"
        if sig.inception > now:
            return f"have a signature that is not valid before {_when(sig.inception)}"
        if sig.labels > _label_count(rrset.name):
            return "have a signature with an impossible label count"
        try:
            dns.dnssec.validate_rrsig(rrset, sig, {zone.apex: zone.keys}, now=now)
        except (ValidationFailure, UnsupportedAlgorithm):
            tag, apex = sig.key_tag, zone.apex
            return f"have a signature (key tag {tag}) that does not verify with the keys of {apex}"
        return None

    # -- fetching --------------------------------------------------------------------

    async def _lookup(self, name: dns.name.Name, rdtype: RdataType) -> Fetched:
        """The message for a question, fetched once, or why there is none."""
        key = (name, rdtype)
        async with self._locks.setdefault(key, asyncio.Lock()):
            if key not in self._responses:
                self._responses[key] = await self._fetch_once(name, rdtype)
        return self._responses[key]

    async def _fetch_once(self, name: dns.name.Name, rdtype: RdataType) -> Fetched:
        question = f"{name} {_text(rdtype)}"
        try:
            message = await self._fetch(name, rdtype)
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


# -- small helpers -------------------------------------------------------------------


def _host_part(name: dns.name.Name) -> dns.name.Name:
    """`name` below its last underscore label: _993._tcp.mail.example. -> mail.example.,
    HASH._openpgpkey.example. -> example."""
    labels = name.labels
    service = [i for i, label in enumerate(labels) if label.startswith(b"_")]
    return dns.name.Name(labels[service[-1] + 1 :] if service else labels)


def _find(
    section: Iterable[dns.rrset.RRset], name: dns.name.Name, rdtype: RdataType
) -> dns.rrset.RRset | None:
    return next((r for r in section if r.name == name and r.rdtype == rdtype), None)


def _rrsigs(rrset: dns.rrset.RRset) -> list[RRSIG]:
    return [rd for rd in rrset if isinstance(rd, RRSIG)]


def _signatures(section: Iterable[dns.rrset.RRset], rrset: dns.rrset.RRset) -> list[RRSIG]:
    """The RRSIGs in `section` that cover `rrset`."""
    return [
        sig
        for candidate in section
        if candidate.rdtype == RdataType.RRSIG and candidate.name == rrset.name
        for sig in _rrsigs(candidate)
        if sig.type_covered == rrset.rdtype
    ]


def _synthesises(rrset: dns.rrset.RRset, name: dns.name.Name) -> bool:
    """True for a DNAME RRset at a proper ancestor of `name` (the source of its CNAME)."""
    return (
        rrset.rdtype == RdataType.DNAME
        and name != rrset.name
        and name.is_subdomain(rrset.name)
        and isinstance(rrset[0], DNAME)
    )


def _substitute(name: dns.name.Name, dname: dns.rrset.RRset) -> dns.name.Name | None:
    """The name the DNAME at ``dname.name`` rewrites `name` to (RFC 6672 section 2.2), or
    None when the result would pass 255 octets: then no CNAME can follow the DNAME (the
    server must answer YXDOMAIN instead)."""
    target: dns.name.Name = dname[0].target
    try:
        return name.relativize(dname.name).concatenate(target)
    except dns.name.NameTooLong:
        return None


def _dnskeys(rrset: dns.rrset.RRset) -> list[DNSKEY]:
    return [rd for rd in rrset if isinstance(rd, DNSKEY)]


def _is_zone_key(key: DNSKEY) -> bool:
    """RFC 4034 section 2.1.1-2; a revoked key (RFC 5011) vouches for nothing."""
    return bool(key.flags & Flag.ZONE) and not key.flags & Flag.REVOKE and key.protocol == 3


def _vouched(apex: dns.name.Name, key: DNSKEY, ds: Sequence[DS], trusted: Sequence[DNSKEY]) -> bool:
    if not _is_zone_key(key) or key.algorithm not in SUPPORTED_ALGORITHMS:
        return False
    return key in trusted or any(_digest_matches(apex, key, d) for d in ds)


def _digest_matches(apex: dns.name.Name, key: DNSKEY, ds: DS) -> bool:
    if ds.key_tag != dns.dnssec.key_id(key) or ds.algorithm != key.algorithm:
        return False
    try:
        made = dns.dnssec.make_ds(apex, key, ds.digest_type, validating=True)
    except (UnsupportedAlgorithm, DeniedByPolicy, ValueError):
        return False
    return bool(made.digest == ds.digest)


def _usable_ds(rrset: dns.rrset.RRset) -> list[DS]:
    """DS records mailhop can check; SHA-1 ones only if no SHA-2 one is there (RFC 4509 3)."""
    usable = [
        rd
        for rd in rrset
        if isinstance(rd, DS)
        and rd.algorithm in SUPPORTED_ALGORITHMS
        and rd.digest_type in SUPPORTED_DIGESTS
    ]
    strong = [rd for rd in usable if rd.digest_type != 1]
    return strong or usable


def _home(name: dns.name.Name, rdtype: int) -> dns.name.Name:
    """The name whose zone holds `rdtype` at `name`: DS lives on the parent side."""
    return name.parent() if rdtype == RdataType.DS and name != dns.name.root else name


def _label_count(name: dns.name.Name) -> int:
    """The RRSIG labels value for an owner name (RFC 4034 section 3.1.3)."""
    return len(name) - 1 - (1 if name.is_wild() else 0)


def _text(rdtype: int) -> str:
    return dns.rdatatype.to_text(RdataType.make(rdtype))


def _when(timestamp: int) -> str:
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d %H:%M UTC")


class _Chain:
    """The links of a CNAME/DNAME chain: the answer is as strong as its weakest link."""

    def __init__(self, name: dns.name.Name, rdtype: RdataType) -> None:
        self.name, self.rdtype = name, rdtype
        self.aliases: list[dns.name.Name] = []
        self.links: list[ValidatedAnswer] = []

    def follow(self, alias: dns.name.Name, link: ValidatedAnswer) -> None:
        self.aliases.append(alias)
        self.links.append(link)

    def end(self, last: ValidatedAnswer) -> ValidatedAnswer:
        worst = max(reversed([*self.links, last]), key=lambda link: _RANK[link.security])
        return ValidatedAnswer(
            self.name,
            self.rdtype,
            worst.security,
            last.rrset,
            worst.reason,
            last.denial,
            tuple(self.aliases),
        )
