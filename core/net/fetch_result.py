"""What one fetch found: the result record, each hop, and why a fetch failed (typed).

A remote failure is a result (DESIGN.md section 3): ``FetchResult.error`` says it in plain
words for a person, ``error_code`` is the kind callers decide on.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["FetchErrorCode", "FetchResult", "Hop", "RedirectCheck"]

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
