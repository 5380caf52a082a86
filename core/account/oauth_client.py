"""The OAuth2 client's side of the requests: a client ID, the authorization URL, a POST.

``register`` asks for a client ID by dynamic registration (RFC 7591 section 3.1) as a
public native client ("token_endpoint_auth_method": "none") with the loopback redirect; an
issuer without a registration endpoint is ``NEEDS_CLIENT_ID`` (the person gives an
administrator's client ID instead). ``authorization_url`` builds the browser's URL with PKCE
S256 (RFC 7636) through oauthlib's ``WebApplicationClient``, which does no HTTP of its own:
every request goes through ``post``, mailhop's verified fetcher with no redirect followed.
"""

from __future__ import annotations

import json

from oauthlib.oauth2 import WebApplicationClient

from ..common.failure import Failure
from ..common.i18n import _
from ..net.fetch import Fetcher
from .oauth_discover import IssuerMetadata
from .oauth_result import FlowCode

__all__ = ["MAIL_SCOPE", "authorization_url", "post", "register"]

MAIL_SCOPE = "urn:ietf:params:oauth:scope:mail"  # asked for when the issuer lists it
CLIENT_NAME = "mailhop"
FORM = "application/x-www-form-urlencoded"


async def post(
    fetcher: Fetcher, url: str, body: bytes, content_type: str, deadline: float
) -> tuple[int | None, bytes, str]:
    """(status, body, the fetch's error words); status None when no answer came."""
    result = await fetcher.fetch(
        url,
        deadline=deadline,
        method="POST",
        body=body,
        max_redirects=0,
        headers=(("Content-Type", content_type), ("Accept", "application/json")),
    )
    return result.status, result.body or b"", result.error or ""


async def register(
    fetcher: Fetcher, metadata: IssuerMetadata, redirect_uri: str, deadline: float
) -> str | Failure[FlowCode]:
    """RFC 7591 section 3.1: a public native client; the client ID, or why not."""
    if metadata.registration_endpoint is None:
        return Failure(
            code=FlowCode.NEEDS_CLIENT_ID,
            message=_(
                "{issuer} does not let mail programs register themselves, and mailhop ships no "
                "client ID of its own for it. Ask your administrator or provider for a client "
                "ID for a desktop mail program and give it to mailhop (--oauth-client-id, or "
                "the sign-in page's client ID field)."
            ).format(issuer=metadata.issuer),
        )
    asked = {
        "client_name": CLIENT_NAME,
        "application_type": "native",
        "redirect_uris": [redirect_uri],
        "token_endpoint_auth_method": "none",
        "grant_types": ["authorization_code", "refresh_token"],
        "response_types": ["code"],
    }
    endpoint = metadata.registration_endpoint
    status, body, error = await post(
        fetcher, endpoint, json.dumps(asked).encode(), "application/json", deadline
    )
    try:
        client_id = json.loads(body).get("client_id") if status == 201 else None
    except (ValueError, AttributeError):
        client_id = None
    if not isinstance(client_id, str) or not client_id:
        why = error or f"HTTP {status}"
        return Failure(
            code=FlowCode.REGISTRATION_FAILED,
            message=_("{issuer} did not register mailhop ({why}).").format(
                issuer=metadata.issuer, why=why
            ),
        )
    return client_id


def authorization_url(
    metadata: IssuerMetadata,
    client: WebApplicationClient,
    redirect_uri: str,
    state: str,
    login_hint: str | None = None,
) -> tuple[str, str]:
    """The URL for the browser and the PKCE verifier that goes with it."""
    verifier = client.create_code_verifier(64)
    challenge = client.create_code_challenge(verifier, "S256")
    scopes = MAIL_SCOPE if MAIL_SCOPE in metadata.scopes_supported else None
    extra = {"login_hint": login_hint} if login_hint else {}
    url = client.prepare_request_uri(
        metadata.authorization_endpoint,
        redirect_uri=redirect_uri,
        scope=scopes,
        state=state,
        code_challenge=challenge,
        code_challenge_method="S256",
        **extra,
    )
    return str(url), verifier
