"""`python -m tests.lab.serve WORKDIR`: all of the lab's own Python servers, in one process.

One asyncio process serves every scenario host's `web` documents (web.py) and `hostile`
mail servers (hostile.py), each on the host's own address with the host's certificate from
WORKDIR/certs/HOST/. One process, so that `python -m tests.lab up` can return while they run
and the lab holds a single pid for all of them. Every connection is recorded under
WORKDIR/recordings/ (recording.py).

Once every listener is open it writes WORKDIR/pyservers/ready.json (the listeners, as a
list); pyservers.py waits for that file. SIGTERM (or SIGINT) closes everything at once,
stalled connections included, and exits 0.
"""

from __future__ import annotations

import asyncio
import json
import signal
import ssl
import sys
import time
from collections.abc import Iterable
from pathlib import Path

from . import hostile, oauth, scenario, web
from .recording import Listener, Recorder, server_context
from .scenario import Host, ScenarioError


def ready_file(workdir: Path) -> Path:
    return workdir / "pyservers" / "ready.json"


def recordings_dir(workdir: Path) -> Path:
    return workdir / "recordings"


def published_dir(workdir: Path) -> Path:
    """Where tests put the web documents they publish (publish.py, web.py `published`)."""
    return workdir / "published"


def plan(workdir: Path, scenarios: Iterable[scenario.Scenario]) -> list[Listener]:
    """Every listener the scenarios ask for; a port asked for twice on a host is an error."""
    scenarios = tuple(scenarios)
    accounts = hostile.lab_accounts(scenarios)
    listeners: list[Listener] = []
    for item in scenarios:
        for host in item.hosts:
            listeners += _host_listeners(workdir, host, accounts)
    return listeners


def _host_listeners(workdir: Path, host: Host, accounts: dict[str, str]) -> list[Listener]:
    site = web.parse_site(host, published=published_dir(workdir))
    servers = hostile.parse_servers(host)
    issuer = oauth.parse_config(host)
    if not site.documents and not servers and issuer is None:
        return []
    folder = workdir / "certs" / host.name
    chain, key = folder / "chain.pem", folder / "key.pem"
    found: list[Listener] = []
    if site.documents:
        https = server_context(chain, key, alpn=("http/1.1",))
        for scheme, port in site.ports.items():
            found.append(
                Listener(
                    host=host.name,
                    address=host.address,
                    port=port,
                    service=scheme,
                    handler=web.serve(site, scheme),
                    implicit_tls=https if scheme == "https" else None,
                )
            )
    if issuer is not None:
        found.append(
            Listener(
                host=host.name,
                address=host.address,
                port=443,
                service="https",
                handler=oauth.serve(oauth.AuthorizationServer(issuer, accounts)),
                implicit_tls=server_context(chain, key, alpn=("http/1.1",)),
            )
        )
    if servers:
        mail = server_context(chain, key)
        for server in servers:
            found.append(
                Listener(
                    host=host.name,
                    address=host.address,
                    port=server.port,
                    service=server.service,
                    handler=hostile.serve(server, accounts, mail),
                    implicit_tls=mail if server.implicit_tls else None,
                )
            )
    ports = [listener.port for listener in found]
    clash = sorted({port for port in ports if ports.count(port) > 1})
    if clash:
        raise ScenarioError(f"hosts.{host.name}: ports {clash} asked for twice (web and hostile)")
    return found


async def run(workdir: Path) -> None:
    began = time.monotonic()
    loop = asyncio.get_running_loop()
    loop.set_exception_handler(_log_loop_error)
    stop = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    listeners = plan(workdir, scenario.load_all())
    recorder = Recorder(recordings_dir(workdir))
    servers = await asyncio.gather(*(recorder.listen(listener) for listener in listeners))
    ready = ready_file(workdir)
    ready.parent.mkdir(parents=True, exist_ok=True)
    listing = [
        {"host": x.host, "address": x.address, "port": x.port, "service": x.service}
        for x in listeners
    ]
    ready.with_suffix(".tmp").write_text(json.dumps(listing, indent=1))
    ready.with_suffix(".tmp").rename(ready)  # atomic: a reader never sees half a file
    took = time.monotonic() - began
    print(f"serving {len(listeners)} listeners, ready in {took:.3f} s", flush=True)
    await stop.wait()
    for server in servers:
        server.close()
    await recorder.close_connections()
    print("stopped", flush=True)


def _log_loop_error(_: asyncio.AbstractEventLoop, context: dict[str, object]) -> None:
    # Clients that reject a certificate or hang up mid-handshake are expected here: one line.
    error = context.get("exception")
    if isinstance(error, ssl.SSLError | ConnectionError):
        print(f"connection: {error}", flush=True)
        return
    print(f"event loop: {context.get('message')} {error!r}", flush=True)


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m tests.lab.serve WORKDIR", file=sys.stderr)
        return 2
    asyncio.run(run(Path(argv[0])))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
