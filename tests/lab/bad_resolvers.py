"""Resolvers that fail the person, not the domain: what a bad network puts between mailhop and DNS.

Each runs in the test's own process (a thread), on an OS-chosen port of 127.0.0.1 inside the
lab's namespace, UDP and TCP, so no scenario file and no lab restart is needed:

    SILENT     reads every query and answers none (a dead resolver, a firewall that drops)
    NXDOMAIN   answers every question NXDOMAIN, the root included (a broken or hijacking
               resolver of a hotel network)
    STRIP      asks the lab's real resolver and passes its answer on without the RRSIG
               records (a resolver or middlebox that removes DNSSEC data)
    DROP       asks the lab's real resolver, but never answers questions of the given types
               (one lookup that times out, say the MX, while the rest of DNS works)

A namespace with no route and a wrong clock need no server: tests run the CLI under
``unshare --net`` and give the validator a shifted clock. The HTTPS interceptor is
interceptor.py.
"""

from __future__ import annotations

import enum
import socket
import struct
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import dns.message
import dns.query
import dns.rcode
import dns.rdatatype

__all__ = ["Behaviour", "bad_resolver"]


class Behaviour(enum.Enum):
    SILENT = "silent"
    NXDOMAIN = "nxdomain"
    STRIP = "strip"
    DROP = "drop"


class _Server:
    def __init__(
        self, behaviour: Behaviour, upstream: tuple[str, int] | None, drop: frozenset[str]
    ) -> None:
        self.behaviour = behaviour
        self.upstream = upstream
        self.drop = drop
        self.udp, self.tcp = _pair()
        self.port = self.udp.getsockname()[1]
        self.udp.settimeout(0.2)
        self.tcp.settimeout(0.2)
        self.stopping = threading.Event()
        self.threads = [
            threading.Thread(target=self._serve_udp, daemon=True),
            threading.Thread(target=self._serve_tcp, daemon=True),
        ]

    def answer(self, wire: bytes, *, tcp: bool) -> bytes | None:
        if self.behaviour is Behaviour.SILENT:
            return None
        query = dns.message.from_wire(wire)
        if self.behaviour is Behaviour.NXDOMAIN:
            response = dns.message.make_response(query)
            response.set_rcode(dns.rcode.NXDOMAIN)
            return response.to_wire()
        asked = dns.rdatatype.to_text(query.question[0].rdtype) if query.question else ""
        if self.behaviour is Behaviour.DROP and asked in self.drop:
            return None
        assert self.upstream is not None
        host, port = self.upstream
        if tcp:
            real = dns.query.tcp(query, host, port=port, timeout=3)
        else:
            real = dns.query.udp(query, host, port=port, timeout=3, ignore_trailing=True)
        if self.behaviour is Behaviour.STRIP:
            for section in (real.answer, real.authority, real.additional):
                section[:] = [r for r in section if r.rdtype != dns.rdatatype.RRSIG]
        return real.to_wire()

    def _serve_udp(self) -> None:
        while not self.stopping.is_set():
            try:
                wire, peer = self.udp.recvfrom(65535)
            except (TimeoutError, OSError):
                continue
            reply = self._safe(wire, tcp=False)
            if reply is not None:
                self.udp.sendto(reply, peer)

    def _serve_tcp(self) -> None:
        while not self.stopping.is_set():
            try:
                conn, _ = self.tcp.accept()
            except (TimeoutError, OSError):
                continue
            with conn:
                conn.settimeout(3)
                try:
                    head = conn.recv(2)
                    (size,) = struct.unpack("!H", head)
                    wire = b""
                    while len(wire) < size:
                        wire += conn.recv(size - len(wire))
                except (OSError, struct.error):
                    continue
                reply = self._safe(wire, tcp=True)
                if reply is not None:
                    conn.sendall(struct.pack("!H", len(reply)) + reply)
                else:
                    self.stopping.wait(3)  # silent: hold the connection, answer nothing

    def _safe(self, wire: bytes, *, tcp: bool) -> bytes | None:
        try:
            return self.answer(wire, tcp=tcp)
        except Exception:  # a malformed query or a dead upstream: no answer, like a real one
            return None

    def close(self) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join()
        self.udp.close()
        self.tcp.close()


def _pair() -> tuple[socket.socket, socket.socket]:
    """UDP and TCP sockets on one free port (the resolver falls back to TCP on the same
    port); the OS picks the UDP port, which another test may hold for TCP: then again."""
    for _ in range(50):
        udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        udp.bind(("127.0.0.1", 0))
        tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            tcp.bind(("127.0.0.1", udp.getsockname()[1]))
        except OSError:
            udp.close()
            tcp.close()
            continue
        tcp.listen(8)
        return udp, tcp
    raise OSError("no port free for both UDP and TCP on 127.0.0.1")


@contextmanager
def bad_resolver(
    behaviour: Behaviour, upstream: tuple[str, int] | None = None, *, drop: tuple[str, ...] = ()
) -> Iterator[tuple[str, int]]:
    """A resolver that behaves as told, at the (address, port) yielded; STRIP and DROP
    forward to `upstream` (the lab's resolver), DROP leaving the `drop` types unanswered."""
    server = _Server(behaviour, upstream, frozenset(drop))
    for thread in server.threads:
        thread.start()
    try:
        yield ("127.0.0.1", server.port)
    finally:
        server.close()
