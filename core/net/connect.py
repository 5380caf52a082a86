"""Connecting to a server: mailhop's resolver, staggered attempts, and the OS error in words.

Theory of operation. Every connection mailhop opens, an HTTPS fetch (fetch.py, through
httpcore's anyio backend) or a mail probe (mailsession.py, plain asyncio), takes the same
steps, and they live here so both speak and behave alike:

1. ``lookup(resolve, host)``: the host name (an A-label) goes to the resolver mailhop passes
   in, its DNSSEC-aware one, never ``getaddrinfo``. What comes back must be IP literals; a
   name would reach the OS resolver after all, so that is a bug (ValueError), not a result.
2. ``first_connected(...)``: the addresses are tried in the resolver's order with staggered
   starts (RFC 8305 "happy eyeballs", light: the next attempt starts ``stagger`` seconds
   after the previous one, or at once when one fails; the first connection wins and every
   other attempt is cancelled or, if it connected too, closed). The resolver's order is the
   preference: ``resolver.Resolver.addresses`` already interleaves the families.
3. A failure names every address with the socket's own reason ("connection refused",
   "No route to host"), dug out from under the wrappers of whichever library connected.
4. ``dial_port(address, port)``: the port actually dialled (by every attempt here and by
   the login test's own socket in login_wire.py). Always ``port``, except while a
   ``loopback_ports`` map is in force: the offline demo (demo.py) publishes the standard
   ports (443, 993, 465, 587, 25) so that it looks like a real domain, while its servers,
   which must not need root, listen on ports the OS picked. The map is process-wide because
   it must cross threads (the GUI runs the pipeline in a worker thread, the demo servers in
   their own), and it only ever maps a loopback address to a loopback address.

``first_connected`` is generic over what an attempt returns, because httpcore wants anyio
streams and the mail probe wants an asyncio transport with its own protocol;
``open_connection`` (asyncio streams) and ``open_transport`` (a protocol of the caller's)
are the two plain-asyncio forms. Both set TCP_NODELAY: a mail dialogue is small commands
that wait for answers, and Nagle's algorithm would hold each one back for an ACK.

Nothing here has a deadline of its own: the caller wraps the whole exchange in one
(``asyncio.timeout_at``), so a black-holed address costs the caller's deadline once.
A failure to connect raises ``ConnectFailure``; callers turn it into a result.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import socket
import threading
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from typing import TypeVar

from ..common.errors import RemoteFailure
from ..dns.resolver import ResolveError

__all__ = [
    "STAGGER_SECONDS",
    "ConnectFailure",
    "LookupFailure",
    "Resolve",
    "check_addresses",
    "dial_port",
    "first_connected",
    "lookup",
    "loopback_ports",
    "open_connection",
    "open_transport",
    "os_reason",
]

STAGGER_SECONDS = 0.25  # RFC 8305 section 5 recommends 250 ms between attempts

Resolve = Callable[[str], Awaitable[Sequence[str]]]
"""Host name (A-label) -> IP address strings in preference order; raises ResolveError
(whose message, for a person, becomes part of the failure)."""

T = TypeVar("T")
P = TypeVar("P", bound=asyncio.BaseProtocol)


class ConnectFailure(RemoteFailure):
    """No connection was made; ``message`` says why, for a person. ``refused`` is True when
    every address refused the connection (nothing listens there): callers decide on it, never
    on the words of ``message``."""

    def __init__(self, message: str, *, refused: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.refused = refused


class LookupFailure(ConnectFailure):
    """The host name gave no address to connect to; ``timed_out`` when the run's deadline
    ended the lookup (the resolver's ResolveError says so)."""

    def __init__(self, message: str, *, timed_out: bool = False) -> None:
        super().__init__(message)
        self.timed_out = timed_out


_port_map: dict[tuple[str, int], int] = {}
_port_map_lock = threading.Lock()


def dial_port(address: str, port: int) -> int:
    """The port to connect to for `address` (an IP literal) and the published `port`."""
    with _port_map_lock:
        return _port_map.get((address, port), port)


@contextlib.contextmanager
def loopback_ports(mapping: Mapping[tuple[str, int], int]) -> Iterator[None]:
    """While in force, a connection to (loopback IP, port) goes to another port of that IP.

    Empty unless someone enters this (only the offline demo does). A non-loopback address,
    or a key another map holds already, is refused with ValueError: nothing may redirect a
    connection that leaves the machine, and two maps must not fight over one port.
    """
    wanted: dict[tuple[str, int], int] = {}
    for (address, port), target in mapping.items():
        ip = ipaddress.ip_address(address)  # ValueError for a host name
        if not ip.is_loopback:
            raise ValueError(f"only loopback addresses can be mapped, not {address}")
        for value in (port, target):
            if not 1 <= value <= 65535:
                raise ValueError(f"a port must be 1-65535, got {value}")
        wanted[(str(ip), port)] = target
    with _port_map_lock:
        taken = sorted(f"{a}:{p}" for a, p in wanted if (a, p) in _port_map)
        if taken:
            raise ValueError(f"already mapped by another map: {', '.join(taken)}")
        _port_map.update(wanted)
    try:
        yield
    finally:
        with _port_map_lock:
            for key in wanted:
                _port_map.pop(key, None)


async def lookup(resolve: Resolve, host: str) -> tuple[str, ...]:
    """The addresses of ``host`` from mailhop's resolver, checked to be IP literals."""
    try:
        addresses = tuple(await resolve(host))
    except ResolveError as exc:
        raise LookupFailure(
            f"could not look up the address of {host}: {exc}", timed_out=exc.timed_out
        ) from exc
    if not addresses:
        raise LookupFailure(f"could not look up the address of {host}: the resolver found none")
    return check_addresses(addresses)


def check_addresses(addresses: Sequence[str]) -> tuple[str, ...]:
    """``addresses`` unchanged if each is an IP literal; a ValueError otherwise (misuse: a
    name here would be looked up by the OS resolver, around mailhop's own)."""
    for address in addresses:
        try:
            ipaddress.ip_address(address)
        except ValueError:
            raise ValueError(f"the resolver gave {address!r}, not an IP address") from None
    return tuple(addresses)


async def first_connected(
    host: str,
    port: int,
    addresses: Sequence[str],
    attempt: Callable[[str], Awaitable[T]],
    close: Callable[[T], Awaitable[object]],
    *,
    stagger: float = STAGGER_SECONDS,
) -> tuple[T, str]:
    """The first of ``attempt(address)`` to succeed, and its address (module docstring).

    ``attempt`` connects to one IP literal and raises OSError (or an exception that wraps
    one) when it cannot; ``close`` disposes of a connection that lost the race. When every
    attempt fails, ConnectFailure names each address with its reason.
    """
    addresses = check_addresses(addresses)
    if not addresses:
        raise ConnectFailure(f"could not connect to {host} port {port}: no address to try")
    winner: tuple[T, str] | None = None
    errors: list[tuple[str, BaseException]] = []
    wake = asyncio.Event()
    attempts: list[asyncio.Task[None]] = []

    async def one(address: str) -> None:
        nonlocal winner
        try:
            connection = await attempt(address)
        except Exception as exc:  # the attempt's library decides what it raises
            errors.append((address, exc))
            wake.set()
            return
        if winner is not None:  # another attempt won meanwhile
            await close(connection)
            return
        winner = (connection, address)
        for other in attempts:
            if other is not asyncio.current_task():
                other.cancel()
        wake.set()

    try:
        async with asyncio.TaskGroup() as group:
            for address in addresses:
                wake.clear()
                attempts.append(group.create_task(one(address)))
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(stagger):
                        await wake.wait()
                if winner is not None:
                    break
    except BaseException:
        if winner is not None:
            await close(winner[0])
        raise
    if winner is None:
        raise _all_failed(host, port, errors)
    return winner


def _all_failed(host: str, port: int, errors: list[tuple[str, BaseException]]) -> ConnectFailure:
    """Every attempt failed: each address with its reason, refused when every one was."""
    reasons = "; ".join(f"{address}: {os_reason(exc)}" for address, exc in errors)
    refused = bool(errors) and all(_refused(exc) for _, exc in errors)
    return ConnectFailure(f"could not connect to {host} port {port} ({reasons})", refused=refused)


async def open_connection(
    host: str,
    port: int,
    addresses: Sequence[str],
    *,
    stagger: float = STAGGER_SECONDS,
    limit: int = 64 * 1024,
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter, str]:
    """Asyncio streams to the first address that answers, and that address.

    ``host`` is only for messages: the connection goes to the IP literals given.
    """

    async def attempt(address: str) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        reader, writer = await asyncio.open_connection(
            address, dial_port(address, port), limit=limit
        )
        _no_delay(writer.get_extra_info("socket"))
        return reader, writer

    async def close(streams: tuple[asyncio.StreamReader, asyncio.StreamWriter]) -> None:
        streams[1].close()

    (reader, writer), peer = await first_connected(
        host, port, addresses, attempt, close, stagger=stagger
    )
    return reader, writer, peer


async def open_transport(
    host: str,
    port: int,
    addresses: Sequence[str],
    protocol_factory: Callable[[], P],
    *,
    stagger: float = STAGGER_SECONDS,
) -> tuple[asyncio.Transport, P, str]:
    """An asyncio transport with a protocol of the caller's, to the first address that
    answers, and that address. ``host`` is only for messages."""
    loop = asyncio.get_running_loop()

    async def attempt(address: str) -> tuple[asyncio.Transport, P]:
        # An IP literal: asyncio connects to it without any name lookup.
        transport, protocol = await loop.create_connection(
            protocol_factory, address, dial_port(address, port)
        )
        _no_delay(transport.get_extra_info("socket"))
        return transport, protocol

    async def close(connection: tuple[asyncio.Transport, P]) -> None:
        connection[0].abort()

    (transport, protocol), peer = await first_connected(
        host, port, addresses, attempt, close, stagger=stagger
    )
    return transport, protocol, peer


def _refused(exc: BaseException) -> bool:
    """The socket's own error, under the wrappers, is ECONNREFUSED (a reset to the SYN)."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ConnectionRefusedError):
            return True
        seen = seen.__cause__
    return False


def os_reason(exc: BaseException) -> str:
    """The socket's own error, from under httpcore's, anyio's or asyncio's wrappers."""
    found: OSError | None = None
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, OSError) and seen.errno is not None:
            found = seen
        seen = seen.__cause__
    if found is None:
        return str(exc) or type(exc).__name__
    if isinstance(found, ConnectionRefusedError):
        return "connection refused"
    return found.strerror or str(found)


def _no_delay(sock: object) -> None:
    # asyncio sets it on TCP sockets already; stated here so the promise does not rest on it.
    # asyncio hands out a TransportSocket, not a socket.socket: it has setsockopt all the same.
    family = getattr(sock, "family", None)
    setsockopt = getattr(sock, "setsockopt", None)
    if family in (socket.AF_INET, socket.AF_INET6) and setsockopt is not None:
        setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
