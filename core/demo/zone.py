"""The demo domain's DNS: a zone signed in-process, and a tiny responder for it on loopback.

Theory of operation. ``build_zone`` writes the records a well-run mail domain publishes (SRV
for each service, MX, MTA-STS and TLS-RPT TXT, DANE TLSA for every mail port, A records on
loopback) and signs them with a fresh ECDSA P-256 key and an NSEC chain (dnspython's
``sign_zone``). The trust anchor is the DS of that key at the zone itself: mailhop's
``ChainValidator`` walks from whatever name its anchor is for, so the demo needs no signed
root or TLD above it, and the key exists only for one run.

``ZoneResponder.answer`` is sans-IO (a query in, a response out) and behaves like an
authoritative server, which is all mailhop's resolver needs from an upstream (it sends
RD+DO+CD and validates everything itself): an answer with its RRSIG; NODATA and NXDOMAIN with
the SOA and the NSEC records that prove them (for NXDOMAIN also the one that rules out a
wildcard), so mailhop reports the absence as proven; REFUSED at once for any name outside the
zone, so nothing ever waits for a deadline. ``serve_zone`` puts it on UDP and TCP at one
OS-chosen port of 127.0.0.1 (the resolver falls back to TCP on the same port).

The domain is under ``.test`` (RFC 6761): never delegated in the real DNS, so a demo name can
neither belong to someone nor reach a real server if something went around the responder.
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import socket
import struct
import time
from dataclasses import dataclass
from typing import cast

import dns.dnssec
import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.opcode
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.rrset
import dns.zone
from cryptography.hazmat.primitives.asymmetric import ec
from dns.dnssectypes import Algorithm, DSDigest
from dns.rdtypes.dnskeybase import Flag

from ..dns.dnssec import TrustAnchor

__all__ = [
    "DEMO_DOMAIN",
    "LOOPBACK",
    "MAIL_PORTS",
    "DemoZone",
    "DnsServer",
    "ZoneResponder",
    "build_zone",
    "serve_zone",
]

DEMO_DOMAIN = "mailhop-demo.test"
LOOPBACK = "127.0.0.1"
TTL = 300
SIGNATURE_LIFETIME = 7 * 24 * 3600  # the zone lives for one run; a week covers any clock skew
MAIL_PORTS = (25, 143, 465, 587, 993)  # every port the mail host serves has a TLSA record
_IN = dns.rdataclass.IN
_RdataType = dns.rdatatype.RdataType


@dataclass(frozen=True, slots=True)
class DemoZone:
    """The signed zone and the anchor that validates it (a DS for the zone's own key)."""

    origin: dns.name.Name
    zone: dns.zone.Zone
    anchor: TrustAnchor
    anchor_text: str  # the anchor in zone-file form, as ``--trust-anchor`` reads it


def zone_text(domain: str, spki_sha256: str, address: str = LOOPBACK) -> str:
    """The records of the demo domain, in zone-file form (relative to the origin)."""
    tlsa = "\n".join(f"_{port}._tcp.mail IN TLSA 3 1 1 {spki_sha256}" for port in MAIL_PORTS)
    return f"""\
$TTL {TTL}
@               IN SOA ns hostmaster 1 3600 600 86400 {TTL}
@               IN NS ns
@               IN MX 10 mail
_submissions._tcp IN SRV 0 1 465 mail
_submission._tcp  IN SRV 0 1 587 mail
_imaps._tcp     IN SRV 0 1 993 mail
_imap._tcp      IN SRV 10 1 143 mail
; RFC 6186 section 3.4: a target of "." says the service is not offered at all.
_pop3s._tcp     IN SRV 0 0 0 .
_pop3._tcp      IN SRV 0 0 0 .
_mta-sts        IN TXT "v=STSv1; id=mailhopdemo1"
_smtp._tls      IN TXT "v=TLSRPTv1; rua=mailto:tls-reports@{domain}"
ns              IN A {address}
mail            IN A {address}
autoconfig      IN A {address}
mta-sts         IN A {address}
{tlsa}
"""


def build_zone(domain: str, spki_sha256: str, *, now: float | None = None) -> DemoZone:
    """The demo zone for `domain`, signed with a key made now; `spki_sha256` is the hex
    SHA-256 of the mail server's public key (TLSA 3 1 1)."""
    origin = dns.name.from_text(domain)
    zone = dns.zone.from_text(zone_text(domain, spki_sha256), origin, relativize=False)
    key = ec.generate_private_key(ec.SECP256R1())
    dnskey = dns.dnssec.make_dnskey(
        key.public_key(), Algorithm.ECDSAP256SHA256, flags=Flag.ZONE | Flag.SEP
    )
    inception = int(now if now is not None else time.time()) - 3600  # allow a slow clock
    dns.dnssec.sign_zone(
        zone,
        keys=[(key, dnskey)],
        inception=inception,
        lifetime=SIGNATURE_LIFETIME,
        dnskey_ttl=TTL,
    )
    ds = dns.dnssec.make_ds(origin, dnskey, DSDigest.SHA256)
    anchor = TrustAnchor(origin, ds=(ds,))
    return DemoZone(origin, zone, anchor, f"{origin} {TTL} IN DS {ds}\n")


class ZoneResponder:
    """Answers queries for one signed zone the way its authoritative server would."""

    def __init__(self, zone: dns.zone.Zone) -> None:
        assert zone.origin is not None
        self.origin: dns.name.Name = zone.origin
        self.zone = zone
        self._names = sorted(zone.nodes)  # dns.name orders canonically (RFC 4034 section 6.1)

    def answer(self, query: dns.message.Message) -> dns.message.Message:
        response = dns.message.make_response(query)
        response.ednsflags |= query.ednsflags & dns.flags.DO
        if query.opcode() != dns.opcode.QUERY or len(query.question) != 1:
            response.set_rcode(dns.rcode.NOTIMP)
            return response
        question = query.question[0]
        name, rdtype = question.name, _RdataType(question.rdtype)
        if question.rdclass != _IN or not name.is_subdomain(self.origin):
            response.set_rcode(dns.rcode.REFUSED)  # not ours: say so now, never stay silent
            return response
        response.flags |= dns.flags.AA
        node = self.zone.get_node(name)
        found = node.get_rdataset(_IN, rdtype) if node is not None else None
        if found is not None:
            response.answer += self._signed(name, rdtype)
            return response
        response.authority += self._signed(self.origin, _RdataType.SOA)
        if node is not None or self._empty_non_terminal(name):
            response.authority += self._signed(self._owner_at_or_before(name), _RdataType.NSEC)
            return response
        response.set_rcode(dns.rcode.NXDOMAIN)
        wildcard = dns.name.Name(("*", *self._closest_encloser(name).labels))
        owners = dict.fromkeys(self._owner_at_or_before(n) for n in (name, wildcard))
        for owner in owners:
            response.authority += self._signed(owner, _RdataType.NSEC)
        return response

    def _signed(self, name: dns.name.Name, rdtype: _RdataType) -> list[dns.rrset.RRset]:
        node = self.zone.get_node(name)
        assert node is not None
        rrsets = []
        for kind, covers in ((rdtype, _RdataType.NONE), (_RdataType.RRSIG, rdtype)):
            rdataset = node.get_rdataset(_IN, kind, covers)
            if rdataset is not None:
                rrsets.append(dns.rrset.from_rdata_list(name, rdataset.ttl, list(rdataset)))
        return rrsets

    def _owner_at_or_before(self, name: dns.name.Name) -> dns.name.Name:
        """The NSEC owner that matches or covers `name` (the chain wraps at the apex)."""
        index = bisect.bisect_right(self._names, name) - 1
        return self._names[index] if index >= 0 else self._names[-1]

    def _empty_non_terminal(self, name: dns.name.Name) -> bool:
        index = bisect.bisect_right(self._names, name)
        return index < len(self._names) and self._names[index].is_subdomain(name)

    def _closest_encloser(self, name: dns.name.Name) -> dns.name.Name:
        while name != self.origin:
            name = name.parent()
            if self.zone.get_node(name) is not None or self._empty_non_terminal(name):
                return name
        return name

    def wire_answer(self, data: bytes, limit: int | None) -> bytes | None:
        """The response to a query in wire form; None for a packet that is no query.
        `limit` is the UDP size the client can take (None over TCP)."""
        try:
            query = dns.message.from_wire(data)
        except dns.exception.DNSException:
            return None
        if query.flags & dns.flags.QR:
            return None
        response = self.answer(query)
        if limit is None:
            return response.to_wire()
        size = max(512, query.payload if query.edns >= 0 else 512)
        try:
            return response.to_wire(max_size=min(size, limit))
        except dns.exception.TooBig:  # RFC 1035 4.2.1: the client retries over TCP
            truncated = dns.message.make_response(query)
            truncated.flags |= dns.flags.TC | dns.flags.AA
            return truncated.to_wire()


@dataclass(frozen=True, slots=True)
class DnsServer:
    """The responder's UDP and TCP listeners, both on ``port`` of ``host``."""

    host: str
    port: int
    udp: asyncio.DatagramTransport
    tcp: asyncio.Server

    async def close(self) -> None:
        self.udp.close()
        self.tcp.close()
        await self.tcp.wait_closed()


class _Udp(asyncio.DatagramProtocol):
    def __init__(self, responder: ZoneResponder) -> None:
        self.responder = responder
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.DatagramTransport, transport)

    def datagram_received(self, data: bytes, addr: tuple[str | int, ...]) -> None:
        reply = self.responder.wire_answer(data, 65535)
        if reply is not None and self.transport is not None:
            self.transport.sendto(reply, addr)


async def _tcp_client(
    responder: ZoneResponder, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> None:
    # CancelledError too: the loop ends with this connection open, and Python 3.11's
    # start_server callback raises on a cancelled handler (fixed in 3.12).
    with contextlib.suppress(OSError, asyncio.IncompleteReadError, asyncio.CancelledError):
        while True:
            (length,) = struct.unpack("!H", await reader.readexactly(2))
            reply = responder.wire_answer(await reader.readexactly(length), None)
            if reply is None:
                break
            writer.write(struct.pack("!H", len(reply)) + reply)
            await writer.drain()
    writer.close()


async def serve_zone(zone: dns.zone.Zone, host: str = LOOPBACK, *, tries: int = 20) -> DnsServer:
    """Serve `zone` on UDP and TCP at one port the OS picks (free for both protocols)."""
    responder = ZoneResponder(zone)
    loop = asyncio.get_running_loop()
    for _ in range(tries):
        udp, _protocol = await loop.create_datagram_endpoint(
            lambda: _Udp(responder), local_addr=(host, 0), family=socket.AF_INET
        )
        port = udp.get_extra_info("sockname")[1]
        try:
            tcp = await asyncio.start_server(
                lambda r, w: _tcp_client(responder, r, w), host, port, reuse_address=True
            )
        except OSError:  # that port is taken for TCP: pick another pair
            udp.close()
            continue
        return DnsServer(host, port, udp, tcp)
    raise OSError(f"no port on {host} was free for both UDP and TCP")
