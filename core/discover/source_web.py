"""Discovery sources fetched over HTTP(S): autoconfig, ISPDB, PACC, MTA-STS, Autodiscover, WKD.

Which URL each source asks, and which redirects it may follow, is decided here once
(DESIGN.md section 4, rules 1 and 6):

* The address goes only where the protocol needs it and only over HTTPS to the domain
  itself: ``autoconfig.<d>?emailaddress=``, the Autodiscover POST body, and the WKD
  local-part hash. Nowhere else: not ``.well-known``, not the ISPDB, not MX-derived
  hosts, never plain HTTP.
* Redirects are followed by the fetcher by hand and checked here: never from HTTPS down
  to HTTP, and for MTA-STS (RFC 8461 section 3.3) and PACC not at all. A hop that
  leaves the registrable domain is allowed for autoconfig but makes the attempt
  ``HTTPS_OTHER_DOMAIN`` (tier C).
* Autodiscover's own XML redirects are followed only inside the registrable domain
  and at most twice; nothing above the registrable domain is ever asked (the leak of
  ``autodiscover.<tld>`` that Outlook's back-off suffered).
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Awaitable, Callable
from dataclasses import replace
from functools import partial
from urllib.parse import quote, urlsplit
from xml.etree.ElementTree import Element, SubElement, tostring

from ..common.domains import is_inside, registrable_domain
from ..common.fields import FieldError, validate_https_url
from ..common.model import AutoconfigResult, ParseIssue, ServerCandidate
from ..dns.dnssec import Security as Dnssec
from ..net.fetch import FetchErrorCode, FetchResult
from .parse_autoconfig import parse_autoconfig
from .parse_autodiscover import parse_autodiscover
from .parse_mtasts import parse_mtasts_policy, parse_mtasts_record
from .parse_pacc import parse_pacc, parse_pacc_record
from .report import (
    Attempt,
    Auth,
    DnsRecordSet,
    Failure,
    MtaSts,
    Payload,
    ProviderKey,
    RefusedRedirect,
    Source,
    Status,
)
from .source_context import SourceContext
from .source_dns import record_set

__all__ = [
    "AUTODISCOVER_REQUEST_NS",
    "MAX_MX_DOMAINS",
    "autoconfig",
    "autodiscover",
    "http_autoconfig",
    "ispdb",
    "mta_sts",
    "mx_derived",
    "mx_lookup_domains",
    "pacc",
    "well_known",
    "wkd",
]

AUTODISCOVER_REQUEST_NS = (
    "http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"
)
AUTODISCOVER_RESPONSE_SCHEMA = (
    "http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a"
)
MAX_AUTODISCOVER_REDIRECTS = 2
XML_ACCEPT = (("Accept", "text/xml, application/xml;q=0.9, */*;q=0.1"),)


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def _web_auth(ctx: SourceContext, result: FetchResult, home: str | None = None) -> Auth:
    """How a fetched document was authenticated, relative to `home` (default: the
    address's registrable domain; for MX-derived lookups, the MX host's)."""
    urls = [hop.url for hop in result.hops] or [result.url]
    if any(urlsplit(u).scheme != "https" for u in urls):
        return Auth.PLAIN_HTTP
    if all(is_inside(_host(u), home or ctx.registrable) for u in urls):
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


def _fetch_failure(ctx: SourceContext, result: FetchResult) -> tuple[Status, str, Failure]:
    """Status, words and kind of a fetch without a usable answer, chosen from the fetcher's
    typed ``error_code`` and HTTP status, never from its words."""
    host = _host(result.final_url)
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


def _web_attempt(
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
    failure: Failure | None = None,
) -> Attempt:
    hops = tuple(hop.url for hop in result.hops)
    return Attempt(
        source=source,
        target=target,
        status=status,
        auth=(auth or _web_auth(ctx, result)) if status is Status.FOUND else Auth.NONE,
        detail=detail,
        started=started,
        elapsed=ctx.since_start() - started,
        via=result.final_url,
        hops=hops,
        candidates=candidates,
        issues=issues,
        records=records,
        related_host=related_host,
        payload=payload,
        failure=failure,
    )


def _autoconfig_attempt(
    ctx: SourceContext,
    source: Source,
    url: str,
    result: FetchResult,
    started: float,
    *,
    auth: Auth | None = None,
    related_host: str | None = None,
) -> tuple[Attempt, AutoconfigResult | None]:
    if not result.ok or result.body is None:
        status, detail, failure = _fetch_failure(ctx, result)
        attempt = _web_attempt(
            ctx,
            source,
            url,
            result,
            started,
            status=status,
            detail=detail,
            related_host=related_host,
            failure=failure,
        )
        return attempt, None
    parsed = parse_autoconfig(result.body, local_part=ctx.address.local, domain=ctx.domain)
    if parsed.error is not None:
        attempt = _web_attempt(
            ctx,
            source,
            url,
            result,
            started,
            status=Status.FAILED,
            detail=f"document refused: {parsed.error}",
            issues=parsed.issues,
            related_host=related_host,
            failure=Failure.DOCUMENT_REFUSED,
        )
        return attempt, parsed
    status = Status.FOUND if parsed.candidates else Status.NOTHING
    detail = (
        f"{len(parsed.candidates)} server(s) from {parsed.provider_id or 'the document'}"
        if parsed.candidates
        else "the document lists no usable server"
    )
    attempt = _web_attempt(
        ctx,
        source,
        url,
        result,
        started,
        status=status,
        detail=detail,
        auth=auth,
        candidates=parsed.candidates,
        issues=parsed.issues,
        related_host=related_host,
    )
    if parsed.oauth2 is not None:
        attempt = _with_oauth(attempt, parsed)
    return attempt, parsed


def _with_oauth(attempt: Attempt, parsed: AutoconfigResult) -> Attempt:
    return replace(attempt, oauth2=parsed.oauth2)


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
    return _autoconfig_attempt(ctx, Source.AUTOCONFIG, url, result, started)[0]


async def well_known(ctx: SourceContext) -> Attempt:
    """``https://<d>/.well-known/autoconfig/mail/config-v1.1.xml``, without the address."""
    started = ctx.since_start()
    url = f"https://{ctx.domain}/.well-known/autoconfig/mail/config-v1.1.xml"
    result = await ctx.fetcher.fetch(
        url, deadline=ctx.deadline, redirect_check=no_downgrade, headers=XML_ACCEPT
    )
    return _autoconfig_attempt(ctx, Source.WELL_KNOWN, url, result, started)[0]


async def ispdb(
    ctx: SourceContext, domain: str, *, source: Source = Source.ISPDB, related: str | None = None
) -> Attempt:
    """The provider database entry for `domain` (tier B): ``<base>/<domain>``, no address."""
    started = ctx.since_start()
    url = ctx.ispdb_url.rstrip("/") + "/" + domain
    result = await ctx.fetcher.fetch(
        url, deadline=ctx.deadline, redirect_check=no_downgrade, headers=XML_ACCEPT
    )
    auth = (
        Auth.HTTPS_PROVIDER
        if all(urlsplit(h.url).scheme == "https" for h in result.hops)
        else Auth.PLAIN_HTTP
    )
    return _autoconfig_attempt(ctx, source, url, result, started, auth=auth, related_host=related)[
        0
    ]


# How many of the MX host's parent domains are asked: the deepest ones, then the registrable
# domain. A provider keys a service on a suffix a few labels deep (mail.protection.outlook.com),
# and a hostile MX with a hundred labels must not turn into two hundred fetches.
MAX_MX_DOMAINS = 4


def mx_lookup_domains(mx_host: str) -> tuple[str, ...]:
    """The domains an MX host's provider may be known by, most specific first.

    ``a.mail.protection.outlook.com`` -> ``mail.protection.outlook.com``,
    ``protection.outlook.com``, ``outlook.com``: the host's parent down to its registrable
    domain and never above it (DESIGN.md rule 6; the public suffix list is bundled), as
    Thunderbird and K-9 Mail ask. A provider's entry keyed on the deeper suffix (its
    business service) is thus found beside the one keyed on its own domain (its consumer
    service); policy takes the most specific (``policy.tier_of``). Empty for a host that
    is itself a public suffix or below none.
    """
    base = registrable_domain(mx_host)
    if base is None:
        return ()
    name = mx_host.rstrip(".").lower()
    labels = name.split(".")
    depth = len(base.split("."))
    deeper = [".".join(labels[i:]) for i in range(1, len(labels) - depth)]
    return (*deeper[: MAX_MX_DOMAINS - 1], base)


async def mx_derived(
    ctx: SourceContext, mx_host: str, domains: tuple[str, ...] | None = None
) -> list[Attempt]:
    """Autoconfig and ISPDB for each of `domains` (default: ``mx_lookup_domains``), all
    at once, when the MX host is in another registrable domain.

    The address is not sent: those domains are the mail host's, not the address's. Each
    attempt carries the domain it asked as its ``ProviderKey``, so policy can prefer the most
    specific entry. The tier depends on how the MX answer was authenticated (policy decides).
    """
    base = registrable_domain(mx_host)
    if base is None or base == ctx.registrable:
        return []
    started = ctx.since_start()
    asked = mx_lookup_domains(mx_host) if domains is None else domains

    async def from_autoconfig(domain: str) -> Attempt:
        url = f"https://autoconfig.{domain}/mail/config-v1.1.xml"
        result = await ctx.fetcher.fetch(
            url, deadline=ctx.deadline, redirect_check=no_downgrade, headers=XML_ACCEPT
        )
        attempt, _ = _autoconfig_attempt(
            ctx,
            Source.MX_AUTOCONFIG,
            url,
            result,
            started,
            related_host=mx_host,
            auth=_web_auth(ctx, result, home=base),
        )
        return attempt

    async def from_ispdb(domain: str) -> Attempt:
        return await ispdb(ctx, domain, source=Source.MX_ISPDB, related=mx_host)

    async def keyed(domain: str, lookup: Callable[[str], Awaitable[Attempt]]) -> Attempt:
        attempt = await lookup(domain)
        return replace(attempt, payload=ProviderKey(domain))

    found = await asyncio.gather(
        *(keyed(d, lookup) for d in asked for lookup in (from_autoconfig, from_ispdb))
    )
    return list(found)


async def pacc(ctx: SourceContext) -> Attempt:
    """PACC: the JSON document counts only if its SHA-256 matches the ``_ua-auto-config`` TXT."""
    started = ctx.since_start()
    url = f"https://ua-auto-config.{ctx.domain}/.well-known/user-agent-configuration.json"
    txt, result = await asyncio.gather(
        ctx.resolver.lookup(f"_ua-auto-config.{ctx.domain}", "TXT"),
        ctx.fetcher.fetch(
            url,
            deadline=ctx.deadline,
            max_redirects=0,
            headers=(("Accept", "application/json"),),
        ),
    )
    # Every outcome carries the TXT record set as evidence.
    answer = partial(
        _web_attempt, ctx, Source.PACC, url, result, started, records=(record_set(txt),)
    )
    if txt.security is Dnssec.BOGUS:
        why = f"the _ua-auto-config record failed DNSSEC validation: {txt.reason}"
        return answer(status=Status.FAILED, detail=why, failure=Failure.DNSSEC_BOGUS)
    record = parse_pacc_record([r.strings for r in txt.records if hasattr(r, "strings")])
    if not result.ok or result.body is None:
        status, detail, failure = _fetch_failure(ctx, result)
        if record.record is None and status is Status.NOTHING:
            detail = "no PACC document and no _ua-auto-config record"
        return answer(status=status, detail=detail, failure=failure)
    if record.record is None:
        why = record.error or "there is no _ua-auto-config record"
        return answer(
            status=Status.FAILED,
            detail=f"document not used: {why}, so nothing vouches for it",
            failure=Failure.DOCUMENT_REFUSED,
        )
    parsed = parse_pacc(
        result.body, local_part=ctx.address.local, domain=ctx.domain, record=record.record
    )
    if parsed.error is not None or not parsed.digest_verified:
        why = parsed.error or "digest not verified"
        return answer(
            status=Status.FAILED,
            detail=f"document refused: {why}",
            issues=parsed.issues,
            failure=Failure.DOCUMENT_REFUSED,
        )
    attempt = answer(
        status=Status.FOUND if parsed.candidates else Status.NOTHING,
        detail=f"{len(parsed.candidates)} server(s); SHA-256 matches the _ua-auto-config record",
        auth=Auth.DIGEST_MATCHED,
        candidates=parsed.candidates,
        issues=parsed.issues,
    )
    return replace(attempt, oauth2=parsed.oauth2) if parsed.oauth2 is not None else attempt


async def mta_sts(ctx: SourceContext) -> Attempt:
    """RFC 8461: the ``_mta-sts`` TXT record and the policy, fetched together."""
    started = ctx.since_start()
    url = f"https://mta-sts.{ctx.domain}/.well-known/mta-sts.txt"
    txt, result = await asyncio.gather(
        ctx.resolver.lookup(f"_mta-sts.{ctx.domain}", "TXT"),
        ctx.fetcher.fetch(
            url, deadline=ctx.deadline, max_redirects=0, headers=(("Accept", "text/plain"),)
        ),
    )
    answer = partial(
        _web_attempt, ctx, Source.MTA_STS, url, result, started, records=(record_set(txt),)
    )
    record = parse_mtasts_record([r.strings for r in txt.records if hasattr(r, "strings")])
    if record.record is None:
        status = Status.FAILED if txt.security is Dnssec.BOGUS or txt.found else Status.NOTHING
        detail = record.error or "no MTA-STS record"
        failure = Failure.DOCUMENT_REFUSED if status is Status.FAILED else None
        if txt.security is Dnssec.BOGUS:
            detail = f"the _mta-sts record failed DNSSEC validation: {txt.reason}"
            failure = Failure.DNSSEC_BOGUS
        return answer(status=status, detail=detail, failure=failure)
    found = MtaSts(record.record.id)
    if not result.ok or result.body is None:
        _, why, failure = _fetch_failure(ctx, result)
        detail = f"MTA-STS record present, but the policy could not be fetched: {why}"
        return answer(status=Status.FAILED, detail=detail, payload=found, failure=failure)
    refused = partial(answer, status=Status.FAILED, payload=found, failure=Failure.DOCUMENT_REFUSED)
    if result.content_type != "text/plain":
        served = result.content_type or "no type"
        return refused(detail=f"the policy is served as {served}, not text/plain")
    parsed = parse_mtasts_policy(result.body)
    if parsed.policy is None:
        return refused(detail=f"policy refused: {parsed.error}", issues=parsed.issues)
    policy = parsed.policy
    return answer(
        status=Status.FOUND,
        detail=f"mode {policy.mode.value}, MX {', '.join(policy.mx) or '(none)'}",
        issues=parsed.issues,
        payload=replace(found, policy=policy),
    )


def autodiscover_request(email: str) -> bytes:
    root = Element("Autodiscover", xmlns=AUTODISCOVER_REQUEST_NS)
    request = SubElement(root, "Request")
    SubElement(request, "EMailAddress").text = email
    SubElement(request, "AcceptableResponseSchema").text = AUTODISCOVER_RESPONSE_SCHEMA
    document: bytes = tostring(root, encoding="utf-8", xml_declaration=True)
    return document


def _inside_only(ctx: SourceContext) -> object:
    def check(from_url: str, to_url: str) -> str | None:
        if urlsplit(to_url).scheme != "https":
            return f"refused a redirect to plain HTTP ({to_url})"
        if not is_inside(_host(to_url), ctx.registrable):
            return f"refused a redirect out of {ctx.registrable} ({_host(to_url)})"
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
    attempts = await asyncio.gather(*(_autodiscover_url(ctx, url, started) for url in urls))
    found = [a for a in attempts if a.status is Status.FOUND]
    if found:
        return found[0]
    rank = [Status.FAILED, Status.TIMED_OUT, Status.NOTHING]
    return sorted(attempts, key=lambda a: rank.index(a.status) if a.status in rank else 9)[0]


async def _autodiscover_url(ctx: SourceContext, url: str, started: float) -> Attempt:
    email = ctx.address.ascii
    check = _inside_only(ctx)
    for _ in range(MAX_AUTODISCOVER_REDIRECTS + 1):
        result = await ctx.fetcher.fetch(
            url,
            deadline=ctx.deadline,
            method="POST",
            body=autodiscover_request(email),
            redirect_check=check,  # type: ignore[arg-type]
            headers=(("Content-Type", "text/xml; charset=utf-8"), *XML_ACCEPT),
        )
        if not result.ok or result.body is None:
            status, detail, failure = _fetch_failure(ctx, result)
            if result.status == 401:
                status = Status.NOTHING
                detail = "the server asks for a password; mailhop never sends one to Autodiscover"
            return _web_attempt(
                ctx,
                Source.AUTODISCOVER,
                url,
                result,
                started,
                status=status,
                detail=detail,
                failure=failure,
            )
        parsed = parse_autodiscover(result.body)
        if parsed.redirect is None:
            if parsed.error is not None:
                return _web_attempt(
                    ctx,
                    Source.AUTODISCOVER,
                    url,
                    result,
                    started,
                    status=Status.FAILED,
                    detail=f"response refused: {parsed.error}",
                    issues=parsed.issues,
                    failure=Failure.DOCUMENT_REFUSED,
                )
            return _web_attempt(
                ctx,
                Source.AUTODISCOVER,
                url,
                result,
                started,
                status=Status.FOUND if parsed.candidates else Status.NOTHING,
                detail=f"{len(parsed.candidates)} server(s)",
                candidates=parsed.candidates,
                issues=parsed.issues,
            )
        target = parsed.redirect.target
        if parsed.redirect.kind == "address":
            domain = target.rpartition("@")[2].lower()
            if not is_inside(domain, ctx.registrable):
                return _refused_redirect(ctx, url, result, started, target)
            email = target
            url = f"https://autodiscover.{domain}/autodiscover/autodiscover.xml"
        else:
            try:
                target = validate_https_url(target, "redirectUrl")
            except FieldError as exc:
                return _refused_redirect(ctx, url, result, started, f"{target[:80]} ({exc})")
            if not is_inside(_host(target), ctx.registrable):
                return _refused_redirect(ctx, url, result, started, target)
            url = target
    return _web_attempt(
        ctx,
        Source.AUTODISCOVER,
        url,
        result,
        started,
        status=Status.FAILED,
        detail=f"more than {MAX_AUTODISCOVER_REDIRECTS} Autodiscover redirects",
        failure=Failure.REDIRECT,
    )


def _refused_redirect(
    ctx: SourceContext, url: str, result: FetchResult, started: float, target: str
) -> Attempt:
    return _web_attempt(
        ctx,
        Source.AUTODISCOVER,
        url,
        result,
        started,
        status=Status.FAILED,
        detail=(
            f"Autodiscover redirects to {target}, outside {ctx.registrable}: not followed "
            "(nothing is asked outside or above the address's registrable domain)"
        ),
        payload=RefusedRedirect(target),
        failure=Failure.REDIRECT,
    )


_ZBASE32 = "ybndrfg8ejkmcpqxot1uwisza345h769"


def zbase32(data: bytes) -> str:
    """z-base-32 (used by WKD for the local-part hash), no padding."""
    bits = int.from_bytes(data, "big")
    count = len(data) * 8
    out = []
    for shift in range(count - 5, -5, -5):
        index = (bits >> shift) & 31 if shift >= 0 else (bits << -shift) & 31
        out.append(_ZBASE32[index])
    return "".join(out)


async def wkd(ctx: SourceContext) -> Attempt:
    """OpenPGP Web Key Directory, advanced then direct method (information only)."""
    started = ctx.since_start()
    local = ctx.address.local
    digest = zbase32(hashlib.sha1(local.lower().encode("utf-8")).digest())  # noqa: S324 - WKD spec
    tail = f"hu/{digest}?l={quote(local, safe='')}"
    urls = [
        f"https://openpgpkey.{ctx.domain}/.well-known/openpgpkey/{ctx.domain}/{tail}",
        f"https://{ctx.domain}/.well-known/openpgpkey/{tail}",
    ]
    results = await asyncio.gather(
        *(ctx.fetcher.fetch(u, deadline=ctx.deadline, max_redirects=0, headers=()) for u in urls)
    )
    for url, result in zip(urls, results, strict=True):
        if result.ok and result.body:
            return _web_attempt(
                ctx,
                Source.WKD,
                url,
                result,
                started,
                status=Status.FOUND,
                detail=f"an OpenPGP key for this address is published ({len(result.body)} bytes)",
            )
    status, detail, failure = _fetch_failure(ctx, results[1])
    if status is Status.FAILED and results[1].status is not None:
        status = Status.NOTHING
    return _web_attempt(
        ctx,
        Source.WKD,
        urls[1],
        results[1],
        started,
        status=status,
        detail=detail,
        failure=failure,
    )


async def http_autoconfig(ctx: SourceContext) -> Attempt:
    """Phase 2: plain-HTTP autoconfig WITHOUT the address (tier C; anyone could forge it)."""
    started = ctx.since_start()
    url = f"http://autoconfig.{ctx.domain}/mail/config-v1.1.xml"
    result = await ctx.fetcher.fetch(url, deadline=ctx.deadline, headers=XML_ACCEPT)
    attempt, _ = _autoconfig_attempt(
        ctx, Source.HTTP_AUTOCONFIG, url, result, started, auth=Auth.PLAIN_HTTP
    )
    return attempt
