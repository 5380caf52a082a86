"""Autoconfig documents (Thunderbird's format) from wherever they are published.

    autoconfig       https://autoconfig.<d>/mail/config-v1.1.xml?emailaddress=...
                     (the only URL the address goes to: HTTPS, the domain's own host)
    well_known       https://<d>/.well-known/autoconfig/mail/config-v1.1.xml
    ispdb            <provider database>/<domain> (tier B, no address)
    http_autoconfig  phase 2: http://autoconfig.<d>/... without the address (tier C)

Redirects are followed by the fetcher and checked here: never from HTTPS down to HTTP. A hop
that leaves the registrable domain is allowed but makes the attempt ``HTTPS_OTHER_DOMAIN``
(tier C; DESIGN.md section 4, rules 1 and 6).
"""

from __future__ import annotations

from functools import partial
from urllib.parse import quote, urlsplit

from ..net.fetch import FetchResult
from .parse_autoconfig import parse_autoconfig
from .report import Attempt, Auth, Failure, Source, Status
from .source_context import SourceContext
from .web_attempt import XML_ACCEPT, fetch_failure, no_downgrade, web_attempt

__all__ = ["autoconfig", "autoconfig_attempt", "http_autoconfig", "ispdb", "well_known"]


def autoconfig_attempt(
    ctx: SourceContext,
    source: Source,
    url: str,
    result: FetchResult,
    started: float,
    *,
    auth: Auth | None = None,
    related_host: str | None = None,
) -> Attempt:
    """What a fetched autoconfig document (or the failure to fetch one) came to."""
    answer = partial(web_attempt, ctx, source, url, result, started, related_host=related_host)
    if not result.ok or result.body is None:
        status, detail, failure = fetch_failure(ctx, result)
        return answer(status=status, detail=detail, failure=failure)
    parsed = parse_autoconfig(result.body, local_part=ctx.address.local, domain=ctx.domain)
    if parsed.error is not None:
        return answer(
            status=Status.FAILED,
            detail=f"document refused: {parsed.error}",
            issues=parsed.issues,
            failure=Failure.DOCUMENT_REFUSED,
        )
    found = len(parsed.candidates)
    return answer(
        status=Status.FOUND if found else Status.NOTHING,
        detail=f"{found} server(s) from {parsed.provider_id or 'the document'}"
        if found
        else "the document lists no usable server",
        auth=auth,
        candidates=parsed.candidates,
        issues=parsed.issues,
        oauth2=parsed.oauth2,
    )


async def autoconfig(ctx: SourceContext) -> Attempt:
    """``https://autoconfig.<d>/mail/config-v1.1.xml?emailaddress=...`` (the only place it goes)."""
    started = ctx.since_start()
    url = (
        f"https://autoconfig.{ctx.domain}/mail/config-v1.1.xml"
        f"?emailaddress={quote(ctx.address.ascii, safe='@')}"
    )
    result = await ctx.fetcher.fetch(
        url, deadline=ctx.deadline, redirect_check=no_downgrade, headers=XML_ACCEPT
    )
    return autoconfig_attempt(ctx, Source.AUTOCONFIG, url, result, started)


async def well_known(ctx: SourceContext) -> Attempt:
    """``https://<d>/.well-known/autoconfig/mail/config-v1.1.xml``, without the address."""
    started = ctx.since_start()
    url = f"https://{ctx.domain}/.well-known/autoconfig/mail/config-v1.1.xml"
    result = await ctx.fetcher.fetch(
        url, deadline=ctx.deadline, redirect_check=no_downgrade, headers=XML_ACCEPT
    )
    return autoconfig_attempt(ctx, Source.WELL_KNOWN, url, result, started)


async def ispdb(
    ctx: SourceContext, domain: str, *, source: Source = Source.ISPDB, related: str | None = None
) -> Attempt:
    """The provider database entry for `domain` (tier B): ``<base>/<domain>``, no address."""
    started = ctx.since_start()
    url = ctx.ispdb_url.rstrip("/") + "/" + domain
    result = await ctx.fetcher.fetch(
        url, deadline=ctx.deadline, redirect_check=no_downgrade, headers=XML_ACCEPT
    )
    https = all(urlsplit(h.url).scheme == "https" for h in result.hops)
    auth = Auth.HTTPS_PROVIDER if https else Auth.PLAIN_HTTP
    return autoconfig_attempt(ctx, source, url, result, started, auth=auth, related_host=related)


async def http_autoconfig(ctx: SourceContext) -> Attempt:
    """Phase 2: plain-HTTP autoconfig WITHOUT the address (tier C; anyone could forge it)."""
    started = ctx.since_start()
    url = f"http://autoconfig.{ctx.domain}/mail/config-v1.1.xml"
    result = await ctx.fetcher.fetch(url, deadline=ctx.deadline, headers=XML_ACCEPT)
    return autoconfig_attempt(
        ctx, Source.HTTP_AUTOCONFIG, url, result, started, auth=Auth.PLAIN_HTTP
    )
