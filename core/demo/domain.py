"""The offline demo: a whole mail domain on loopback, inside this process, for one run.

``start_demo()`` needs no network, no root and nothing installed: it makes a demo CA and a
server certificate (demo_servers.py), signs the domain's zone with a fresh key
(demo_zone.py), starts a DNS responder, an HTTPS host and IMAP/SMTP servers on 127.0.0.1 in a
thread of their own (with its own asyncio loop, so the pipeline can run in any other thread,
the GUI's worker included), and maps the standard ports the domain publishes onto the ports
the OS gave the servers (``connect.loopback_ports``). What it yields, ``DemoDomain``, holds
everything mailhop's ordinary pipeline takes as options: the resolver, the trust anchor, the
extra CA, and where to keep the profile and the password.

Nothing leaves the demo: the CA is trusted only through ``options.extra_ca_file``; the
password goes to ``MemoryKeyring``, never to the person's keyring; the profile and the
exports go to a temporary folder. On exit the servers stop, the port map is lifted and the
folder is removed.

The demo account is ``you@mailhop-demo.test``; its password is made afresh for each run
(``DemoDomain.password``) and shown to the person, since it opens nothing but the demo's
own servers, which exist only while that run lasts. No password is written in the code.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import tempfile
import threading
from collections.abc import Iterator, Mapping
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path

from ..account.secrets import MemoryKeyring, Password, SecretStore
from ..dns.dnssec import TrustAnchor
from ..dns.resolver import Upstream
from ..net.connect import loopback_ports
from ..run.discovery import DiscoveryOptions
from .servers import DemoServers, make_pki, serve_all
from .zone import DEMO_DOMAIN, LOOPBACK, DnsServer, build_zone, serve_zone

__all__ = [
    "DEMO_ADDRESS",
    "DEMO_DOMAIN",
    "DemoDomain",
    "start_demo",
]

DEMO_ADDRESS = f"you@{DEMO_DOMAIN}"
MAIL_HOST = f"mail.{DEMO_DOMAIN}"
HOSTS = (MAIL_HOST, f"autoconfig.{DEMO_DOMAIN}", f"mta-sts.{DEMO_DOMAIN}")
START_SECONDS = 10.0  # starting takes milliseconds; this only bounds a broken start
# On loopback every answer comes at once: deadlines this short are never reached, and if
# something did hang, the demo would say so in seconds rather than the default eight.
SOFT_DEADLINE = 2.0
HARD_DEADLINE = 4.0


@dataclass(frozen=True, slots=True)
class DemoDomain:
    """A running demo domain and the settings that point mailhop at it."""

    address: str  # you@mailhop-demo.test
    password: Password  # made for this run; masked in repr like every password
    options: DiscoveryOptions  # resolver, trust anchor, CA, ISPDB URL, deadlines
    allow_test_domains: bool  # the demo lives under .test (RFC 6761): parse_address needs it
    profile_dir: Path  # temporary: profiles saved during the demo
    export_dir: Path  # temporary: exports written during the demo
    store: SecretStore  # over ``keyring``: in memory only
    keyring: MemoryKeyring
    anchor_file: Path  # the trust anchor as ``--trust-anchor`` reads it
    ports: Mapping[int, int]  # published port -> the port the demo server listens on

    @property
    def domain(self) -> str:
        return DEMO_DOMAIN

    @property
    def ca_file(self) -> Path:
        assert self.options.extra_ca_file is not None
        return self.options.extra_ca_file

    @property
    def resolver(self) -> Upstream:
        assert self.options.upstream is not None
        return self.options.upstream


@dataclass(frozen=True, slots=True)
class _Running:
    dns: DnsServer
    servers: DemoServers
    loop: asyncio.AbstractEventLoop
    stop: asyncio.Event


@contextlib.contextmanager
def start_demo() -> Iterator[DemoDomain]:
    """Start the demo domain; everything stops and is removed when the block ends."""
    with tempfile.TemporaryDirectory(prefix="mailhop-demo-") as name:
        folder = Path(name)
        pki = make_pki(folder, DEMO_DOMAIN, HOSTS)
        zone = build_zone(DEMO_DOMAIN, pki.spki_sha256)
        anchor_file = folder / "demo-anchor.ds"
        anchor_file.write_text(zone.anchor_text, "ascii")
        started: Future[_Running] = Future()
        password = Password(secrets.token_urlsafe(12))
        accounts = {DEMO_ADDRESS: password.reveal()}

        async def serve() -> None:
            try:
                dns_server = await serve_zone(zone.zone, LOOPBACK)
                try:
                    servers = await serve_all(
                        pki,
                        domain=DEMO_DOMAIN,
                        mail_host=MAIL_HOST,
                        accounts=accounts,
                        host=LOOPBACK,
                    )
                except BaseException:
                    await dns_server.close()
                    raise
            except BaseException as exc:
                started.set_exception(exc)
                return
            stop = asyncio.Event()
            started.set_result(_Running(dns_server, servers, asyncio.get_running_loop(), stop))
            try:
                await stop.wait()
            finally:
                await servers.close()
                await dns_server.close()

        thread = threading.Thread(target=asyncio.run, args=(serve(),), name="mailhop-demo")
        thread.start()
        try:
            running = started.result(timeout=START_SECONDS)
        except BaseException:
            thread.join(START_SECONDS)
            raise
        try:
            mapped = {(LOOPBACK, port): actual for port, actual in running.servers.ports.items()}
            with loopback_ports(mapped):
                yield _domain(folder, running, zone.anchor, pki.ca_file, anchor_file, password)
        finally:
            running.loop.call_soon_threadsafe(running.stop.set)
            thread.join()


def _domain(
    folder: Path,
    running: _Running,
    anchor: TrustAnchor,
    ca_file: Path,
    anchor_file: Path,
    password: Password,
) -> DemoDomain:
    profile_dir, export_dir = folder / "profiles", folder / "exports"
    profile_dir.mkdir()
    export_dir.mkdir()
    keyring = MemoryKeyring()
    options = DiscoveryOptions(
        upstream=Upstream(LOOPBACK, running.dns.port),
        anchor=anchor,
        extra_ca_file=ca_file,
        # The demo has no provider database: its HTTPS host answers 404 at once, and a
        # real ISPDB would be the network the demo promises not to need.
        ispdb_url=f"https://autoconfig.{DEMO_DOMAIN}/ispdb/",
        soft_deadline=SOFT_DEADLINE,
        hard_deadline=HARD_DEADLINE,
    )
    return DemoDomain(
        address=DEMO_ADDRESS,
        password=password,
        options=options,
        allow_test_domains=True,
        profile_dir=profile_dir,
        export_dir=export_dir,
        store=SecretStore(keyring),
        keyring=keyring,
        anchor_file=anchor_file,
        ports=dict(running.servers.ports),
    )
