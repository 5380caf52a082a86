"""SASL with an OAuth2 bearer token: what goes where a password would have gone.

RFC 7628 (OAUTHBEARER) and Google's XOAUTH2 carry an access token inside the mail session,
after verified TLS, exactly where PLAIN would carry a password (login_wire.py sends it). This
module is pure: it builds the client's first message and reads the server's error challenge.

    OAUTHBEARER   gs2 header "n,a=<user>," then kvpairs separated by %x01:
                  "host=<host>" "port=<port>" "auth=Bearer <token>", ended by %x01%x01
                  (RFC 7628 section 3.1). On failure the server sends one challenge, a JSON
                  object (section 3.2.2) with "status", optionally "scope" and
                  "openid-configuration" (where its issuer's metadata is), and the client
                  answers it with a single %x01 before the server says no.
    XOAUTH2       "user=<user>%x01auth=Bearer <token>%x01%x01"; its failure challenge is JSON
                  of the same kind (Google's "status", "schemes", "scope").

The challenge is the server's text: untrusted, size-capped, parsed with the standard JSON
parser into a frozen value; the issuer URL it names is only a hint that oauth_discover.py
checks by the discovery trust rules before anything is fetched from it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NoReturn, SupportsIndex, final

__all__ = [
    "MECHANISMS",
    "BearerToken",
    "SaslOAuthError",
    "initial_response",
    "offered",
    "parse_challenge",
]

MECHANISMS = ("OAUTHBEARER", "XOAUTH2")  # best first: OAUTHBEARER is the standard
MAX_CHALLENGE = 4096  # bytes of JSON a server may send back; more is not an error answer
# What a session sends to learn the issuer (no token yet): any token fails the same way.
DISCOVERY_TOKEN = "mailhop-discovery"  # noqa: S105  # a placeholder, not a credential


@final
class BearerToken:
    """An OAuth2 access token, masked like a password (core/account/secrets.Password).

    ``reveal()`` is the one way to the text; printing or a traceback shows BearerToken(****).
    login_wire.py sends it with OAUTHBEARER or XOAUTH2 instead of a password when it is given
    one (a ``Secret`` all the same).
    """

    __slots__ = ("_text",)
    _text: str

    def __init__(self, text: str) -> None:
        # RFC 6750 section 2.1 b64token; control characters would break the SASL framing.
        if not text or not text.isascii() or not text.isprintable() or " " in text:
            raise ValueError("an access token is printable ASCII without spaces")
        object.__setattr__(self, "_text", text)

    def reveal(self) -> str:
        return self._text

    def __repr__(self) -> str:
        return "BearerToken(****)"

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        return repr(self)

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise AttributeError("a BearerToken cannot be changed")

    def __reduce_ex__(self, protocol: SupportsIndex) -> NoReturn:
        raise TypeError("a BearerToken is not pickled")


@dataclass(frozen=True, slots=True)
class SaslOAuthError:
    """A server's OAUTHBEARER/XOAUTH2 failure challenge, as it said it (untrusted)."""

    status: str
    scope: str | None = None
    openid_configuration: str | None = None  # a URL the server names; only a hint


def offered(mechanisms: Iterable[str]) -> tuple[str, ...]:
    """The OAuth2 mechanisms among a server's (after TLS), best first."""
    upper = {m.upper() for m in mechanisms}
    return tuple(m for m in MECHANISMS if m in upper)


def initial_response(mechanism: str, user: str, token: str, host: str, port: int) -> bytes:
    """The client's first SASL message for ``mechanism`` (not yet base64)."""
    if any(c in user for c in ",=\x01") or "\x01" in token:
        # RFC 7628 section 3.1 would need =2C/=3D escapes; a mail address never has them.
        raise ValueError("the user name or token cannot go into a SASL OAuth message")
    if mechanism == "OAUTHBEARER":
        return f"n,a={user},\x01host={host}\x01port={port}\x01auth=Bearer {token}\x01\x01".encode()
    if mechanism == "XOAUTH2":
        return f"user={user}\x01auth=Bearer {token}\x01\x01".encode()
    raise ValueError(f"not an OAuth2 SASL mechanism: {mechanism!r}")


def parse_challenge(data: bytes) -> SaslOAuthError | None:
    """The server's error challenge (already base64-decoded), or None if it is not one."""
    if not data or len(data) > MAX_CHALLENGE:
        return None
    try:
        found = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    if not isinstance(found, dict) or not isinstance(found.get("status"), str):
        return None
    scope, where = found.get("scope"), found.get("openid-configuration")
    return SaslOAuthError(
        status=found["status"][:100],
        scope=scope[:500] if isinstance(scope, str) else None,
        openid_configuration=where[:2000] if isinstance(where, str) else None,
    )
