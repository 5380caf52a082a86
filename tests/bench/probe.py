"""Small network measurements, run inside a delayed client namespace.

`python -m tests.bench.probe KIND ARGS...` prints one JSON value. The tests and the RTT
figures use these to see the path from the client's side, where a benchmark sits: the timings
must come from a process in the client namespace, not from the lab's side of the forwarder.

    connect HOST PORT COUNT         -> [ms, ...]   TCP handshake times
    dns SERVER NAME COUNT           -> [ms, ...]   UDP query round trips
    imaps HOST PORT SNI CAFILE      -> {"ms": ..., "greeting": ...}
    concurrent HOST PORT COUNT      -> {"ok": n, "errors": [...], "seconds": ...}
    connect-timeout HOST PORT SECS  -> "timeout" | "refused" | "connected"
"""

from __future__ import annotations

import asyncio
import json
import socket
import ssl
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any


def _ms_since(began: float) -> float:
    return round((time.perf_counter() - began) * 1000, 3)


def tcp_connect(host: str, port: int, count: int) -> list[float]:
    """Handshake times: connect() returns after exactly one round trip (SYN, SYN-ACK)."""
    samples = []
    for _ in range(count):
        with socket.socket() as sock:
            sock.settimeout(5)
            began = time.perf_counter()
            sock.connect((host, port))
            samples.append(_ms_since(began))
    return samples


def dns_query(server: str, name: str, count: int) -> list[float]:
    """UDP round trips to a resolver; after the first, the answer is in its cache."""
    import dns.message
    import dns.query

    query = dns.message.make_query(name, "A")
    samples = []
    for _ in range(count):
        began = time.perf_counter()
        dns.query.udp(query, server, timeout=5)
        samples.append(_ms_since(began))
    return samples


def imaps_greeting(host: str, port: int, server_name: str, cafile: str) -> dict[str, Any]:
    """A verified TLS handshake and the IMAP greeting: real traffic, not just handshakes."""
    context = ssl.create_default_context(cafile=cafile)
    began = time.perf_counter()
    with socket.create_connection((host, port), timeout=10) as raw:
        raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with context.wrap_socket(raw, server_hostname=server_name) as tls:
            greeting = tls.recv(4096).decode(errors="replace")
    return {"ms": _ms_since(began), "greeting": greeting.strip()}


async def _one_exchange(host: str, port: int, index: int) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    line = f"hello {index}\n".encode()
    writer.write(line)
    answer = await reader.readline()
    writer.close()
    await writer.wait_closed()
    if answer != line:
        raise ValueError(f"echo {index}: {answer!r}")


async def _concurrent(host: str, port: int, count: int) -> dict[str, Any]:
    began = time.perf_counter()
    results = await asyncio.gather(
        *(asyncio.wait_for(_one_exchange(host, port, i), 10) for i in range(count)),
        return_exceptions=True,
    )
    errors = [repr(r) for r in results if isinstance(r, BaseException)]
    seconds = round(time.perf_counter() - began, 3)
    return {"ok": count - len(errors), "errors": errors[:5], "seconds": seconds}


def concurrent(host: str, port: int, count: int) -> dict[str, Any]:
    """`count` connections at once to a line echo server, each sending one line."""
    return asyncio.run(_concurrent(host, port, count))


def connect_timeout(host: str, port: int, seconds: float) -> str:
    """How a connect ends: a black-holed host must time out, not refuse."""
    try:
        socket.create_connection((host, port), timeout=seconds).close()
    except TimeoutError:
        return "timeout"
    except ConnectionRefusedError:
        return "refused"
    return "connected"


KINDS: dict[str, tuple[Callable[..., Any], tuple[Callable[[str], Any], ...]]] = {
    "connect": (tcp_connect, (str, int, int)),
    "dns": (dns_query, (str, str, int)),
    "imaps": (imaps_greeting, (str, int, str, str)),
    "concurrent": (concurrent, (str, int, int)),
    "connect-timeout": (connect_timeout, (str, int, float)),
}


def main(argv: Sequence[str] | None = None) -> int:
    kind, *raw = sys.argv[1:] if argv is None else argv
    function, types = KINDS[kind]
    print(json.dumps(function(*(convert(v) for convert, v in zip(types, raw, strict=True)))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
