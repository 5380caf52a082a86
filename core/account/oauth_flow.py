"""The OAuth2 sign-in itself: a client ID, the browser, the code, the tokens.

Theory of operation (draft-ietf-mailmaint-oauth-public revision 02, RFC 8252, 7636, 7591,
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
   endpoint, parsed by oauthlib (RFC 6749 section 5.1 checks, errors as ``OAuth2Error``).

The access token becomes a ``BearerToken`` for the login test; the refresh token a
``Password`` for the keyring (``keyring_value``: issuer, client ID and refresh token as one
JSON line under the account's ``oauth2`` entry, secrets.py). Neither is logged, printed or
put into a profile or export; reprs are masked. Every failure is a ``FlowResult`` with a
``FlowCode`` and words for the person.
"""

from __future__ import annotations

import asyncio
import enum
import json
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urlsplit

from oauthlib.oauth2 import WebApplicationClient
from oauthlib.oauth2.rfc6749.errors import OAuth2Error

from ..common.i18n import _
from ..common.text import server_text
from ..net.fetch import Fetcher
from .oauth_discover import IssuerMetadata
from .oauth_sasl import BearerToken
from .secrets import Password

__all__ = [
    "MAIL_SCOPE",
    "FlowCode",
    "FlowResult",
    "LoopbackRedirect",
    "Tokens",
    "keyring_value",
    "read_keyring_value",
    "refresh",
    "revoke",
    "sign_in",
]

MAIL_SCOPE = "urn:ietf:params:oauth:scope:mail"  # asked for when the issuer lists it
CALLBACK = "/callback"
CLIENT_NAME = "mailhop"
MAX_REQUEST = 8192  # the browser's request line and headers on the loopback listener

OpenBrowser = Callable[[str], Awaitable[None] | None]


class FlowCode(enum.StrEnum):
    OK = "ok"
    NEEDS_CLIENT_ID = "needs-client-id"  # no dynamic registration: an admin's client ID
    REGISTRATION_FAILED = "registration-failed"
    DENIED = "denied"  # the person (or the server) said no at the consent page
    TIMEOUT = "timeout"
    TOKEN_FAILED = "token-failed"  # noqa: S105  # a result code, not a credential
    REVOKED = "revoked"  # a refresh token the issuer no longer honours


@dataclass(frozen=True, slots=True)
class Tokens:
    access: BearerToken
    refresh: Password | None
    client_id: str
    issuer: str
    expires_in: int | None = None


@dataclass(frozen=True, slots=True)
class FlowResult:
    code: FlowCode
    reason: str = ""
    tokens: Tokens | None = field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        return self.code is FlowCode.OK and self.tokens is not None


# --- the loopback redirect -------------------------------------------------------------------


class LoopbackRedirect:
    """RFC 8252 section 7.3: the one request the browser makes back to mailhop."""

    def __init__(self) -> None:
        self._server: asyncio.Server | None = None
        self._state = ""
        self._uri = ""
        self._answer: asyncio.Future[dict[str, str]] | None = None

    async def __aenter__(self) -> LoopbackRedirect:
        self._answer = asyncio.get_running_loop().create_future()
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        port = self._server.sockets[0].getsockname()[1]
        self._uri = f"http://127.0.0.1:{port}{CALLBACK}"
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    @property
    def uri(self) -> str:
        """The redirect URI (kept after closing: the token request repeats it)."""
        return self._uri

    def expect(self, state: str) -> None:
        self._state = state

    async def wait(self) -> dict[str, str]:
        assert self._answer is not None
        return await asyncio.shield(self._answer)

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
            line = head[:MAX_REQUEST].split(b"\r\n", 1)[0].decode("latin-1")
            method, target, _version = line.split(" ", 2)
            parts = urlsplit(target)
            params = dict(parse_qsl(parts.query))
            ours = method == "GET" and parts.path == CALLBACK and params.get("state") == self._state
            if ours and self._answer is not None and not self._answer.done():
                self._answer.set_result(params)
                body = _("You can close this page and return to mailhop.").encode()
                status = "200 OK"
            else:
                body, status = b"not expected\n", "400 Bad Request"
            writer.write(
                f"HTTP/1.1 {status}\r\nContent-Type: text/plain; charset=utf-8\r\n"
                f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
                + body
            )
            await writer.drain()
        except (ValueError, OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            pass
        except TimeoutError:
            pass
        finally:
            writer.close()


# --- the steps ------------------------------------------------------------------------------


async def _post(
    fetcher: Fetcher, url: str, body: bytes, content_type: str, deadline: float
) -> tuple[int | None, bytes, str]:
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
) -> str | FlowResult:
    """RFC 7591 section 3.1: a public native client; the client ID, or why not."""
    if metadata.registration_endpoint is None:
        return FlowResult(
            FlowCode.NEEDS_CLIENT_ID,
            _(
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
    status, body, error = await _post(
        fetcher,
        metadata.registration_endpoint,
        json.dumps(asked).encode(),
        "application/json",
        deadline,
    )
    try:
        client_id = json.loads(body).get("client_id") if status == 201 else None
    except (ValueError, AttributeError):
        client_id = None
    if not isinstance(client_id, str) or not client_id:
        why = error or f"HTTP {status}"
        return FlowResult(
            FlowCode.REGISTRATION_FAILED,
            _("{issuer} did not register mailhop ({why}).").format(issuer=metadata.issuer, why=why),
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


def _tokens(client: WebApplicationClient, body: bytes, metadata: IssuerMetadata) -> Tokens:
    """RFC 6749 section 5.1, checked by oauthlib; raises OAuth2Error or ValueError."""
    parsed = client.parse_request_body_response(body.decode("utf-8"))
    refresh_text = parsed.get("refresh_token")
    expires = parsed.get("expires_in")
    return Tokens(
        access=BearerToken(str(parsed["access_token"])),
        refresh=Password(str(refresh_text)) if refresh_text else None,
        client_id=str(client.client_id),
        issuer=metadata.issuer,
        expires_in=int(expires) if expires is not None else None,
    )


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
        if isinstance(registered, FlowResult):
            return registered
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
    status, answer, error = await _post(
        fetcher,
        metadata.token_endpoint,
        body.encode(),
        "application/x-www-form-urlencoded",
        deadline,
    )
    return _token_result(client, answer, status, error, metadata)


def _token_result(
    client: WebApplicationClient,
    answer: bytes,
    status: int | None,
    error: str,
    metadata: IssuerMetadata,
    *,
    refreshing: bool = False,
) -> FlowResult:
    try:
        if status is None:
            raise ValueError(error)
        return FlowResult(FlowCode.OK, tokens=_tokens(client, answer, metadata))
    except OAuth2Error as exc:
        code = (
            FlowCode.REVOKED
            if refreshing and exc.error == "invalid_grant"
            else FlowCode.TOKEN_FAILED
        )
        return FlowResult(
            code,
            _("{issuer} gave no token ({error}).").format(
                issuer=metadata.issuer, error=server_text(str(exc.error), 100)
            ),
        )
    except (ValueError, KeyError, UnicodeDecodeError) as exc:
        why = server_text(str(exc), 200) or f"HTTP {status}"
        return FlowResult(
            FlowCode.TOKEN_FAILED,
            _("{issuer} gave no token ({error}).").format(issuer=metadata.issuer, error=why),
        )


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
    status, answer, error = await _post(
        fetcher,
        metadata.token_endpoint,
        body.encode(),
        "application/x-www-form-urlencoded",
        deadline,
    )
    result = _token_result(client, answer, status, error, metadata, refreshing=True)
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
    status, _answer, _error = await _post(
        fetcher,
        metadata.revocation_endpoint,
        form.encode(),
        "application/x-www-form-urlencoded",
        deadline,
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
