"""An OAuth2 account from check to "signed in": issuer, approval, browser, tokens, login test.

The steps, each a typed result (DESIGN.md section 3), in this order:

1. ``find_issuer``: ask the incoming server. A login test with a placeholder token
   (oauth_sasl.DISCOVERY_TOKEN: nothing of the person's) fails, and its RFC 7628 challenge
   names the metadata URL; otherwise the documents' issuer (autoconfig <oAuth2>). Either way
   oauth_discover.py decides trust (approval by name for a foreign issuer) and reads the
   metadata over verified HTTPS.
2. ``sign_in_account``: the flow (oauth_flow.py: browser, loopback redirect, PKCE), then the
   login test on the incoming and the outgoing server with the access token, exactly where the
   password would go (login.py with a ``BearerToken``), and on success the refresh token goes
   into the keyring under the account's ``oauth2`` entry (secrets.py) and nowhere else.
3. ``recheck_account``: the stored refresh token for a new access token, and the login test
   again: does it still work? A revoked grant says so.
"""

from __future__ import annotations

import ssl
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..common.i18n import _
from ..dns.dnssec import load_root_anchors
from ..dns.resolver import Resolver, system_upstream
from ..net.fetch import Fetcher
from ..net.tlscontext import client_context
from ..policy.plan import Tier, tier_of
from ..probe.probe_report import EndpointProbe
from ..run.discovery import DiscoveryOptions, DiscoveryReport
from .login import LoginResult, login_test
from .oauth_discover import IssuerAttempt, IssuerStatus, discover_issuer, issuer_of
from .oauth_flow import FlowCode, FlowResult, OpenBrowser, keyring_value, read_keyring_value
from .oauth_flow import refresh as refresh_tokens
from .oauth_flow import sign_in as run_flow
from .oauth_resources import refused_hosts
from .oauth_sasl import DISCOVERY_TOKEN, BearerToken
from .secrets import OAUTH2_ENTRY, SecretNotFound, SecretStore, secret_ref

__all__ = [
    "OAuthSetup",
    "OAuthSignIn",
    "fetcher_factory",
    "find_issuer",
    "recheck_account",
    "sign_in_account",
    "sign_in_for_setup",
    "vouched_issuers",
]

DISCOVERY_SECONDS = 15.0  # the SASL question and the metadata, before the browser


@dataclass(frozen=True, slots=True)
class OAuthSignIn:
    """What signing in (or re-checking) an OAuth2 account found."""

    issuer: IssuerAttempt | None
    flow: FlowResult | None = field(default=None, repr=False)
    logins: tuple[LoginResult, ...] = ()
    stored: bool = False
    reason: str = ""

    @property
    def ok(self) -> bool:
        return bool(self.logins) and all(result.ok for result in self.logins)


def vouched_issuers(discovery: DiscoveryReport) -> tuple[str, ...]:
    """Issuers named by tier A or B documents: they count like the domain's own word."""
    found = []
    for attempt in discovery.attempts:
        tier = tier_of(attempt, discovery.attempts)
        if attempt.oauth2 is not None and attempt.oauth2.issuer and tier in (Tier.A, Tier.B):
            found.append(attempt.oauth2.issuer)
    return tuple(dict.fromkeys(found))


async def find_issuer(
    address: str,
    incoming: EndpointProbe,
    *,
    fetcher: Fetcher,
    context: ssl.SSLContext,
    deadline: float,
    approved_endpoint: bool,
    vouched: Iterable[str] = (),
    approved_issuers: Iterable[str] = (),
    documented: str | None = None,
) -> IssuerAttempt:
    """Step 1 of the module docstring."""
    vouched = tuple(vouched)
    asked = await login_test(
        incoming,
        BearerToken(DISCOVERY_TOKEN),
        address=address,
        approved=approved_endpoint,
        deadline=deadline,
        usernames=(address,),
        context=context,
    )
    hint = asked.sasl_error.openid_configuration if asked.sasl_error else None
    source = "server"
    if hint is None:
        hint, source = documented or (vouched[0] if vouched else None), "document"
    if hint is None:
        return IssuerAttempt(
            IssuerStatus.FAILED,
            None,
            None,
            _(
                "Neither the mail server nor the domain's documents name the service that signs "
                "this account in."
            ),
        )
    domain = address.rpartition("@")[2]
    return await discover_issuer(
        hint,
        address_domain=domain,
        fetcher=fetcher,
        deadline=deadline,
        vouched=vouched,
        approved=approved_issuers,
        source=source,
    )


async def _logins(
    address: str,
    token: BearerToken,
    endpoints: Iterable[EndpointProbe | None],
    *,
    fetcher: Fetcher,
    context: ssl.SSLContext,
    deadline: float,
    approved_endpoint: bool,
) -> tuple[LoginResult, ...]:
    results = []
    for probe in endpoints:
        if probe is None:
            continue
        results.append(
            await login_test(
                probe,
                token,
                address=address,
                approved=approved_endpoint,
                deadline=deadline,
                usernames=(address,),
                context=context,
            )
        )
    return tuple(results)


async def sign_in_account(
    address: str,
    issuer: IssuerAttempt,
    endpoints: Iterable[EndpointProbe | None],
    *,
    fetcher: Fetcher,
    context: ssl.SSLContext,
    open_browser: OpenBrowser,
    deadline: float,
    approved_endpoint: bool,
    store: SecretStore | None,
    client_id: str | None = None,
) -> OAuthSignIn:
    """Step 2: only for a trusted issuer with metadata, whose token may go to every server
    (oauth_resources.py: checked before the browser opens); stores the refresh token."""
    if issuer.status is not IssuerStatus.TRUSTED or issuer.metadata is None:
        return OAuthSignIn(issuer, reason=issuer.reason)
    endpoints = tuple(endpoints)
    refused, why = refused_hosts(
        issuer.metadata,
        (probe.entry.hostname for probe in endpoints if probe is not None),
        documented=issuer.source == "document",
    )
    if refused:
        return OAuthSignIn(issuer, reason=why)
    flow = await run_flow(
        issuer.metadata,
        fetcher=fetcher,
        open_browser=open_browser,
        deadline=deadline,
        client_id=client_id,
        login_hint=address,
    )
    if not flow.ok or flow.tokens is None:
        return OAuthSignIn(issuer, flow, reason=flow.reason)
    tokens = flow.tokens
    logins = await _logins(
        address,
        tokens.access,
        endpoints,
        fetcher=fetcher,
        context=context,
        deadline=deadline,
        approved_endpoint=approved_endpoint,
    )
    done = OAuthSignIn(issuer, flow, logins)
    if not done.ok or store is None or tokens.refresh is None:
        return done
    store.store(secret_ref(address, OAUTH2_ENTRY), keyring_value(tokens))
    return OAuthSignIn(issuer, flow, logins, stored=True)


async def recheck_account(
    address: str,
    endpoints: Iterable[EndpointProbe | None],
    *,
    store: SecretStore,
    fetcher: Fetcher,
    context: ssl.SSLContext,
    deadline: float,
    approved_endpoint: bool,
    vouched: Iterable[str] = (),
) -> OAuthSignIn:
    """Step 3: does the stored grant still sign in? Nothing is stored or opened. The servers
    are today's, so the token must still be allowed to go to them (oauth_resources.py);
    ``vouched``: the issuers today's authenticated documents name (``vouched_issuers``)."""
    try:
        issuer_url, client_id, refresh_token = read_keyring_value(
            store.fetch(secret_ref(address, OAUTH2_ENTRY))
        )
    except (SecretNotFound, ValueError):
        return OAuthSignIn(
            None, reason=_("No OAuth2 sign-in is stored for {address}.").format(address=address)
        )
    issuer = await discover_issuer(
        issuer_url,
        address_domain=address.rpartition("@")[2],
        fetcher=fetcher,
        deadline=deadline,
        vouched=(issuer_of(issuer_url),),  # the person approved it when signing in
        source="keyring",
    )
    if issuer.status is not IssuerStatus.TRUSTED or issuer.metadata is None:
        return OAuthSignIn(issuer, reason=issuer.reason)
    endpoints = tuple(endpoints)
    refused, why = refused_hosts(
        issuer.metadata,
        (probe.entry.hostname for probe in endpoints if probe is not None),
        documented=issuer_of(issuer_url) in {issuer_of(v) for v in vouched},
    )
    if refused:
        return OAuthSignIn(issuer, reason=why)
    flow = await refresh_tokens(
        issuer.metadata,
        client_id=client_id,
        refresh_token=refresh_token,
        fetcher=fetcher,
        deadline=deadline,
    )
    if not flow.ok or flow.tokens is None:
        return OAuthSignIn(issuer, flow, reason=_refresh_failure(flow, address, issuer))
    logins = await _logins(
        address,
        flow.tokens.access,
        endpoints,
        fetcher=fetcher,
        context=context,
        deadline=deadline,
        approved_endpoint=approved_endpoint,
    )
    return OAuthSignIn(issuer, flow, logins)


def _refresh_failure(flow: FlowResult, address: str, issuer: IssuerAttempt) -> str:
    """Why the stored grant no longer signs in; a revoked one says how to mend it."""
    if flow.code is not FlowCode.REVOKED or issuer.metadata is None:
        return flow.reason
    return _(
        "The OAuth2 sign-in stored for {address} no longer works: {issuer} has revoked "
        "it. Sign in again with `mailhop setup`."
    ).format(address=address, issuer=issuer.metadata.issuer)


# --- setup's OAuth2 step -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class OAuthSetup:
    """What setup's OAuth2 step needs from the front end (CLI or window)."""

    fetcher: Callable[[], Fetcher]  # a fresh fetcher on mailhop's resolver (fetcher_factory)
    open_browser: OpenBrowser  # the window opens the system browser; the CLI prints the URL
    ask_issuer: Callable[[IssuerAttempt], Awaitable[bool]]  # approval of a foreign issuer
    client_id: str | None = None  # an administrator's, for providers without registration
    seconds: float = 300.0  # how long the person has at the browser


def fetcher_factory(options: DiscoveryOptions, seconds: float) -> Callable[[], Fetcher]:
    """Fetchers as discovery makes them: mailhop's own resolver and verifying context."""

    def make() -> Fetcher:
        resolver = Resolver(
            options.upstream or system_upstream(),
            options.anchor or load_root_anchors(),
            deadline=time.monotonic() + seconds + 30,
        )
        return Fetcher(
            resolve=resolver.addresses, ssl_context=client_context(options.extra_ca_file)
        )

    return make


async def sign_in_for_setup(
    address: str,
    discovery: DiscoveryReport,
    incoming: EndpointProbe,
    outgoing: EndpointProbe | None,
    *,
    oauth: OAuthSetup,
    store: SecretStore,
    extra_ca_file: Path | None,
) -> OAuthSignIn:
    """Issuer (with approval by name), flow, login tests, keyring: setup's OAuth2 branch.
    ``incoming`` is the first server that signs in with OAuth2 (asked for the issuer);
    ``outgoing`` is None when the other server signs in with the password."""
    context = client_context(extra_ca_file)
    async with oauth.fetcher() as fetcher:
        began = time.monotonic()
        issuer = await find_issuer(
            address,
            incoming,
            fetcher=fetcher,
            context=context,
            deadline=began + DISCOVERY_SECONDS,
            approved_endpoint=True,
            vouched=vouched_issuers(discovery),
        )
        if issuer.status is IssuerStatus.NEEDS_APPROVAL and issuer.issuer and issuer.registrable:
            if not await oauth.ask_issuer(issuer):
                return OAuthSignIn(issuer, reason=issuer.reason)
            issuer = await discover_issuer(
                issuer.issuer,
                address_domain=address.rpartition("@")[2],
                fetcher=fetcher,
                deadline=time.monotonic() + DISCOVERY_SECONDS,
                approved=(issuer.registrable,),
                source=issuer.source,
            )
        return await sign_in_account(
            address,
            issuer,
            (incoming, outgoing),
            fetcher=fetcher,
            context=context,
            open_browser=oauth.open_browser,
            deadline=time.monotonic() + oauth.seconds,
            approved_endpoint=True,
            store=store,
            client_id=oauth.client_id,
        )
