"""The lab's DNS: a signed lab root, `test.` and one zone per scenario, served by Knot and
resolved with validation by Unbound, so mailhop checks DNSSEC from the lab's root key exactly
as it would from IANA's (DESIGN.md section 6).

Theory of operation
-------------------
Zones are built and signed here with dnspython, bottom-up: a scenario zone is signed first,
its DS goes into `test.`, then `test.` is signed and its DS goes into the root. Every key is
ours, so parents' DS records and the root trust anchor are known without asking Knot's
keymgr, and a "bogus" zone is just a signed zone whose data signatures we then break.

    .              signed; test. NS ns.test. + DS, glue ns.test. A 127.0.0.54
    test.          signed; ns.test. A; each scenario domain NS ns.test. (+ DS unless unsigned)
    <domain>.      signed | bogus (RRSIGs over data flipped, DNSKEY's intact) | unsigned
                   signed with `nsec3 = true` in its scenario file: NSEC3 instead of NSEC

One ECDSA P-256 key per zone, used as a CSK (flag 257). dnspython's sign_zone only does NSEC,
so an NSEC3 zone gets its chain added by hand (RFC 5155 section 7.1: no salt, 0 iterations as
RFC 9276 asks) and every RRset signed with dns.dnssec.sign.

Knot only serves the files (`dnssec-signing: off`) on 127.0.0.54. Unbound, on 127.0.0.53, is
the validating resolver mailhop is pointed at: its root hints name ns.test. at 127.0.0.54 and
its trust anchor is our root's DS, so it never asks the real root. Both run in the foreground
as our children; lab.py's SIGTERM stops them.

Facts for tests:
    zones_dir                the zone files Knot serves
    trust_anchor_file        the lab root's DS, zone-file form (mailhop's DNSSEC trust anchor)
    root_dnskey_file         the lab root's DNSKEY, zone-file form
    knot_log, unbound_log    the daemons' output
    knot_start_seconds, unbound_start_seconds
    keys_dir                 the keys of zones a test may re-publish (`republish = true`,
                             publish.py), so a new version of the zone keeps its DS in test.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import sys
import time
import tomllib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import dns.dnssec
import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.query
import dns.rcode
import dns.rdata
import dns.rdataclass
import dns.rdataset
import dns.rdatatype
import dns.rrset
import dns.zone
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from dns.dnssectypes import Algorithm
from dns.rdtypes.ANY.DNSKEY import DNSKEY
from dns.rdtypes.ANY.DS import DS

from . import addresses, procs, scenario
from .lab import ComponentState, LabContext
from .procs import LabError
from .scenario import Scenario

IN = dns.rdataclass.IN
T = dns.rdatatype.RdataType
NS_NAME = addresses.AUTHORITATIVE_NAME
ROOT = dns.name.root
TEST = dns.name.from_text("test.")
ZONE_TTL = 3600  # SOA, NS, DS, DNSKEY
NEGATIVE_TTL = 300  # SOA minimum: how long a resolver may cache "no such name"
# A zone a test re-publishes (publish.py) must not outlive itself in Unbound's cache: its SOA
# minimum and its published records' TTLs are 0, so an answer lives only through the second
# it was cached in (Unbound counts whole seconds and still serves an entry whose TTL reads 0).
REPUBLISH_TTL = 0
SIGNATURE_SLACK = 86400  # inception this long before now: clocks in a lab may drift
SIGNATURE_LIFETIME = 90 * 86400  # a lab left up for weeks keeps validating
START_TIMEOUT = 10.0
WAIT = {"timeout": START_TIMEOUT, "interval": 0.005}  # daemons answer within ms

Entry = tuple[dns.name.Name, int, dns.rdata.Rdata]  # owner, TTL, data
Placeholders = Mapping[str, Callable[[str], str]]


@dataclass(frozen=True, slots=True)
class ZoneKey:
    private: ec.EllipticCurvePrivateKey
    dnskey: DNSKEY

    @classmethod
    def make(cls) -> ZoneKey:
        private = ec.generate_private_key(ec.SECP256R1())
        algorithm = Algorithm.ECDSAP256SHA256
        return cls(private, dns.dnssec.make_dnskey(private.public_key(), algorithm, flags=257))

    def ds(self, origin: dns.name.Name) -> DS:
        return dns.dnssec.make_ds(origin, self.dnskey, "SHA256")


@dataclass(frozen=True, slots=True)
class LabZone:
    origin: dns.name.Name
    zone: dns.zone.Zone  # signed (or not) and ready to write
    ds: DS | None  # what the parent publishes; None for an unsigned zone

    @property
    def file_name(self) -> str:
        return "root.zone" if self.origin == ROOT else f"{self.origin.to_text(True)}.zone"


@dataclass(frozen=True, slots=True)
class Signing:
    """Signature validity for one lab run; the same for every zone."""

    inception: int
    expiration: int

    @classmethod
    def around(cls, now: float) -> Signing:
        return cls(int(now) - SIGNATURE_SLACK, int(now) + SIGNATURE_LIFETIME)


# -- placeholders ----------------------------------------------------------------------------


def placeholders(ctx: LabContext) -> dict[str, Callable[[str], str]]:
    """The lab's placeholders plus the digests of web documents (`{web-sha256-b64:HOST/PATH}`)."""

    def web_digest(ref: str) -> bytes:
        host, _, path = ref.partition("/")
        for item in ctx.scenarios:
            for candidate in item.hosts:
                if candidate.name == host:
                    body = str(candidate.web[f"/{path}"]["body"])
                    return hashlib.sha256(body.encode()).digest()
        raise LabError(f"no web document {ref!r} in any scenario")

    return {
        **ctx.placeholders(),
        "web-sha256-b64": lambda ref: base64.b64encode(web_digest(ref)).decode(),
        "web-sha256-hex": lambda ref: web_digest(ref).hex(),
    }


# -- zones -----------------------------------------------------------------------------------


def build_zones(
    scenarios: Sequence[Scenario],
    resolvers: Placeholders,
    signing: Signing,
    keys: Mapping[dns.name.Name, ZoneKey] | None = None,
) -> tuple[list[LabZone], ZoneKey]:
    """Every lab zone, signed deepest first so each parent carries its children's DS; returns
    them (root first) and the root's key. A zone named in `keys` is signed with that key
    (a re-publishable zone's, kept on disk); the others get a new one.

    A record goes into the deepest lab zone holding its name: its scenario's zone as a rule,
    another one for an absolute name outside the domain (the scenario loader allows those).
    """
    ns = dns.name.from_text(NS_NAME)
    nameserver = (ns, ZONE_TTL, make_rdata("A", addresses.AUTHORITATIVE))
    styles = {ROOT: ("signed", False), TEST: ("signed", False)}  # dnssec, nsec3
    for item in scenarios:
        styles[dns.name.from_text(item.domain)] = (item.dnssec, wants_nsec3(item))
    entries: dict[dns.name.Name, list[Entry]] = {origin: [] for origin in styles}
    entries[TEST].append(nameserver)
    for item in scenarios:
        for entry in scenario_entries(item, resolvers):
            entries[_deepest(entry[0], styles)].append(entry)
    given = keys or {}
    keys = {origin: given.get(origin) or ZoneKey.make() for origin in styles}
    negative = {dns.name.from_text(s.domain): REPUBLISH_TTL for s in scenarios if s.republish}
    zones: list[LabZone] = []
    for origin in sorted(styles, key=len, reverse=True):  # children before their parents
        zone = make_zone(
            origin,
            entries[origin],
            *styles[origin],
            keys[origin],
            signing,
            negative_ttl=negative.get(origin, NEGATIVE_TTL),
        )
        zones.insert(0, zone)
        if origin == ROOT:
            continue
        parent = entries[_deepest(origin.parent(), styles)]
        parent.append((origin, ZONE_TTL, make_rdata("NS", NS_NAME)))
        if zone.ds is not None:
            parent.append((origin, ZONE_TTL, zone.ds))
        if ns.is_subdomain(origin):
            parent.append(nameserver)  # glue
    return zones, keys[ROOT]


def _deepest(name: dns.name.Name, origins: Iterable[dns.name.Name]) -> dns.name.Name:
    return max((origin for origin in origins if name.is_subdomain(origin)), key=len)


def scenario_entries(item: Scenario, resolvers: Placeholders) -> Iterator[Entry]:
    origin = dns.name.from_text(item.domain)
    for record in item.records:
        value = scenario.expand(record.value, resolvers)
        try:
            data = make_rdata(record.type, value, origin)
        except LabError as exc:
            raise LabError(f"{item.source.name}: {record.name}: {exc}") from exc
        yield dns.name.from_text(record.name), record.ttl, data
    for host in item.hosts:
        owner = dns.name.from_text(host.name)
        yield owner, 300, make_rdata("A", host.address)
        if host.address6:
            yield owner, 300, make_rdata("AAAA", host.address6)


def make_zone(
    origin: dns.name.Name,
    entries: Iterable[Entry],
    dnssec: str,
    nsec3: bool,
    key: ZoneKey,
    signing: Signing,
    negative_ttl: int = NEGATIVE_TTL,
    serial: int | None = None,
) -> LabZone:
    """One zone from its entries, signed as its scenario says (or left unsigned)."""
    zone = _zone(origin, entries, negative_ttl, serial)
    if dnssec == "unsigned":
        return LabZone(origin, zone, None)
    if nsec3:
        _sign_nsec3(zone, key, signing, negative_ttl)
    else:
        dns.dnssec.sign_zone(
            zone,
            keys=[(key.private, key.dnskey)],
            dnskey_ttl=ZONE_TTL,
            inception=signing.inception,
            expiration=signing.expiration,
        )
    if dnssec == "bogus":
        _break_signatures(zone)
    return LabZone(origin, zone, key.ds(origin))


def wants_nsec3(item: Scenario) -> bool:
    """`nsec3 = true` in the scenario file; scenario.py has no field for it, so read it here."""
    return bool(tomllib.loads(item.source.read_text()).get("nsec3", False))


def make_rdata(rtype: str, value: str, origin: dns.name.Name = ROOT) -> dns.rdata.Rdata:
    """Zone-file presentation to data; a relative name in the value is under `origin`."""
    try:
        return dns.rdata.from_text(IN, rtype, value, origin=origin, relativize=False)
    except (dns.exception.DNSException, ValueError) as exc:
        raise LabError(f"bad {rtype} record value {value!r}: {exc}") from exc


def _zone(
    origin: dns.name.Name, entries: Iterable[Entry], negative_ttl: int, serial: int | None
) -> dns.zone.Zone:
    zone = dns.zone.Zone(origin, relativize=False)
    serial = int(time.time()) if serial is None else serial
    soa = f"{NS_NAME} hostmaster.test. {serial} 3600 600 86400 {negative_ttl}"
    with zone.writer() as txn:
        txn.add(origin, ZONE_TTL, make_rdata("SOA", soa))
        txn.add(origin, ZONE_TTL, make_rdata("NS", NS_NAME))
        for owner, ttl, rdata in entries:
            txn.add(owner, ttl, rdata)
    return zone


def _sign_nsec3(zone: dns.zone.Zone, key: ZoneKey, signing: Signing, negative_ttl: int) -> None:
    """NSEC3 (RFC 5155 section 7.1) by hand: one NSEC3 per authoritative name and per empty
    non-terminal, chained in hash order, then every authoritative RRset signed."""
    apex = zone.origin
    assert apex is not None
    cuts = {
        name for name, node in zone.nodes.items() if name != apex and node.get_rdataset(IN, T.NS)
    }

    def occluded(name: dns.name.Name) -> bool:  # glue, below a delegation
        return any(name != cut and name.is_subdomain(cut) for cut in cuts)

    chained = {apex}
    for name in list(zone.nodes):
        while not occluded(name) and name != apex:
            chained.add(name)
            name = name.parent()
    hashes = sorted((dns.dnssec.nsec3_hash(name, None, 0, 1), name) for name in chained)
    with zone.writer() as txn:
        txn.add(apex, ZONE_TTL, key.dnskey)
        txn.add(apex, 0, make_rdata("NSEC3PARAM", "1 0 0 -"))
        for index, (digest, name) in enumerate(hashes):
            node = zone.get_node(name)
            types = {rds.rdtype for rds in node.rdatasets} if node else set()
            if name == apex:
                types |= {T.DNSKEY, T.NSEC3PARAM}
            if types and (name not in cuts or T.DS in types):
                types.add(T.RRSIG)
            following = hashes[(index + 1) % len(hashes)][0]
            bitmap = " ".join(sorted(dns.rdatatype.to_text(t) for t in types))
            owner = dns.name.from_text(digest, apex)
            txn.add(owner, negative_ttl, make_rdata("NSEC3", f"1 0 0 - {following} {bitmap}"))
    with zone.writer() as txn:
        for name, rdataset in list(txn.iterate_rdatasets()):
            at_cut = name in cuts and rdataset.rdtype != T.DS
            if rdataset.rdtype == T.RRSIG or occluded(name) or at_cut:
                continue
            rrset = dns.rrset.from_rdata_list(name, rdataset.ttl, list(rdataset))
            signature = dns.dnssec.sign(
                rrset,
                key.private,
                apex,
                key.dnskey,
                inception=signing.inception,
                expiration=signing.expiration,
            )
            txn.add(name, rdataset.ttl, signature)


def _break_signatures(zone: dns.zone.Zone) -> None:
    """Flip a byte in every RRSIG except those over the DNSKEY RRset: the zone's keys still
    match the DS in test., so a validator reaches the data and must call it bogus."""
    for node in zone.nodes.values():
        for rdataset in list(node.rdatasets):
            if rdataset.rdtype != T.RRSIG or rdataset.covers == T.DNSKEY:
                continue
            broken = [
                rd.replace(signature=bytes([rd.signature[0] ^ 0xFF]) + rd.signature[1:])
                for rd in rdataset
            ]
            node.replace_rdataset(dns.rdataset.from_rdata_list(rdataset.ttl, broken))


# -- daemons ---------------------------------------------------------------------------------


def knot_config(folder: Path, zones: Iterable[LabZone]) -> str:
    zone_lines = "".join(
        f'  - domain: "{z.origin.to_text()}"\n    file: "{z.file_name}"\n' for z in zones
    )
    return f"""\
server:
    rundir: "{folder / "knot-run"}"
    listen: {addresses.AUTHORITATIVE}@{addresses.DNS_PORT}
    udp-workers: 1
    tcp-workers: 1
    background-workers: 1

database:
    storage: "{folder / "knot-db"}"

log:
  - target: stderr
    any: info

template:
  - id: default
    storage: "{folder / "zones"}"
    dnssec-signing: off
    semantic-checks: off
    zonefile-sync: -1
    zonefile-load: whole
    journal-content: none

zone:
{zone_lines}"""


def unbound_config(folder: Path, root_hints: Path, anchor: Path) -> str:
    return f"""\
server:
    interface: {addresses.RESOLVER}
    port: {addresses.DNS_PORT}
    access-control: 127.0.0.0/8 allow
    do-ip6: no
    num-threads: 1
    so-reuseport: no
    chroot: ""
    username: ""
    directory: "{folder}"
    pidfile: "{folder / "unbound.pid"}"
    use-syslog: no
    logfile: ""
    verbosity: 1
    val-log-level: 2
    log-servfail: yes
    ede: yes
    module-config: "validator iterator"
    root-hints: "{root_hints}"
    trust-anchor-file: "{anchor}"
    trust-anchor-signaling: no
    do-not-query-localhost: no
    local-zone: "test." nodefault
    qname-minimisation: yes
    cache-max-ttl: 300
    cache-max-negative-ttl: 60

remote-control:
    control-enable: no
"""


def _ask(server: str, name: dns.name.Name, rtype: T) -> dns.message.Message | None:
    """One quick query; None while nothing listens (a short timeout keeps start-up fast)."""
    query = dns.message.make_query(name, rtype, want_dnssec=True)
    try:
        return dns.query.udp(query, server, port=addresses.DNS_PORT, timeout=0.05)
    except (dns.exception.Timeout, OSError):
        return None


def _wait_for_knot(zones: Iterable[LabZone], pid: int, log: Path) -> None:
    """Knot answers REFUSED until a zone is loaded: wait for every zone's own SOA."""

    def loaded_soa(origin: dns.name.Name) -> dns.message.Message | None:
        answer = _ask(addresses.AUTHORITATIVE, origin, T.SOA)
        return answer if answer is not None and answer.flags & dns.flags.AA else None

    for item in zones:
        procs.wait_until_ready(
            functools.partial(loaded_soa, item.origin), "knotd", pid, log, **WAIT
        )


def _wait_for_unbound(pid: int, log: Path) -> None:
    """Unbound is up and validates from the lab root: `test. SOA` comes back with AD."""
    probe = functools.partial(_ask, addresses.RESOLVER, TEST, T.SOA)
    if not procs.wait_until_ready(probe, "unbound", pid, log, **WAIT).flags & dns.flags.AD:
        raise LabError(f"unbound does not validate test. from the lab root:\n{procs.log_tail(log)}")


def save_republish_keys(
    scenarios: Iterable[Scenario], keys_dir: Path
) -> dict[dns.name.Name, ZoneKey]:
    """A key for each re-publishable zone, written to `keys_dir/DOMAIN.pem` for publish.py."""
    keys_dir.mkdir(parents=True, exist_ok=True)
    keys: dict[dns.name.Name, ZoneKey] = {}
    for item in scenarios:
        if item.republish and item.dnssec != "unsigned":
            key = ZoneKey.make()
            pem = key.private.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
            (keys_dir / f"{item.domain}.pem").write_bytes(pem)
            keys[dns.name.from_text(item.domain)] = key
    return keys


def load_republish_key(keys_dir: Path, domain: str) -> ZoneKey:
    private = serialization.load_pem_private_key((keys_dir / f"{domain}.pem").read_bytes(), None)
    if not isinstance(private, ec.EllipticCurvePrivateKey):
        raise LabError(f"{domain}: the saved zone key is not an ECDSA key")
    algorithm = Algorithm.ECDSAP256SHA256
    return ZoneKey(private, dns.dnssec.make_dnskey(private.public_key(), algorithm, flags=257))


def _rrset_text(owner: dns.name.Name, rdata: dns.rdata.Rdata) -> str:
    return dns.rrset.from_rdata(owner, ZONE_TTL, rdata).to_text() + "\n"


class DnsComponent:
    name = "dns"

    def start(self, ctx: LabContext) -> ComponentState:
        folder = ctx.workdir / "dns"
        zones_dir = folder / "zones"
        for sub in (zones_dir, folder / "knot-run", folder / "knot-db"):
            sub.mkdir(parents=True)
        keys_dir = folder / "keys"
        keys = save_republish_keys(ctx.scenarios, keys_dir)
        try:
            signing = Signing.around(time.time())
            zones, root_key = build_zones(ctx.scenarios, placeholders(ctx), signing, keys)
        except ImportError as exc:  # dnspython turns DNSSEC off when cryptography is too old
            raise LabError(
                f"dnspython cannot sign zones in {sys.executable} ({exc}): dnspython 2.9 wants "
                "cryptography>=50; use the project's .venv"
            ) from exc
        for item in zones:
            item.zone.to_file(zones_dir / item.file_name, relativize=False)
        anchor = folder / "root-anchor.ds"
        anchor.write_text(_rrset_text(ROOT, root_key.ds(ROOT)))
        root_dnskey = folder / "root-anchor.dnskey"
        root_dnskey.write_text(_rrset_text(ROOT, root_key.dnskey))
        hints = folder / "root.hints"
        hints.write_text(
            f". {ZONE_TTL} IN NS {NS_NAME}\n{NS_NAME} {ZONE_TTL} IN A {addresses.AUTHORITATIVE}\n"
        )
        knot_conf = folder / "knot.conf"
        knot_conf.write_text(knot_config(folder, zones))
        unbound_conf = folder / "unbound.conf"
        unbound_conf.write_text(unbound_config(folder, hints, anchor))

        knot_log, unbound_log = folder / "knot.log", folder / "unbound.log"
        pids: list[int] = []
        try:
            began = time.monotonic()
            pids.append(procs.spawn(["knotd", "-c", str(knot_conf)], knot_log))
            _wait_for_knot(zones, pids[0], knot_log)
            knot_seconds = time.monotonic() - began
            began = time.monotonic()
            pids.insert(0, procs.spawn(["unbound", "-d", "-c", str(unbound_conf)], unbound_log))
            _wait_for_unbound(pids[0], unbound_log)
            unbound_seconds = time.monotonic() - began
        except BaseException:
            for pid in pids:
                procs.stop(pid)
            raise
        return ComponentState(
            pids=tuple(pids),  # the resolver first: it stops before what it asks
            facts={
                "zones_dir": str(zones_dir),
                "keys_dir": str(keys_dir),
                "trust_anchor_file": str(anchor),
                "root_dnskey_file": str(root_dnskey),
                "knot_log": str(knot_log),
                "unbound_log": str(unbound_log),
                "knot_start_seconds": f"{knot_seconds:.3f}",
                "unbound_start_seconds": f"{unbound_seconds:.3f}",
            },
        )

    def stop(self, ctx: LabContext, state: ComponentState) -> None:
        """Nothing beyond the SIGTERM lab.py sends to the pids; the files go with the workdir."""


COMPONENT = DnsComponent()
