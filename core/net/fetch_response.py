"""Reading an answer: the hop it makes, its body under the byte cap, its headers.

A Content-Length above the cap is refused before one body byte is read, and any body
(chunked, or lying about its length) is counted as it streams and dropped as soon as it
passes the cap (httpcore reads at most 64 KiB at a time). A redirect's short body is read
and dropped so its connection can serve the next hop.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncGenerator
from typing import cast

import httpcore

from .fetch_backend import peer_address, tls_version
from .fetch_result import FetchErrorCode, FetchResult, Hop
from .fetch_state import FetchFailure, FetchRun, Phase, Progress
from .fetch_urls import shown_url

__all__ = ["DRAIN_LIMIT", "drain", "hop_of", "protocol_message", "read_final"]

DRAIN_LIMIT = 16 * 1024  # a redirect's body is read (and dropped) up to this, to reuse the socket


def hop_of(url: str, method: str, response: httpcore.Response) -> Hop:
    stream = response.extensions.get("network_stream")
    peer = tls = None
    if isinstance(stream, httpcore.AsyncNetworkStream):
        peer = peer_address(stream)
        tls = tls_version(stream)
    location = _header(response, b"location")
    return Hop(url, method, response.status, location, peer, tls)


async def read_final(
    run: FetchRun, response: httpcore.Response, max_bytes: int, progress: Progress
) -> FetchResult:
    host = progress.host
    announced = _header(response, b"content-length")
    content_type = _media_type(_header(response, b"content-type"))
    status = response.status
    if announced is not None and announced.isdigit() and int(announced) > max_bytes:
        raise FetchFailure(
            FetchErrorCode.TOO_LARGE,
            f"{host} announced {announced} bytes for {shown_url(run.current)}, "
            f"more than the {max_bytes} byte limit",
        )
    chunks: list[bytes] = []
    stream = cast(AsyncGenerator[bytes, None], response.aiter_stream())
    async with contextlib.aclosing(stream):
        async for chunk in stream:
            progress.received += len(chunk)
            if progress.received > max_bytes:
                raise FetchFailure(
                    FetchErrorCode.TOO_LARGE,
                    f"the answer from {host} for {shown_url(run.current)} is longer than the "
                    f"{max_bytes} byte limit",
                )
            chunks.append(chunk)
    return run.result(status=status, content_type=content_type, body=b"".join(chunks))


async def drain(response: httpcore.Response) -> None:
    """Read a short redirect body so its connection can serve the next hop; a long or
    broken one is left to the pool, which then closes the connection."""
    length = _header(response, b"content-length")
    if length is None or not length.isdigit() or int(length) > DRAIN_LIMIT:
        return
    stream = cast(AsyncGenerator[bytes, None], response.aiter_stream())
    with contextlib.suppress(httpcore.NetworkError, httpcore.RemoteProtocolError):
        async with contextlib.aclosing(stream):
            async for _ in stream:
                pass


def _header(response: httpcore.Response, name: bytes) -> str | None:
    for key, value in response.headers:
        if key.lower() == name:
            # latin-1 maps every byte: a hostile header is kept as written, then judged.
            return value.decode("latin-1")
    return None


def _media_type(value: str | None) -> str | None:
    if value is None:
        return None
    media = value.split(";", 1)[0].strip().lower()
    return media or None


def protocol_message(progress: Progress, exc: Exception) -> str:
    where = "before its answer"
    if progress.phase is Phase.BODY:
        where = f"after {progress.received} bytes of its answer"
    if isinstance(exc, httpcore.RemoteProtocolError):
        detail = str(exc) or "malformed answer"
        return f"{progress.host} broke the HTTP protocol {where}: {detail}"
    return f"the connection to {progress.host} broke {where}"
