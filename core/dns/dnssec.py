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
the DNS message for a question; the caller's resolver adapter does the network. The work
is split by job:

    dnssec          (this module) an answer: follow CNAME/DNAME chains, pick the signer,
                    check the RRset, a wildcard expansion or a denial; ``ChainValidator``
    dnssec_walk     the walk from the anchor to the zone that signed (DS, DNSKEY, cuts)
    dnssec_sigs     RRSIG checks against a zone's keys, with a bounded clock skew
    dnssec_keys     the trust anchor; which DNSKEY a DS vouches for; supported algorithms
    dnssec_denial   NSEC/NSEC3 proofs of absence (dnspython has none)
    dnssec_result   the vocabulary: Security, Clock, ValidatedAnswer, ZoneState

The walk for different questions shares one cache of validated zones and one memo of
fetched messages. The cache lives as long as the validator: make one per discovery run.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import dns.message
import dns.name
import dns.rcode
import dns.rdatatype
import dns.rrset
from dns.rdtypes.ANY.CNAME import CNAME
from dns.rdtypes.ANY.DNAME import DNAME
from dns.rdtypes.ANY.RRSIG import RRSIG

from ..common.failure import Failure
from ..common.tasks import cancel_and_wait
from .dnssec_denial import (
    Denial,
    DenialKind,
    ProofKind,
    prove_denial,
    prove_wildcard_expansion,
)
from .dnssec_keys import SUPPORTED_ALGORITHMS, SUPPORTED_DIGESTS, TrustAnchor, load_root_anchors
from .dnssec_result import (
    Chain,
    Clock,
    Fetch,
    Fetched,
    FetchError,
    LookupTrouble,
    Security,
    ValidatedAnswer,
    ZoneState,
)
from .dnssec_sigs import SignatureCheck, find, label_count, rrsigs, signatures, text
from .dnssec_walk import ZoneWalk
from .shared_cache import SharedDnsCache

__all__ = [
    "SUPPORTED_ALGORITHMS",
    "SUPPORTED_DIGESTS",
    "ChainValidator",
    "Clock",
    "Denial",
    "DenialKind",
    "Fetch",
    "FetchError",
    "Fetched",
    "LookupTrouble",
    "ProofKind",
    "Security",
    "TrustAnchor",
    "ValidatedAnswer",
    "load_root_anchors",
]

RdataType = dns.rdatatype.RdataType
MAX_ALIASES = 8
_INDETERMINATE = Security.INDETERMINATE


class ChainValidator:
    """Validates answers from `anchor` down, fetching what it needs through `fetch`.

    `clock` tells the time signatures are judged at (``time.time`` unless a test or a
    caller with a better clock says otherwise).
    """

    def __init__(
        self,
        anchor: TrustAnchor,
        fetch: Fetch,
        *,
        clock: Callable[[], float] = time.time,
        shared: SharedDnsCache | None = None,
    ) -> None:
        self._sigs = SignatureCheck(clock, shared.verified if shared is not None else None)
        self._walk = ZoneWalk(anchor, fetch, self._sigs, shared)
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
            chain = asyncio.ensure_future(self._walk.zone_of(host, signer=True))
        try:
            message = await self._walk.lookup(name, rdtype)
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
        enclosing = [z for z in (*self._walk.zones, *self._primed) if host.is_subdomain(z)]
        deepest = max(enclosing, key=len, default=None)
        return deepest is None or len(deepest) <= 2  # the root, or a top-level domain

    async def prime(self, name: dns.name.Name) -> None:
        """Fetch and check the DS/DNSKEY chain down to `name` before any answer needs it.

        Discovery knows at t=0 which zones its answers will come from (the address's
        domain), so the chain's round trip can overlap the first questions instead of
        following them.
        """
        self._primed.add(name)
        await self._walk.zone_of(name, signer=True)

    async def validate_message(
        self, name: dns.name.Name, rdtype: RdataType, message: dns.message.Message
    ) -> ValidatedAnswer:
        """Validate a message the caller already has (answer, CNAME chain or denial)."""
        chain = Chain(name, rdtype)
        current, asked = name, name
        for _ in range(MAX_ALIASES + 1):
            rrset = find(message.answer, current, rdtype)
            if rrset is not None:
                return chain.end(await self._positive(rrset, message))
            alias = None if rdtype == RdataType.CNAME else await self._alias(current, message)
            if alias is not None:
                chain.follow(current, alias[0])
                current = alias[1]
                continue
            if current == asked or message.rcode() == dns.rcode.NXDOMAIN or message.authority:
                return chain.end(await self._negative(current, rdtype, message))
            fetched = await self._walk.lookup(current, rdtype)  # the chain left this message
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
        what = f"the {text(rrset.rdtype)} records at {rrset.name}"

        def result(security: Security, reason: str) -> ValidatedAnswer:
            return ValidatedAnswer(rrset.name, rrset.rdtype, security, rrset, reason)

        home = _home(rrset.name, rrset.rdtype)
        signers = {sig.signer for sig in signatures(message.answer, rrset)}
        if not signers:
            zone = await self._walk.zone_of(home, signer=False)
            if zone.security is Security.SECURE:
                return result(
                    Security.BOGUS, f"{what} carry no signatures, but {zone.apex} is signed"
                )
            return zone.answer(rrset.name, rrset.rdtype, rrset)
        ancestors = [signer for signer in signers if home.is_subdomain(signer)]
        if not ancestors:
            named = ", ".join(sorted(str(s) for s in signers))
            return result(
                Security.BOGUS, f"{what} are signed by {named}, which cannot vouch for them"
            )
        signer = max(ancestors, key=len)
        zone = await self._walk.signing_zone(signer)
        if zone.security is not Security.SECURE or zone.keys is None:
            return zone.answer(rrset.name, rrset.rdtype, rrset)
        checked = self._sigs.check(rrset, message.answer, zone)
        if checked.sig is None:
            return result(Security.BOGUS, f"{what} {checked.problem}")
        how = f"{what} are signed by {signer}, which chains to the anchor"
        if checked.sig.labels < label_count(rrset.name):
            proof = self._wildcard_proof(rrset.name, checked.sig, message, zone)
            if not proof.proven:
                weaker = proof.opt_out or proof.declined  # insecure, not forged (RFC 9276)
                return result(Security.INSECURE if weaker else Security.BOGUS, proof.reason)
            how += f" (expanded from a wildcard; {proof.reason})"
        return result(Security.SECURE, how)

    async def _alias(
        self, name: dns.name.Name, message: dns.message.Message
    ) -> tuple[ValidatedAnswer, dns.name.Name] | None:
        """The validated CNAME (or the DNAME it was synthesised from) at `name`."""
        cname = find(message.answer, name, RdataType.CNAME)
        if cname is None or not isinstance(cname[0], CNAME):
            return None
        target: dns.name.Name = cname[0].target
        dname = next((r for r in message.answer if _synthesises(r, name)), None)
        if dname is None or signatures(message.answer, cname):
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
        what = "does not exist" if kind is DenialKind.NXDOMAIN else f"has no {text(rdtype)} records"

        def result(
            security: Security,
            reason: str,
            denial: Denial | None = None,
            clock: Clock | None = None,
        ) -> ValidatedAnswer:
            denial = denial or Denial(kind, ProofKind.NONE, False, reason)
            plausible = clock or Clock.PLAUSIBLE
            return ValidatedAnswer(qname, rdtype, security, None, reason, denial, clock=plausible)

        home = _home(qname, rdtype)
        signers = [
            sig.signer
            for rrset in message.authority
            if rrset.rdtype == RdataType.RRSIG
            for sig in rrsigs(rrset)
        ]
        ancestors = [signer for signer in signers if home.is_subdomain(signer)]
        if not ancestors:
            zone = await self._walk.zone_of(home, signer=False)
            if zone.security is Security.SECURE:
                why = f"{zone.apex} is signed, but the claim that {qname} {what} came without proof"
                return result(Security.INDETERMINATE, why)
            return result(zone.security, zone.reason, clock=zone.clock)
        zone = await self._walk.signing_zone(max(ancestors, key=len))
        if zone.security is not Security.SECURE:
            return result(zone.security, zone.reason, clock=zone.clock)
        found = self._sigs.denial_records(message.authority, zone)
        denial = prove_denial(kind, qname, rdtype, zone.apex, found.nsecs, found.nsec3s)
        if denial.proven:
            return result(Security.SECURE, denial.reason, denial)
        if denial.opt_out or denial.declined:
            return result(Security.INSECURE, denial.reason, denial)
        if found.failures:
            why = f"the denial for {qname} from {found.failures[0]}"
            return result(Security.BOGUS, why, denial)
        below = await self._walk.zone_of(home, signer=False)  # a parent cannot speak for a child
        if below.security is Security.INSECURE:
            return result(Security.INSECURE, below.reason, denial)
        why = f"the claim that {qname} {what} is not proven: {denial.reason}"
        return result(Security.INDETERMINATE, why, denial)

    def _wildcard_proof(
        self, owner: dns.name.Name, sig: RRSIG, message: dns.message.Message, zone: ZoneState
    ) -> Denial:
        source = owner.split(sig.labels + 1)[1]
        found = self._sigs.denial_records(message.authority, zone)
        return prove_wildcard_expansion(owner, source, zone.apex, found.nsecs, found.nsec3s)


# -- small helpers -------------------------------------------------------------------


def _host_part(name: dns.name.Name) -> dns.name.Name:
    """`name` below its last underscore label: _993._tcp.mail.example. -> mail.example.,
    HASH._openpgpkey.example. -> example."""
    labels = name.labels
    service = [i for i, label in enumerate(labels) if label.startswith(b"_")]
    return dns.name.Name(labels[service[-1] + 1 :] if service else labels)


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


def _home(name: dns.name.Name, rdtype: int) -> dns.name.Name:
    """The name whose zone holds `rdtype` at `name`: DS lives on the parent side."""
    return name.parent() if rdtype == RdataType.DS and name != dns.name.root else name
