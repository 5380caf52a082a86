"""Bounded HTTP(S) fetching for discovery documents (DESIGN.md section 4, rule 6).

Theory of operation. One ``Fetcher`` serves one discovery run: an httpcore connection pool
(HTTP/1.1 via h11) over our own network backend, which turns a host name into addresses
with the resolver mailhop passes in (its DNSSEC-aware one), never ``getaddrinfo``, and
tries them in the resolver's order with staggered starts (RFC 8305 "happy eyeballs",
light: the next attempt starts 250 ms after the previous one, or at once when one fails;
the first connection wins). Those steps live in connect.py, shared with the mail probe;
this module only hands them httpcore's own anyio connect for each address. httpcore gives
the URL's host to TLS as SNI and as the name to verify; the URL carries the A-label
(DESIGN rule 8), so one name goes to DNS, Host, SNI and the certificate check.

``Fetcher.fetch`` makes one request at a time and follows redirects itself, because
every hop is a trust decision (tier A needs every hop HTTPS and inside the domain):

* 301, 302, 303, 307 and 308 with a Location are followed, at most ``max_redirects``
  times. A relative Location is resolved against the current URL; the result must be
  http or https with a host that passes ``fields.validate_hostname`` (one IDNA 2008
  conversion with the ``idna`` package, no IP literals, no user information).
* A URL already requested in this fetch is a loop and ends it.
* ``redirect_check(from_url, to_url)`` is asked before each hop; a string refuses it.
  Without a check every valid hop is followed, and ``FetchResult.hops`` shows what
  happened (``all_https`` says whether a hop went down to plain HTTP).
* 303 turns any method but HEAD into GET without a body. 301 and 302 turn POST into GET
  without a body, as browsers do (RFC 9110 section 15.4.2 and 15.4.3 allow it, and
  servers rely on it). 307 and 308 repeat the method and the body unchanged.

Bounds. One deadline (an absolute ``time.monotonic()`` value) covers name lookups,
connecting, TLS, the request, the answer's headers and body, for every hop together: a
stalled server costs it once. Bodies are capped: a Content-Length above ``max_bytes``
is refused before one body byte is read, and any body (chunked, or lying about its
length) is counted as it streams and dropped as soon as it passes the cap (httpcore reads
at most 64 KiB at a time, so memory stays below the cap plus one read).
``Accept-Encoding: identity`` is sent and nothing is ever decompressed, so a small
compressed answer cannot inflate past the cap.

No ambient configuration: httpcore reads no environment (no ``HTTP(S)_PROXY``, no
``.netrc``, no ``SSL_CERT_FILE``) and keeps no cookies; this module adds none of it. Nothing
here logs; an ``error`` names hosts and paths, never a query string or a body.

A remote failure is a result (DESIGN.md section 3): ``fetch`` returns a ``FetchResult``
with ``error`` (plain words for a person) and ``error_code``, and raises only for misuse.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import socket
import ssl
import time
from collections.abc import AsyncGenerator, Callable, Iterable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, cast
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

import anyio
import httpcore

from .. import __version__
from ..common.fields import FieldError, has_control, validate_hostname

# One exception for "this host has no usable address", shared with mailhop's resolver, so
# that ``resolver.Resolver.addresses`` is a ``Resolve`` as it stands.
from ..dns.resolver import ResolveError
from .connect import (
    STAGGER_SECONDS,
    ConnectFailure,
    LookupFailure,
    Resolve,
    dial_port,
    first_connected,
    lookup,
)

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_REDIRECTS",
    "DEFAULT_USER_AGENT",
    "REDIRECT_STATUSES",
    "STAGGER_SECONDS",
    "FetchErrorCode",
    "FetchResult",
    "Fetcher",
    "Hop",
    "RedirectCheck",
    "Resolve",
    "ResolveError",
]

DEFAULT_MAX_BYTES = 64 * 1024  # DESIGN rule 6: 64 KiB per document
DEFAULT_MAX_REDIRECTS = 5
DEFAULT_USER_AGENT = f"mailhop/{__version__}"
MAX_CONNECTIONS = 16  # a discovery run fetches about eight documents at once
KEEPALIVE_SECONDS = 15.0  # longer than a run's hard deadline (DESIGN section 5)
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
MAX_URL_LENGTH = 4096
DRAIN_LIMIT = 16 * 1024  # a redirect's body is read (and dropped) up to this, to reuse the socket
DEFAULT_PORTS = {"https": 443, "http": 80}

# Headers the fetcher owns. Credentials are refused outright: no password ever goes to a
# discovery endpoint (DESIGN section 4, rule 1), so the one place that sends HTTP cannot.
OWN_HEADERS = frozenset(
    {"host", "content-length", "transfer-encoding", "connection", "te", "upgrade", "keep-alive"}
    | {"accept-encoding", "user-agent"}
    | {"authorization", "proxy-authorization", "cookie"}
)
BODY_HEADERS = frozenset({"content-type", "content-encoding", "content-language"})

RedirectCheck = Callable[[str, str], str | None]
"""(from_url, to_url) -> None to follow the hop, or the reason it is refused."""


class FetchErrorCode(enum.StrEnum):
    """Why a fetch ended without a usable answer; ``FetchResult.error`` says it in words."""

    BAD_URL = "bad-url"  # the caller's URL is not an http(s) URL with a valid host name
    DNS = "dns"  # the resolver found no usable address
    CONNECT = "connect"  # no address accepted a TCP connection
    CONNECT_REFUSED = "connect-refused"  # every address refused it: nothing listens there
    TLS = "tls"  # handshake failed: certificate not trusted, expired, wrong name, ...
    TIMEOUT = "timeout"  # the deadline passed first
    TOO_LARGE = "too-large"  # the body is longer than max_bytes
    HTTP_PROTOCOL = "http-protocol"  # malformed answer, truncated body, connection dropped
    REDIRECT_LOOP = "redirect-loop"
    TOO_MANY_REDIRECTS = "too-many-redirects"
    REDIRECT_REFUSED = "redirect-refused"  # by redirect_check, or an unusable Location


@dataclass(frozen=True, slots=True)
class Hop:
    """One request made. ``status`` is None when no answer came; ``peer`` is the IP
    address connected to and ``tls_version`` e.g. "TLSv1.3", when known."""

    url: str
    method: str
    status: int | None = None
    location: str | None = None  # the Location header as sent by the server
    peer: str | None = None
    tls_version: str | None = None

    @property
    def https(self) -> bool:
        return self.url.startswith("https://")


@dataclass(frozen=True, slots=True)
class FetchResult:
    """What one fetch found. ``url`` is the URL first asked for (as normalised: A-label
    host, no fragment, no default port), ``final_url`` the one whose answer is reported."""

    url: str
    final_url: str
    hops: tuple[Hop, ...] = ()
    status: int | None = None
    content_type: str | None = None  # media type, lower case, without parameters
    body: bytes | None = None
    error: str | None = None
    error_code: FetchErrorCode | None = None
    elapsed: float = 0.0

    @property
    def ok(self) -> bool:
        """A 200 answer with its whole body, within every bound."""
        return self.status == 200 and self.body is not None and self.error is None

    @property
    def all_https(self) -> bool:
        """Every request of the chain went over HTTPS (tier A needs this, DESIGN section 4)."""
        return bool(self.hops) and all(hop.https for hop in self.hops)


class Fetcher:
    """Fetches documents for one discovery run; ``async with`` closes its connections.

    ``resolve`` turns host names into addresses (mailhop's resolver); ``ssl_context``
    verifies servers (``tlscontext.client_context()``). Connections to one origin are
    reused across fetches of the same Fetcher.
    """

    def __init__(
        self,
        resolve: Resolve,
        ssl_context: ssl.SSLContext,
        *,
        user_agent: str = DEFAULT_USER_AGENT,
        max_connections: int = MAX_CONNECTIONS,
        stagger: float = STAGGER_SECONDS,
    ) -> None:
        _check_header("User-Agent", user_agent)
        self._user_agent = user_agent
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=ssl_context,
            max_connections=max_connections,
            keepalive_expiry=KEEPALIVE_SECONDS,
            http1=True,
            http2=False,
            retries=0,  # a retry would spend the one deadline twice; the caller decides
            network_backend=_Backend(resolve, stagger),
        )

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._pool.aclose()

    async def fetch(
        self,
        url: str,
        *,
        deadline: float,
        max_bytes: int = DEFAULT_MAX_BYTES,
        max_redirects: int = DEFAULT_MAX_REDIRECTS,
        redirect_check: RedirectCheck | None = None,
        method: str = "GET",
        body: bytes | None = None,
        headers: Sequence[tuple[str, str]] = (),
    ) -> FetchResult:
        """Fetch ``url`` by the rules of the module docstring; never raises for the network.

        ``deadline`` is an absolute ``time.monotonic()`` value for the whole fetch.
        ``headers`` may set e.g. Accept and Content-Type; the fetcher's own headers
        (Host, User-Agent, Accept-Encoding, framing) and credentials are refused.
        """
        if max_bytes < 0 or max_redirects < 0:
            raise ValueError("max_bytes and max_redirects must not be negative")
        method = method.upper()
        if not method.isascii() or not method.isalpha():
            raise ValueError(f"not an HTTP method: {method!r}")
        request = _Request(method, body, self._request_headers(headers))
        run = _Run(url, time.monotonic())
        try:
            run.current = _normalise_url(url)
        except _BadUrl as exc:
            return run.failed(FetchErrorCode.BAD_URL, f"the URL to fetch is unusable: {exc}")
        run.first = run.current
        # asyncio's loop clock is time.monotonic() for the standard loops; map anyway so
        # that a loop with another clock still honours the caller's deadline.
        loop = asyncio.get_running_loop()
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return run.failed(FetchErrorCode.TIMEOUT, "the deadline had passed before the fetch")
        timeout = asyncio.timeout_at(loop.time() + remaining)
        try:
            async with timeout:
                return await self._follow(run, request, max_bytes, max_redirects, redirect_check)
        except _Failure as failure:
            return run.failed(failure.code, failure.message)
        except TimeoutError:
            if not timeout.expired():
                raise
            return run.failed(FetchErrorCode.TIMEOUT, run.timeout_message())

    def _request_headers(self, headers: Sequence[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
        names = set()
        for name, value in headers:
            _check_header(name, value)
            if name.lower() in OWN_HEADERS:
                raise ValueError(f"the fetcher sets {name} itself (or never sends it)")
            names.add(name.lower())
        own = [("User-Agent", self._user_agent), ("Accept-Encoding", "identity")]
        if "accept" not in names:
            own.append(("Accept", "*/*"))
        return (*own, *headers)

    async def _follow(
        self,
        run: _Run,
        request: _Request,
        max_bytes: int,
        max_redirects: int,
        redirect_check: RedirectCheck | None,
    ) -> FetchResult:
        seen = {run.current}
        while True:
            answer = await self._exchange(run, request, max_bytes)
            if isinstance(answer, FetchResult):
                return answer
            target = answer
            if len(run.hops) > max_redirects:
                raise _Failure(
                    FetchErrorCode.TOO_MANY_REDIRECTS,
                    f"{_shown(run.first)} redirected more than {max_redirects} times",
                )
            if target in seen:
                raise _Failure(
                    FetchErrorCode.REDIRECT_LOOP,
                    f"{_shown(run.current)} redirected back to {_shown(target)}, "
                    "which was already requested: a redirect loop",
                )
            if redirect_check is not None:
                reason = redirect_check(run.current, target)
                if reason is not None:
                    raise _Failure(
                        FetchErrorCode.REDIRECT_REFUSED,
                        f"redirect from {_shown(run.current)} to {_shown(target)} "
                        f"refused: {reason}",
                    )
            seen.add(target)
            request = request.redirected(run.hops[-1].status or 0)
            run.current = target

    async def _exchange(self, run: _Run, request: _Request, max_bytes: int) -> FetchResult | str:
        """One request: the final result, or the validated URL of the next hop."""
        progress = _Progress(_host_of(run.current))
        run.progress = progress
        token = _PROGRESS.set(progress)
        answered = False
        try:
            async with self._pool.stream(
                request.method,
                run.current,
                headers=list(request.headers),
                content=request.body,
            ) as response:
                progress.phase = _Phase.BODY
                hop = _hop(run.current, request.method, response)
                run.hops.append(hop)
                answered = True
                if response.status in REDIRECT_STATUSES and hop.location is not None:
                    target = _redirect_target(run.current, hop.location)
                    await _drain(response)
                    return target
                return await _final(run, response, max_bytes, progress)
        except (httpcore.RemoteProtocolError, httpcore.ReadError, httpcore.WriteError) as exc:
            raise _Failure(FetchErrorCode.HTTP_PROTOCOL, _protocol_message(progress, exc)) from exc
        finally:
            _PROGRESS.reset(token)
            if not answered:  # no answer came: the request is still a hop of the chain
                run.hops.append(
                    Hop(run.current, request.method, None, None, progress.peer, progress.tls)
                )


# --- one fetch's state -----------------------------------------------------------------------


class _Phase(enum.Enum):
    RESOLVING = "looking up the address of {host}"
    CONNECTING = "connecting to {host}{peers}"
    TLS = "the TLS handshake with {host}"
    WAITING = "waiting for {host} to answer"
    BODY = "reading the answer from {host} ({received} bytes arrived)"


@dataclass(slots=True, eq=False)
class _Progress:
    """Where one request is, so that a timeout can say what it was waiting for."""

    host: str
    phase: _Phase = _Phase.WAITING  # a reused connection goes straight to waiting
    addresses: tuple[str, ...] = ()
    peer: str | None = None
    tls: str | None = None
    received: int = 0

    def describe(self) -> str:
        peers = f" ({', '.join(self.addresses)})" if self.addresses else ""
        return self.phase.value.format(host=self.host, peers=peers, received=self.received)


# The backend learns which request it connects for through this: httpcore connects in the
# task that sends the request, so a context variable is per request without any plumbing.
_PROGRESS: ContextVar[_Progress | None] = ContextVar("mailhop_fetch_progress", default=None)


@dataclass(slots=True, eq=False)
class _Run:
    url: str
    started: float
    first: str = ""
    current: str = ""
    hops: list[Hop] = field(default_factory=list)
    progress: _Progress | None = None

    def result(self, **values: Any) -> FetchResult:
        return FetchResult(
            url=self.first or self.url,
            final_url=self.current or self.url,
            hops=tuple(self.hops),
            elapsed=time.monotonic() - self.started,
            **values,
        )

    def failed(self, code: FetchErrorCode, message: str) -> FetchResult:
        last = self.hops[-1] if self.hops else None
        return self.result(
            status=last.status if last else None, error=message, error_code=code, body=None
        )

    def timeout_message(self) -> str:
        doing = self.progress.describe() if self.progress else "starting"
        return f"the deadline passed while {doing}"


@dataclass(frozen=True, slots=True)
class _Request:
    method: str
    body: bytes | None
    headers: tuple[tuple[str, str], ...]

    def redirected(self, status: int) -> _Request:
        """The request for the next hop (module docstring: which statuses change it)."""
        to_get = (status == 303 and self.method != "HEAD") or (
            status in (301, 302) and self.method == "POST"
        )
        if not to_get:
            return self
        headers = tuple(h for h in self.headers if h[0].lower() not in BODY_HEADERS)
        return _Request("GET", None, headers)


class _Failure(Exception):
    def __init__(self, code: FetchErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _hop(url: str, method: str, response: httpcore.Response) -> Hop:
    stream = response.extensions.get("network_stream")
    peer = tls = None
    if isinstance(stream, httpcore.AsyncNetworkStream):
        peer = _peer_address(stream)
        tls = _tls_version(stream)
    location = _header(response, b"location")
    return Hop(url, method, response.status, location, peer, tls)


async def _final(
    run: _Run, response: httpcore.Response, max_bytes: int, progress: _Progress
) -> FetchResult:
    host = progress.host
    announced = _header(response, b"content-length")
    content_type = _media_type(_header(response, b"content-type"))
    status = response.status
    if announced is not None and announced.isdigit() and int(announced) > max_bytes:
        raise _Failure(
            FetchErrorCode.TOO_LARGE,
            f"{host} announced {announced} bytes for {_shown(run.current)}, "
            f"more than the {max_bytes} byte limit",
        )
    chunks: list[bytes] = []
    stream = cast(AsyncGenerator[bytes, None], response.aiter_stream())
    async with contextlib.aclosing(stream):
        async for chunk in stream:
            progress.received += len(chunk)
            if progress.received > max_bytes:
                raise _Failure(
                    FetchErrorCode.TOO_LARGE,
                    f"the answer from {host} for {_shown(run.current)} is longer than the "
                    f"{max_bytes} byte limit",
                )
            chunks.append(chunk)
    return run.result(status=status, content_type=content_type, body=b"".join(chunks))


async def _drain(response: httpcore.Response) -> None:
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


def _protocol_message(progress: _Progress, exc: Exception) -> str:
    where = "before its answer"
    if progress.phase is _Phase.BODY:
        where = f"after {progress.received} bytes of its answer"
    if isinstance(exc, httpcore.RemoteProtocolError):
        detail = str(exc) or "malformed answer"
        return f"{progress.host} broke the HTTP protocol {where}: {detail}"
    return f"the connection to {progress.host} broke {where}"


# --- URLs ------------------------------------------------------------------------------------


class _BadUrl(Exception):
    pass


def _normalise_url(text: str) -> str:
    """An absolute http(s) URL with an A-label host, no user information, no fragment and no
    default port, path and query percent-encoded where they held non-ASCII. Equal URLs
    compare equal, which is what loop detection needs."""
    if not text or len(text) > MAX_URL_LENGTH:
        raise _BadUrl("the URL is empty or too long")
    if has_control(text) or any(ch.isspace() for ch in text):
        raise _BadUrl("the URL contains white space or a control character")
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise _BadUrl("the URL does not parse") from exc
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise _BadUrl("only http and https URLs are fetched")
    if parts.username is not None or parts.password is not None:
        raise _BadUrl("the URL carries user information")
    if port == 0:
        raise _BadUrl("the URL has port 0")
    try:
        host = validate_hostname(parts.hostname or "", what="the URL's host")
    except FieldError as exc:
        raise _BadUrl(exc.message) from exc
    netloc = host if port in (None, DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    path = _quote(parts.path) or "/"
    return urlunsplit((scheme, netloc, path, _quote(parts.query), ""))


def _quote(text: str) -> str:
    # Keeps every ASCII character a URL may hold (and existing %-escapes) as is.
    return quote(text, safe="/%:@!$&'()*+,;=-._~?[]")


def _redirect_target(current: str, location: str) -> str:
    try:
        return _normalise_url(urljoin(current, location.strip()))
    except _BadUrl as exc:
        raise _Failure(
            FetchErrorCode.REDIRECT_REFUSED,
            f"{_shown(current)} redirected to an unusable location: {exc}",
        ) from exc
    except ValueError as exc:  # urljoin on a malformed Location
        raise _Failure(
            FetchErrorCode.REDIRECT_REFUSED,
            f"{_shown(current)} redirected to a location that does not parse",
        ) from exc


def _host_of(url: str) -> str:
    return urlsplit(url).hostname or ""


def _shown(url: str) -> str:
    """A URL for a message: scheme, host and path, without the query (which may carry the
    address, DESIGN section 4; the caller's own URL is in ``FetchResult.url``)."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


def _check_header(name: str, value: str) -> None:
    if not name or not name.isascii() or has_control(name + value) or ":" in name:
        raise ValueError(f"malformed header {name[:40]!r}")


# --- the network backend ---------------------------------------------------------------------


class _Backend(httpcore.AnyIOBackend):
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
        progress = _PROGRESS.get() or _Progress(host)
        progress.phase = _Phase.RESOLVING
        try:
            addresses = await lookup(self._resolve, host)
        except LookupFailure as exc:
            code = FetchErrorCode.TIMEOUT if exc.timed_out else FetchErrorCode.DNS
            raise _Failure(code, exc.message) from exc
        progress.addresses = addresses
        progress.phase = _Phase.CONNECTING
        stream = await self._connect_first(host, addresses, port)
        sock = stream.get_extra_info("socket")
        if isinstance(sock, socket.socket):
            # asyncio sets it too; a request is small and waits for nothing (Nagle would).
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            for option in socket_options or ():
                sock.setsockopt(*option)
        progress.peer = _peer_address(stream)
        progress.phase = _Phase.WAITING
        return _Stream(stream, progress)

    async def _connect_first(
        self, host: str, addresses: Sequence[str], port: int
    ) -> httpcore.AsyncNetworkStream:
        """connect.first_connected with httpcore's anyio connect for each address."""

        async def attempt(address: str) -> httpcore.AsyncNetworkStream:
            # An IP literal: anyio connects to it without any name lookup.
            return await super(_Backend, self).connect_tcp(address, dial_port(address, port))

        async def close(stream: httpcore.AsyncNetworkStream) -> None:
            await stream.aclose()

        try:
            stream, _ = await first_connected(
                host, port, addresses, attempt, close, stagger=self._stagger
            )
        except ConnectFailure as exc:
            code = FetchErrorCode.CONNECT_REFUSED if exc.refused else FetchErrorCode.CONNECT
            raise _Failure(code, exc.message) from exc
        return stream


class _Stream(httpcore.AsyncNetworkStream):
    """A connected stream whose TLS failures are told apart from other connect errors.
    (httpcore passes our own exceptions through its pool unchanged.)"""

    def __init__(self, inner: httpcore.AsyncNetworkStream, progress: _Progress) -> None:
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
        self._progress.phase = _Phase.TLS
        try:
            stream = await self._inner.start_tls(ssl_context, server_hostname, timeout)
        except Exception as exc:
            message = f"TLS with {self._progress.host} failed: {_tls_reason(exc)}"
            raise _Failure(FetchErrorCode.TLS, message) from exc
        self._progress.tls = _tls_version(stream)
        self._progress.phase = _Phase.WAITING
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


def _peer_address(stream: httpcore.AsyncNetworkStream) -> str | None:
    address = stream.get_extra_info("server_addr")
    return str(address[0]) if isinstance(address, tuple) and address else None


def _tls_version(stream: httpcore.AsyncNetworkStream) -> str | None:
    ssl_object = stream.get_extra_info("ssl_object")
    if isinstance(ssl_object, ssl.SSLObject | ssl.SSLSocket):
        return ssl_object.version()
    return None
