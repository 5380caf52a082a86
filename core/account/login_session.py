"""The login session in its worker thread: the protocol driver run to its end, its outcome
classified, the password masked out of every word that is kept.

login.py decides whether to connect at all and builds the result; this module runs the
session. It is the only one that ever writes the password to a socket (through a driver,
login_drivers.py), and only after TLS is up and the server's key matches the pin from the
check. An OAuth2 access token (a ``BearerToken`` in place of the password) goes the same
way, with OAUTHBEARER or XOAUTH2 (oauth_sasl.py) and only if the server offers one of them
after TLS; a failure's JSON challenge is kept (``Wire.sasl_error``), since it may name the
issuer.
"""

from __future__ import annotations

import base64
import binascii
import imaplib
import poplib
import re
import smtplib
import time
from dataclasses import dataclass

from ..probe.proto_base import ALERT_LIMIT, sanitise
from .login_advice import advice
from .login_codes import SAID_LIMIT, LoginCode, Secret
from .login_drivers import DRIVERS
from .login_wire import Stop, Wire, as_text

__all__ = ["SessionOutcome", "run_session", "scrub"]


@dataclass(frozen=True, slots=True)
class SessionOutcome:
    code: LoginCode
    said: str
    advice: str
    alerts: tuple[str, ...] = ()  # IMAP [ALERT] texts over TLS: masked, sanitised


# Endings that are a server's answer: a deadline that passes just after stays out of them.
_ANSWERS = frozenset(
    {
        LoginCode.CREDENTIALS_REJECTED,
        LoginCode.ACCOUNT_UNAVAILABLE,
        LoginCode.TEMPORARY_FAILURE,
        LoginCode.KEY_CHANGED,
        LoginCode.CERTIFICATE_REFUSED,
        LoginCode.NO_MECHANISM_AFTER_TLS,
    }
)


def run_session(wire: Wire, secret: Secret) -> SessionOutcome:
    """The whole session in the worker thread; never raises."""
    code, detail, said = LoginCode.OK, "", ""
    try:
        DRIVERS[wire.target.service](wire, secret)
    except Stop as stop:
        code, detail, said = stop.code, stop.detail, stop.said
    except Exception as exc:  # a library's error, whatever its type: a result, never raised
        code, detail, said = _library_failure(exc)
    finally:
        wire.close()
    if wire.succeeded:
        code = LoginCode.OK  # a goodbye that failed does not undo the answer
    elif code not in _ANSWERS and (wire.aborted or time.monotonic() >= wire.target.deadline):
        code = LoginCode.TIMEOUT  # the deadline broke the connection: that is the reason
    shown = sanitise(scrub(said, secret.reveal()), SAID_LIMIT)
    # The detail can hold server words too (capabilities after TLS): shown the same way.
    detail = sanitise(scrub(detail, secret.reveal()), SAID_LIMIT)
    alerts = tuple(
        dict.fromkeys(sanitise(scrub(text, secret.reveal()), ALERT_LIMIT) for text in wire.alerts)
    )  # each once: a second attempt often brings the same alert again
    return SessionOutcome(code, shown, advice(wire, code, detail, shown), alerts)


def _library_failure(exc: Exception) -> tuple[LoginCode, str, str]:
    """A library exception as (code, detail, server text). Its own message is used only where
    it is the server's words; the traceback (whose frames hold the password) is dropped."""
    if isinstance(exc, TimeoutError):
        return LoginCode.TIMEOUT, "deadline", ""
    if isinstance(exc, smtplib.SMTPResponseException):
        said = f"{exc.smtp_code} {as_text(exc.smtp_error)}"
        return LoginCode.SERVER_ERROR, "unexpected answer", said
    if isinstance(exc, imaplib.IMAP4.error | poplib.error_proto):
        return LoginCode.SERVER_ERROR, "unexpected answer", as_text(exc.args[0] if exc.args else "")
    if isinstance(exc, OSError | EOFError):
        return LoginCode.SERVER_ERROR, "the connection broke", ""
    return LoginCode.SERVER_ERROR, f"unexpected {type(exc).__name__} in the mail library", ""


def scrub(text: str, secret: str) -> str:
    """The text with the password masked, also inside base64 (a server that echoes AUTH)."""
    if not text:
        return text
    text = text.replace(secret, "****")
    for token in set(re.findall(r"[A-Za-z0-9+/]{8,}={0,2}", text)):
        try:
            decoded = base64.b64decode(token + "=" * (-len(token) % 4))
        except (binascii.Error, ValueError):
            continue
        if secret.encode() in decoded:
            text = text.replace(token, "****")
    return text
