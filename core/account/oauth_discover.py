"""Which authorization server signs this account in, and may mailhop trust it?

The open-public-client profile (draft-ietf-mailmaint-oauth-public, revision 06 of September
2026: section 3.2 the issuer, 3.4 and 3.6 where tokens may go, 3.8 DPoP, 3.9 the scopes;
revision 02 before) starts from an issuer identifier and reads that issuer's metadata
(RFC 8414). For IMAP, POP and SMTP the mail server names the issuer in its
failed OAUTHBEARER answer; RFC 9728 protected resource metadata (.well-known/
oauth-protected-resource, WWW-Authenticate resource_metadata) is the profile's way for HTTP
services (JMAP, CalDAV), which mailhop does not set up. mailhop learns the issuer from
two places, both only hints until checked here:

    the mail server   its failed OAUTHBEARER answer names "openid-configuration", the URL
                      of the metadata (RFC 7628 section 3.2.2; Dovecot's
                      openid_configuration_url), learnt over the verified TLS session
    a document        autoconfig's <oAuth2><issuer> (an entry's ``oauth2_issuer``)

Trust, as for mail servers (DESIGN.md section 4, rules 4 and 6), decided before anything is
fetched from the issuer (``classify_issuer``, pure):

    not https, user information, a query or fragment   refused (rule 6: HTTPS only)
    host inside the address's registrable domain       trusted
    host named by an authenticated document (tier A/B  trusted ("vouched")
      entry's issuer), or its registrable domain
      approved by the person
    anything else                                       needs approval, naming the
                                                        registrable domain in full (A-label
                                                        and U-label)

    an issuer with dot segments or a percent-encoded  refused: the profile compares issuers
      unreserved character in its path               exactly, so a second spelling of the
                                                     same issuer is not accepted

Then the metadata is fetched over verified HTTPS with mailhop's fetcher, no redirect
followed (the document belongs at the issuer itself), 64 KiB at most: RFC 8414's
/.well-known/oauth-authorization-server first, and only when that is not there (404), the
OpenID Connect Discovery document the profile accepts instead (issuer +
/.well-known/openid-configuration). It is checked (RFC 8414 section 3.3: its "issuer" must be
exactly the issuer asked for; every endpoint https; the profile's needs: the code flow and
PKCE with S256) and its ``protected_resources`` (RFC 9728 section 4) kept: where the issuer's
tokens may go (oauth_resources.py). A remote failure is an ``IssuerAttempt`` with a reason,
never an exception.
"""

from __future__ import annotations

import enum
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from ..common.domains import is_inside, registrable_domain, unicode_domain
from ..common.fields import FieldError, validate_hostname
from ..common.i18n import _
from ..common.text import server_text
from ..net.fetch import Fetcher
from ..net.fetch_result import FetchResult

__all__ = [
    "IssuerAttempt",
    "IssuerMetadata",
    "IssuerStatus",
    "classify_issuer",
    "discover_issuer",
    "issuer_of",
    "metadata_url",
]

SHOWN_LIMIT = 300  # characters of a server-named URL shown to the person
WELL_KNOWN = ("/.well-known/oauth-authorization-server", "/.well-known/openid-configuration")
# RFC 3986 section 2.3: percent-encoding an unreserved character only makes a second spelling
_ENCODED_UNRESERVED = re.compile(r"%(?:[46][1-9A-Fa-f]|[57][0-9Aa]|3[0-9]|2[DEde]|5[Ff]|7[Ee])")


class IssuerStatus(enum.StrEnum):
    TRUSTED = "trusted"
    NEEDS_APPROVAL = "needs-approval"
    REFUSED = "refused"  # never to be used: plain HTTP, a malformed issuer, bad metadata
    FAILED = "failed"  # could not check: the fetch failed or timed out


@dataclass(frozen=True, slots=True)
class IssuerMetadata:
    """What mailhop uses of an issuer's RFC 8414 document."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    registration_endpoint: str | None
    revocation_endpoint: str | None
    scopes_supported: tuple[str, ...]
    # RFC 9728 section 4: the resources its tokens are for; None when it does not say
    protected_resources: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class IssuerAttempt:
    status: IssuerStatus
    issuer: str | None  # the issuer URL, as checked (A-label host)
    registrable: str | None  # its registrable domain, A-label
    reason: str  # for the person; names the domain in full when approval is needed
    metadata: IssuerMetadata | None = None
    source: str = ""  # "server" (the SASL answer) or "document" (autoconfig)


def issuer_of(hint: str) -> str:
    """An issuer URL from what a server or document says: the metadata URL of RFC 7628 (its
    well-known suffix removed), a URL, or autoconfig's bare host name."""
    text = hint.strip()
    if "://" not in text:
        text = f"https://{text}"
    try:
        parts = urlsplit(text)
    except ValueError:  # e.g. "Invalid IPv6 URL": classify_issuer refuses it
        return text
    for suffix in WELL_KNOWN:
        if parts.path.startswith(suffix):  # RFC 8414 section 3.1: suffix before the path
            rest = parts.path[len(suffix) :]
            return parts._replace(path=rest).geturl().rstrip("/")
    return text.rstrip("/")


def metadata_url(issuer: str) -> str:
    """RFC 8414 section 3.1: the well-known suffix goes before the issuer's path."""
    parts = urlsplit(issuer)
    return parts._replace(path=WELL_KNOWN[0] + parts.path).geturl()


def oidc_metadata_url(issuer: str) -> str:
    """OpenID Connect Discovery 1.0 section 4: the well-known suffix goes after the path."""
    return issuer.rstrip("/") + WELL_KNOWN[1]


def classify_issuer(
    issuer: str,
    *,
    address_domain: str,
    vouched: Iterable[str] = (),
    approved: Iterable[str] = (),
) -> IssuerAttempt:
    """The trust decision of the module docstring, before any fetch. The issuer is the
    server's or a document's text: it is shown only as ``server_text`` (rule 10)."""
    shown_url = server_text(issuer, SHOWN_LIMIT)
    try:
        parts = urlsplit(issuer)
    except ValueError as exc:
        return IssuerAttempt(
            IssuerStatus.REFUSED,
            None,
            None,
            _("The sign-in service's address {url} is unusable ({why}).").format(
                url=shown_url, why=exc
            ),
        )
    if parts.scheme != "https":
        return IssuerAttempt(
            IssuerStatus.REFUSED,
            issuer,
            None,
            _(
                "The server named its sign-in service at {url}, which is not HTTPS: mailhop "
                "signs in only through verified HTTPS."
            ).format(url=shown_url),
        )
    try:
        if parts.username or parts.password or parts.query or parts.fragment or parts.port:
            raise ValueError("user information, a port, a query or a fragment")
        if {".", ".."} & set(parts.path.split("/")) or _ENCODED_UNRESERVED.search(parts.path):
            raise ValueError("a path of two spellings")
        host = validate_hostname(parts.hostname or "")
    except (FieldError, ValueError) as exc:
        return IssuerAttempt(
            IssuerStatus.REFUSED,
            issuer,
            None,
            _("The sign-in service's address {url} is unusable ({why}).").format(
                url=shown_url, why=exc
            ),
        )
    clean = parts._replace(netloc=host).geturl()
    registrable = registrable_domain(host) or host
    own = registrable_domain(address_domain) or address_domain
    if (
        is_inside(host, own)
        or host in _vouched_hosts(vouched)
        or registrable in {a.lower() for a in approved}
    ):
        return IssuerAttempt(IssuerStatus.TRUSTED, clean, registrable, "")
    return _needs_approval(clean, host, registrable)


def _vouched_hosts(vouched: Iterable[str]) -> set[str]:
    """The hosts of the issuers that authenticated documents name (unusable names skipped)."""
    hosts = set()
    for name in vouched:
        try:
            hosts.add(validate_hostname(issuer_of(name).split("/")[2]))
        except (FieldError, IndexError):
            continue
    return hosts


def _needs_approval(clean: str, host: str, registrable: str) -> IssuerAttempt:
    """An issuer outside the address's domain that nothing vouches for: the person decides,
    told the registrable domain in full (U-label and A-label, so a look-alike shows)."""
    u_label = unicode_domain(registrable)
    shown = (
        registrable
        if u_label == registrable
        else _("{unicode}, written {alabel}").format(unicode=u_label, alabel=registrable)
    )
    return IssuerAttempt(
        IssuerStatus.NEEDS_APPROVAL,
        clean,
        registrable,
        _(
            "Signing in goes through {host} in the domain {domain}, outside your address's "
            "domain, and nothing your domain authenticated vouches for it. Approve that domain "
            "only if you know your provider uses it."
        ).format(host=host, domain=shown),
    )


async def discover_issuer(
    hint: str,
    *,
    address_domain: str,
    fetcher: Fetcher,
    deadline: float,
    vouched: Iterable[str] = (),
    approved: Iterable[str] = (),
    source: str = "server",
) -> IssuerAttempt:
    """Classify the issuer ``hint`` names; when trusted, fetch and check its metadata."""
    decided = classify_issuer(
        issuer_of(hint), address_domain=address_domain, vouched=vouched, approved=approved
    )
    decided = _with_source(decided, source)
    if decided.status is not IssuerStatus.TRUSTED or decided.issuer is None:
        return decided
    issuer = decided.issuer
    result = await _fetch_metadata(fetcher, issuer, deadline)
    if not result.ok or result.body is None:
        why = result.error or f"HTTP {result.status}"
        return _with(
            decided,
            IssuerStatus.FAILED,
            _("Its metadata could not be read: {why}.").format(why=why),
        )
    metadata, problem = parse_metadata(result.body, issuer)
    if metadata is None:
        return _with(decided, IssuerStatus.REFUSED, problem)
    return IssuerAttempt(IssuerStatus.TRUSTED, issuer, decided.registrable, "", metadata, source)


async def _fetch_metadata(fetcher: Fetcher, issuer: str, deadline: float) -> FetchResult:
    """RFC 8414's document, or when it is not there (404) the OpenID Connect one."""
    result = await fetcher.fetch(
        metadata_url(issuer),
        deadline=deadline,
        max_redirects=0,
        headers=(("Accept", "application/json"),),
    )
    if result.status != 404:  # a failure other than "not there" is the answer
        return result
    return await fetcher.fetch(
        oidc_metadata_url(issuer),
        deadline=deadline,
        max_redirects=0,
        headers=(("Accept", "application/json"),),
    )


def parse_metadata(body: bytes, issuer: str) -> tuple[IssuerMetadata | None, str]:
    """RFC 8414 section 3.2 and 3.3, and what the profile needs; (None, why) when unusable."""
    try:
        raw = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None, _("Its metadata is not JSON.")
    if not isinstance(raw, dict):
        return None, _("Its metadata is not a JSON object.")
    if raw.get("issuer") != issuer:
        return None, _("Its metadata names another issuer than {issuer}.").format(issuer=issuer)
    endpoints: dict[str, str | None] = {}
    for key in (
        "authorization_endpoint",
        "token_endpoint",
        "registration_endpoint",
        "revocation_endpoint",
    ):
        value = raw.get(key)
        if value is None and key in ("registration_endpoint", "revocation_endpoint"):
            endpoints[key] = None
            continue
        if not isinstance(value, str) or not _is_https(value):
            return None, _("Its metadata has no HTTPS {field}.").format(field=key)
        endpoints[key] = value
    methods = raw.get("code_challenge_methods_supported")
    if not isinstance(methods, list) or "S256" not in methods:
        return None, _("It does not offer PKCE with S256, which the profile requires.")
    kinds = raw.get("response_types_supported")
    if not isinstance(kinds, list) or "code" not in kinds:
        return None, _("It does not offer the authorization code flow.")
    scopes = raw.get("scopes_supported")
    resources = raw.get("protected_resources")
    if resources is not None and not (
        isinstance(resources, list) and all(isinstance(r, str) for r in resources)
    ):
        return None, _("Its metadata lists its protected resources in an unreadable form.")
    return (
        IssuerMetadata(
            issuer=issuer,
            authorization_endpoint=str(endpoints["authorization_endpoint"]),
            token_endpoint=str(endpoints["token_endpoint"]),
            registration_endpoint=endpoints["registration_endpoint"],
            revocation_endpoint=endpoints["revocation_endpoint"],
            scopes_supported=tuple(s for s in scopes if isinstance(s, str))
            if isinstance(scopes, list)
            else (),
            protected_resources=tuple(resources) if resources is not None else None,
        ),
        "",
    )


def _is_https(url: str) -> bool:
    try:
        return urlsplit(url).scheme == "https"
    except ValueError:
        return False


def _with_source(attempt: IssuerAttempt, source: str) -> IssuerAttempt:
    return IssuerAttempt(
        attempt.status,
        attempt.issuer,
        attempt.registrable,
        attempt.reason,
        attempt.metadata,
        source,
    )


def _with(attempt: IssuerAttempt, status: IssuerStatus, reason: str) -> IssuerAttempt:
    return IssuerAttempt(status, attempt.issuer, attempt.registrable, reason, None, attempt.source)
