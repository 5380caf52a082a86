"""What an OAuth2 sign-in or refresh ends with: a ``FlowCode``, words, and the tokens.

``token_result`` reads the token endpoint's answer (RFC 6749 section 5.1, checked by
oauthlib) into a ``FlowResult``; a refused or unreadable answer is a result with its code,
never an exception. The access token is a ``BearerToken`` and the refresh token a
``Password``: both masked in every repr.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from oauthlib.oauth2 import WebApplicationClient
from oauthlib.oauth2.rfc6749.errors import OAuth2Error

from ..common.i18n import _
from ..common.text import server_text
from .oauth_discover import IssuerMetadata
from .oauth_sasl import BearerToken
from .secrets import Password

__all__ = ["FlowCode", "FlowResult", "Tokens", "token_result"]


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


def _tokens(client: WebApplicationClient, body: bytes, metadata: IssuerMetadata) -> Tokens:
    """RFC 6749 section 5.1, checked by oauthlib; raises OAuth2Error or ValueError."""
    parsed = client.parse_request_body_response(body.decode("utf-8"))
    kind = str(parsed.get("token_type", ""))
    if kind.lower() != "bearer":
        # A DPoP-bound (or other) token cannot be presented over SASL OAUTHBEARER/XOAUTH2
        # (draft-ietf-mailmaint-oauth-public-06 section 3.8): mailhop never asks for one.
        raise ValueError(f"a {kind[:40]!r} token, not a bearer token for mail")
    refresh_text = parsed.get("refresh_token")
    expires = parsed.get("expires_in")
    return Tokens(
        access=BearerToken(str(parsed["access_token"])),
        refresh=Password(str(refresh_text)) if refresh_text else None,
        client_id=str(client.client_id),
        issuer=metadata.issuer,
        expires_in=int(expires) if expires is not None else None,
    )


def token_result(
    client: WebApplicationClient,
    answer: bytes,
    status: int | None,
    error: str,
    metadata: IssuerMetadata,
    *,
    refreshing: bool = False,
) -> FlowResult:
    """The token endpoint's answer (or the fetch's ``error`` when ``status`` is None) as a
    result; ``invalid_grant`` while refreshing is ``REVOKED`` (RFC 6749 section 5.2)."""
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
