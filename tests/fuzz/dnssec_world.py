"""A tiny signed DNS tree for the DNSSEC fuzz harnesses, built once at import.

    .            signed (one key), delegates test. with DS
    test.        signed, delegates ex.test. (NSEC) and n3.test. (NSEC3) with DS, plain.test.
                 without DS
    ex.test.     NSEC-signed: hosts, SRV, TLSA, a CNAME, a wildcard, an unsigned delegation
                 and a DNAME whose target is long (names below it can pass 255 octets)
    n3.test.     NSEC3-signed (no salt, 0 iterations) with an opt-out-free chain

`World.respond(name, rdtype)` answers the chain questions (DNSKEY, DS) honestly, the way a
recursive resolver asked with DO+CD would, so fuzzed answers get past the walk and reach the
signature, alias and denial checks. `sign` makes records a zone's key (or the attacker's key)
vouches for, for inputs that play a malicious zone or a forger.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import dns.dnssec
import dns.message
import dns.name
import dns.rcode
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import dns.rrset
import dns.zone
from cryptography.hazmat.primitives.asymmetric import ec

from mailhop.core.dns.dnssec import TrustAnchor

T = dns.rdatatype.RdataType
IN = dns.rdataclass.IN
NOW = int(time.time())
INCEPTION, EXPIRATION = NOW - 3600, NOW + 30 * 86400
LONG_TARGET = ".".join(["t" * 63, "a" * 63, "r" * 63, "n3.test."])  # 201 octets


@dataclass(frozen=True, slots=True)
class Key:
    private: ec.EllipticCurvePrivateKey
    dnskey: dns.rdata.Rdata

    @classmethod
    def make(cls) -> Key:
        private = ec.generate_private_key(ec.SECP256R1())
        alg = dns.dnssec.Algorithm.ECDSAP256SHA256
        return cls(private, dns.dnssec.make_dnskey(private.public_key(), alg, flags=257))

    def ds(self, owner: dns.name.Name) -> dns.rdata.Rdata:
        return dns.dnssec.make_ds(owner, self.dnskey, "SHA256")


def _zone(origin: str, body: str) -> dns.zone.Zone:
    head = "@ 3600 IN SOA ns hostmaster 1 7200 3600 1209600 300\n@ NS ns\nns A 192.0.2.53\n"
    return dns.zone.from_text(head + body, origin=origin, relativize=False)


def _sign_nsec(zone: dns.zone.Zone, key: Key) -> None:
    dns.dnssec.sign_zone(
        zone, keys=[(key.private, key.dnskey)], inception=INCEPTION, expiration=EXPIRATION
    )


def _sign_nsec3(zone: dns.zone.Zone, key: Key) -> None:
    """NSEC3 chain by hand (dnspython's sign_zone has none), then every RRset signed."""
    apex = zone.origin
    assert apex is not None
    names: set[dns.name.Name] = set()
    for name in zone.nodes:
        while name != apex:  # the name and every empty non-terminal above it
            names.add(name)
            name = name.parent()
    names.add(apex)
    hashes = sorted((dns.dnssec.nsec3_hash(name, None, 0, 1), name) for name in names)
    with zone.writer() as txn:
        txn.add(apex, 3600, key.dnskey)
        txn.add(apex, 300, dns.rdata.from_text(IN, T.NSEC3PARAM, "1 0 0 -"))
        for index, (digest, name) in enumerate(hashes):
            node = zone.get_node(name)
            types = {rds.rdtype for rds in node.rdatasets} if node else set()
            if name == apex:
                types |= {T.DNSKEY, T.NSEC3PARAM}
            if types:
                types.add(T.RRSIG)
            following = hashes[(index + 1) % len(hashes)][0]
            bitmap = " ".join(sorted(dns.rdatatype.to_text(t) for t in types))
            text = f"1 0 0 - {following} {bitmap}"
            owner = dns.name.from_text(f"{digest}.{apex}")
            txn.add(owner, 300, dns.rdata.from_text(IN, T.NSEC3, text))
    with zone.writer() as txn:
        for name, rdataset in list(zone.iterate_rdatasets()):
            if rdataset.rdtype == T.RRSIG:
                continue
            rrset = dns.rrset.from_rdata_list(name, rdataset.ttl, list(rdataset))
            txn.add(name, rdataset.ttl, sign(rrset, key, apex))


def sign(rrset: dns.rrset.RRset, key: Key, signer: dns.name.Name) -> dns.rdata.Rdata:
    return dns.dnssec.sign(rrset, key.private, signer, key.dnskey, INCEPTION, EXPIRATION)


class World:
    def __init__(self) -> None:
        self.root, self.test = dns.name.root, dns.name.from_text("test.")
        self.ex, self.n3 = dns.name.from_text("ex.test."), dns.name.from_text("n3.test.")
        self.keys = {name: Key.make() for name in (self.root, self.test, self.ex, self.n3)}
        self.attacker = Key.make()
        ex = _zone(
            "ex.test.",
            f"""@ MX 10 mail
mail A 192.0.2.25
mail AAAA 2001:db8::25
_imaps._tcp SRV 0 1 993 mail
_submissions._tcp SRV 0 1 465 mail
_993._tcp.mail TLSA 3 1 1 {"ab" * 32}
alias CNAME mail
out CNAME mail.n3.test.
*.wild TXT "from a wildcard"
sub NS ns.sub
ns.sub A 192.0.2.7
dn DNAME {LONG_TARGET}
""",
        )
        n3 = _zone("n3.test.", "mail A 192.0.2.26\n_imaps._tcp SRV 0 1 993 mail\n")
        _sign_nsec(ex, self.keys[self.ex])
        _sign_nsec3(n3, self.keys[self.n3])
        delegations = "".join(
            f"{name} NS ns.{name}\n{name} DS {self.keys[name].ds(name)}\n"
            for name in (self.ex, self.n3)
        )
        test = _zone("test.", delegations + "plain NS ns.plain\nns.plain A 192.0.2.8\n")
        _sign_nsec(test, self.keys[self.test])
        root = _zone(".", f"test. NS ns.test.\ntest. DS {self.keys[self.test].ds(self.test)}\n")
        _sign_nsec(root, self.keys[self.root])
        self.zones = {z.origin: z for z in (root, test, ex, n3)}
        self.anchor = TrustAnchor.from_text(f". 3600 IN DS {self.keys[self.root].ds(self.root)}")
        # Every signed RRset with its signatures: the pool fuzzed answers are built from.
        self.pool: list[tuple[dns.rrset.RRset, dns.rrset.RRset | None]] = []
        for zone in self.zones.values():
            for name, rdataset in zone.iterate_rdatasets():
                if rdataset.rdtype == T.RRSIG:
                    continue
                rrset = dns.rrset.from_rdata_list(name, rdataset.ttl, list(rdataset))
                sigs = zone.get_rrset(name, T.RRSIG, rdataset.rdtype)
                self.pool.append((rrset, sigs))
        self.names = sorted({rrset.name for rrset, _ in self.pool})
        self._chains: dict[dns.name.Name, list[tuple[dns.name.Name, int]]] = {}

    def zone_for(self, name: dns.name.Name, rdtype: int) -> dns.zone.Zone | None:
        above = [
            o for o in self.zones if name.is_subdomain(o) and not (rdtype == T.DS and o == name)
        ]
        return self.zones[max(above, key=len)] if above else None

    def add(
        self, section: list[dns.rrset.RRset], zone: dns.zone.Zone, name: dns.name.Name, rdtype: int
    ) -> bool:
        rrset = zone.get_rrset(name, rdtype)
        if rrset is None:
            return False
        section.append(rrset)
        sigs = zone.get_rrset(name, T.RRSIG, rdtype)
        if sigs is not None:
            section.append(sigs)
        return True

    def respond(self, name: dns.name.Name, rdtype: int) -> dns.message.Message:
        """An honest answer: the RRset with its signatures, or NODATA/NXDOMAIN with every
        NSEC/NSEC3 record of the zone (a superset of the proof a server would send)."""
        query = dns.message.make_query(name, rdtype, want_dnssec=True)
        response = dns.message.make_response(query)
        zone = self.zone_for(name, rdtype)
        if zone is None:
            response.set_rcode(dns.rcode.REFUSED)
            return response
        if self.add(response.answer, zone, name, rdtype):
            return response
        if not any(owner.is_subdomain(name) for owner in zone.nodes):
            response.set_rcode(dns.rcode.NXDOMAIN)
        assert zone.origin is not None
        self.add(response.authority, zone, zone.origin, T.SOA)
        for owner, rdtype in self._proof(zone, name):
            if not any(r.name == owner and r.rdtype == rdtype for r in response.authority):
                self.add(response.authority, zone, owner, rdtype)
        return response

    def _proof(self, zone: dns.zone.Zone, name: dns.name.Name) -> list[tuple[dns.name.Name, int]]:
        """The NSEC/NSEC3 records matching or covering `name`, its ancestors in the zone and
        their wildcards: what a server would pick, give or take one record."""
        apex = zone.origin
        assert apex is not None
        targets = [name]
        ancestor = name
        while ancestor != apex and ancestor.is_subdomain(apex):
            ancestor = ancestor.parent()
            targets.append(ancestor)
            targets.append(dns.name.Name((b"*", *ancestor.labels)))  # a proper ancestor: fits
        if apex not in self._chains:
            self._chains[apex] = sorted(
                (owner, rds.rdtype)
                for owner, rds in zone.iterate_rdatasets()
                if rds.rdtype in (T.NSEC, T.NSEC3)
            )
        chain = self._chains[apex]
        nsec3 = bool(chain) and chain[0][1] == T.NSEC3
        picked = []
        for target in targets:
            if nsec3:
                digest = dns.dnssec.nsec3_hash(target, None, 0, 1).lower().encode()
                key = dns.name.Name((digest, *apex.labels))
            else:
                key = target
            below = [entry for entry in chain if entry[0] <= key]
            picked.append(below[-1] if below else chain[-1])
        return picked


WORLD = World()
