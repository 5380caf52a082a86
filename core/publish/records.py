"""The DNS records a domain should publish for the servers it really runs: pure, from facts.

    MX        DOMAIN. MX 10 HOST.                       only if the admin names MX hosts
    SRV       RFC 6186 and RFC 8314 section 5.1, every service name, implicit TLS first:
              _submissions (465), _submission (587), _imaps (993), _imap (143), _pop3s (995),
              _pop3 (110). Priority says the order across the names of one service (RFC 6186
              section 3.4): implicit TLS 0.., STARTTLS 10.., POP3 after IMAP (20.., 30..).
              A service name with no server gets "0 0 0 ." (RFC 6186 section 3.4 and
              RFC 2782: "decidedly not available"), so no client guesses one.
    TLSA      RFC 7671 section 5.1 and RFC 7672 section 3.1: DANE-EE (3), SPKI (1), SHA-256
              (1) of each endpoint's current key, `_PORT._tcp.HOST.`; with a next key, a
              second line for it (RFC 7671 section 8.1: publish the new key before using it)
    MTA-STS   RFC 8461 section 3.1: `_mta-sts` TXT "v=STSv1; id=..." with a fresh id, which
              must change whenever the policy does (only with MX hosts)
    TLS-RPT   RFC 8460 section 3: `_smtp._tls` TXT "v=TLSRPTv1; rua=mailto:..."
    PACC      draft-ietf-mailmaint-pacc: `_ua-auto-config` TXT with the SHA-256 of the exact
              JSON bytes (files.py makes them; parse_pacc.py reads the record the same way)

Every record says which zone it goes into: the domain's own, or for a TLSA record of a
server in another domain (a hosted domain), that server's zone, which the provider runs.
"""

from __future__ import annotations

import base64
import enum
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from ..common.domains import registrable_domain
from ..common.model import Security, Service
from .gather import EndpointFacts, Gathered

__all__ = [
    "DEFAULT_TTL",
    "SRV_NAMES",
    "DnsRecord",
    "Kind",
    "mta_sts_id",
    "pacc_txt",
    "records_for",
    "table",
    "zone_lines",
]

DEFAULT_TTL = 3600

# (label, service, security, priority base): the order is the order of the zone lines.
SRV_NAMES: tuple[tuple[str, Service, Security, int], ...] = (
    ("_submissions", Service.SUBMISSION, Security.IMPLICIT_TLS, 0),
    ("_submission", Service.SUBMISSION, Security.STARTTLS, 10),
    ("_imaps", Service.IMAP, Security.IMPLICIT_TLS, 0),
    ("_imap", Service.IMAP, Security.STARTTLS, 10),
    ("_pop3s", Service.POP3, Security.IMPLICIT_TLS, 20),
    ("_pop3", Service.POP3, Security.STARTTLS, 30),
)


class Kind(enum.StrEnum):
    MX = "mx"
    SRV = "srv"
    TLSA = "tlsa"
    TLSA_NEXT = "tlsa-next"
    MTA_STS = "mta-sts"
    TLS_RPT = "tls-rpt"
    PACC = "pacc"


@dataclass(frozen=True, slots=True)
class DnsRecord:
    """One line to publish. ``owner`` is absolute (A-labels, trailing dot)."""

    kind: Kind
    owner: str
    rtype: str
    value: str
    zone: str  # the zone it belongs in, without the trailing dot
    ttl: int = DEFAULT_TTL

    @property
    def line(self) -> str:
        return f"{self.owner} {self.ttl} IN {self.rtype} {self.value}"


def mta_sts_id(now: datetime) -> str:
    """A fresh policy id: 1-32 letters and digits (RFC 8461 section 3.1), from the clock."""
    return now.strftime("%Y%m%d%H%M%S")


def pacc_txt(document: bytes) -> str:
    digest = base64.b64encode(hashlib.sha256(document).digest()).decode()
    return f'"v=UAAC1; a=sha256; d={digest}"'


def records_for(
    gathered: Gathered,
    *,
    now: datetime,
    pacc_document: bytes | None,
    tls_rpt: str,
    next_keys: Mapping[str, str] | None = None,
) -> tuple[DnsRecord, ...]:
    """Every record for ``gathered``'s domain; ``next_keys`` maps a host to the hex SPKI
    SHA-256 of the key it will use next."""
    domain = gathered.domain
    apex = f"{domain}."
    found: list[DnsRecord] = []
    for index, host in enumerate(gathered.mx_hosts):
        found.append(DnsRecord(Kind.MX, apex, "MX", f"{10 * (index + 1)} {host}.", domain))
    for label, service, security, base in SRV_NAMES:
        owner = f"{label}._tcp.{domain}."
        endpoints = [e for e in gathered.offered(service) if e.security is security]
        if not endpoints:
            found.append(DnsRecord(Kind.SRV, owner, "SRV", "0 0 0 .", domain))
        for index, endpoint in enumerate(endpoints):
            value = f"{base + index} 1 {endpoint.port} {endpoint.host}."
            found.append(DnsRecord(Kind.SRV, owner, "SRV", value, domain))
    found += _tlsa(gathered, next_keys or {})
    if gathered.mx_hosts:
        found.append(
            DnsRecord(
                Kind.MTA_STS, f"_mta-sts.{apex}", "TXT", f'"v=STSv1; id={mta_sts_id(now)}"', domain
            )
        )
        found.append(
            DnsRecord(
                Kind.TLS_RPT, f"_smtp._tls.{apex}", "TXT", f'"v=TLSRPTv1; rua={tls_rpt}"', domain
            )
        )
    if pacc_document is not None:
        found.append(
            DnsRecord(Kind.PACC, f"_ua-auto-config.{apex}", "TXT", pacc_txt(pacc_document), domain)
        )
    return tuple(found)


def _tlsa(gathered: Gathered, next_keys: Mapping[str, str]) -> list[DnsRecord]:
    found: list[DnsRecord] = []
    seen: set[tuple[str, int]] = set()
    for endpoint in gathered.endpoints:
        if not endpoint.offered or endpoint.spki_sha256 is None:
            continue
        if (endpoint.host, endpoint.port) in seen:
            continue
        seen.add((endpoint.host, endpoint.port))
        owner = f"_{endpoint.port}._tcp.{endpoint.host}."
        zone = zone_of(endpoint.host, gathered.domain)
        found.append(DnsRecord(Kind.TLSA, owner, "TLSA", f"3 1 1 {endpoint.spki_sha256}", zone))
        following = next_keys.get(endpoint.host)
        if following and following != endpoint.spki_sha256:
            found.append(DnsRecord(Kind.TLSA_NEXT, owner, "TLSA", f"3 1 1 {following}", zone))
    return found


def zone_of(host: str, domain: str) -> str:
    """The zone a host's records go into: the domain's own for a host under it, else the
    host's registrable domain (the provider's zone, as far as can be known from here)."""
    if host == domain or host.endswith(f".{domain}"):
        return domain
    return registrable_domain(host) or host


def zone_lines(records: tuple[DnsRecord, ...]) -> str:
    """The records as zone-file lines, one block per zone, each headed by a comment."""
    out: list[str] = []
    for zone in dict.fromkeys(r.zone for r in records):
        if out:
            out.append("")
        out.append(f"; zone {zone}")
        out += [r.line for r in records if r.zone == zone]
    return "\n".join(out) + "\n"


def table(records: tuple[DnsRecord, ...]) -> str:
    """The records as a plain-text table (zone, name, type, value), for a web control panel."""
    rows = [("zone", "name", "type", "TTL", "value")]
    rows += [(r.zone, r.owner, r.rtype, str(r.ttl), r.value) for r in records]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = []
    for row in rows:
        lines.append(
            "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:4])) + "  " + row[4]
        )
    return "\n".join(line.rstrip() for line in lines) + "\n"


def endpoint_label(endpoint: EndpointFacts) -> str:
    return f"{endpoint.host}:{endpoint.port}"
