"""URLs and headers as the fetcher accepts them: normalised, validated, shown safely.

A URL is absolute http(s) with an A-label host (one IDNA 2008 conversion,
``fields.validate_hostname``), no user information, no fragment, no default port, so equal
URLs compare equal (loop detection). A URL in a message loses its query, which may carry
the address (DESIGN.md section 4).
"""

from __future__ import annotations

from urllib.parse import quote, urljoin, urlsplit, urlunsplit

from ..common.errors import RemoteFailure
from ..common.fields import FieldError, has_control, validate_hostname
from .fetch_result import FetchErrorCode
from .fetch_state import FetchFailure

__all__ = [
    "MAX_URL_LENGTH",
    "BadUrl",
    "check_header",
    "host_of",
    "normalise_url",
    "redirect_target",
    "shown_url",
]

MAX_URL_LENGTH = 4096
DEFAULT_PORTS = {"https": 443, "http": 80}


class BadUrl(RemoteFailure):
    """The URL is not one the fetcher asks (why, in words)."""


def normalise_url(text: str) -> str:
    """An absolute http(s) URL with an A-label host, no user information, no fragment and no
    default port, path and query percent-encoded where they held non-ASCII. Equal URLs
    compare equal, which is what loop detection needs."""
    if not text or len(text) > MAX_URL_LENGTH:
        raise BadUrl("the URL is empty or too long")
    if has_control(text) or any(ch.isspace() for ch in text):
        raise BadUrl("the URL contains white space or a control character")
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise BadUrl("the URL does not parse") from exc
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise BadUrl("only http and https URLs are fetched")
    if parts.username is not None or parts.password is not None:
        raise BadUrl("the URL carries user information")
    if port == 0:
        raise BadUrl("the URL has port 0")
    try:
        host = validate_hostname(parts.hostname or "", what="the URL's host")
    except FieldError as exc:
        raise BadUrl(exc.message) from exc
    netloc = host if port in (None, DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    path = _quote(parts.path) or "/"
    return urlunsplit((scheme, netloc, path, _quote(parts.query), ""))


def _quote(text: str) -> str:
    # Keeps every ASCII character a URL may hold (and existing %-escapes) as is.
    return quote(text, safe="/%:@!$&'()*+,;=-._~?[]")


def redirect_target(current: str, location: str) -> str:
    try:
        return normalise_url(urljoin(current, location.strip()))
    except BadUrl as exc:
        raise FetchFailure(
            FetchErrorCode.REDIRECT_REFUSED,
            f"{shown_url(current)} redirected to an unusable location: {exc}",
        ) from exc
    except ValueError as exc:  # urljoin on a malformed Location
        raise FetchFailure(
            FetchErrorCode.REDIRECT_REFUSED,
            f"{shown_url(current)} redirected to a location that does not parse",
        ) from exc


def host_of(url: str) -> str:
    return urlsplit(url).hostname or ""


def shown_url(url: str) -> str:
    """A URL for a message: scheme, host and path, without the query (which may carry the
    address, DESIGN section 4; the caller's own URL is in ``FetchResult.url``)."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


def check_header(name: str, value: str) -> None:
    if not name or not name.isascii() or has_control(name + value) or ":" in name:
        raise ValueError(f"malformed header {name[:40]!r}")
