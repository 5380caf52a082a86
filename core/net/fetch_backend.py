"""The fetcher's network backend: httpcore's anyio one, with mailhop's resolver.

Names go to the resolver mailhop passes in (its DNSSEC-aware one), never ``getaddrinfo``;
the addresses are tried in its order with staggered starts (connect.first_connected, shared
with the mail probe). A TLS failure is told apart from other connect errors, and each step
is noted in the request's ``Progress`` so a timeout can say what it was waiting for.
"""

from __future__ import annotations

import socket
import ssl
from collections.abc import Iterable, Sequence
from typing import Any

import anyio
import httpcore

from .connect import ConnectFailure, LookupFailure, Resolve, dial_port, first_connected, lookup
from .fetch_result import FetchErrorCode
from .fetch_state import PROGRESS, FetchFailure, Phase, Progress

__all__ = ["Backend", "addresses_or_failure", "peer_address", "tls_version"]


async def addresses_or_failure(resolve: Resolve, host: str) -> tuple[str, ...]:
    """`host`'s addresses from mailhop's resolver, or the fetch's failure: DNS, or TIMEOUT
    when the run's deadline ended the lookup."""
    try:
        return await lookup(resolve, host)
    except LookupFailure as exc:
        code = FetchErrorCode.TIMEOUT if exc.timed_out else FetchErrorCode.DNS
        raise FetchFailure(code, exc.message) from exc


class Backend(httpcore.AnyIOBackend):
    """httpcore's anyio backend, except that names go to mailhop's resolver, not the OS."""

    def __init__(self, resolve: Resolve, stagger: float) -> None:
        self._resolve = resolve
        self._stagger = stagger

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # unused: fetch() holds the one deadline
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        progress = PROGRESS.get() or Progress(host)
        progress.phase = Phase.RESOLVING
        addresses = await addresses_or_failure(self._resolve, host)
        progress.addresses = addresses
        progress.phase = Phase.CONNECTING
        stream = await self._connect_first(host, addresses, port)
        sock = stream.get_extra_info("socket")
        if isinstance(sock, socket.socket):
            # asyncio sets it too; a request is small and waits for nothing (Nagle would).
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            for option in socket_options or ():
                sock.setsockopt(*option)
        progress.peer = peer_address(stream)
        progress.phase = Phase.WAITING
        return _Stream(stream, progress)

    async def _connect_first(
        self, host: str, addresses: Sequence[str], port: int
    ) -> httpcore.AsyncNetworkStream:
        """connect.first_connected with httpcore's anyio connect for each address."""

        async def attempt(address: str) -> httpcore.AsyncNetworkStream:
            # An IP literal: anyio connects to it without any name lookup.
            return await super(Backend, self).connect_tcp(address, dial_port(address, port))

        async def close(stream: httpcore.AsyncNetworkStream) -> None:
            await stream.aclose()

        try:
            stream, _ = await first_connected(
                host, port, addresses, attempt, close, stagger=self._stagger
            )
        except ConnectFailure as exc:
            code = FetchErrorCode.CONNECT_REFUSED if exc.refused else FetchErrorCode.CONNECT
            raise FetchFailure(code, exc.message) from exc
        return stream


class _Stream(httpcore.AsyncNetworkStream):
    """A connected stream whose TLS failures are told apart from other connect errors.
    (httpcore passes our own exceptions through its pool unchanged.)"""

    def __init__(self, inner: httpcore.AsyncNetworkStream, progress: Progress) -> None:
        self._inner = inner
        self._progress = progress

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self._inner.read(max_bytes, timeout)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self._inner.write(buffer, timeout)

    async def aclose(self) -> None:
        await self._inner.aclose()

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        self._progress.phase = Phase.TLS
        try:
            stream = await self._inner.start_tls(ssl_context, server_hostname, timeout)
        except Exception as exc:
            message = f"TLS with {self._progress.host} failed: {_tls_reason(exc)}"
            raise FetchFailure(FetchErrorCode.TLS, message) from exc
        self._progress.tls = tls_version(stream)
        self._progress.phase = Phase.WAITING
        return stream


def _tls_reason(exc: BaseException) -> str:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLCertVerificationError):
            return f"the certificate was not accepted: {seen.verify_message}"
        if isinstance(seen, ssl.SSLError):
            return seen.reason or str(seen)
        if isinstance(seen, anyio.EndOfStream | anyio.BrokenResourceError):
            return "the server closed the connection during the handshake"
        seen = seen.__cause__ or seen.__context__
    return str(exc) or type(exc).__name__


def peer_address(stream: httpcore.AsyncNetworkStream) -> str | None:
    address = stream.get_extra_info("server_addr")
    return str(address[0]) if isinstance(address, tuple) and address else None


def tls_version(stream: httpcore.AsyncNetworkStream) -> str | None:
    ssl_object = stream.get_extra_info("ssl_object")
    if isinstance(ssl_object, ssl.SSLObject | ssl.SSLSocket):
        return ssl_object.version()
    return None
