"""Microsoft Autodiscover (POX), read without credentials.

The address goes in the POST body, over HTTPS to the domain's own hosts only. A 401 is an
answer ("this server wants a password"), never a prompt: mailhop sends no credential to a
discovery endpoint (DESIGN.md section 4, rule 1). Autodiscover's own XML redirects are
followed only inside the registrable domain and at most twice, and nothing above the
registrable domain is ever asked (the leak of ``autodiscover.<tld>`` that Outlook's
back-off suffered).
"""

from __future__ import annotations

from functools import partial
from urllib.parse import urlsplit
from xml.etree.ElementTree import Element, SubElement, tostring

from ..common.domains import is_inside
from ..common.fields import FieldError, validate_https_url
from ..common.model import AutodiscoverRedirect, RedirectKind
from ..common.tasks import gather_all
from ..net.fetch import FetchResult, RedirectCheck
from .parse_autodiscover import parse_autodiscover
from .report import Attempt, Failure, RefusedRedirect, Source, Status
from .source_context import SourceContext
from .web_attempt import XML_ACCEPT, fetch_failure, host_of, web_attempt

__all__ = ["AUTODISCOVER_REQUEST_NS", "MAX_AUTODISCOVER_REDIRECTS", "autodiscover"]

AUTODISCOVER_REQUEST_NS = (
    "http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"
)
AUTODISCOVER_RESPONSE_SCHEMA = (
    "http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a"
)
MAX_AUTODISCOVER_REDIRECTS = 2


def autodiscover_request(email: str) -> bytes:
    root = Element("Autodiscover", xmlns=AUTODISCOVER_REQUEST_NS)
    request = SubElement(root, "Request")
    SubElement(request, "EMailAddress").text = email
    SubElement(request, "AcceptableResponseSchema").text = AUTODISCOVER_RESPONSE_SCHEMA
    document: bytes = tostring(root, encoding="utf-8", xml_declaration=True)
    return document


def _inside_only(ctx: SourceContext) -> RedirectCheck:
    """HTTP redirects: HTTPS only, and never out of the address's registrable domain."""

    def check(from_url: str, to_url: str) -> str | None:
        if urlsplit(to_url).scheme != "https":
            return f"refused a redirect to plain HTTP ({to_url})"
        if not is_inside(host_of(to_url), ctx.registrable):
            return f"refused a redirect out of {ctx.registrable} ({host_of(to_url)})"
        return None

    return check


async def autodiscover(ctx: SourceContext) -> Attempt:
    """Microsoft Autodiscover POX, read WITHOUT credentials (a 401 is an answer, not a prompt).

    Both standard URLs are asked at once; the first usable answer wins in Outlook's order.
    """
    started = ctx.since_start()
    urls = [
        f"https://{ctx.domain}/autodiscover/autodiscover.xml",
        f"https://autodiscover.{ctx.domain}/autodiscover/autodiscover.xml",
    ]
    attempts = await gather_all(*(_autodiscover_url(ctx, url, started) for url in urls))
    found = [a for a in attempts if a.status is Status.FOUND]
    if found:
        return found[0]
    rank = [Status.FAILED, Status.TIMED_OUT, Status.NOTHING]
    return sorted(attempts, key=lambda a: rank.index(a.status) if a.status in rank else 9)[0]


async def _autodiscover_url(ctx: SourceContext, url: str, started: float) -> Attempt:
    """One of the standard URLs, following Autodiscover's own redirects (bounded)."""
    email = ctx.address.ascii
    check = _inside_only(ctx)
    for _ in range(MAX_AUTODISCOVER_REDIRECTS + 1):
        result = await ctx.fetcher.fetch(
            url,
            deadline=ctx.deadline,
            method="POST",
            body=autodiscover_request(email),
            redirect_check=check,
            headers=(("Content-Type", "text/xml; charset=utf-8"), *XML_ACCEPT),
        )
        answer = partial(web_attempt, ctx, Source.AUTODISCOVER, url, result, started)
        if not result.ok or result.body is None:
            return _no_document(ctx, result, answer)
        parsed = parse_autodiscover(result.body)
        if parsed.redirect is None:
            if parsed.error is not None:
                return answer(
                    status=Status.FAILED,
                    detail=f"response refused: {parsed.error}",
                    issues=parsed.issues,
                    failure=Failure.DOCUMENT_REFUSED,
                )
            return answer(
                status=Status.FOUND if parsed.candidates else Status.NOTHING,
                detail=f"{len(parsed.candidates)} server(s)",
                candidates=parsed.candidates,
                issues=parsed.issues,
            )
        followed = _follow(ctx, parsed.redirect, email)
        if isinstance(followed, RefusedRedirect):
            return answer(
                status=Status.FAILED,
                detail=(
                    f"Autodiscover redirects to {followed.target}, outside {ctx.registrable}: "
                    "not followed (nothing is asked outside or above the address's "
                    "registrable domain)"
                ),
                payload=followed,
                failure=Failure.REDIRECT,
            )
        email, url = followed
    too_many = f"more than {MAX_AUTODISCOVER_REDIRECTS} Autodiscover redirects"
    return web_attempt(
        ctx,
        Source.AUTODISCOVER,
        url,
        result,
        started,
        status=Status.FAILED,
        detail=too_many,
        failure=Failure.REDIRECT,
    )


def _no_document(ctx: SourceContext, result: FetchResult, answer: partial[Attempt]) -> Attempt:
    status, detail, failure = fetch_failure(ctx, result)
    if result.status == 401:
        status = Status.NOTHING
        detail = "the server asks for a password; mailhop never sends one to Autodiscover"
    return answer(status=status, detail=detail, failure=failure)


def _follow(
    ctx: SourceContext, redirect: AutodiscoverRedirect, email: str
) -> tuple[str, str] | RefusedRedirect:
    """The address and URL to ask next, or the redirect refused: only inside the domain."""
    target = redirect.target
    if redirect.kind is RedirectKind.ADDRESS:
        domain = target.rpartition("@")[2].lower()
        if not is_inside(domain, ctx.registrable):
            return RefusedRedirect(target)
        return target, f"https://autodiscover.{domain}/autodiscover/autodiscover.xml"
    try:
        url = validate_https_url(target, "redirectUrl")
    except FieldError as exc:
        return RefusedRedirect(f"{target[:80]} ({exc})")
    if not is_inside(host_of(url), ctx.registrable):
        return RefusedRedirect(url)
    return email, url
