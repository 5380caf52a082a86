"""The demo domain's servers on loopback: a demo CA, HTTPS, IMAP and SMTP, all in asyncio.

``make_pki`` creates a certificate authority for one run (ECDSA P-256, valid for a week, in a
folder the caller owns and removes) and one server certificate for every demo host. The CA
is trusted only where mailhop is told so (``DiscoveryOptions.extra_ca_file``); it is never
installed anywhere. The server key's SPKI hash is what the zone publishes as TLSA 3 1 1.

``serve_all`` starts, on 127.0.0.1 and ports the OS picks (no root needed), what the demo
domain publishes at its standard ports:

    443  HTTPS: autoconfig.<d>/mail/config-v1.1.xml, mta-sts.<d>/.well-known/mta-sts.txt
    993  IMAP, TLS from the first byte        143  IMAP with STARTTLS
    465  SMTP submission, TLS from the start  587  SMTP submission with STARTTLS
    25   SMTP relay with STARTTLS (for the MX probe; it takes no mail)

and returns the map (127.0.0.1, published port) -> actual port for
``connect.loopback_ports``. The protocol logic lives in demo_dialogues.py; here is only the
thin driver: read a line (or the bytes of a literal), hand it over, write the reply, start
TLS or hang up when the reply says so.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import hashlib
import ssl
import xml.etree.ElementTree as ET
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from .dialogues import HttpResponse, ImapDialogue, Reply, SmtpDialogue, http_response

__all__ = ["DemoPki", "DemoServers", "autoconfig_document", "make_pki", "serve_all"]

LINE_LIMIT = 16 * 1024  # a longer command line is no client of ours: hang up
IDLE_SECONDS = 30.0  # a connection that says nothing for this long is closed


@dataclass(frozen=True, slots=True)
class DemoPki:
    ca_file: Path  # the CA certificate (PEM): what mailhop is told to trust, and nothing else
    cert_file: Path  # the server certificate, then the CA's
    key_file: Path  # the server's private key (a demo key, made for this run only)
    spki_sha256: str  # hex SHA-256 of the server key (TLSA 3 1 1)

    def server_context(self) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        context.load_cert_chain(self.cert_file, self.key_file)
        return context


def make_pki(
    folder: Path, domain: str, hosts: tuple[str, ...], *, now: dt.datetime | None = None
) -> DemoPki:
    """A CA for `domain` and one certificate for `hosts` (A-labels), written into `folder`."""
    start = (now or dt.datetime.now(dt.UTC)) - dt.timedelta(hours=1)  # allow a slow clock
    end = start + dt.timedelta(days=7)  # the key is gone after the run; dates matter little
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "mailhop demo CA (one run)")])
    ca_ski = x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key())
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_usage(cert_sign=True), critical=True)
        .add_extension(ca_ski, critical=False)
        # Only the demo's names: even if this CA leaked, it could vouch for nothing else.
        .add_extension(x509.NameConstraints([x509.DNSName(domain)], None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    leaf = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, hosts[0])]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(h) for h in hosts]), False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_usage(cert_sign=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    ca_pem = ca.public_bytes(pem)
    ca_file, cert_file, key_file = folder / "demo-ca.pem", folder / "server.pem", folder / "key"
    ca_file.write_bytes(ca_pem)
    cert_file.write_bytes(leaf.public_bytes(pem) + ca_pem)
    key_file.touch(mode=0o600)
    key_file.write_bytes(
        key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    spki = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return DemoPki(ca_file, cert_file, key_file, hashlib.sha256(spki).hexdigest())


def _usage(*, cert_sign: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=cert_sign,
        crl_sign=cert_sign,
        encipher_only=False,
        decipher_only=False,
    )


def autoconfig_document(domain: str, mail_host: str) -> bytes:
    """The domain's autoconfig file (Thunderbird's clientConfig 1.1): IMAP and submission,
    implicit TLS first, STARTTLS second, the address as the user name."""
    root = ET.Element("clientConfig", version="1.1")
    provider = ET.SubElement(root, "emailProvider", id=domain)
    ET.SubElement(provider, "domain").text = domain
    ET.SubElement(provider, "displayName").text = "mailhop demo mail"
    ET.SubElement(provider, "displayShortName").text = "mailhop demo"
    servers = (
        ("incomingServer", "imap", 993, "SSL"),
        ("incomingServer", "imap", 143, "STARTTLS"),
        ("outgoingServer", "smtp", 465, "SSL"),
        ("outgoingServer", "smtp", 587, "STARTTLS"),
    )
    for tag, kind, port, socket_type in servers:
        server = ET.SubElement(provider, tag, type=kind)
        for name, text in (
            ("hostname", mail_host),
            ("port", str(port)),
            ("socketType", socket_type),
            ("authentication", "password-cleartext"),
            ("username", "%EMAILADDRESS%"),
        ):
            ET.SubElement(server, name).text = text
    ET.indent(root)
    document: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return document + b"\n"


def mta_sts_policy(mail_host: str) -> bytes:
    """RFC 8461 section 3.2: enforce TLS to the one MX for a day."""
    return f"version: STSv1\nmode: enforce\nmx: {mail_host}\nmax_age: 86400\n".encode()


class _Dialogue(Protocol):
    wants: int

    def greet(self) -> Reply: ...

    def receive(self, data: bytes) -> Reply: ...

    def tls_started(self) -> None: ...


@dataclass(frozen=True, slots=True)
class DemoServers:
    """The listening servers; ``ports`` maps each published port to the one listened on."""

    host: str
    ports: Mapping[int, int]
    servers: tuple[asyncio.Server, ...]
    clients: set[asyncio.Task[object]]  # the connections being served, to end them at close

    async def close(self) -> None:
        """Stop listening and end every open connection (Python 3.11's wait_closed does
        not wait for them, and the loop would cancel them later, noisily)."""
        for server in self.servers:
            server.close()
        for task in self.clients:
            task.cancel()
        await asyncio.gather(*self.clients, return_exceptions=True)
        for server in self.servers:
            await server.wait_closed()


async def serve_all(
    pki: DemoPki, *, domain: str, mail_host: str, accounts: Mapping[str, str], host: str
) -> DemoServers:
    """Start every demo server on `host` (a loopback address) at ports the OS picks."""
    context = pki.server_context()
    documents = {
        (f"autoconfig.{domain}", "/mail/config-v1.1.xml"): HttpResponse(
            200, "text/xml; charset=utf-8", autoconfig_document(domain, mail_host)
        ),
        (f"mta-sts.{domain}", "/.well-known/mta-sts.txt"): HttpResponse(
            200, "text/plain; charset=utf-8", mta_sts_policy(mail_host)
        ),
    }

    def imap(implicit: bool) -> Callable[[], _Dialogue]:
        return lambda: ImapDialogue(accounts, implicit=implicit)

    def smtp(implicit: bool, submission: bool) -> Callable[[], _Dialogue]:
        return lambda: SmtpDialogue(accounts, mail_host, implicit=implicit, submission=submission)

    mail: dict[int, tuple[Callable[[], _Dialogue], bool]] = {
        993: (imap(True), True),
        143: (imap(False), False),
        465: (smtp(True, True), True),
        587: (smtp(False, True), False),
        25: (smtp(False, False), False),
    }
    started: list[asyncio.Server] = []
    ports: dict[int, int] = {}
    clients: set[asyncio.Task[object]] = set()

    async def http(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _tracked(clients, _http(reader, writer, documents))

    try:
        https = await asyncio.start_server(http, host, 0, ssl=context, limit=LINE_LIMIT)
        started.append(https)
        ports[443] = https.sockets[0].getsockname()[1]
        for published, (factory, implicit) in mail.items():
            handler = _mail_handler(factory, context, clients)
            server = await _mail_server(handler, host, context if implicit else None)
            started.append(server)
            ports[published] = server.sockets[0].getsockname()[1]
    except BaseException:
        await DemoServers(host, ports, tuple(started), clients).close()
        raise
    return DemoServers(host, ports, tuple(started), clients)


class _ClosingOnEof(asyncio.StreamReaderProtocol):
    """asyncio's stream protocol, but the client's EOF always ends the connection.

    ``StreamWriter.start_tls`` tells the protocol it is over TLS only once the handshake's
    waiter resumes it; an EOF in between (a client that hangs up right after the handshake,
    as a window quitting mid-check does) is answered "keep open", and asyncio then logs
    "returning true from eof_received() has no effect when using ssl" on stderr. No client
    of the demo half-closes, so closing on EOF loses nothing.
    """

    def eof_received(self) -> bool:
        super().eof_received()
        return False


async def _mail_server(
    handler: Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]],
    host: str,
    context: ssl.SSLContext | None,
) -> asyncio.Server:
    """``asyncio.start_server`` with the protocol above."""
    loop = asyncio.get_running_loop()

    def protocol() -> _ClosingOnEof:
        return _ClosingOnEof(asyncio.StreamReader(limit=LINE_LIMIT, loop=loop), handler, loop=loop)

    return await loop.create_server(protocol, host, 0, ssl=context)


async def _tracked(clients: set[asyncio.Task[object]], work: Awaitable[None]) -> None:
    task = asyncio.current_task()
    assert task is not None
    clients.add(task)
    try:
        await work
    finally:
        clients.discard(task)


# How a connection ends without it being the server's problem: the client left, sent garbage
# or too long a line (ValueError), went quiet, or the demo ended with the connection still
# open (CancelledError: Python 3.11's start_server callback raises on a cancelled handler).
_ENDINGS = (OSError, ValueError, TimeoutError, asyncio.IncompleteReadError, asyncio.CancelledError)


async def _http(
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    documents: Mapping[tuple[str, str], HttpResponse],
) -> None:
    with contextlib.suppress(*_ENDINGS):
        async with asyncio.timeout(IDLE_SECONDS):
            head = await reader.readuntil(b"\r\n\r\n")
            writer.write(http_response(head[:-4], documents))
            await writer.drain()
    await _close(writer)


def _mail_handler(
    factory: Callable[[], _Dialogue], context: ssl.SSLContext, clients: set[asyncio.Task[object]]
) -> Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]:
    async def converse(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(*_ENDINGS):
            await _converse(factory(), reader, writer, context)
        await _close(writer)

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _tracked(clients, converse(reader, writer))

    return handle


async def _converse(
    dialogue: _Dialogue,
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    context: ssl.SSLContext,
) -> None:
    reply = dialogue.greet()
    while True:
        if reply.data:
            writer.write(reply.data)
            await writer.drain()
        if reply.close:
            return
        if reply.start_tls:
            await writer.start_tls(context)  # the reply went out alone: nothing follows it
            dialogue.tls_started()
        async with asyncio.timeout(IDLE_SECONDS):
            if dialogue.wants:
                data = await reader.readexactly(dialogue.wants)
            else:
                data = await reader.readuntil(b"\n")  # LimitOverrunError is a ValueError
        reply = dialogue.receive(data)


async def _close(writer: asyncio.StreamWriter) -> None:
    writer.close()
    with contextlib.suppress(*_ENDINGS):
        async with asyncio.timeout(1.0):
            await writer.wait_closed()
