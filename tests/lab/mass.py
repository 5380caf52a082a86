"""The mass lab: ten thousand and more distinct domains for `mailhop audit` (issue 18).

A DNS tree of its own (Knot + Unbound on MASS_NET), started only for the audit benchmark and
the cluster test, never by the default lab (its cold start stays under 10 s):

    .            signed, our key (the tree's trust anchor)
    test.        the main lab's `test.` (every scenario zone still delegated, with its DS),
                 plus one delegation (NS + DS unless unsigned) per mass domain; re-signed
    <scenario>   the main lab's zone files, served as they are: the shared providers
                 (mx.provider.test, mail.healthy.test...) keep their names, addresses and
                 certificates, so their real Dovecot and Postfix answer
    <mass>       `<template>-<n>.test`, one zone each, made from a scenario zone as template

A mass domain copies its template's records with the template's name replaced by its own:

    provider     templates whose mail names point outside the domain (hosted.test...):
                 thousands of domains naming the same few provider servers
    own          templates with servers of their own (healthy.test, gandi-shape.test...): the
                 copy names `mail.<its domain>` at an address of its own, which nftables sends
                 on to the template server's address (DNAT in the lab's namespace): a server
                 name and address no other domain uses, probed for itself and under no other
                 domain's per-address cap, as on the internet; its certificate names the
                 template's host (a broken domain unless DANE-EE 3 1 1 vouches for the key)
    broken       bogus.test (DNSSEC signatures broken), unsigned templates
    black-holed  one domain in ten: an own-server template whose servers' addresses (each its
                 own, in BLACKHOLE_NET) drop every packet, so every connection hangs to its
                 deadline

Web hosts of a template (autoconfig, MTA-STS...) are left out: a copy of them would answer
for a name its certificate lacks, and most domains on the internet publish none. Signed
zones share one key (a zone's DS still differs, it hashes the owner name): making ten
thousand keys would only slow the start.

    with mass_lab(lab_info, folder, count) as mass:   # mass.domains, mass.resolver, ...
        ...
    python -m tests.lab exec -- .venv/bin/python -m tests.lab.mass --count 10000 [--keep]
"""

from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import functools
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import dns.dnssec
import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.query
import dns.rdatatype
import dns.zone
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from dns.dnssectypes import Algorithm

from . import dns as labdns
from . import netns, procs, scenario
from .lab import LabInfo
from .procs import LabError

AUTHORITATIVE = "127.0.216.1"  # knotd: the whole mass tree
RESOLVER = "127.0.216.2"  # Unbound, validating from the mass tree's root
# Own servers' addresses: 127.<OWN_FIRST + t>.<n // 256>.<n % 256> for the t-th template
# server address and the n-th domain, sent on to that server (DNAT); black holes in their /16.
OWN_FIRST = 100
BLACKHOLE_NET = "127.150.0.0/16"
TABLE = "mailhop_mass"
DEFAULT_COUNT = 10_000
START_TIMEOUT = 120.0
MIN_TTL = 300  # templates a test re-publishes have TTL 0; a copy is never re-published
DNSSEC_TYPES = {
    dns.rdatatype.RRSIG,
    dns.rdatatype.NSEC,
    dns.rdatatype.NSEC3,
    dns.rdatatype.NSEC3PARAM,
    dns.rdatatype.DNSKEY,
}

# (template scenario, kind, weight): out of every nine domains not black-holed, how many
# copy each template. Black-holed ones (one in ten) copy OWN_BLACKHOLED in turn.
TEMPLATES: tuple[tuple[str, str, int], ...] = (
    ("hosted.test", "provider", 3),
    ("pubhosted.test", "provider", 1),
    ("nullmx.test", "provider", 1),
    ("healthy.test", "own", 1),
    ("dane.test", "own", 1),
    ("srvonly.test", "own", 1),
    ("mxonly.test", "own", 1),
    ("gandi-shape.test", "own", 1),
    ("tiscali-shape.test", "own", 1),
    ("att-shape.test", "own", 1),
    ("unsigned.test", "broken", 1),
    ("mxonly-unsigned.test", "broken", 1),
    ("bogus.test", "broken", 1),
)
OWN_BLACKHOLED = ("healthy.test", "srvonly.test", "gandi-shape.test")


@dataclass(frozen=True, slots=True)
class MassDomain:
    name: str  # without the trailing dot
    template: str
    kind: str  # provider | own | broken | black-holed


@dataclass(frozen=True, slots=True)
class MassLab:
    """What a benchmark or test needs: the list, and how to ask this tree."""

    domains: tuple[MassDomain, ...]
    resolver: str
    trust_anchor_file: Path
    domains_file: Path
    pids: tuple[int, ...]
    build_seconds: float
    start_seconds: float


def plan(count: int) -> list[MassDomain]:
    """`count` distinct domains, the same list for the same count (benchmarks compare runs)."""
    cycle = [(name, kind) for name, kind, weight in TEMPLATES for _ in range(weight)]
    domains = []
    for index in range(count):
        if index % 10 == 9:
            template = OWN_BLACKHOLED[(index // 10) % len(OWN_BLACKHOLED)]
            kind = "black-holed"
        else:
            template, kind = cycle[(index - index // 10) % len(cycle)]
        stem = template.removesuffix(".test")
        domains.append(MassDomain(f"{stem}-{index:05d}.test", template, kind))
    return domains


# -- templates -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Template:
    dnssec: str
    nsec3: bool
    lines: tuple[tuple[str, int, str, str], ...]  # relative owner, TTL, type, value text


def _load_template(zones_dir: Path, domain: str, dnssec: str, nsec3: bool) -> _Template:
    """The template's records as text, relative to its apex; its web hosts left out."""
    origin = dns.name.from_text(domain)
    zone = dns.zone.from_file(str(zones_dir / f"{domain}.zone"), origin, relativize=False)
    targets: set[dns.name.Name] = set()
    rows = []
    for name, ttl, rdata in zone.iterate_rdatas():
        rtype = rdata.rdtype
        if rtype in DNSSEC_TYPES or (
            name == origin and rtype in (dns.rdatatype.SOA, dns.rdatatype.NS)
        ):
            continue
        if rtype in (dns.rdatatype.MX, dns.rdatatype.SRV):
            targets.add(rdata.exchange if rtype == dns.rdatatype.MX else rdata.target)
        rows.append((name, ttl, rdata))
    lines = []
    for name, ttl, rdata in rows:
        is_address = rdata.rdtype in (dns.rdatatype.A, dns.rdatatype.AAAA)
        if is_address and name not in targets:
            continue  # a web host, or a server no mail record names
        owner = name.relativize(origin).to_text()
        value = rdata.to_text(origin=dns.name.root, relativize=False)
        lines.append((owner, max(ttl, MIN_TTL), dns.rdatatype.to_text(rdata.rdtype), value))
    return _Template(dnssec, nsec3, tuple(lines))


def server_addresses(templates: Sequence[_Template]) -> list[str]:
    """Every template server address an own-server copy names, in a fixed order."""
    found = {value for t in templates for _, _, rtype, value in t.lines if rtype == "A"}
    return sorted(found, key=lambda a: tuple(int(part) for part in a.split(".")))


def _own_address(server: str, servers: Sequence[str], number: int) -> str:
    return f"127.{OWN_FIRST + servers.index(server)}.{number // 256}.{number % 256}"


def _entries(
    item: MassDomain, template: _Template, servers: Sequence[str], number: int
) -> list[labdns.Entry]:
    origin = dns.name.from_text(item.name)
    pattern = re.compile(rf"(?<![a-z0-9-]){re.escape(item.template)}\.", re.IGNORECASE)
    entries = []
    seen = 0
    for owner, ttl, rtype, value in template.lines:
        value = pattern.sub(f"{item.name}.", value)
        if rtype == "AAAA":
            continue  # only the IPv4 addresses are sent on
        if rtype == "A" and item.kind == "black-holed":
            seen += 1
            value = f"127.150.{number // 256 % 256}.{(number % 256 + seen) % 256}"
        elif rtype == "A":
            value = _own_address(value, servers, number)
        name = dns.name.from_text(owner, origin)
        entries.append((name, ttl, labdns.make_rdata(rtype, value, origin)))
    return entries


# -- the tree --------------------------------------------------------------------------------


def build(lab: LabInfo, folder: Path, domains: Sequence[MassDomain]) -> Path:
    """Write every zone file and the trust anchor into `folder`; returns the anchor's file.

    Signing ten thousand zones with dnspython takes minutes of CPU, so the mass zones are made
    by one process per core, and `start` keeps what it built for the next run of the same
    count against the same main lab (the marker file `built.json`)."""
    zones_dir = folder / "zones"
    zones_dir.mkdir(parents=True)
    main_zones = Path(lab.fact("dns", "zones_dir"))
    signing = labdns.Signing.around(time.time())
    shared_key = labdns.ZoneKey.make()
    pem = shared_key.private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    workers = max(1, min(os.cpu_count() or 1, 4))
    numbered = list(enumerate(domains))
    chunks = [numbered[i::workers] for i in range(workers)]
    servers = _servers(main_zones)
    job = functools.partial(_build_chunk, main_zones, zones_dir, signing, pem, servers)
    with concurrent.futures.ProcessPoolExecutor(workers) as pool:
        ds_texts = dict(item for part in pool.map(job, chunks) for item in part)
    (folder / "servers.json").write_text(json.dumps(servers))
    ns_rdata = labdns.make_rdata("NS", labdns.NS_NAME)
    delegations: list[labdns.Entry] = []
    for item in domains:
        origin = dns.name.from_text(item.name)
        delegations.append((origin, labdns.ZONE_TTL, ns_rdata))
        if ds_texts[item.name]:
            delegations.append(
                (origin, labdns.ZONE_TTL, labdns.make_rdata("DS", ds_texts[item.name]))
            )
    for path in main_zones.glob("*.zone"):
        if path.name not in ("root.zone", "test.zone"):
            shutil.copyfile(path, zones_dir / path.name)
    test_key = labdns.ZoneKey.make()
    test_zone = labdns.make_zone(
        labdns.TEST, _test_entries(main_zones) + delegations, "signed", False, test_key, signing
    )
    test_zone.zone.to_file(zones_dir / test_zone.file_name, relativize=False)
    root_key = labdns.ZoneKey.make()
    assert test_zone.ds is not None
    glue = labdns.make_rdata("A", AUTHORITATIVE)
    root_entries: list[labdns.Entry] = [
        (labdns.TEST, labdns.ZONE_TTL, ns_rdata),
        (labdns.TEST, labdns.ZONE_TTL, test_zone.ds),
        (dns.name.from_text(labdns.NS_NAME), labdns.ZONE_TTL, glue),
    ]
    root = labdns.make_zone(labdns.ROOT, root_entries, "signed", False, root_key, signing)
    root.zone.to_file(zones_dir / root.file_name, relativize=False)
    anchor = folder / "root-anchor.ds"
    anchor.write_text(labdns._rrset_text(labdns.ROOT, root_key.ds(labdns.ROOT)))
    return anchor


def _templates(main_zones: Path, names: Iterable[str]) -> dict[str, _Template]:
    scenarios = {item.domain: item for item in scenario.load_all()}
    return {
        name: _load_template(
            main_zones, name, scenarios[name].dnssec, labdns.wants_nsec3(scenarios[name])
        )
        for name in sorted(set(names))
    }


def _servers(main_zones: Path) -> list[str]:
    """Every template's server addresses: the same list in every process that builds."""
    names = [name for name, _, _ in TEMPLATES]
    return server_addresses(list(_templates(main_zones, names).values()))


def _build_chunk(
    main_zones: Path,
    zones_dir: Path,
    signing: labdns.Signing,
    pem: bytes,
    servers: Sequence[str],
    domains: Sequence[tuple[int, MassDomain]],
) -> list[tuple[str, str]]:
    """One process's share: each domain's zone file written; (domain, its DS or "") back."""
    private = serialization.load_pem_private_key(pem, None)
    assert isinstance(private, ec.EllipticCurvePrivateKey)
    key = labdns.ZoneKey(
        private,
        dns.dnssec.make_dnskey(private.public_key(), Algorithm.ECDSAP256SHA256, flags=257),
    )
    templates = _templates(main_zones, (d.template for _, d in domains))
    out = []
    for number, item in domains:
        template = templates[item.template]
        origin = dns.name.from_text(item.name)
        entries = _entries(item, template, servers, number)
        zone = labdns.make_zone(origin, entries, template.dnssec, template.nsec3, key, signing)
        zone.zone.to_file(zones_dir / zone.file_name, relativize=False)
        out.append((item.name, zone.ds.to_text() if zone.ds is not None else ""))
    return out


def _test_entries(main_zones: Path) -> list[labdns.Entry]:
    """The main lab's `test.` without its signatures, its name server at this tree's address."""
    zone = dns.zone.from_file(str(main_zones / "test.zone"), labdns.TEST, relativize=False)
    ns = dns.name.from_text(labdns.NS_NAME)
    entries: list[labdns.Entry] = []
    for name, ttl, rdata in zone.iterate_rdatas():
        if rdata.rdtype in DNSSEC_TYPES:
            continue
        if name == labdns.TEST and rdata.rdtype in (dns.rdatatype.SOA, dns.rdatatype.NS):
            continue
        if name == ns and rdata.rdtype == dns.rdatatype.A:
            rdata = labdns.make_rdata("A", AUTHORITATIVE)
        entries.append((name, ttl, rdata))
    return entries


def knot_config(folder: Path, zone_files: Sequence[Path]) -> str:
    zones = "".join(
        f'  - domain: "{_origin_of(path)}"\n    file: "{path.name}"\n' for path in zone_files
    )
    return f"""\
server:
    rundir: "{folder / "knot-run"}"
    listen: {AUTHORITATIVE}@53
    udp-workers: 2
    tcp-workers: 1
    background-workers: 2

database:
    storage: "{folder / "knot-db"}"

log:
  - target: stderr
    any: warning

template:
  - id: default
    storage: "{folder / "zones"}"
    dnssec-signing: off
    semantic-checks: off
    zonefile-sync: -1
    zonefile-load: whole
    journal-content: none

zone:
{zones}"""


def unbound_config(folder: Path, hints: Path, anchor: Path) -> str:
    # One thread (the machine has two cores for everything), caches big enough that the
    # whole tree's answers stay in them for a run, and room for many questions at once.
    return f"""\
server:
    interface: {RESOLVER}
    port: 53
    access-control: 127.0.0.0/8 allow
    do-ip6: no
    num-threads: 1
    num-queries-per-thread: 4096
    outgoing-range: 8192
    incoming-num-tcp: 200
    msg-cache-size: 128m
    rrset-cache-size: 256m
    key-cache-size: 64m
    neg-cache-size: 16m
    so-reuseport: no
    chroot: ""
    username: ""
    directory: "{folder}"
    pidfile: ""
    use-syslog: no
    logfile: ""
    verbosity: 0
    module-config: "validator iterator"
    root-hints: "{hints}"
    trust-anchor-file: "{anchor}"
    trust-anchor-signaling: no
    do-not-query-localhost: no
    local-zone: "test." nodefault
    qname-minimisation: yes
    cache-max-ttl: 3600
    cache-max-negative-ttl: 300

remote-control:
    control-enable: no
"""


def ruleset(servers: Sequence[str]) -> str:
    """Each own server's /16 sent on to its template server; the black holes' /16 dropped."""
    forward = "".join(
        f"    ip daddr 127.{OWN_FIRST + index}.0.0/16 dnat to {server}\n"
        for index, server in enumerate(servers)
    )
    return (
        f"table ip {TABLE} {{\n"
        "  chain nat_output {\n"
        "    type nat hook output priority -100; policy accept;\n"
        f"{forward}"
        "  }\n"
        "  chain filter_output {\n"
        "    type filter hook output priority 0; policy accept;\n"
        f"    ip daddr {BLACKHOLE_NET} drop\n"
        "  }\n"
        "}\n"
    )


def _origin_of(path: Path) -> str:
    return "." if path.name == "root.zone" else path.name.removesuffix(".zone") + "."


def _ask(server: str, name: str, rdtype: dns.rdatatype.RdataType) -> dns.message.Message | None:
    query = dns.message.make_query(name, rdtype, want_dnssec=True)
    try:
        return dns.query.udp(query, server, timeout=0.2)
    except (dns.exception.Timeout, OSError):
        return None


def _loaded(origin: str) -> dns.message.Message | None:
    answer = _ask(AUTHORITATIVE, origin, dns.rdatatype.SOA)
    return answer if answer is not None and answer.flags & dns.flags.AA else None


def _validating(name: str) -> dns.message.Message | None:
    answer = _ask(RESOLVER, name, dns.rdatatype.SOA)
    return answer if answer is not None and answer.flags & dns.flags.AD else None


def start(lab: LabInfo, folder: Path, count: int = DEFAULT_COUNT) -> MassLab:
    """Build the tree for `count` domains in `folder` and start its Knot and Unbound."""
    if "dns" not in lab.components or "firewall" not in lab.components:
        raise LabError("the mass lab needs the main lab's dns and firewall parts up")
    began = time.monotonic()
    domains = tuple(plan(count))
    marker = folder / "built.json"
    wanted = {"count": count, "main_lab_started_at": lab.started_at, "layout": 2}
    anchor = folder / "root-anchor.ds"
    try:
        reuse = json.loads(marker.read_text()) == wanted
    except (OSError, ValueError):
        reuse = False
    shutil.rmtree(folder / "knot-run", ignore_errors=True)
    shutil.rmtree(folder / "knot-db", ignore_errors=True)
    if not reuse:
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        anchor = build(lab, folder, domains)
        marker.write_text(json.dumps(wanted))
    for sub in ("knot-run", "knot-db"):
        (folder / sub).mkdir(parents=True)
    zone_files = sorted((folder / "zones").glob("*.zone"))
    knot_conf = folder / "knot.conf"
    knot_conf.write_text(knot_config(folder, zone_files))
    hints = folder / "root.hints"
    hints.write_text(f". 3600 IN NS {labdns.NS_NAME}\n{labdns.NS_NAME} 3600 IN A {AUTHORITATIVE}\n")
    unbound_conf = folder / "unbound.conf"
    unbound_conf.write_text(unbound_config(folder, hints, anchor))
    domains_file = folder / "domains.txt"
    domains_file.write_text("".join(f"{d.name}\n" for d in domains))
    (folder / "domains.json").write_text(
        json.dumps({d.name: [d.template, d.kind] for d in domains}, indent=0)
    )
    built = time.monotonic() - began
    began = time.monotonic()
    knot_log, unbound_log = folder / "knot.log", folder / "unbound.log"
    if not netns.inside():
        raise LabError("the mass lab's addresses need the lab's network namespace")
    if _ask(RESOLVER, ".", dns.rdatatype.SOA) is not None or _loaded(".") is not None:
        raise LabError(f"a mass lab already answers on {AUTHORITATIVE} or {RESOLVER}")
    servers = json.loads((folder / "servers.json").read_text())
    subprocess.run(["nft", "delete", "table", "ip", TABLE], capture_output=True, check=False)
    procs.run(["nft", "-f", "-"], input_text=ruleset(servers))
    pids: list[int] = []
    try:
        pids.append(procs.spawn(["knotd", "-c", str(knot_conf)], knot_log))
        for path in zone_files:  # Knot answers REFUSED for a zone until it has loaded it
            procs.wait_until_ready(
                functools.partial(_loaded, _origin_of(path)),
                "knotd",
                pids[0],
                knot_log,
                timeout=START_TIMEOUT,
                interval=0.05,
            )
        pids.insert(0, procs.spawn(["unbound", "-d", "-c", str(unbound_conf)], unbound_log))
        procs.wait_until_ready(
            functools.partial(_validating, "test."),
            "unbound",
            pids[0],
            unbound_log,
            timeout=START_TIMEOUT,
            interval=0.05,
        )
    except BaseException:
        for pid in pids:
            procs.stop(pid)
        procs.run(["nft", "delete", "table", "ip", TABLE])
        raise
    return MassLab(
        domains=domains,
        resolver=RESOLVER,
        trust_anchor_file=anchor,
        domains_file=domains_file,
        pids=tuple(pids),
        build_seconds=round(built, 2),
        start_seconds=round(time.monotonic() - began, 2),
    )


def stop(mass: MassLab) -> None:
    for pid in mass.pids:
        procs.stop(pid)
    procs.run(["nft", "delete", "table", "ip", TABLE])


@contextlib.contextmanager
def mass_lab(lab: LabInfo, folder: Path, count: int = DEFAULT_COUNT) -> Iterator[MassLab]:
    """The mass tree's daemons for the time of a benchmark or test."""
    mass = start(lab, folder, count)
    try:
        yield mass
    finally:
        stop(mass)  # the zone files stay for the next run (the lab's `down` removes them)


def main(argv: list[str] | None = None) -> int:
    """Build and start the tree, say where it is, and keep it up until Ctrl-C (by hand)."""
    from . import lab as labmod

    parser = argparse.ArgumentParser(prog="python -m tests.lab.mass", description=__doc__)
    parser.add_argument("--count", type=int, default=DEFAULT_COUNT)
    args = parser.parse_args(argv)
    info = labmod.running()
    if info is None:
        print("the main lab is not up: python -m tests.lab up", file=sys.stderr)
        return 1
    with mass_lab(info, info.workdir / "mass", args.count) as mass:
        print(
            f"mass lab: {len(mass.domains)} domains in {mass.domains_file}, resolver "
            f"{mass.resolver}, trust anchor {mass.trust_anchor_file}; built in "
            f"{mass.build_seconds} s, started in {mass.start_seconds} s. Ctrl-C stops it.",
            flush=True,
        )
        with contextlib.suppress(KeyboardInterrupt):
            while True:
                time.sleep(3600)
    return 0


if __name__ == "__main__":
    sys.exit(main())
