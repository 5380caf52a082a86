"""What every source fetched over HTTP(S) shares: how a fetch became an Attempt.

How the document was authenticated (every hop HTTPS and inside the domain, or not), the
redirect check that keeps a settings document on HTTPS, and the status, words and
``Failure`` of a fetch without a usable answer, chosen from the fetcher's typed
``error_code`` and HTTP status, never from its words (report.py's docstring).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from ..common.domains import is_inside
from ..common.model import OAuth2Info, ParseIssue, ServerCandidate
from ..net.fetch import FetchErrorCode, FetchResult
from .report import Attempt, Auth, DnsRecordSet, Failure, Payload, Source, Status
from .source_context import SourceContext

__all__ = ["XML_ACCEPT", "fetch_failure", "host_of", "no_downgrade", "web_attempt", "web_auth"]

XML_ACCEPT = (("Accept", "text/xml, application/xml;q=0.9, */*;q=0.1"),)


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def web_auth(ctx: SourceContext, result: FetchResult, home: str | None = None) -> Auth:
    """How a fetched document was authenticated, relative to `home` (default: the
    address's registrable domain; for MX-derived lookups, the MX host's)."""
    urls = [hop.url for hop in result.hops] or [result.url]
    if any(urlsplit(u).scheme != "https" for u in urls):
        return Auth.PLAIN_HTTP
    if all(is_inside(host_of(u), home or ctx.registrable) for u in urls):
        return Auth.HTTPS_IN_DOMAIN
    return Auth.HTTPS_OTHER_DOMAIN


def no_downgrade(from_url: str, to_url: str) -> str | None:
    """Redirect check: a settings document must stay on HTTPS once it started there."""
    if urlsplit(from_url).scheme == "https" and urlsplit(to_url).scheme != "https":
        return f"refused a redirect from HTTPS down to plain HTTP ({to_url})"
    return None


# The fetcher's failure kind -> the attempt's (report.Failure).
_FETCH_FAILURE = {
    FetchErrorCode.BAD_URL: Failure.BAD_URL,
    FetchErrorCode.DNS: Failure.DNS,
    FetchErrorCode.CONNECT: Failure.CONNECT,
    FetchErrorCode.CONNECT_REFUSED: Failure.CONNECT_REFUSED,
    FetchErrorCode.TLS: Failure.TLS,
    FetchErrorCode.TIMEOUT: Failure.TIMEOUT,
    FetchErrorCode.TOO_LARGE: Failure.TOO_LARGE,
    FetchErrorCode.HTTP_PROTOCOL: Failure.HTTP_PROTOCOL,
    FetchErrorCode.REDIRECT_LOOP: Failure.REDIRECT,
    FetchErrorCode.TOO_MANY_REDIRECTS: Failure.REDIRECT,
    FetchErrorCode.REDIRECT_REFUSED: Failure.REDIRECT,
}


def fetch_failure(ctx: SourceContext, result: FetchResult) -> tuple[Status, str, Failure]:
    """Status, words and kind of a fetch without a usable answer, chosen from the fetcher's
    typed ``error_code`` and HTTP status, never from its words."""
    host = host_of(result.final_url)
    code = result.error_code
    if code is FetchErrorCode.DNS and ctx.resolver.known_absent(host):
        return Status.NOTHING, f"nothing published: there is no host {host}", Failure.NO_HOST
    if code is FetchErrorCode.CONNECT_REFUSED:
        # A host that does not listen publishes nothing (a web server that is there but
        # broken is another matter: a TLS failure, an error status, a bad document).
        return Status.NOTHING, f"nothing published: {result.error}", Failure.CONNECT_REFUSED
    if code is FetchErrorCode.TIMEOUT:
        return Status.TIMED_OUT, result.error or "timed out", Failure.TIMEOUT
    if code is not None:
        return Status.FAILED, result.error or code.value, _FETCH_FAILURE[code]
    if result.status == 404:
        where = f"nothing published at {result.final_url} (HTTP 404)"
        return Status.NOTHING, where, Failure.HTTP_STATUS
    return Status.FAILED, f"{result.final_url} answered HTTP {result.status}", Failure.HTTP_STATUS


def web_attempt(
    ctx: SourceContext,
    source: Source,
    target: str,
    result: FetchResult,
    started: float,
    *,
    status: Status,
    detail: str,
    auth: Auth | None = None,
    candidates: tuple[ServerCandidate, ...] = (),
    issues: tuple[ParseIssue, ...] = (),
    related_host: str | None = None,
    payload: Payload | None = None,
    records: tuple[DnsRecordSet, ...] = (),
    oauth2: OAuth2Info | None = None,
    failure: Failure | None = None,
) -> Attempt:
    """The attempt of one fetch; `auth` (default: ``web_auth``) counts only when FOUND."""
    return Attempt(
        source=source,
        target=target,
        status=status,
        auth=(auth or web_auth(ctx, result)) if status is Status.FOUND else Auth.NONE,
        detail=detail,
        started=started,
        elapsed=ctx.since_start() - started,
        via=result.final_url,
        hops=tuple(hop.url for hop in result.hops),
        candidates=candidates,
        issues=issues,
        records=records,
        oauth2=oauth2,
        related_host=related_host,
        payload=payload,
        failure=failure,
    )
