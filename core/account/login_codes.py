"""How a login test ends: the codes, and what a server's refusal means (pure, table-driven).

The login test is three modules: login.py decides whether to connect at all and builds the
result, login_wire.py runs the session, and this one holds the codes and the classification
of refusals (RFC 5530 IMAP codes, RFC 3206 POP3, RFC 4954 SMTP), to be read and tested alone.
"""

from __future__ import annotations

import enum
import re
from typing import Protocol

from ..common.model import Service

__all__ = [
    "EHLO_NAME",
    "LOGOUT_SECONDS",
    "MAX_ATTEMPTS",
    "SAID_LIMIT",
    "LoginCode",
    "Secret",
    "classify_refusal",
]

MAX_ATTEMPTS = 2  # user name forms tried per service, one attempt each (lockouts)
# What mailhop says in EHLO: an address literal, as Thunderbird does, so the computer's name
# is not told to the server, and smtplib does not ask the OS resolver for it (getfqdn).
EHLO_NAME = "[127.0.0.1]"
SAID_LIMIT = 300  # characters of server text kept in a result
LOGOUT_SECONDS = 1.0  # at most this long for a polite goodbye after the answer


class Secret(Protocol):
    """The password, masked everywhere except ``reveal()`` (core/secrets.Password is one)."""

    def reveal(self) -> str: ...


class LoginCode(enum.StrEnum):
    """How a login test ended. The first group never connects; the second never sends the
    password; the third is the server's answer to it (``attempts`` > 0)."""

    OK = "ok"
    NOT_VERIFIED = "not-verified"
    NOT_APPROVED = "not-approved"
    OAUTH2 = "oauth2"
    CONNECT = "connect"
    TLS_FAILED = "tls-failed"
    CERTIFICATE_REFUSED = "certificate-refused"
    KEY_CHANGED = "key-changed"
    STARTTLS_FAILED = "starttls-failed"
    NO_MECHANISM_AFTER_TLS = "no-mechanism-after-tls"
    CREDENTIALS_REJECTED = "credentials-rejected"
    ACCOUNT_UNAVAILABLE = "account-unavailable"  # locked, disabled, expired, needs web sign-in
    TEMPORARY_FAILURE = "temporary-failure"
    TIMEOUT = "timeout"
    SERVER_ERROR = "server-error"  # an answer that fits no rule above, or a broken connection


# -- what a refusal means ----------------------------------------------------------------

_C, _A, _T, _E = (
    LoginCode.CREDENTIALS_REJECTED,
    LoginCode.ACCOUNT_UNAVAILABLE,
    LoginCode.TEMPORARY_FAILURE,
    LoginCode.SERVER_ERROR,
)
# IMAP response codes, RFC 5530 section 3 (REFERRAL: RFC 2221; never followed, rule 1).
_IMAP_CODES = {
    "AUTHENTICATIONFAILED": _C,
    "AUTHORIZATIONFAILED": _C,
    "EXPIRED": _A,
    "CONTACTADMIN": _A,
    "UNAVAILABLE": _T,
    "LIMIT": _T,
    "INUSE": _T,
    "SERVERBUG": _T,
    "PRIVACYREQUIRED": _E,  # over TLS this is a confused server
    "REFERRAL": _E,
}
# POP3 response codes, RFC 2449 section 8 and RFC 3206.
_POP3_CODES = {"AUTH": _C, "SYS/TEMP": _T, "SYS/PERM": _A, "IN-USE": _T, "LOGIN-DELAY": _T}
# SMTP AUTH replies, RFC 4954 section 6: 535 5.7.8 is "credentials invalid"; Microsoft says
# 535 5.7.3 for the same. 534 5.7.9 (mechanism too weak) and Google's 534 5.7.14 (sign in
# with a browser) are policies; any other 535 5.x.x (5.7.139 "basic auth disabled", Yahoo's
# 5.7.0 "too many bad auth attempts") is about the account, not the password.
_SMTP_CREDENTIALS = {"", "5.7.8", "5.7.3"}
# Words that turn a generic "no" into "stop now": erring towards fewer attempts is safe.
_ACCOUNT_WORDS = re.compile(
    r"lock|disabled|suspend|blocked|too many|expired|deactivat|inactive|not permitted|"
    r"application.specific|app password|web ?browser|web login",
    re.IGNORECASE,
)
_TEMPORARY_WORDS = re.compile(r"try again later|temporar", re.IGNORECASE)
_BRACKETED = re.compile(r"\[([A-Z][A-Z0-9/-]*)")
_ENHANCED = re.compile(r"^\d{3}[ -]([245]\.\d{1,3}\.\d{1,3})\b")


def classify_refusal(service: Service, reply: str) -> LoginCode:
    """What a server's "no" to a password means (``reply`` is the untrusted answer line:
    ``NO [CODE] text`` or ``BAD text`` for IMAP, ``-ERR [CODE] text`` for POP3,
    ``535 5.7.8 text`` for SMTP). Only CREDENTIALS_REJECTED lets a second form be tried."""
    text = reply.strip()
    if service is Service.IMAP:
        if text.upper().startswith("BAD"):
            return _E
        bracket = _BRACKETED.search(text)
        code = _IMAP_CODES.get(bracket.group(1), _C) if bracket else _C
    elif service is Service.POP3:
        bracket = _BRACKETED.search(text)
        code = _POP3_CODES.get(bracket.group(1), _C) if bracket else _C
    else:
        status = text[:3]
        enhanced = _ENHANCED.match(text)
        detail = enhanced.group(1) if enhanced else ""
        if status.startswith("4"):
            code = _A if status == "432" else _T  # 432 4.7.12: a password change is needed
        elif status == "535":
            code = _C if detail in _SMTP_CREDENTIALS else _A
        elif status in ("534", "554"):
            code = _A
        else:
            code = _E  # 530, 538, 5xx syntax: mailhop or the server got the dialogue wrong
    if code is _C and _ACCOUNT_WORDS.search(text):
        return _A
    if code is _C and _TEMPORARY_WORDS.search(text):
        return _T
    return code
