"""Publishing into the running lab what a test generated: the round trip of `mailhop publish`.

A scenario with `republish = true` starts with what its file says (hosts, their A records,
servers, and web documents marked `published = true`, which answer 404 until filled). A test
then hands this module zone-file lines and documents, exactly as mailhop wrote them; the lab
rebuilds the zones those lines belong to, signs them with the zone's own key (kept on disk by
dns.py, so the DS in test. still matches), has Knot reload them, and puts each document where
the web server reads it:

    publish(lab, ["a.test", "b.test"], zone_lines, {"https://mta-sts.a.test/...": b"..."})
    withdraw(lab, ["a.test"])      # back to the scenario file: nothing published

`publish` replaces everything published for the domains it names, so a run never sees what an
earlier one left. Records and negative answers of these zones have TTL 0 (dns.REPUBLISH_TTL)
and `publish` waits out the second Unbound still serves them in, so its cache holds nothing of
an earlier version. A line whose
name is in no re-publishable zone, or a document at a place the scenario does not serve, is a
LabError: the test learns that mailhop named a place the lab (and so a real domain) lacks.
"""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from urllib.parse import urlsplit

import dns.exception
import dns.message
import dns.name
import dns.query
import dns.rdatatype
import dns.zone

from . import addresses, procs
from . import dns as lab_dns
from .lab import LabInfo
from .procs import LabError
from .scenario import Scenario
from .serve import published_dir

# owner [TTL] [IN] TYPE data  (what `mailhop publish` writes; a line starting with ; is a note)
ZONE_LINE = re.compile(r"^(\S+)\s+(?:(\d+)\s+)?(?:IN\s+)?([A-Za-z0-9]+)\s+(.+?)\s*$")
RELOAD_TIMEOUT = 10.0


def publish(
    lab: LabInfo,
    domains: Iterable[str],
    zone_lines: Iterable[str],
    documents: Mapping[str, bytes],
) -> None:
    """Make `zone_lines` and `documents` all that the re-publishable `domains` publish."""
    chosen = {domain: _republishable(lab, domain) for domain in domains}
    entries: dict[str, list[lab_dns.Entry]] = {domain: [] for domain in chosen}
    for line in zone_lines:
        if not line.strip() or line.lstrip().startswith(";"):
            continue
        owner, entry = _entry(line)
        entries[_zone_of(owner, chosen)].append(entry)
    placed = {url: _place(lab, url, chosen) for url in documents}
    for domain, item in chosen.items():
        _reload(lab, item, entries[domain])
        for host in item.hosts:
            shutil.rmtree(published_dir(lab.workdir) / host.name, ignore_errors=True)
    for url, path in placed.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(documents[url])
    # What Unbound cached of the last version expires: it serves an entry through the whole
    # second its TTL runs out in (measured: a 1 s TTL was still served 2 s later).
    time.sleep(lab_dns.REPUBLISH_TTL + 1.1)


def withdraw(lab: LabInfo, domains: Iterable[str]) -> None:
    """Back to the scenario files: no published record, no published document."""
    publish(lab, domains, (), {})


def _republishable(lab: LabInfo, domain: str) -> Scenario:
    item = lab.scenario(domain)
    if not item.republish or item.dnssec == "unsigned":
        raise LabError(f"{domain}: not a signed scenario with republish = true")
    return item


def _entry(line: str) -> tuple[dns.name.Name, lab_dns.Entry]:
    match = ZONE_LINE.match(line)
    if match is None or not match.group(1).endswith("."):
        raise LabError(f"not a zone-file line with an absolute owner name: {line!r}")
    owner_text, _ttl, rtype, value = match.groups()
    owner = dns.name.from_text(owner_text)
    ttl_seconds = lab_dns.REPUBLISH_TTL  # the line's own TTL would keep it in Unbound's cache
    return owner, (owner, ttl_seconds, lab_dns.make_rdata(rtype.upper(), value))


def _zone_of(owner: dns.name.Name, chosen: Mapping[str, Scenario]) -> str:
    """The chosen domain whose zone holds `owner` (the deepest one, as dns.py files records)."""
    holders = [d for d in chosen if owner.is_subdomain(dns.name.from_text(d))]
    if not holders:
        raise LabError(f"{owner}: in none of the zones being published ({sorted(chosen)})")
    return max(holders, key=len)


def _place(lab: LabInfo, url: str, chosen: Mapping[str, Scenario]) -> Path:
    parts = urlsplit(url)
    if parts.scheme != "https" or parts.query or not parts.hostname:
        raise LabError(f"{url}: the lab publishes documents at https URLs without a query")
    for item in chosen.values():
        for host in item.hosts:
            document = host.web.get(parts.path)
            if host.name == parts.hostname and document and document.get("published"):
                return published_dir(lab.workdir) / host.name / parts.path.lstrip("/")
    raise LabError(f"{url}: no `published = true` document there in {sorted(chosen)}")


def _reload(lab: LabInfo, item: Scenario, published: list[lab_dns.Entry]) -> None:
    """Rebuild the zone from its scenario plus `published`, sign it, and have Knot serve it."""
    origin = dns.name.from_text(item.domain)
    zone_file = Path(lab.fact("dns", "zones_dir")) / f"{item.domain}.zone"
    serial = max(int(time.time()), _serial(zone_file, origin) + 1)
    key = lab_dns.load_republish_key(Path(lab.fact("dns", "keys_dir")), item.domain)
    # The scenario's own records take no placeholders: expand() refuses every kind.
    entries = [*lab_dns.scenario_entries(item, {}), *published]
    zone = lab_dns.make_zone(
        origin,
        entries,
        item.dnssec,
        lab_dns.wants_nsec3(item),
        key,
        lab_dns.Signing.around(time.time()),
        negative_ttl=lab_dns.REPUBLISH_TTL,
        serial=serial,
    )
    zone.zone.to_file(zone_file, relativize=False)
    knot_conf = lab.workdir / "dns" / "knot.conf"
    procs.run(["knotc", "-c", str(knot_conf), "zone-reload", item.domain])
    _wait_for_serial(origin, serial)


def _serial(zone_file: Path, origin: dns.name.Name) -> int:
    zone = dns.zone.from_file(str(zone_file), origin, relativize=False, check_origin=False)
    soa = zone.get_soa()
    return int(soa.serial)


def _wait_for_serial(origin: dns.name.Name, serial: int) -> None:
    deadline = time.monotonic() + RELOAD_TIMEOUT
    query = dns.message.make_query(origin, dns.rdatatype.SOA)
    while time.monotonic() < deadline:
        try:
            answer = dns.query.udp(
                query, addresses.AUTHORITATIVE, timeout=0.2, port=addresses.DNS_PORT
            )
        except (dns.exception.Timeout, OSError):
            continue
        for rrset in answer.answer:
            if rrset.rdtype == dns.rdatatype.SOA and int(rrset[0].serial) >= serial:
                return
        time.sleep(0.02)
    raise LabError(f"Knot does not serve {origin} serial {serial} after reloading it")
