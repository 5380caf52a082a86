"""The DNSSEC chain validator against signed zones built in memory.

A small signed internet is made once per module: a root "." (KSK + ZSK), "test." and
below it one zone per scenario (signed, unsigned, bogus, wrong DS, expired, NSEC3,
NSEC3 opt-out, unsupported algorithm). `FakeDns` answers from those zones the way a
recursive resolver asked with DO+CD would: the answer with its RRSIGs, following
CNAMEs, and for missing names or types the SOA plus the NSEC/NSEC3 proof in the
authority section. Tests tamper with single responses to play the attacker.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import Callable, Coroutine, Iterable
from typing import Any, TypeVar

import dns.dnssec
import dns.message
import dns.name
import dns.node
import dns.rcode
import dns.rdata
import dns.rdataset
import dns.rdatatype
import dns.rrset
import dns.zone
import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from mailhop.core.dns.dnssec import (
    ChainValidator,
    Clock,
    DenialKind,
    FetchError,
    ProofKind,
    Security,
    TrustAnchor,
    ValidatedAnswer,
    load_root_anchors,
)
from mailhop.core.dns.dnssec_denial import CutKind, classify_cut, prove_denial
from mailhop.core.dns.dnssec_sigs import allowed_skew
from mailhop.core.dns.shared_cache import SharedDnsCache

T = dns.rdatatype.RdataType
IN = dns.rdataclass.IN
NOW = int(time.time())
DAY = 86400
LONG_TARGET = ".".join(["t" * 63, "a" * 63, "r" * 63, "n3.test."])  # 201 octets


def n(text: str) -> dns.name.Name:
    return dns.name.from_text(text)


R = TypeVar("R")


def run(coro: Coroutine[Any, Any, R]) -> R:
    return asyncio.run(coro)


# -- building signed zones -----------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Key:
    private: ec.EllipticCurvePrivateKey
    dnskey: Any

    @classmethod
    def make(cls, flags: int = 257) -> Key:
        private = ec.generate_private_key(ec.SECP256R1())
        alg = dns.dnssec.Algorithm.ECDSAP256SHA256
        return cls(private, dns.dnssec.make_dnskey(private.public_key(), alg, flags=flags))

    def ds(self, owner: str) -> str:
        return str(dns.dnssec.make_ds(n(owner), self.dnskey, "SHA256"))


def zone_text(origin: str, body: str) -> dns.zone.Zone:
    head = "@ 3600 IN SOA ns hostmaster 1 7200 3600 1209600 300\n@ NS ns\n"
    return dns.zone.from_text(head + body, origin=origin, relativize=False)


def nsec_signed(
    origin: str,
    body: str,
    keys: list[Key],
    inception: int = NOW - 3600,
    expiration: int = NOW + 30 * DAY,
) -> dns.zone.Zone:
    zone = zone_text(origin, body)
    pairs = [(k.private, k.dnskey) for k in keys]
    dns.dnssec.sign_zone(zone, keys=pairs, inception=inception, expiration=expiration)
    return zone


def nsec3_signed(
    origin: str, body: str, key: Key, *, opt_out: bool, iterations: int = 0
) -> dns.zone.Zone:
    """Add an NSEC3 chain by hand (dnspython's sign_zone has none), then sign every RRset."""
    zone = zone_text(origin, body)
    apex, salt = zone.origin, "cafe"
    assert apex is not None
    cuts = {
        name for name, node in zone.nodes.items() if name != apex and node.get_rdataset(IN, T.NS)
    }
    signed_cuts = {cut for cut in cuts if zone.get_rdataset(cut, T.DS)}
    chained: set[dns.name.Name] = {apex}
    for name in zone.nodes:
        if any(name != cut and name.is_subdomain(cut) for cut in cuts):
            continue  # glue
        if opt_out and name in cuts - signed_cuts:
            continue  # opt-out leaves unsigned delegations out of the chain
        while name != apex:  # the name and every empty non-terminal above it
            chained.add(name)
            name = name.parent()
    hashes = sorted((dns.dnssec.nsec3_hash(name, salt, iterations, 1), name) for name in chained)
    with zone.writer() as txn:
        txn.add(apex, 3600, key.dnskey)
        txn.add(apex, 300, dns.rdata.from_text(IN, T.NSEC3PARAM, f"1 0 {iterations} {salt}"))
        for index, (digest, name) in enumerate(hashes):
            node = zone.get_node(name)
            types = {rds.rdtype for rds in node.rdatasets} if node else set()
            if name == apex:
                types |= {T.DNSKEY, T.NSEC3PARAM}
            if types and (name not in cuts or name in signed_cuts):
                types.add(T.RRSIG)
            following = hashes[(index + 1) % len(hashes)][0]
            bitmap = " ".join(sorted(dns.rdatatype.to_text(t) for t in types))
            text = f"1 {int(opt_out)} {iterations} {salt} {following} {bitmap}"
            txn.add(n(f"{digest}.{apex}"), 300, dns.rdata.from_text(IN, T.NSEC3, text))
    with zone.writer() as txn:
        for name, rdataset in list(zone.iterate_rdatasets()):
            occluded = any(name.is_subdomain(cut) for cut in cuts)
            if rdataset.rdtype == T.RRSIG or (occluded and rdataset.rdtype != T.DS):
                continue
            rrset = dns.rrset.from_rdata_list(name, rdataset.ttl, list(rdataset))
            sig = dns.dnssec.sign(rrset, key.private, apex, key.dnskey, NOW - 3600, NOW + 30 * DAY)
            txn.add(name, rdataset.ttl, sig)
    return zone


def corrupt_signature(zone: dns.zone.Zone, owner: str, covered: T) -> None:
    node = zone.find_node(n(owner))
    sigs = node.find_rdataset(IN, T.RRSIG, covered)
    flipped = [
        rd.replace(signature=bytes([rd.signature[0] ^ 0xFF]) + rd.signature[1:]) for rd in sigs
    ]
    node.replace_rdataset(dns.rdataset.from_rdata_list(sigs.ttl, flipped))


@dataclasses.dataclass
class World:
    zones: list[dns.zone.Zone]
    root_ksk: Key
    anchor: TrustAnchor
    attacker: Key


@pytest.fixture(scope="module")
def world() -> World:
    keys = {
        name: Key.make()
        for name in ("test", "signed", "bogus", "wrongds", "expired", "n3", "optout", "costly")
    }
    site = """mail A 192.0.2.25
_submissions._tcp SRV 0 1 465 mail
"""
    signed = nsec_signed(
        "signed.test.",
        site
        + f"""ns A 192.0.2.10
_imaps._tcp SRV 0 1 993 mail
alias CNAME mail
tounsigned CNAME mail.unsigned.test.
tobogus CNAME mail.bogus.test.
*.wild TXT "from a wildcard"
sub.wild A 192.0.2.8
renamed DNAME n3.test.
longdn DNAME {LONG_TARGET}
""",
        [keys["signed"]],
    )
    bogus = nsec_signed("bogus.test.", site, [keys["bogus"]])
    corrupt_signature(bogus, "_submissions._tcp.bogus.test.", T.SRV)
    corrupt_signature(bogus, "mail.bogus.test.", T.A)
    wrongds = nsec_signed("wrongds.test.", site, [keys["wrongds"]])
    expired = nsec_signed("expired.test.", site, [keys["expired"]], NOW - 20 * DAY, NOW - 10 * DAY)
    n3 = nsec3_signed("n3.test.", site, keys["n3"], opt_out=False)
    optout = nsec3_signed(
        "optout.test.", site + "sub NS ns.sub\nns.sub A 192.0.2.7\n", keys["optout"], opt_out=True
    )
    # Above RFC 9276's limit (150): Knot and ldns sign such zones (tests/lab/signers.py).
    costly = nsec3_signed(
        "costly.test.",
        site + '*.wild TXT "from a wildcard"\nsub NS ns.sub\nns.sub A 192.0.2.7\n',
        keys["costly"],
        opt_out=False,
        iterations=200,
    )
    unsigned = [
        zone_text(f"{name}.", site)
        for name in ("unsigned.test", "oddalg.test", "sub.optout.test", "sub.costly.test")
    ]
    delegations = "".join(
        f"{name} NS ns.{name}\n{name} DS {keys[name].ds(f'{name}.test.')}\n"
        for name in ("signed", "bogus", "expired", "n3", "optout", "costly")
    )
    test = nsec_signed(
        "test.",
        delegations
        + f"""ns A 192.0.2.53
unsigned NS ns.unsigned
wrongds NS ns.wrongds
wrongds DS {Key.make().ds("wrongds.test.")}
oddalg NS ns.oddalg
oddalg DS 4711 253 2 {"ab" * 32}
""",
        [keys["test"]],
    )
    ksk, zsk = Key.make(257), Key.make(256)
    root = nsec_signed(".", f"test. NS ns.test.\ntest. DS {keys['test'].ds('test.')}\n", [ksk, zsk])
    anchor = TrustAnchor.from_text(f". 3600 IN DS {ksk.ds('.')}")
    zones = [root, test, signed, bogus, wrongds, expired, n3, optout, costly, *unsigned]
    return World(zones, ksk, anchor, Key.make())


# -- a resolver that answers from those zones ----------------------------------------

Tamper = Callable[[dns.message.Message], None]


class FakeDns:
    """Answers like a recursive resolver asked with DO and CD, from in-memory zones."""

    def __init__(self, zones: Iterable[dns.zone.Zone]) -> None:
        self.zones = {zone.origin: zone for zone in zones}
        self.queries: list[tuple[dns.name.Name, T]] = []
        self.tamper: dict[tuple[dns.name.Name, T], Tamper] = {}
        self.broken: set[tuple[dns.name.Name, T]] = set()

    async def fetch(self, name: dns.name.Name, rdtype: T) -> dns.message.Message:
        self.queries.append((name, rdtype))
        await asyncio.sleep(0)  # let concurrent lookups interleave
        if (name, rdtype) in self.broken:
            raise FetchError("timed out")
        query = dns.message.make_query(name, rdtype, want_dnssec=True)
        response = dns.message.make_response(query)
        self.answer(response, name, rdtype)
        if (name, rdtype) in self.tamper:
            self.tamper[(name, rdtype)](response)
        return response

    def zone_for(self, name: dns.name.Name, rdtype: T) -> dns.zone.Zone:
        above = [
            o for o in self.zones if name.is_subdomain(o) and not (rdtype == T.DS and o == name)
        ]
        return self.zones[max(above, key=len)]

    def answer(
        self, response: dns.message.Message, name: dns.name.Name, rdtype: T, hops: int = 0
    ) -> None:
        zone = self.zone_for(name, rdtype)
        if zone.get_node(name) is not None:
            if self.add(response.answer, zone, name, rdtype):
                return
            if self.add(response.answer, zone, name, T.CNAME) and hops < 8:
                target = zone.get_rrset(name, T.CNAME)[0].target
                return self.answer(response, target, rdtype, hops + 1)
            return self.deny(response, zone, name, exists=True)
        encloser = self.closest_encloser(zone, name)
        dname = zone.get_rrset(encloser, T.DNAME)
        if dname is not None and hops < 8:  # RFC 6672: the DNAME plus an unsigned CNAME
            self.add(response.answer, zone, encloser, T.DNAME)
            target = name.relativize(encloser) + dname[0].target
            response.answer.append(dns.rrset.from_text(name, 0, IN, T.CNAME, target.to_text()))
            return self.answer(response, target, rdtype, hops + 1)
        wildcard = dns.name.Name((b"*", *encloser.labels))
        source = zone.get_rrset(wildcard, rdtype)
        if source is not None and not self.exists(zone, name):
            response.answer.append(dns.rrset.from_rdata_list(name, source.ttl, list(source)))
            sigs = zone.get_rrset(wildcard, T.RRSIG, rdtype)
            response.answer.append(dns.rrset.from_rdata_list(name, sigs.ttl, list(sigs)))
            return self.add_proof(response.authority, zone, [name])
        return self.deny(response, zone, name, exists=self.exists(zone, name))

    def deny(
        self, response: dns.message.Message, zone: dns.zone.Zone, name: dns.name.Name, exists: bool
    ) -> None:
        if not exists:
            response.set_rcode(dns.rcode.NXDOMAIN)
        self.add(response.authority, zone, zone.origin, T.SOA)
        if not self.is_nsec3(zone):
            wildcard = dns.name.Name((b"*", *self.closest_encloser(zone, name).labels))
            return self.add_proof(response.authority, zone, [name] if exists else [name, wildcard])
        if exists and self.nsec3_record(zone, name, match=True) is not None:
            return self.add_proof(response.authority, zone, [name])
        encloser = name.parent()  # the closest *provable* encloser: one with its own NSEC3
        while self.nsec3_record(zone, encloser, match=True) is None:
            encloser = encloser.parent()
        wanted = [encloser, name.split(len(encloser) + 1)[1]]
        wanted += [] if exists else [dns.name.Name((b"*", *encloser.labels))]
        self.add_proof(response.authority, zone, wanted)

    def add_proof(
        self, section: list[dns.rrset.RRset], zone: dns.zone.Zone, names: list[dns.name.Name]
    ) -> None:
        for name in names:
            record = self.nsec_record(zone, name) or self.nsec3_record(zone, name)
            rdtype = T.NSEC3 if self.is_nsec3(zone) else T.NSEC
            if record is not None and not any(
                r.name == record and r.rdtype == rdtype for r in section
            ):
                self.add(section, zone, record, rdtype)

    def add(
        self, section: list[dns.rrset.RRset], zone: dns.zone.Zone, name: dns.name.Name, rdtype: T
    ) -> bool:
        rrset = zone.get_rrset(name, rdtype)
        if rrset is None:
            return False
        section.append(rrset)
        sigs = zone.get_rrset(name, T.RRSIG, rdtype)
        if sigs is not None:
            section.append(sigs)
        return True

    @staticmethod
    def exists(zone: dns.zone.Zone, name: dns.name.Name) -> bool:
        return any(owner.is_subdomain(name) for owner in zone.nodes)

    def closest_encloser(self, zone: dns.zone.Zone, name: dns.name.Name) -> dns.name.Name:
        while not self.exists(zone, name):
            name = name.parent()
        return name

    @staticmethod
    def is_nsec3(zone: dns.zone.Zone) -> bool:
        return zone.get_rdataset(zone.origin, T.NSEC3PARAM) is not None

    @staticmethod
    def nsec_record(zone: dns.zone.Zone, name: dns.name.Name) -> dns.name.Name | None:
        """The owner of the NSEC that matches or covers `name` (the last owner <= name)."""
        owners = sorted(o for o, node in zone.nodes.items() if node.get_rdataset(IN, T.NSEC))
        if not owners:
            return None
        return max((o for o in owners if o <= name), default=owners[-1])

    def nsec3_record(
        self, zone: dns.zone.Zone, name: dns.name.Name, match: bool = False
    ) -> dns.name.Name | None:
        if not self.is_nsec3(zone):
            return None
        iterations = zone.get_rdataset(zone.origin, T.NSEC3PARAM)[0].iterations
        digest = dns.dnssec.nsec3_hash(name, "cafe", iterations, 1)
        owners = sorted(o for o, node in zone.nodes.items() if node.get_rdataset(IN, T.NSEC3))
        if match:
            return next((o for o in owners if o.labels[0].decode().upper() == digest), None)
        below = [o for o in owners if o.labels[0].decode().upper() <= digest]
        return below[-1] if below else owners[-1]


def setup(
    world: World, anchor: TrustAnchor | None = None, **kwargs: Any
) -> tuple[FakeDns, ChainValidator]:
    fake = FakeDns(world.zones)
    return fake, ChainValidator(anchor or world.anchor, fake.fetch, **kwargs)


def ask(validator: ChainValidator, name: str, rdtype: T) -> ValidatedAnswer:
    return run(validator.validate(n(name), rdtype))


# -- tampering helpers ---------------------------------------------------------------


def drop(section_name: str, rdtype: T | None = None, owner: dns.name.Name | None = None) -> Tamper:
    """Remove RRsets (and their RRSIGs) of a type/owner from one section."""

    def tamper(message: dns.message.Message) -> None:
        section = getattr(message, section_name)
        section[:] = [
            r
            for r in section
            if not (
                (rdtype is None or r.rdtype == rdtype or r.covers == rdtype)
                and (owner is None or r.name == owner)
            )
        ]

    return tamper


def resign(section_name: str, key: Key, signer: str, rdtypes: tuple[T, ...]) -> Tamper:
    """Replace the RRSIGs over `rdtypes` with signatures by another key."""

    def tamper(message: dns.message.Message) -> None:
        section = getattr(message, section_name)
        kept = [r for r in section if not (r.rdtype == T.RRSIG and r.covers in rdtypes)]
        for rrset in [r for r in kept if r.rdtype in rdtypes]:
            sig = dns.dnssec.sign(rrset, key.private, n(signer), key.dnskey, NOW - 60, NOW + DAY)
            kept.append(dns.rrset.from_rdata(rrset.name, rrset.ttl, sig))
        section[:] = kept

    return tamper


# -- positive answers ----------------------------------------------------------------


def test_a_signed_srv_record_is_secure(world: World) -> None:
    _, validator = setup(world)
    answer = ask(validator, "_submissions._tcp.signed.test.", T.SRV)
    assert answer.security is Security.SECURE, answer.reason
    assert answer.rrset is not None and answer.rrset[0].port == 465
    assert answer.denial is None and "signed.test." in answer.reason


def test_a_key_by_dnskey_anchor_works_as_well_as_by_ds(world: World) -> None:
    anchor = TrustAnchor(dns.name.root, dnskeys=(world.root_ksk.dnskey,))
    _, validator = setup(world, anchor)
    assert ask(validator, "mail.signed.test.", T.A).security is Security.SECURE


def test_an_unsigned_child_is_insecure_because_its_parent_proves_no_ds(world: World) -> None:
    _, validator = setup(world)
    answer = ask(validator, "_submissions._tcp.unsigned.test.", T.SRV)
    assert answer.security is Security.INSECURE, answer.reason
    assert "unsigned.test." in answer.reason and "NSEC" in answer.reason


def test_a_missing_denial_of_ds_is_indeterminate_never_insecure(world: World) -> None:
    fake, validator = setup(world)
    fake.tamper[(n("unsigned.test."), T.DS)] = drop("authority")
    answer = ask(validator, "_submissions._tcp.unsigned.test.", T.SRV)
    assert answer.security is Security.INDETERMINATE, answer.reason
    assert "unsigned.test." in answer.reason


def test_an_unsigned_denial_of_ds_is_indeterminate(world: World) -> None:
    fake, validator = setup(world)
    fake.tamper[(n("unsigned.test."), T.DS)] = drop("authority", T.RRSIG)
    assert ask(validator, "mail.unsigned.test.", T.A).security is Security.INDETERMINATE


def test_a_forged_denial_of_ds_cannot_downgrade_a_signed_zone(world: World) -> None:
    fake, validator = setup(world)
    # The attacker hides the DS of signed.test. and claims "delegation without DS" with an
    # NSEC record of their own, signed by a key that is not test.'s.
    forged = dns.rrset.from_text(
        "signed.test.", 300, IN, T.NSEC, "tobogus.signed.test. NS RRSIG NSEC"
    )

    def hide_ds(message: dns.message.Message) -> None:
        message.answer.clear()
        message.authority[:] = [forged]
        resign("authority", world.attacker, "test.", (T.NSEC,))(message)

    fake.tamper[(n("signed.test."), T.DS)] = hide_ds
    answer = ask(validator, "_submissions._tcp.signed.test.", T.SRV)
    assert answer.security is Security.BOGUS, answer.reason
    assert "signed.test." in answer.reason


def test_a_replayed_genuine_nsec_for_another_name_proves_nothing(world: World) -> None:
    fake, validator = setup(world)
    genuine = FakeDns(world.zones)
    replay = run(genuine.fetch(n("unsigned.test."), T.DS)).authority

    def replay_other_nsec(message: dns.message.Message) -> None:
        message.answer.clear()
        message.authority[:] = replay

    fake.tamper[(n("signed.test."), T.DS)] = replay_other_nsec
    answer = ask(validator, "_submissions._tcp.signed.test.", T.SRV)
    assert answer.security is Security.INDETERMINATE, answer.reason


def test_a_batchs_shared_signature_memo_never_vouches_for_altered_records(world: World) -> None:
    """An audit's resolvers share which signatures verified (dnssec_sigs.Verified): after a
    genuine answer, the same signature over a forged address must still be bogus."""
    shared = SharedDnsCache()
    _, first = setup(world, shared=shared)
    genuine = ask(first, "mail.signed.test.", T.A)
    assert genuine.security is Security.SECURE, genuine.reason

    def forge_address(message: dns.message.Message) -> None:
        for rrset in message.answer:
            if rrset.rdtype == T.A:
                rrset.clear()
                rrset.add(dns.rdata.from_text(IN, T.A, "203.0.113.66"))

    forged, second = setup(world, shared=shared)
    forged.tamper[(n("mail.signed.test."), T.A)] = forge_address
    answer = ask(second, "mail.signed.test.", T.A)
    assert answer.security is Security.BOGUS, answer.reason
    assert shared.verified.hits > 0  # the shared memo was used, for the chain above


# -- bogus chains --------------------------------------------------------------------


def test_a_corrupted_signature_is_bogus_and_says_where(world: World) -> None:
    _, validator = setup(world)
    answer = ask(validator, "_submissions._tcp.bogus.test.", T.SRV)
    assert answer.security is Security.BOGUS
    assert "bogus.test." in answer.reason and "does not verify" in answer.reason


def test_a_ds_that_matches_no_key_is_bogus(world: World) -> None:
    _, validator = setup(world)
    answer = ask(validator, "mail.wrongds.test.", T.A)
    assert answer.security is Security.BOGUS
    assert "wrongds.test." in answer.reason and "DS" in answer.reason


def test_expired_signatures_are_bogus(world: World) -> None:
    _, validator = setup(world)
    answer = ask(validator, "mail.expired.test.", T.A)
    assert answer.security is Security.BOGUS
    assert "expired.test." in answer.reason and "expired on" in answer.reason


def test_a_clock_far_ahead_is_blamed_not_the_dns(world: World) -> None:
    """60 days on, even the root's signatures (30 days) have expired: the clock is wrong."""
    _, validator = setup(world, clock=lambda: NOW + 60 * DAY)
    answer = ask(validator, "mail.signed.test.", T.A)
    assert (answer.security, answer.clock) == (Security.INDETERMINATE, Clock.AHEAD)
    assert "clock seems to be ahead" in answer.reason and "expired on" in answer.reason


def test_a_clock_far_behind_is_blamed_not_the_dns(world: World) -> None:
    """Three days back the root's signatures are not valid yet: the clock, not forgery."""
    _, validator = setup(world, clock=lambda: NOW - 3 * DAY)
    for name, rdtype in (("mail.signed.test.", T.A), ("nope.signed.test.", T.A)):
        answer = ask(validator, name, rdtype)
        assert (answer.security, answer.clock) == (Security.INDETERMINATE, Clock.BEHIND)
        assert "clock seems to be behind" in answer.reason


@pytest.mark.parametrize(
    "offset",
    [-2 * 3600, 30 * DAY + 1800],  # two hours before inception; half an hour after expiry
    ids=["two-hours-behind", "just-expired"],
)
def test_a_clock_off_within_the_skew_is_allowed(world: World, offset: int) -> None:
    """Signatures here live 31 days: a tenth is more than Unbound's 24 h cap (SKEW_MAX), so
    a skew of hours is allowed at both ends, as Unbound allows it."""
    _, validator = setup(world, clock=lambda: NOW + offset)
    answer = ask(validator, "mail.signed.test.", T.A)
    assert (answer.security, answer.clock) == (Security.SECURE, Clock.PLAUSIBLE)


def test_the_skew_is_a_tenth_of_the_lifetime_within_unbounds_bounds() -> None:
    def sig(lifetime: int) -> Any:
        return dns.rdata.from_text(
            IN, T.RRSIG, f"A 13 2 300 {NOW + lifetime} {NOW} 1 signed.test. AAAA"
        )

    assert [allowed_skew(sig(s)) for s in (3600, 5 * DAY, 30 * DAY)] == [3600, 43200, 86400]


def test_a_zone_expired_beyond_the_skew_is_bogus_even_with_a_good_root(world: World) -> None:
    _, validator = setup(world)
    answer = ask(validator, "mail.expired.test.", T.A)
    assert (answer.security, answer.clock) == (Security.BOGUS, Clock.PLAUSIBLE)


def test_an_anchor_that_matches_no_root_key_is_bogus_at_the_root(world: World) -> None:
    stranger = TrustAnchor.from_text(f". 3600 IN DS {Key.make().ds('.')}")
    _, validator = setup(world, stranger)
    answer = ask(validator, "mail.signed.test.", T.A)
    assert answer.security is Security.BOGUS
    assert answer.reason.startswith("no DNSKEY of . matches the trust anchor")


def test_unsigned_data_in_a_signed_zone_is_bogus(world: World) -> None:
    fake, validator = setup(world)
    fake.tamper[(n("mail.signed.test."), T.A)] = drop("answer", T.RRSIG)
    answer = ask(validator, "mail.signed.test.", T.A)
    assert answer.security is Security.BOGUS and "no signatures" in answer.reason


def test_a_signer_that_is_not_an_ancestor_cannot_vouch(world: World) -> None:
    fake, validator = setup(world)

    def move_signer(message: dns.message.Message) -> None:
        for rrset in message.answer:
            if rrset.rdtype == T.RRSIG:
                rds = [rd.replace(signer=n("unsigned.test.")) for rd in rrset]
                message.answer[message.answer.index(rrset)] = dns.rrset.from_rdata_list(
                    rrset.name, rrset.ttl, rds
                )

    fake.tamper[(n("mail.signed.test."), T.A)] = move_signer
    answer = ask(validator, "mail.signed.test.", T.A)
    assert answer.security is Security.BOGUS and "cannot vouch" in answer.reason


def test_a_zone_with_only_unknown_algorithms_counts_as_unsigned(world: World) -> None:
    _, validator = setup(world)
    answer = ask(validator, "mail.oddalg.test.", T.A)
    assert answer.security is Security.INSECURE and "algorithms" in answer.reason


def test_a_failed_lookup_on_the_chain_is_indeterminate(world: World) -> None:
    fake, validator = setup(world)
    fake.broken.add((n("test."), T.DS))
    answer = ask(validator, "mail.signed.test.", T.A)
    assert answer.security is Security.INDETERMINATE and "timed out" in answer.reason


def test_a_servfail_on_the_chain_is_indeterminate(world: World) -> None:
    fake, validator = setup(world)
    fake.tamper[(n("signed.test."), T.DNSKEY)] = lambda m: m.set_rcode(dns.rcode.SERVFAIL)
    answer = ask(validator, "mail.signed.test.", T.A)
    assert answer.security is Security.INDETERMINATE and "SERVFAIL" in answer.reason


# -- aliases and wildcards -----------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("alias.signed.test.", Security.SECURE),
        ("tounsigned.signed.test.", Security.INSECURE),
        ("tobogus.signed.test.", Security.BOGUS),
    ],
)
def test_a_cname_chain_is_as_strong_as_its_weakest_link(
    world: World, name: str, expected: Security
) -> None:
    _, validator = setup(world)
    answer = ask(validator, name, T.A)
    assert answer.security is expected, answer.reason
    assert answer.aliases == (n(name),)
    assert answer.rrset is not None and answer.rrset.rdtype == T.A


def test_a_cname_synthesised_from_a_signed_dname_is_secure(world: World) -> None:
    _, validator = setup(world)
    answer = ask(validator, "mail.renamed.signed.test.", T.A)
    assert answer.security is Security.SECURE, answer.reason
    assert answer.aliases == (n("mail.renamed.signed.test."),)
    assert answer.rrset is not None and answer.rrset.name == n("mail.n3.test.")


def test_a_synthesised_cname_that_does_not_follow_its_dname_is_bogus(world: World) -> None:
    fake, validator = setup(world)
    elsewhere = run(FakeDns(world.zones).fetch(n("mail.unsigned.test."), T.A)).answer

    def retarget(message: dns.message.Message) -> None:
        for index, rrset in enumerate(message.answer):
            if rrset.rdtype == T.CNAME:
                message.answer[index] = dns.rrset.from_text(
                    rrset.name, 0, IN, T.CNAME, "mail.unsigned.test."
                )
        message.answer += elsewhere

    fake.tamper[(n("mail.renamed.signed.test."), T.A)] = retarget
    answer = ask(validator, "mail.renamed.signed.test.", T.A)
    assert answer.security is Security.BOGUS and "does not follow the DNAME" in answer.reason


def test_a_cname_past_255_octets_cannot_follow_a_signed_dname(world: World) -> None:
    """Below longdn.signed.test. a 63-octet label would be rewritten into a 266-octet name, so
    a server must answer YXDOMAIN (RFC 6672 section 2.2); a CNAME there is someone else's."""
    fake = FakeDns(world.zones)
    qname = n("q" * 63 + ".longdn.signed.test.")

    async def fetch(name: dns.name.Name, rdtype: T) -> dns.message.Message:
        if name != qname:
            return await fake.fetch(name, rdtype)
        query = dns.message.make_query(name, rdtype, want_dnssec=True)
        response = dns.message.make_response(query)
        zone = fake.zones[n("signed.test.")]
        fake.add(response.answer, zone, n("longdn.signed.test."), T.DNAME)
        response.answer.append(dns.rrset.from_text(qname, 0, IN, T.CNAME, "mail.signed.test."))
        fake.answer(response, n("mail.signed.test."), rdtype)
        return response

    answer = run(ChainValidator(world.anchor, fetch).validate(qname, T.A))
    assert answer.security is Security.BOGUS, answer.reason
    assert "does not follow the DNAME at longdn.signed.test." in answer.reason


def test_a_forged_cname_is_bogus(world: World) -> None:
    fake, validator = setup(world)

    def redirect(message: dns.message.Message) -> None:
        cname = dns.rrset.from_text("alias.signed.test.", 300, IN, T.CNAME, "mail.unsigned.test.")
        message.answer[0] = cname

    fake.tamper[(n("alias.signed.test."), T.A)] = redirect
    assert ask(validator, "alias.signed.test.", T.A).security is Security.BOGUS


def test_a_wildcard_answer_is_secure_with_its_proof(world: World) -> None:
    _, validator = setup(world)
    answer = ask(validator, "anything.wild.signed.test.", T.TXT)
    assert answer.security is Security.SECURE, answer.reason


def test_a_wildcard_answer_without_proof_is_bogus(world: World) -> None:
    fake, validator = setup(world)
    fake.tamper[(n("anything.wild.signed.test."), T.TXT)] = drop("authority")
    answer = ask(validator, "anything.wild.signed.test.", T.TXT)
    assert answer.security is Security.BOGUS and "wildcard" in answer.reason


def test_a_wildcard_answer_where_a_closer_name_exists_is_bogus(world: World) -> None:
    fake, validator = setup(world)
    zone = fake.zones[n("signed.test.")]
    qname = n("x.sub.wild.signed.test.")  # sub.wild exists, so *.wild must not answer here
    source, sigs = (
        zone.get_rrset(n("*.wild.signed.test."), T.TXT),
        zone.find_rrset(n("*.wild.signed.test."), T.RRSIG, T.TXT),
    )

    def forge(message: dns.message.Message) -> None:
        message.set_rcode(dns.rcode.NOERROR)
        message.answer[:] = [dns.rrset.from_rdata_list(qname, 300, list(r)) for r in (source, sigs)]

    fake.tamper[(qname, T.TXT)] = forge
    answer = ask(validator, "x.sub.wild.signed.test.", T.TXT)
    assert answer.security is Security.BOGUS and "wildcard" in answer.reason


def test_a_signer_name_that_is_no_zone_is_bogus(world: World) -> None:
    fake, validator = setup(world)

    def claim_ent_signed(message: dns.message.Message) -> None:
        for index, rrset in enumerate(message.answer):
            if rrset.rdtype == T.RRSIG:
                rds = [rd.replace(signer=n("_tcp.signed.test.")) for rd in rrset]
                message.answer[index] = dns.rrset.from_rdata_list(rrset.name, rrset.ttl, rds)

    fake.tamper[(n("_submissions._tcp.signed.test."), T.SRV)] = claim_ent_signed
    answer = ask(validator, "_submissions._tcp.signed.test.", T.SRV)
    assert answer.security is Security.BOGUS and "is no zone" in answer.reason


# -- denial of existence -------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "rdtype", "kind", "proof"),
    [
        ("nope.signed.test.", T.A, DenialKind.NXDOMAIN, ProofKind.NSEC),
        ("a.b.nope.signed.test.", T.A, DenialKind.NXDOMAIN, ProofKind.NSEC),
        ("mail.signed.test.", T.TLSA, DenialKind.NODATA, ProofKind.NSEC),
        ("_tcp.signed.test.", T.TXT, DenialKind.NODATA, ProofKind.NSEC),  # empty non-terminal
        ("wild.signed.test.", T.TXT, DenialKind.NODATA, ProofKind.NSEC),
        ("nope.n3.test.", T.A, DenialKind.NXDOMAIN, ProofKind.NSEC3),
        ("a.b.nope.n3.test.", T.A, DenialKind.NXDOMAIN, ProofKind.NSEC3),
        ("mail.n3.test.", T.TLSA, DenialKind.NODATA, ProofKind.NSEC3),
        ("_tcp.n3.test.", T.TXT, DenialKind.NODATA, ProofKind.NSEC3),
    ],
)
def test_a_proven_absence_is_secure(
    world: World, name: str, rdtype: T, kind: DenialKind, proof: ProofKind
) -> None:
    _, validator = setup(world)
    answer = ask(validator, name, rdtype)
    assert answer.security is Security.SECURE, answer.reason
    assert answer.denial is not None and answer.absence_proven
    assert (answer.denial.kind, answer.denial.proof, answer.denial.proven) == (kind, proof, True)


def test_a_name_error_for_an_empty_non_terminal_is_not_proven(world: World) -> None:
    fake, validator = setup(world)
    fake.tamper[(n("_tcp.signed.test."), T.TXT)] = lambda m: m.set_rcode(dns.rcode.NXDOMAIN)
    answer = ask(validator, "_tcp.signed.test.", T.TXT)
    assert answer.security is Security.INDETERMINATE and not answer.absence_proven


def test_an_absence_in_an_unsigned_zone_is_insecure_and_unproven(world: World) -> None:
    _, validator = setup(world)
    answer = ask(validator, "_25._tcp.mail.unsigned.test.", T.TLSA)
    assert answer.security is Security.INSECURE and not answer.absence_proven
    assert answer.denial is not None and answer.denial.proof is ProofKind.NONE


@pytest.mark.parametrize("name", ["nope.signed.test.", "mail.signed.test."])
def test_an_nsec_signed_by_the_wrong_key_is_no_proof(world: World, name: str) -> None:
    fake, validator = setup(world)
    fake.tamper[(n(name), T.TLSA)] = resign("authority", world.attacker, "signed.test.", (T.NSEC,))
    answer = ask(validator, name, T.TLSA)
    assert answer.security is Security.BOGUS and not answer.absence_proven
    assert "NSEC" in answer.reason and "signed.test." in answer.reason


def test_an_unsigned_nsec_is_no_proof(world: World) -> None:
    fake, validator = setup(world)
    fake.tamper[(n("mail.signed.test."), T.TLSA)] = drop("authority", T.RRSIG)
    answer = ask(validator, "mail.signed.test.", T.TLSA)
    assert answer.security is Security.INDETERMINATE and not answer.absence_proven


def test_a_denial_without_its_wildcard_proof_is_unproven(world: World) -> None:
    fake, validator = setup(world)
    wildcard = n("*.signed.test.")
    zone = fake.zones[n("signed.test.")]
    covering = fake.nsec_record(zone, wildcard)
    assert covering != fake.nsec_record(
        zone, n("nope.signed.test.")
    )  # else the test proves nothing
    fake.tamper[(n("nope.signed.test."), T.A)] = drop("authority", T.NSEC, covering)
    answer = ask(validator, "nope.signed.test.", T.A)
    assert answer.security is Security.INDETERMINATE and "wildcard" in answer.reason


@pytest.mark.parametrize("part", ["wildcard", "next closer"])
def test_an_nsec3_name_error_missing_a_part_is_unproven(world: World, part: str) -> None:
    fake, validator = setup(world)
    zone = fake.zones[n("n3.test.")]
    target = n("*.n3.test.") if part == "wildcard" else n("nope.n3.test.")
    fake.tamper[(n("nope.n3.test."), T.A)] = drop(
        "authority", T.NSEC3, fake.nsec3_record(zone, target)
    )
    answer = ask(validator, "nope.n3.test.", T.A)
    assert answer.security is Security.INDETERMINATE and not answer.absence_proven


def test_an_nsec3_opt_out_delegation_is_insecure(world: World) -> None:
    _, validator = setup(world)
    answer = ask(validator, "mail.sub.optout.test.", T.A)
    assert answer.security is Security.INSECURE and "opt-out" in answer.reason


@pytest.mark.parametrize(
    ("name", "rdtype", "what"),
    [
        ("x.wild.costly.test.", T.TXT, "wildcard answer"),
        ("nope.costly.test.", T.A, "name error"),
        ("mail.costly.test.", T.TLSA, "no data"),
        ("mail.sub.costly.test.", T.A, "unsigned delegation"),
    ],
)
def test_nsec3_above_the_iteration_limit_is_insecure(
    world: World, name: str, rdtype: T, what: str
) -> None:
    """RFC 9276 section 3.2: one outcome, insecure, with the limit named (was: bogus for the
    wildcard answer, indeterminate for the others)."""
    _, validator = setup(world)
    answer = ask(validator, name, rdtype)
    assert answer.security is Security.INSECURE and not answer.absence_proven, what
    assert "200 extra hash iterations" in answer.reason and "150" in answer.reason
    assert "RFC 9276" in answer.reason


def test_a_name_error_in_an_opt_out_span_is_insecure_not_proven(world: World) -> None:
    _, validator = setup(world)
    answer = ask(validator, "nope.optout.test.", T.A)
    assert answer.security is Security.INSECURE and not answer.absence_proven
    assert answer.denial is not None and answer.denial.opt_out and not answer.denial.proven


def test_a_parent_nsec_at_a_delegation_cannot_deny_child_data(world: World) -> None:
    fake, validator = setup(world)
    parent_side = run(FakeDns(world.zones).fetch(n("unsigned.test."), T.DS)).authority
    fake.tamper[(n("unsigned.test."), T.TXT)] = lambda m: m.authority.__setitem__(
        slice(None), parent_side
    )
    answer = ask(validator, "unsigned.test.", T.TXT)
    assert answer.security is Security.INSECURE and not answer.absence_proven


def test_a_denial_without_any_proof_in_a_signed_zone_is_indeterminate(world: World) -> None:
    fake, validator = setup(world)
    fake.tamper[(n("mail.signed.test."), T.TLSA)] = drop("authority")
    answer = ask(validator, "mail.signed.test.", T.TLSA)
    assert answer.security is Security.INDETERMINATE and "without proof" in answer.reason


# -- the pure denial rules -----------------------------------------------------------


def nsec(owner: str, following: str, types: str) -> tuple[dns.name.Name, Any]:
    return n(owner), dns.rdata.from_text(IN, T.NSEC, f"{following} {types}")


@pytest.mark.parametrize(
    ("types", "rdtype", "proven"),
    [
        ("A RRSIG NSEC", T.TLSA, True),
        ("A TLSA RRSIG NSEC", T.TLSA, False),  # the type is there
        ("CNAME RRSIG NSEC", T.TLSA, False),  # an alias: the data is elsewhere
        ("NS RRSIG NSEC", T.TLSA, False),  # a delegation: the child must answer
        ("NS RRSIG NSEC", T.DS, True),  # ... but the parent may deny DS
        ("NS SOA RRSIG NSEC DNSKEY", T.DS, False),  # the child apex cannot deny DS
    ],
)
def test_nodata_bitmap_rules(types: str, rdtype: T, proven: bool) -> None:
    records = [nsec("x.example.", "z.example.", types)]
    denial = prove_denial(DenialKind.NODATA, n("x.example."), rdtype, n("example."), records, [])
    assert denial.proven is proven, denial.reason


def test_an_nsec_at_an_ancestor_delegation_covers_nothing_below_it() -> None:
    records = [
        nsec("d.example.", "z.example.", "NS RRSIG NSEC"),
        nsec("example.", "d.example.", "SOA NS"),
    ]
    denial = prove_denial(DenialKind.NXDOMAIN, n("x.d.example."), T.A, n("example."), records, [])
    assert not denial.proven


def test_classify_cut_reads_the_delegation_bitmap() -> None:
    zone = n("example.")
    cut = classify_cut(
        n("d.example."), zone, [nsec("d.example.", "z.example.", "NS RRSIG NSEC")], []
    )
    plain = classify_cut(
        n("d.example."), zone, [nsec("d.example.", "z.example.", "A RRSIG NSEC")], []
    )
    child = classify_cut(
        n("d.example."), zone, [nsec("d.example.", "z.example.", "NS SOA RRSIG NSEC")], []
    )
    assert (cut.kind, plain.kind, child.kind) == (
        CutKind.UNSIGNED_DELEGATION,
        CutKind.NOT_A_CUT,
        CutKind.UNPROVEN,
    )


def test_dnspython_orders_names_canonically() -> None:
    """RFC 4034 section 6.1's example, which the NSEC coverage checks rely on."""
    ordered = [
        n(t)
        for t in ("example", "a.example", "yljkjljk.a.example", "Z.a.example", "zABC.a.EXAMPLE")
    ]
    ordered += [n(t) for t in ("z.example", "\\001.z.example", "*.z.example", "\\200.z.example")]
    for shuffled in (ordered[::-1], ordered[4:] + ordered[:4], ordered[1::2] + ordered[::2]):
        assert sorted(shuffled) == ordered


# -- caching and parallel fetching ---------------------------------------------------


def test_the_chain_is_fetched_once_and_reused(world: World) -> None:
    fake, validator = setup(world)
    ask(validator, "_submissions._tcp.signed.test.", T.SRV)
    first = len(fake.queries)
    ask(validator, "_imaps._tcp.signed.test.", T.SRV)
    assert fake.queries[first:] == [(n("_imaps._tcp.signed.test."), T.SRV)]


def test_parallel_validations_share_their_lookups(world: World) -> None:
    fake, validator = setup(world)
    names = ["_submissions._tcp", "_imaps._tcp", "mail", "alias", "nope"]

    async def all_at_once() -> list[ValidatedAnswer]:
        return await asyncio.gather(
            *(validator.validate(n(f"{x}.signed.test."), T.A) for x in names)
        )

    answers = run(all_at_once())
    assert all(a.security is Security.SECURE for a in answers), [a.reason for a in answers]
    assert len(fake.queries) == len(set(fake.queries))


# -- trust anchors -------------------------------------------------------------------

# The published root KSKs (https://www.iana.org/dnssec/files): the shipped DS digests
# must be the SHA-256 digests of exactly these keys.
ROOT_KSKS = {
    20326: (
        "AwEAAaz/tAm8yTn4Mfeh5eyI96WSVexTBAvkMgJzkKTOiW1vkIbzxeF3+/4RgWOq7HrxRixHlFlE"
        "xOLAJr5emLvN7SWXgnLh4+B5xQlNVz8Og8kvArMtNROxVQuCaSnIDdD5LKyWbRd2n9WGe2R8PzgC"
        "mr3EgVLrjyBxWezF0jLHwVN8efS3rCj/EWgvIWgb9tarpVUDK/b58Da+sqqls3eNbuv7pr+eoZG+"
        "SrDK6nWeL3c6H5Apxz7LjVc1uTIdsIXxuOLYA4/ilBmSVIzuDWfdRUfhHdY6+cn8HFRm+2hM8AnX"
        "GXws9555KrUB5qihylGa8subX2Nn6UwNR1AkUTV74bU="
    ),
    38696: (
        "AwEAAa96jeuknZlaeSrvyAJj6ZHv28hhOKkx3rLGXVaC6rXTsDc449/cidltpkyGwCJNnOAlFNKF"
        "2jBosZBU5eeHspaQWOmOElZsjICMQMC3aeHbGiShvZsx4wMYSjH8e7Vrhbu6irwCzVBApESjbUdp"
        "WWmEnhathWu1jo+siFUiRAAxm9qyJNg/wOZqqzL/dL/q8PkcRU5oUKEpUge71M3ej2/7CPqpdVwu"
        "MoTvoB+ZOT4YeGyxMvHmbrxlFzGOHOijtzN+u1TQNatX2XBuzZNQ1K+s2CXkPIZo7s6JgZyvaBev"
        "YtxPvYLw4z9mR7K2vaF18UYH9Z9GNUUeayffKC73PYc="
    ),
}


def test_the_shipped_root_anchors_are_the_iana_ksks() -> None:
    anchor = load_root_anchors()
    assert anchor.name == dns.name.root and not anchor.dnskeys
    assert sorted(ds.key_tag for ds in anchor.ds) == sorted(ROOT_KSKS)
    for ds in anchor.ds:
        key = dns.rdata.from_text(IN, T.DNSKEY, f"257 3 8 {ROOT_KSKS[ds.key_tag]}")
        assert dns.dnssec.make_ds(dns.name.root, key, "SHA256") == ds


@pytest.mark.parametrize(
    "text",
    [
        "",
        "this is not a record",
        ". 3600 IN A 192.0.2.1",
        f". IN DS {'00' * 2} 8 2 {'ab' * 32}\ntest. IN DS 1 8 2 {'ab' * 32}",
        ". IN DNSKEY 0 3 8 AwEAAQ==",
    ],
)
def test_a_malformed_trust_anchor_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        TrustAnchor.from_text(text)


def test_a_name_outside_the_anchor_is_indeterminate(world: World) -> None:
    anchor = dataclasses.replace(world.anchor, name=n("test."))
    _, validator = setup(world, anchor)
    answer = ask(validator, "example.", T.A)
    assert answer.security is Security.INDETERMINATE and "no trust anchor" in answer.reason


def test_an_nsec3_record_at_the_root_is_no_proof_and_no_crash() -> None:
    # The root has no parent: an NSEC3 owned by "." (which a root zone could sign) must be
    # set aside like any other NSEC3 whose owner is not <hash>.<zone>, not raise NoParent.
    record = dns.rdata.from_text(IN, T.NSEC3, "1 0 0 - 0123456789abcdefghijklmnopqrstuv A")
    records = [(dns.name.root, record)]
    denial = prove_denial(DenialKind.NXDOMAIN, n("x."), T.A, dns.name.root, [], records)
    cut = classify_cut(n("x."), dns.name.root, [], records)
    assert not denial.proven and denial.proof is ProofKind.NSEC3
    assert cut.kind is CutKind.UNPROVEN


def test_a_cancelled_validation_leaves_no_chain_walk_running(world: World) -> None:
    """validate() walks the chain of trust in a task of its own beside the question; a
    source cancelled at a deadline must take that walk down with it, not leave it asking
    the resolver after discovery has returned (DESIGN.md section 3)."""
    asked: list[str] = []

    async def silent(name: dns.name.Name, rdtype: T) -> dns.message.Message:
        asked.append(f"{name} {dns.rdatatype.to_text(rdtype)}")
        await asyncio.Event().wait()  # a resolver that never answers
        raise AssertionError("unreachable")

    async def cancel_midway() -> list[asyncio.Task[Any]]:
        validator = ChainValidator(world.anchor, silent)
        task = asyncio.ensure_future(validator.validate(n("mail.signed.test."), T.A))
        while len(asked) < 2:  # the question and the chain walk are both waiting
            await asyncio.sleep(0)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        return [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]

    assert run(cancel_midway()) == []
