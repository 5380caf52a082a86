"""The login test: the first and only place a password goes on the wire.

Theory of operation. ``login_test`` takes one endpoint the check verified (an
``EndpointProbe``) and proves that the password works there, or says plainly why not. In
order, and stopping at the first "no" (DESIGN.md section 4, rules 1, 2, 3, 9, 10):

1. Refusals that need no connection at all: the check did not authenticate the endpoint
   (``not-verified``); the account signs in with OAuth2 (``oauth2``: the mail client runs
   the provider's flow, no password is asked for or sent); the endpoint needs approval
   and the caller has none (``not-approved``).
2. Connect to the very address the probe used (``probe.peer``), never a fresh lookup: no OS
   resolver, and the same server the check looked at. The library is handed that socket
   through its one socket seam (imaplib ``_create_socket`` behind IMAPClient's
   ``_create_IMAP4``, poplib ``_create_socket``, smtplib ``_get_socket``) and keeps the
   host name, the A-label, for SNI and the certificate check (rule 8).
3. TLS with mailhop's verifying context (``tlscontext.client_context``), then the key pin:
   the SHA-256 of the leaf's SubjectPublicKeyInfo must equal the one the check recorded
   (``probe.cert.spki_sha256``), else ``key-changed`` and the connection is dropped before
   the library says a word over TLS. The one exception to verification (rule 3: "setup-only
   and pinned to one SPKI hash") is an endpoint the check authenticated by DANE alone (a
   self-signed DANE-EE certificate, RFC 7672 section 3.1.1): its handshake uses
   ``_pinned_context`` (no PKIX, no name check) and the pin is then the *only* thing that
   authenticates the server, which is why it is compared before anything else happens.
4. STARTTLS is required and strict, as in the probe (rule 2): a missing capability, a
   refusal, PREAUTH, or any byte that arrived after the STARTTLS reply (buffered by the
   library or waiting in the kernel) ends the session; everything from before TLS is
   discarded and the capabilities are read again over TLS. The libraries' own starttls
   cannot do this (they wrap the socket, dropping their buffer unseen, and imaplib sends
   CAPABILITY before a pin could be checked), so the upgrade is ours: ``_Imap4.starttls``
   (IMAPClient's ``starttls`` calls it), ``_Pop3.upgrade``, ``_Smtp.upgrade``, each a few
   lines of the library's own, all ending in ``_Wire.upgrade``.
5. Only mechanisms the server offers after TLS: IMAP ``AUTH=PLAIN`` or LOGIN unless
   ``LOGINDISABLED``; POP3 ``USER`` or ``SASL PLAIN`` from CAPA; SMTP ``AUTH PLAIN`` or
   ``LOGIN`` from EHLO. None offered -> ``no-mechanism-after-tls``, password not sent.
6. At most two attempts (lockouts, rule 9): the user name forms given, one try each, and a
   second try only when the first answer said "wrong credentials". An answer that means
   locked, disabled, expired or "try later" stops at once (``classify_refusal``).

Every result is data (``LoginResult``), never an exception: misuse (a relay endpoint, no
user name, more than two) is the only ValueError. The wording never suggests trying
other passwords; it says what the server answered, as untrusted text (escaped, capped, and
with the password masked should a server echo it), and what to check.

Where the password is: only in the worker thread, fetched with ``reveal()`` at the moment a
library sends it. Library exceptions are caught in that thread and turned into words that
never quote it; imaplib's protocol trace (which IMAPClient routes to ``logging``) and
smtplib's and poplib's debug output stay off. Nothing is logged.

Deadline: the blocking libraries run in a thread (``asyncio.to_thread``) with socket
timeouts set from the one absolute deadline before every step; a server that trickles bytes
cannot stretch a step past it either, because at the deadline the event loop shuts the TCP
connection down (through a duplicate of the socket), which wakes the thread at once.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import enum
import functools
import hashlib
import imaplib
import poplib
import re
import smtplib
import socket
import ssl
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol

from imapclient import IMAPClient  # type: ignore[import-untyped, unused-ignore]
from imapclient.exceptions import LoginError  # type: ignore[import-untyped, unused-ignore]

from .account import usernames as default_usernames
from .approval import is_approved, unicode_domain
from .certinfo import load_certificate, spki_der
from .connect import check_addresses
from .model import Security, Service
from .probe_report import EndpointProbe
from .proto_base import sanitise
from .tlscontext import MINIMUM_VERSION, client_context

__all__ = [
    "EHLO_NAME",
    "MAX_ATTEMPTS",
    "LoginCode",
    "LoginResult",
    "Secret",
    "classify_refusal",
    "login_test",
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


@dataclass(frozen=True, slots=True)
class LoginResult:
    """One service's login test.

    ``attempts`` counts the times the password was sent (0: it never left the machine).
    ``username_used`` is the user name of the last attempt (the one that worked when ``ok``),
    None when none was made; ``mechanism`` what carried it (``AUTHENTICATE PLAIN``, ``LOGIN``,
    ``USER/PASS``, ``AUTH PLAIN``, ...). ``server_said`` is the server's own answer, untrusted:
    escaped, capped, password masked. ``advice`` is for the person.
    """

    service: Service
    host: str
    port: int
    ok: bool
    code: LoginCode
    username_used: str | None
    mechanism: str | None
    server_said: str
    advice: str
    attempts: int
    elapsed: float


async def login_test(
    probe: EndpointProbe,
    password: Secret,
    *,
    address: str,
    approved: bool,
    deadline: float,
    usernames: Sequence[str] | None = None,
    extra_ca_file: Path | None = None,
    context: ssl.SSLContext | None = None,
) -> LoginResult:
    """Test ``password`` at the endpoint ``probe`` describes, by ``deadline`` (monotonic).

    ``usernames`` defaults to account.usernames (the policy's, else the address, then the
    local part). ``context`` defaults to ``client_context(extra_ca_file)``.
    """
    began = time.monotonic()
    entry = probe.entry
    if entry.service is Service.RELAY:
        raise ValueError("the login test is for IMAP, POP3 and submission, not the relay")
    forms = tuple(usernames) if usernames is not None else default_usernames(entry, address)
    if not forms or len(forms) > MAX_ATTEMPTS:
        raise ValueError(f"between 1 and {MAX_ATTEMPTS} user names, not {len(forms)}")
    refusal = _refusal(probe, approved)
    if refusal is not None:
        return _result(probe, refusal[0], refusal[1], began=began)
    assert probe.peer is not None and probe.cert is not None  # checked by _refusal
    pinned_only = not probe.pkix_valid  # authenticated by DANE alone
    target = _Target(
        service=entry.service,
        host=entry.hostname,
        port=entry.port,
        implicit=entry.security is Security.IMPLICIT_TLS,
        peer=check_addresses([probe.peer])[0],
        pin=probe.cert.spki_sha256.lower(),
        context=_pinned_context() if pinned_only else context or client_context(extra_ca_file),
        forms=forms,
        deadline=deadline,
    )
    wire = _Wire(target)
    if time.monotonic() >= deadline:
        advice = "The deadline had passed before the login test began. Nothing was sent."
        return _result(probe, LoginCode.TIMEOUT, advice, began=began)
    task = asyncio.ensure_future(asyncio.to_thread(_run, wire, password))
    try:
        done, _ = await asyncio.wait({task}, timeout=max(0.0, deadline - time.monotonic()))
        if not done:
            wire.abort()  # the thread wakes at once and reports the timeout
        outcome = await task
    except asyncio.CancelledError:
        wire.abort()
        raise
    return LoginResult(
        service=entry.service,
        host=entry.hostname,
        port=entry.port,
        ok=outcome.code is LoginCode.OK,
        code=outcome.code,
        username_used=wire.username,
        mechanism=wire.mechanism,
        server_said=outcome.said,
        advice=outcome.advice,
        attempts=wire.attempts,
        elapsed=time.monotonic() - began,
    )


def _refusal(probe: EndpointProbe, approved: bool) -> tuple[LoginCode, str] | None:
    """Why no connection is made at all, or None."""
    entry = probe.entry
    where = f"{entry.hostname} port {entry.port}"
    if probe.failure is not None or probe.authenticated_by is None:
        why = probe.failure_detail or probe.pkix_error or probe.dane_detail or "not verified"
        return LoginCode.NOT_VERIFIED, (
            f"The check could not verify {where} ({sanitise(why, SAID_LIMIT)}), so mailhop "
            "sends no password there. Nothing was sent."
        )
    if entry.oauth2:
        return LoginCode.OAUTH2, (
            f"{where} signs in with OAuth2: your mail client opens the provider's sign-in page "
            "itself, so mailhop neither asks for nor sends a password."
        )
    if not approved and not is_approved(entry, ()):
        a_label, u_label = entry.registrable, unicode_domain(entry.registrable)
        domain = a_label if u_label == a_label else f"{u_label}, written {a_label}"  # rule 4
        return LoginCode.NOT_APPROVED, (
            f"{entry.hostname} (in the domain {domain}) needs your approval before a password "
            "goes there: nothing the address's domain authenticated vouches for it. Nothing "
            "was sent."
        )
    if probe.cert is None or not probe.cert.spki_sha256 or probe.peer is None:
        return LoginCode.NOT_VERIFIED, (
            f"The check recorded no server key for {where} to hold the login to, so mailhop "
            "sends no password there. Nothing was sent."
        )
    return None


def _result(probe: EndpointProbe, code: LoginCode, advice: str, *, began: float) -> LoginResult:
    """A result for a login test that made no connection."""
    entry = probe.entry
    return LoginResult(
        service=entry.service,
        host=entry.hostname,
        port=entry.port,
        ok=False,
        code=code,
        username_used=None,
        mechanism=None,
        server_said="",
        advice=advice,
        attempts=0,
        elapsed=time.monotonic() - began,
    )


@functools.lru_cache(maxsize=1)
def _pinned_context() -> ssl.SSLContext:
    """The handshake context for an endpoint authenticated by DANE alone (module docstring,
    step 3). It verifies NOTHING by itself: a session made with it is used only after
    ``_Wire.handshake`` found the leaf's SPKI equal to the one the check authenticated, and
    that comparison is unconditional. TLS 1.2 at least and SNI, like every mailhop context.
    """
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.minimum_version = MINIMUM_VERSION
    context.check_hostname = False  # before verify_mode: OpenSSL refuses the other order
    context.verify_mode = ssl.CERT_NONE
    return context


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


# -- the session, in the worker thread ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Target:
    service: Service
    host: str  # A-label: SNI and the certificate check
    port: int
    implicit: bool
    peer: str  # the IP literal the probe connected to
    pin: str  # hex SHA-256 of the leaf SPKI the check authenticated
    context: ssl.SSLContext
    forms: tuple[str, ...]
    deadline: float


@dataclass(frozen=True, slots=True)
class _Outcome:
    code: LoginCode
    said: str
    advice: str


class _Stop(Exception):
    """Ends the session with a result; raised only inside the worker thread."""

    def __init__(self, code: LoginCode, detail: str, said: str = "") -> None:
        super().__init__(detail)
        self.code, self.detail, self.said = code, detail, said


class _Wire:
    """The connection and what happened on it; shared with the event loop only through
    ``abort`` (and read after the thread has finished)."""

    def __init__(self, target: _Target) -> None:
        self.target = target
        self.phase = "connecting"
        self.attempts = 0
        self.username: str | None = None
        self.mechanism: str | None = None
        self.offered_before: tuple[str, ...] = ()  # sign-in methods shown before TLS
        self.sock: socket.socket | None = None
        self.succeeded = False
        self.aborted = False
        self._guard: socket.socket | None = None  # a duplicate, to shut down from outside
        self._lock = threading.Lock()

    def step(self, phase: str) -> None:
        """Start a phase: the socket's timeout becomes what is left of the deadline."""
        self.phase = phase
        left = self.target.deadline - time.monotonic()
        if left <= 0 or self.aborted:
            raise _Stop(LoginCode.TIMEOUT, "deadline")
        if self.sock is not None:
            self.sock.settimeout(left)

    def open(self) -> socket.socket:
        """The library's socket: connected to the probe's address, and for implicit TLS
        already through the handshake and the pin."""
        target = self.target
        self.step("connecting")
        left = target.deadline - time.monotonic()
        try:
            sock = socket.create_connection((target.peer, target.port), timeout=left)
        except OSError as exc:
            if isinstance(exc, TimeoutError):
                raise _Stop(LoginCode.TIMEOUT, "deadline") from None
            reason = "connection refused" if isinstance(exc, ConnectionRefusedError) else exc
            raise _Stop(LoginCode.CONNECT, f"{target.peer}: {reason}") from None
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self._lock:
            self._guard = sock.dup()
            if self.aborted:
                self._guard.shutdown(socket.SHUT_RDWR)
        self.sock = sock
        return self.handshake(sock) if target.implicit else sock

    def upgrade(self, sock: socket.socket, file: object) -> ssl.SSLSocket:
        """After the server's yes to STARTTLS: nothing may be waiting, then TLS (rule 2)."""
        if _unread(sock, file):
            raise _Stop(
                LoginCode.STARTTLS_FAILED,
                "the server sent more right after its answer to STARTTLS, before TLS began; "
                "an attacker on the path can inject such bytes (CVE-2011-0411)",
            )
        return self.handshake(sock)

    def handshake(self, sock: socket.socket) -> ssl.SSLSocket:
        target = self.target
        self.step("in the TLS handshake")
        try:
            tls = target.context.wrap_socket(sock, server_hostname=target.host)
        except ssl.SSLCertVerificationError as exc:
            raise _Stop(
                LoginCode.CERTIFICATE_REFUSED, exc.verify_message or exc.reason or "refused"
            ) from None
        except (ssl.SSLError, OSError) as exc:
            if isinstance(exc, TimeoutError) or self.aborted:
                raise _Stop(LoginCode.TIMEOUT, "deadline") from None
            raise _Stop(LoginCode.TLS_FAILED, getattr(exc, "reason", None) or str(exc)) from None
        self.sock = tls
        presented = _leaf_spki_sha256(tls.getpeercert(binary_form=True))
        if presented != target.pin:
            tls.close()
            raise _Stop(LoginCode.KEY_CHANGED, presented or "no readable key")
        return tls

    def abort(self) -> None:
        """From the event loop: end the connection now; the blocked thread wakes up."""
        with self._lock:
            self.aborted = True
            if self._guard is not None:
                with contextlib.suppress(OSError):
                    self._guard.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        with self._lock:
            if self._guard is not None:
                self._guard.close()
        if self.sock is not None:
            with contextlib.suppress(OSError):
                self.sock.close()

    def try_forms(self, attempt: Callable[[str], str | None]) -> None:
        """One attempt per user name form; ``attempt`` returns None on success, else the
        server's answer, and counts an attempt just before the password goes out."""
        forms = self.target.forms
        for index, form in enumerate(forms):
            self.step("waiting for the answer to the password")
            self.username = form
            said = attempt(form)
            if said is None:
                self.succeeded = True
                return
            code = classify_refusal(self.target.service, said)
            if code is not LoginCode.CREDENTIALS_REJECTED or index == len(forms) - 1:
                raise _Stop(code, "refused", said)

    def count_attempt(self) -> None:
        self.step("waiting for the answer to the password")
        self.attempts += 1


def _unread(sock: socket.socket, file: object) -> bool:
    """Bytes received and not read yet: in the library's buffered reader, or in the kernel.

    Looked at without blocking: a BufferedReader over a non-blocking socket answers peek()
    from its buffer, or with b"" when the kernel has nothing either.
    """
    timeout = sock.gettimeout()
    sock.setblocking(False)
    try:
        peek = getattr(file, "peek", None)
        if peek is not None and peek(1):
            return True
        try:
            return bool(sock.recv(1, socket.MSG_PEEK))
        except (BlockingIOError, InterruptedError):
            return False
    finally:
        sock.settimeout(timeout)


def _leaf_spki_sha256(der: bytes | None) -> str | None:
    """Computed as certinfo computes ``CertSummary.spki_sha256``, so equal keys compare equal."""
    cert = load_certificate(der) if der else None
    if cert is None:
        return None
    try:
        return hashlib.sha256(spki_der(cert)).hexdigest()
    except ValueError:
        return None


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


def _run(wire: _Wire, secret: Secret) -> _Outcome:
    """The whole session in the worker thread; never raises."""
    code, detail, said = LoginCode.OK, "", ""
    try:
        _DRIVERS[wire.target.service](wire, secret)
    except _Stop as stop:
        code, detail, said = stop.code, stop.detail, stop.said
    except Exception as exc:  # a library's error, whatever its type: a result, never raised
        code, detail, said = _library_failure(exc)
    finally:
        wire.close()
    if wire.succeeded:
        code = LoginCode.OK  # a goodbye that failed does not undo the answer
    elif code not in _ANSWERS and (wire.aborted or time.monotonic() >= wire.target.deadline):
        code = LoginCode.TIMEOUT  # the deadline broke the connection: that is the reason
    text = _scrub(said, secret.reveal())
    shown = sanitise(text, SAID_LIMIT)
    return _Outcome(code, shown, _advice(wire, code, _scrub(detail, secret.reveal()), shown))


def _library_failure(exc: Exception) -> tuple[LoginCode, str, str]:
    """A library exception as (code, detail, server text). Its own message is used only where
    it is the server's words; the traceback (whose frames hold the password) is dropped."""
    if isinstance(exc, TimeoutError):
        return LoginCode.TIMEOUT, "deadline", ""
    if isinstance(exc, smtplib.SMTPResponseException):
        said = f"{exc.smtp_code} {_text(exc.smtp_error)}"
        return LoginCode.SERVER_ERROR, "unexpected answer", said
    if isinstance(exc, imaplib.IMAP4.error | poplib.error_proto):
        return LoginCode.SERVER_ERROR, "unexpected answer", _text(exc.args[0] if exc.args else "")
    if isinstance(exc, OSError | EOFError):
        return LoginCode.SERVER_ERROR, "the connection broke", ""
    return LoginCode.SERVER_ERROR, f"unexpected {type(exc).__name__} in the mail library", ""


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode("ascii")


def _text(value: object) -> str:
    """Server words as the libraries hand them over (bytes or str), as text."""
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _scrub(text: str, secret: str) -> str:
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


# -- wording -------------------------------------------------------------------------------

_TIMES = {1: "once", 2: "twice"}
_ATTEMPTS = {0: "no attempt with the password", 1: "one attempt", 2: "two attempts"}
_SERVICE_WORDS = {Service.IMAP: "IMAP", Service.POP3: "POP3", Service.SUBMISSION: "SMTP"}
_CHECK = (
    "Check whether the provider requires an app password for mail programs (common with "
    "two-step verification), whether this account signs in with OAuth2 in the mail client "
    "instead, and whether it is enabled for {service} access."
)


def _advice(wire: _Wire, code: LoginCode, detail: str, said: str) -> str:
    target = wire.target
    where = f"{target.host} port {target.port}"
    service = _SERVICE_WORDS[target.service]
    answered = f' The server answered: "{said}".' if said else ""
    sent = (
        "The password was not sent."
        if wire.attempts == 0
        else f"The password was sent {_TIMES.get(wire.attempts, 'more than twice')}, only over "
        "verified TLS."
    )
    forms = " and ".join(target.forms[: max(wire.attempts, 1)])
    if code is LoginCode.OK:
        return f"Signed in to {service} at {where} as {wire.username}."
    if code is LoginCode.CREDENTIALS_REJECTED:
        return (
            f"{where} did not accept the password for {forms}.{answered} mailhop stopped "
            f"after {_ATTEMPTS.get(wire.attempts)} so that the account is not locked. "
            + _CHECK.format(service=service)
        )
    if code is LoginCode.ACCOUNT_UNAVAILABLE:
        return (
            f"{where} refused the sign-in for a reason other than the password: the account "
            f"may be locked, disabled, expired or restricted to other sign-in methods.{answered}"
            " mailhop did not try again. Check with your provider or administrator; "
            + _CHECK.format(service=service)
        )
    if code is LoginCode.TEMPORARY_FAILURE:
        return (
            f"{where} reported a temporary problem.{answered} mailhop did not try again, "
            "so that the account is not locked; run the setup again later."
        )
    if code is LoginCode.KEY_CHANGED:
        return (
            f"{where} presented a different key than during the check (now {detail[:16]}..., "
            f"checked {target.pin[:16]}...). {sent} Run the check again: a key that changed "
            "legitimately shows up there; otherwise something is intercepting the connection."
        )
    if code is LoginCode.NO_MECHANISM_AFTER_TLS:
        before = (
            f" Before TLS it offered {', '.join(wire.offered_before)}: a server that offers "
            "sign-in only before encryption is misconfigured, or the connection was tampered "
            "with."
            if wire.offered_before
            else ""
        )
        return (
            f"After TLS, {where} offered no sign-in method mailhop uses ({detail}).{before} {sent}"
        )
    if code is LoginCode.TIMEOUT:
        return f"{where} did not answer before the deadline; mailhop was {wire.phase}. {sent}"
    words = {
        LoginCode.CONNECT: f"mailhop could not connect to {where} ({detail}).",
        LoginCode.TLS_FAILED: f"The TLS handshake with {where} failed ({detail}).",
        LoginCode.CERTIFICATE_REFUSED: (
            f"{where} presented a certificate this computer refuses now ({detail}), though "
            "the check accepted it. Run the check again."
        ),
        LoginCode.STARTTLS_FAILED: f"{where} did not switch to TLS as required: {detail}.",
        LoginCode.SERVER_ERROR: f"{where} did not behave as expected ({detail}).{answered}",
    }
    return f"{words.get(code, detail)} {sent}"


# -- the three protocols ---------------------------------------------------------------------


class _Imap4(imaplib.IMAP4):
    """imaplib over the wire's socket, with a strict STARTTLS (module docstring, step 4)."""

    def __init__(self, wire: _Wire) -> None:
        self.wire = wire
        self.last_tagged: tuple[str, list[Any]] = ("", [])
        super().__init__(wire.target.host, wire.target.port)

    def _create_socket(self, timeout: float | None = None) -> socket.socket:
        return self.wire.open()

    def _get_tagged_response(self, tag: str, expect_bye: bool = False) -> Any:
        # Private in imaplib, not in typeshed: the one place the server's tagged answer is
        # seen whole, before imaplib and IMAPClient fold it into exception text.
        reply = super()._get_tagged_response(tag, expect_bye)  # type: ignore[misc]
        self.last_tagged = reply
        return reply

    def _get_capabilities(self) -> None:
        # imaplib's own raises a bare "no CAPABILITY response" for a server that lists none.
        _, data = self.capability()
        listed = data[-1] if data else None
        if not listed:
            if self.wire.target.implicit:
                raise _Stop(LoginCode.NO_MECHANISM_AFTER_TLS, "no capabilities listed")
            raise _Stop(LoginCode.STARTTLS_FAILED, "it listed no capabilities, so no STARTTLS")
        self.capabilities = tuple(_text(listed).upper().split())

    def starttls(self, ssl_context: Any | None = None) -> tuple[Literal["OK"], list[None]]:
        self.wire.step("asking for STARTTLS")
        try:
            typ, _ = self._simple_command("STARTTLS")
        except imaplib.IMAP4.error:
            typ = "BAD"
        if typ != "OK":
            said = _tagged_text(self.last_tagged)
            raise _Stop(LoginCode.STARTTLS_FAILED, "it refused STARTTLS", said)
        self.sock = self.wire.upgrade(self.sock, self.file)
        self.file = self.sock.makefile("rb")
        self._tls_established = True
        self.capabilities = ()  # everything from before TLS is forgotten
        self.untagged_responses.clear()
        return "OK", [None]


class _ImapClient(IMAPClient):  # type: ignore[misc]  # IMAPClient is untyped
    """IMAPClient whose one socket seam (``_create_IMAP4``) is the wire."""

    def __init__(self, wire: _Wire) -> None:
        self._wire = wire
        left = max(wire.target.deadline - time.monotonic(), 0.001)
        super().__init__(
            wire.target.host,
            wire.target.port,
            ssl=wire.target.implicit,
            ssl_context=wire.target.context,
            timeout=left,
        )
        self._imap.debug = 0  # IMAPClient turns imaplib's protocol trace on, into logging

    def _create_IMAP4(self) -> _Imap4:
        return _Imap4(self._wire)


def _tagged_text(reply: tuple[str, list[Any]]) -> str:
    typ, data = reply
    first = data[0] if data else b""
    text = first.decode("utf-8", "replace") if isinstance(first, bytes) else str(first or "")
    return f"{typ} {text}".strip()


def _imap(wire: _Wire, secret: Secret) -> None:
    wire.step("reading the greeting")
    client = _ImapClient(wire)
    imap: _Imap4 = client._imap
    if imap.state != "NONAUTH":
        raise _Stop(LoginCode.STARTTLS_FAILED, "it greeted with PREAUTH, logged in without TLS")
    if not wire.target.implicit:
        wire.offered_before = _imap_methods(imap.capabilities)
        if "STARTTLS" not in imap.capabilities:
            raise _Stop(LoginCode.STARTTLS_FAILED, "it did not offer STARTTLS")
        client.starttls(wire.target.context)
    wire.step("reading the capabilities over TLS")
    try:
        caps = tuple(c.decode("ascii", "replace").upper() for c in client.capabilities())
    except (imaplib.IMAP4.error, AttributeError):
        caps = ()
    methods = _imap_methods(caps)
    if not methods:
        listed = " ".join(caps) if caps else "no capabilities listed"
        raise _Stop(LoginCode.NO_MECHANISM_AFTER_TLS, listed[:SAID_LIMIT])
    if methods == ("LOGIN",) and not secret.reveal().isascii():
        # LOGIN's strings are 7-bit (RFC 3501 section 9); AUTHENTICATE PLAIN is UTF-8.
        detail = "LOGIN only, which cannot carry a password with non-ASCII characters"
        raise _Stop(LoginCode.NO_MECHANISM_AFTER_TLS, detail)
    wire.mechanism = methods[0]

    def attempt(form: str) -> str | None:
        wire.count_attempt()
        try:
            if wire.mechanism == "AUTHENTICATE PLAIN":
                client.plain_login(form, secret.reveal())
            else:
                client.login(form, secret.reveal())
        except LoginError:
            return _tagged_text(imap.last_tagged) or "NO"
        return None

    wire.try_forms(attempt)
    wire.step("logging out")
    with contextlib.suppress(Exception):
        imap.sock.settimeout(min(LOGOUT_SECONDS, wire.target.deadline - time.monotonic()))
        client.logout()


def _imap_methods(caps: Sequence[str]) -> tuple[str, ...]:
    """IMAP sign-in methods mailhop can use, best first (RFC 3501 section 6.2.3, RFC 4616)."""
    upper = {c.upper() for c in caps}
    found: list[str] = []
    if not upper:  # none listed (hidden): not even LOGIN is known to be allowed
        return ()
    if "AUTH=PLAIN" in upper:
        found.append("AUTHENTICATE PLAIN")  # UTF-8 clean
    if "LOGINDISABLED" not in upper:
        found.append("LOGIN")
    return tuple(found)


class _Pop3(poplib.POP3):
    """poplib over the wire's socket; its STLS is done here, strictly (step 4)."""

    def __init__(self, wire: _Wire) -> None:
        self.wire = wire
        super().__init__(wire.target.host, wire.target.port)

    def _create_socket(self, timeout: float | None = None) -> socket.socket:
        return self.wire.open()

    def upgrade(self) -> None:
        self.wire.step("asking for STLS")
        self.sock.sendall(b"STLS\r\n")
        reply = self.file.readline(512)
        if not reply.startswith(b"+OK"):
            said = reply.decode("utf-8", "replace").strip()
            raise _Stop(LoginCode.STARTTLS_FAILED, "it refused STLS", said)
        self.sock = self.wire.upgrade(self.sock, self.file)
        self.file = self.sock.makefile("rb")


def _pop3(wire: _Wire, secret: Secret) -> None:
    wire.step("reading the greeting")
    pop = _Pop3(wire)
    if not wire.target.implicit:
        wire.step("reading the capabilities")
        try:
            before = pop.capa()
        except poplib.error_proto:
            before = {}
        wire.offered_before = _pop3_methods(before)
        if "STLS" not in before:
            raise _Stop(LoginCode.STARTTLS_FAILED, "it did not offer STLS")
        pop.upgrade()
    wire.step("reading the capabilities over TLS")
    try:
        caps = pop.capa()
    except poplib.error_proto:
        caps = {}
    methods = _pop3_methods(caps)
    if not methods:
        listed = " ".join(caps) if caps else "no capabilities listed"
        raise _Stop(LoginCode.NO_MECHANISM_AFTER_TLS, listed[:SAID_LIMIT])
    wire.mechanism = methods[0]

    def attempt(form: str) -> str | None:
        try:
            if wire.mechanism == "USER/PASS":
                pop.user(form)
                wire.count_attempt()
                pop.pass_(secret.reveal())
            else:
                wire.count_attempt()
                blob = _b64(f"\0{form}\0{secret.reveal()}")
                pop.sock.sendall(f"AUTH PLAIN {blob}\r\n".encode())
                reply = pop.file.readline(512)
                if not reply.startswith(b"+OK"):
                    raise poplib.error_proto(reply.strip())
        except poplib.error_proto as exc:
            return _text(exc.args[0] if exc.args else "-ERR")
        return None

    wire.try_forms(attempt)
    wire.step("logging out")
    with contextlib.suppress(Exception):
        pop.sock.settimeout(min(LOGOUT_SECONDS, wire.target.deadline - time.monotonic()))
        pop.quit()


def _pop3_methods(caps: dict[str, list[str]]) -> tuple[str, ...]:
    """POP3 sign-in methods from CAPA (RFC 2449 USER, RFC 5034 SASL), best first."""
    found = []
    if "USER" in caps:
        found.append("USER/PASS")
    if "PLAIN" in (m.upper() for m in caps.get("SASL", [])):
        found.append("AUTH PLAIN")
    return tuple(found)


class _Smtp(smtplib.SMTP):
    """smtplib over the wire's socket; its STARTTLS is done here, strictly (step 4)."""

    def __init__(self, wire: _Wire) -> None:
        self.wire = wire
        left = max(wire.target.deadline - time.monotonic(), 0.001)
        super().__init__(wire.target.host, wire.target.port, EHLO_NAME, timeout=left)

    def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:
        return self.wire.open()

    def upgrade(self) -> None:
        self.wire.step("asking for STARTTLS")
        if not self.has_extn("starttls"):
            raise _Stop(LoginCode.STARTTLS_FAILED, "it did not offer STARTTLS")
        code, reply = self.docmd("STARTTLS")
        if code != 220:
            said = f"{code} {reply.decode('utf-8', 'replace')}"
            raise _Stop(LoginCode.STARTTLS_FAILED, "it refused STARTTLS", said)
        assert self.sock is not None
        self.sock = self.wire.upgrade(self.sock, self.file)
        # As smtplib's own starttls: forget everything learnt before TLS (RFC 3207 4.2).
        self.file = None
        self.helo_resp = self.ehlo_resp = None
        self.esmtp_features = {}
        self.does_esmtp = False


def _smtp(wire: _Wire, secret: Secret) -> None:
    wire.step("reading the greeting")
    smtp = _Smtp(wire)
    if not wire.target.implicit:
        wire.step("saying EHLO")
        smtp.ehlo()
        wire.offered_before = _smtp_methods(smtp.esmtp_features)
        smtp.upgrade()
    wire.step("saying EHLO over TLS")
    code, _ = smtp.ehlo()
    methods = _smtp_methods(smtp.esmtp_features) if code == 250 else ()
    if not methods:
        listed = " ".join(smtp.esmtp_features) if code == 250 else f"EHLO answered {code}"
        raise _Stop(LoginCode.NO_MECHANISM_AFTER_TLS, listed[:SAID_LIMIT] or "no AUTH")
    wire.mechanism = methods[0]

    def attempt(form: str) -> str | None:
        # AUTH by hand through docmd(), not smtplib's login() or auth(): login() goes on to
        # the next mechanism after a refusal (a second attempt with the same user name), and
        # auth() encodes the password as ASCII, where SASL PLAIN is UTF-8 (RFC 4616).
        wire.count_attempt()
        if wire.mechanism == "AUTH PLAIN":
            code, reply = smtp.docmd("AUTH", "PLAIN " + _b64(f"\0{form}\0{secret.reveal()}"))
        else:
            code, reply = smtp.docmd("AUTH", "LOGIN " + _b64(form))
            if code == 334:
                code, reply = smtp.docmd(_b64(secret.reveal()))
        return None if code == 235 else f"{code} {_text(reply)}"

    wire.try_forms(attempt)
    wire.step("saying QUIT")
    with contextlib.suppress(Exception):
        assert smtp.sock is not None
        smtp.sock.settimeout(min(LOGOUT_SECONDS, wire.target.deadline - time.monotonic()))
        smtp.quit()


def _smtp_methods(features: dict[str, str]) -> tuple[str, ...]:
    """SMTP AUTH mechanisms from EHLO (RFC 4954), best first; CRAM-MD5 and the like are
    left out on purpose: over verified TLS PLAIN is as safe, and the rest are obsolete."""
    offered = features.get("auth", "").upper().split()
    return tuple(f"AUTH {m}" for m in ("PLAIN", "LOGIN") if m in offered)


_DRIVERS: dict[Service, Callable[[_Wire, Secret], None]] = {
    Service.IMAP: _imap,
    Service.POP3: _pop3,
    Service.SUBMISSION: _smtp,
}
