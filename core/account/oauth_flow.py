"""The OAuth2 sign-in itself: a client ID, the browser, the code, the tokens.

Theory of operation (draft-ietf-mailmaint-oauth-public revision 06, RFC 8252, 7636, 7591,
7009). ``sign_in`` runs, under one deadline and cancellable at every await:

1. A loopback redirect (RFC 8252 section 7.3): an HTTP listener on 127.0.0.1 and a port the
   system picks, path /callback. It answers exactly one request carrying our ``state``;
   anything else gets a 400 and is ignored, so another local program cannot end the wait.
2. A client ID: the administrator's one when the person gave it (a provider that requires a
   registered client; mailhop ships none of its own for them), else dynamic registration
   (RFC 7591) as a public native client ("token_endpoint_auth_method": "none") with that
   loopback redirect. No registration endpoint and no client ID is ``needs-client-id``.
3. The authorization URL with PKCE S256 (RFC 7636) and a fresh ``state``, built by
   oauthlib's ``WebApplicationClient`` (a maintained library; no HTTP of its own, so every
   request still goes through mailhop's verified fetcher and DNSSEC-aware resolver).
   ``open_browser(url)`` shows it: the window opens the system browser, the CLI prints it.
4. The code from the redirect, then the token request (code + verifier) to the token
   endpoint, parsed by oauthlib (RFC 6749 section 5.1 checks, errors as ``OAuth2Error``);
   only a bearer token is taken (the profile's section 3.8: a DPoP-bound one cannot be
   presented over SASL). Before any of this, oauth_signin.py has checked that the issuer's
   token may go to the account's servers (oauth_resources.py).

The access token becomes a ``BearerToken`` for the login test; the refresh token a
``Password`` for the keyring (``keyring_value``: issuer, client ID and refresh token as one
JSON line under the account's ``oauth2`` entry, secrets.py). Neither is logged, printed or
put into a profile or export; reprs are masked. Every failure is a ``FlowResult`` with a
``FlowCode`` and words for the person.

The steps live beside this module: oauth_loopback.py (1), oauth_client.py (2, 3 and the
POST every request uses), oauth_result.py (the token answer read into a ``FlowResult``).
"""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from collections.abc import Awaitable, Callable
from urllib.parse import urlencode

from oauthlib.oauth2 import WebApplicationClient

from ..common.failure import Failure
from ..common.i18n import _
from ..common.text import server_text
from ..net.fetch import Fetcher
from .oauth_client import FORM, MAIL_SCOPE, authorization_url, post, register
from .oauth_discover import IssuerMetadata
from .oauth_loopback import LoopbackRedirect
from .oauth_result import FlowCode, FlowResult, Tokens, token_result
from .secrets import Password

__all__ = [
    "MAIL_SCOPE",
    "FlowCode",
    "FlowResult",
    "OpenBrowser",
    "Tokens",
    "keyring_value",
    "read_keyring_value",
    "refresh",
    "revoke",
    "sign_in",
]

OpenBrowser = Callable[[str], Awaitable[None] | None]


async def sign_in(
    metadata: IssuerMetadata,
    *,
    fetcher: Fetcher,
    open_browser: OpenBrowser,
    deadline: float,
    client_id: str | None = None,
    login_hint: str | None = None,
) -> FlowResult:
    """The whole flow of the module docstring; cancel the task to stop it (Cancel button)."""
    async with LoopbackRedirect() as redirect:
        registered = client_id or await register(fetcher, metadata, redirect.uri, deadline)
        if isinstance(registered, Failure):
            return FlowResult(registered.code, registered.message)
        client = WebApplicationClient(registered)
        state = secrets.token_urlsafe(24)
        redirect.expect(state)
        url, verifier = authorization_url(metadata, client, redirect.uri, state, login_hint)
        shown = open_browser(url)
        if shown is not None:
            await shown
        try:
            async with asyncio.timeout(max(0.0, deadline - time.monotonic())):
                params = await redirect.wait()
        except TimeoutError:
            return FlowResult(
                FlowCode.TIMEOUT,
                _("Nobody finished signing in at {issuer} in time; nothing was stored.").format(
                    issuer=metadata.issuer
                ),
            )
    if "code" not in params:
        return FlowResult(
            FlowCode.DENIED,
            _("{issuer} did not allow the sign-in ({error}); nothing was stored.").format(
                issuer=metadata.issuer, error=server_text(params.get("error", "no code"), 100)
            ),
        )
    body = client.prepare_request_body(
        code=params["code"],
        redirect_uri=redirect.uri,
        code_verifier=verifier,
        include_client_id=True,
    )
    status, answer, error = await post(
        fetcher, metadata.token_endpoint, body.encode(), FORM, deadline
    )
    return token_result(client, answer, status, error, metadata)


async def refresh(
    metadata: IssuerMetadata,
    *,
    client_id: str,
    refresh_token: Password,
    fetcher: Fetcher,
    deadline: float,
) -> FlowResult:
    """RFC 6749 section 6: a new access token from the stored refresh token (recheck)."""
    client = WebApplicationClient(client_id)
    body = client.prepare_refresh_body(refresh_token=refresh_token.reveal(), client_id=client_id)
    status, answer, error = await post(
        fetcher, metadata.token_endpoint, body.encode(), FORM, deadline
    )
    result = token_result(client, answer, status, error, metadata, refreshing=True)
    if result.ok and result.tokens is not None and result.tokens.refresh is None:
        kept = Tokens(result.tokens.access, refresh_token, client_id, metadata.issuer)
        return FlowResult(FlowCode.OK, tokens=kept)
    return result


async def revoke(
    metadata: IssuerMetadata, *, client_id: str, token: Password, fetcher: Fetcher, deadline: float
) -> bool:
    """RFC 7009: tell the issuer the refresh token is no longer wanted (forget)."""
    if metadata.revocation_endpoint is None:
        return False
    form = urlencode(
        {"token": token.reveal(), "token_type_hint": "refresh_token", "client_id": client_id}
    )
    status, _answer, _error = await post(
        fetcher, metadata.revocation_endpoint, form.encode(), FORM, deadline
    )
    return status == 200


def keyring_value(tokens: Tokens) -> Password:
    """What the account's ``oauth2`` keyring entry holds: one JSON line, masked."""
    if tokens.refresh is None:
        raise ValueError("no refresh token to keep")
    return Password(
        json.dumps(
            {
                "issuer": tokens.issuer,
                "client_id": tokens.client_id,
                "refresh_token": tokens.refresh.reveal(),
            },
            separators=(",", ":"),
        )
    )


def read_keyring_value(value: Password) -> tuple[str, str, Password]:
    """(issuer, client ID, refresh token) from the entry; ValueError if it is not ours."""
    raw = json.loads(value.reveal())
    if not isinstance(raw, dict):
        raise ValueError("not an OAuth2 entry")
    issuer, client_id, token = raw.get("issuer"), raw.get("client_id"), raw.get("refresh_token")
    if not all(isinstance(x, str) and x for x in (issuer, client_id, token)):
        raise ValueError("not an OAuth2 entry")
    return str(issuer), str(client_id), Password(str(token))
