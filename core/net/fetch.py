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

Layout: this module is the fetcher and its redirect loop; the records are fetch_result.py,
one fetch's state fetch_state.py, URL and header rules fetch_urls.py, reading an answer
fetch_response.py, and the network backend (names through mailhop's resolver)
fetch_backend.py.

A remote failure is a result (DESIGN.md section 3): ``fetch`` returns a ``FetchResult``
with ``error`` (plain words for a person) and ``error_code``, and raises only for misuse.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import ssl
import time
from collections.abc import Sequence
from dataclasses import dataclass
from types import TracebackType

import httpcore

from .. import __version__

# One exception for "this host has no usable address", shared with mailhop's resolver, so
# that ``resolver.Resolver.addresses`` is a ``Resolve`` as it stands.
from ..dns.resolver import ResolveError
from .connect import STAGGER_SECONDS, Resolve
from .fetch_backend import Backend, addresses_or_failure
from .fetch_response import drain, hop_of, protocol_message, read_final
from .fetch_result import FetchErrorCode, FetchResult, Hop, RedirectCheck
from .fetch_state import PROGRESS, FetchFailure, FetchRequest, FetchRun, Phase, Progress
from .fetch_urls import BadUrl, check_header, host_of, normalise_url, redirect_target, shown_url

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

# Headers the fetcher owns. Credentials are refused outright: no password ever goes to a
# discovery endpoint (DESIGN section 4, rule 1), so the one place that sends HTTP cannot.
OWN_HEADERS = frozenset(
    {"host", "content-length", "transfer-encoding", "connection", "te", "upgrade", "keep-alive"}
    | {"accept-encoding", "user-agent"}
    | {"authorization", "proxy-authorization", "cookie"}
)


@dataclass(frozen=True, slots=True)
class _NextHop:
    """A redirect's target, validated: where ``_follow`` asks next (after its checks)."""

    url: str


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
        check_header("User-Agent", user_agent)
        self._user_agent = user_agent
        self._resolve = resolve
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=ssl_context,
            max_connections=max_connections,
            keepalive_expiry=KEEPALIVE_SECONDS,
            http1=True,
            http2=False,
            retries=0,  # a retry would spend the one deadline twice; the caller decides
            network_backend=Backend(resolve, stagger),
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
        request = FetchRequest(method, body, self._request_headers(headers))
        run = FetchRun(url, time.monotonic())
        try:
            run.current = normalise_url(url)
        except BadUrl as exc:
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
        except FetchFailure as failure:
            return run.failed(failure.code, failure.message)
        except TimeoutError:
            if not timeout.expired():
                raise
            return run.failed(FetchErrorCode.TIMEOUT, run.timeout_message())

    def _request_headers(self, headers: Sequence[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
        names = set()
        for name, value in headers:
            check_header(name, value)
            if name.lower() in OWN_HEADERS:
                raise ValueError(f"the fetcher sets {name} itself (or never sends it)")
            names.add(name.lower())
        own = [("User-Agent", self._user_agent), ("Accept-Encoding", "identity")]
        if "accept" not in names:
            own.append(("Accept", "*/*"))
        return (*own, *headers)

    async def _follow(
        self,
        run: FetchRun,
        request: FetchRequest,
        max_bytes: int,
        max_redirects: int,
        redirect_check: RedirectCheck | None,
    ) -> FetchResult:
        seen = {run.current}
        while True:
            answer = await self._exchange(run, request, max_bytes)
            if isinstance(answer, FetchResult):
                return answer
            target = answer.url
            if len(run.hops) > max_redirects:
                raise FetchFailure(
                    FetchErrorCode.TOO_MANY_REDIRECTS,
                    f"{shown_url(run.first)} redirected more than {max_redirects} times",
                )
            if target in seen:
                raise FetchFailure(
                    FetchErrorCode.REDIRECT_LOOP,
                    f"{shown_url(run.current)} redirected back to {shown_url(target)}, "
                    "which was already requested: a redirect loop",
                )
            if redirect_check is not None:
                reason = redirect_check(run.current, target)
                if reason is not None:
                    raise FetchFailure(
                        FetchErrorCode.REDIRECT_REFUSED,
                        f"redirect from {shown_url(run.current)} to {shown_url(target)} "
                        f"refused: {reason}",
                    )
            seen.add(target)
            request = request.redirected(run.hops[-1].status or 0)
            run.current = target

    async def _resolvable(self, progress: Progress) -> None:
        """Fail now if the host has no address: most URLs discovery tries name hosts that do
        not exist, and the connection pool's bookkeeping for a request costs more than the
        answer, which the resolver keeps for the connection's own lookup."""
        with contextlib.suppress(ValueError):
            ipaddress.ip_address(progress.host)
            return  # an IP literal: the backend connects without a lookup
        progress.phase = Phase.RESOLVING
        await addresses_or_failure(self._resolve, progress.host)

    async def _exchange(
        self, run: FetchRun, request: FetchRequest, max_bytes: int
    ) -> FetchResult | _NextHop:
        """One request: the final result, or the validated URL of the next hop."""
        progress = Progress(host_of(run.current))
        run.progress = progress
        token = PROGRESS.set(progress)
        answered = False
        try:
            await self._resolvable(progress)
            async with self._pool.stream(
                request.method,
                run.current,
                headers=list(request.headers),
                content=request.body,
            ) as response:
                progress.phase = Phase.BODY
                hop = hop_of(run.current, request.method, response)
                run.hops.append(hop)
                answered = True
                if response.status in REDIRECT_STATUSES and hop.location is not None:
                    target = redirect_target(run.current, hop.location)
                    await drain(response)
                    return _NextHop(target)
                return await read_final(run, response, max_bytes, progress)
        except (httpcore.RemoteProtocolError, httpcore.ReadError, httpcore.WriteError) as exc:
            raise FetchFailure(
                FetchErrorCode.HTTP_PROTOCOL, protocol_message(progress, exc)
            ) from exc
        finally:
            PROGRESS.reset(token)
            if not answered:  # no answer came: the request is still a hop of the chain
                run.hops.append(
                    Hop(run.current, request.method, None, None, progress.peer, progress.tls)
                )
