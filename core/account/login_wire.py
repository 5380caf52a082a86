"""The login session in its worker thread: mailhop's socket, the TLS pin, three protocol drivers.

login.py decides whether to connect at all and builds the result; this module runs the
session. It is the only one that ever writes the password to a socket, and only after TLS is up
and the server's key matches the pin from the check. An OAuth2 access token (a ``BearerToken``
in place of the password) goes the same way, with OAUTHBEARER or XOAUTH2 (oauth_sasl.py) and
only if the server offers one of them after TLS; a failure's JSON challenge is kept
(``Wire.sasl_error``), since it may name the issuer.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
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
from typing import Any, Literal

from imapclient import IMAPClient  # type: ignore[import-untyped, unused-ignore]
from imapclient.exceptions import LoginError  # type: ignore[import-untyped, unused-ignore]

from ..common.i18n import N_, Labels, Words, _
from ..common.model import Service
from ..net.connect import dial_port
from ..probe.certinfo import load_certificate, spki_der
from ..probe.proto_base import ALERT_LIMIT, MAX_ALERTS, quote_server, sanitise
from ..probe.proto_imap import ALERT
from .login_codes import EHLO_NAME, LOGOUT_SECONDS, SAID_LIMIT, LoginCode, Secret, classify_refusal
from .oauth_sasl import MAX_CHALLENGE, BearerToken, SaslOAuthError, initial_response, offered
from .oauth_sasl import parse_challenge as parse_oauth_challenge

__all__ = ["Target", "Wire", "run_session"]

# -- the session, in the worker thread ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class Target:
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
    alerts: tuple[str, ...] = ()  # IMAP [ALERT] texts over TLS: masked, sanitised


class _Stop(Exception):
    """Ends the session with a result; raised only inside the worker thread."""

    def __init__(self, code: LoginCode, detail: str, said: str = "") -> None:
        super().__init__(detail)
        self.code, self.detail, self.said = code, detail, said


class Wire:
    """The connection and what happened on it; shared with the event loop only through
    ``abort`` (and read after the thread has finished)."""

    def __init__(self, target: Target) -> None:
        self.target = target
        self.phase = N_("connecting")
        self.attempts = 0
        self.username: str | None = None
        self.mechanism: str | None = None
        self.offered_before: tuple[str, ...] = ()  # sign-in methods shown before TLS
        self.alerts: list[str] = []  # IMAP [ALERT] texts, raw; only those over TLS are kept
        self.sasl_error: SaslOAuthError | None = None  # an OAuth2 failure's challenge
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
        self.step(N_("connecting"))
        left = target.deadline - time.monotonic()
        try:
            port = dial_port(target.peer, target.port)  # the demo's loopback map (connect.py)
            sock = socket.create_connection((target.peer, port), timeout=left)
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
        self.step(N_("in the TLS handshake"))
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
            self.step(N_("waiting for the answer to the password"))
            self.username = form
            said = attempt(form)
            if said is None:
                self.succeeded = True
                return
            code = classify_refusal(self.target.service, said)
            if code is not LoginCode.CREDENTIALS_REJECTED or index == len(forms) - 1:
                raise _Stop(code, "refused", said)

    def oauth_challenge(self, encoded: bytes) -> bytes:
        """Keep a failed OAuth2 login's challenge (base64); the answer is %x01 (RFC 7628
        section 3.2.3), after which the server sends its refusal."""
        try:
            self.sasl_error = parse_oauth_challenge(base64.b64decode(encoded.strip()))
        except (binascii.Error, ValueError):
            self.sasl_error = None
        return base64.b64encode(b"\x01")

    def count_attempt(self) -> None:
        self.step(N_("waiting for the answer to the password"))
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


def run_session(wire: Wire, secret: Secret) -> _Outcome:
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
    shown = sanitise(_scrub(said, secret.reveal()), SAID_LIMIT)
    # The detail can hold server words too (capabilities after TLS): shown the same way.
    detail = sanitise(_scrub(detail, secret.reveal()), SAID_LIMIT)
    alerts = tuple(
        dict.fromkeys(sanitise(_scrub(text, secret.reveal()), ALERT_LIMIT) for text in wire.alerts)
    )  # each once: a second attempt often brings the same alert again
    return _Outcome(code, shown, _advice(wire, code, detail, shown), alerts)


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

# Marked here, put into the person's language when the advice is made (core/common/i18n.py).
_TIMES = Labels({1: N_("once"), 2: N_("twice")})
_ATTEMPTS = Labels(
    {
        0: N_("no attempt with the password"),
        1: N_("one attempt"),
        2: N_("two attempts"),
    }
)
_SERVICE_WORDS = {Service.IMAP: "IMAP", Service.POP3: "POP3", Service.SUBMISSION: "SMTP"}
_CHECK = N_(
    "Check whether the provider requires an app password for mail programs (common with "
    "two-step verification), whether this account signs in with OAuth2 in the mail client "
    "instead, and whether it is enabled for {service} access."
)


def _advice(wire: Wire, code: LoginCode, detail: str, said: str) -> str:
    target = wire.target
    where = _("{host} port {port}").format(host=target.host, port=target.port)
    service = _SERVICE_WORDS[target.service]
    answered = " " + _("The server said: {said}.").format(said=quote_server(said)) if said else ""
    sent = (
        _("The password was not sent.")
        if wire.attempts == 0
        else _("The password was sent {times}, only over verified TLS.").format(
            times=_TIMES.get(wire.attempts, _("more than twice"))
        )
    )
    forms = _(" and ").join(target.forms[: max(wire.attempts, 1)])
    check = str(Words(_CHECK, (("service", service),)))
    if code is LoginCode.OK:
        return _("Signed in to {service} at {where} as {user}.").format(
            service=service, where=where, user=wire.username
        )
    if code is LoginCode.CREDENTIALS_REJECTED:
        return (
            _(
                "{where} did not accept the password for {forms}.{answered} mailhop stopped "
                "after {attempts} so that the account is not locked. "
            ).format(
                where=where, forms=forms, answered=answered, attempts=_ATTEMPTS.get(wire.attempts)
            )
            + check
        )
    if code is LoginCode.ACCOUNT_UNAVAILABLE:
        return (
            _(
                "{where} refused the sign-in for a reason other than the password: the account "
                "may be locked, disabled, expired or restricted to other sign-in methods."
                "{answered} mailhop did not try again. Check with your provider or "
                "administrator; "
            ).format(where=where, answered=answered)
            + check
        )
    if code is LoginCode.TEMPORARY_FAILURE:
        return _(
            "{where} reported a temporary problem.{answered} mailhop did not try again, so "
            "that the account is not locked; run the setup again later."
        ).format(where=where, answered=answered)
    if code is LoginCode.KEY_CHANGED:
        return _(
            "{where} presented a different key than during the check (now {now}..., checked "
            "{checked}...). {sent} Run the check again: a key that changed legitimately shows "
            "up there; otherwise something is intercepting the connection."
        ).format(where=where, now=detail[:16], checked=target.pin[:16], sent=sent)
    if code is LoginCode.NO_MECHANISM_AFTER_TLS:
        before = (
            " "
            + _(
                "Before TLS it offered {offered}: a server that offers sign-in only before "
                "encryption is misconfigured, or the connection was tampered with."
            ).format(offered=", ".join(wire.offered_before))
            if wire.offered_before
            else ""
        )
        return _(
            "After TLS, {where} offered no sign-in method mailhop uses ({detail}).{before} {sent}"
        ).format(where=where, detail=detail, before=before, sent=sent)
    if code is LoginCode.TIMEOUT:
        return _("{where} did not answer before the deadline; mailhop was {phase}. {sent}").format(
            where=where, phase=Words(wire.phase), sent=sent
        )
    words = {
        LoginCode.CONNECT: _("mailhop could not connect to {where} ({detail})."),
        LoginCode.TLS_FAILED: _("The TLS handshake with {where} failed ({detail})."),
        LoginCode.CERTIFICATE_REFUSED: _(
            "{where} presented a certificate this computer refuses now ({detail}), though "
            "the check accepted it. Run the check again."
        ),
        LoginCode.STARTTLS_FAILED: _("{where} did not switch to TLS as required: {detail}."),
        LoginCode.SERVER_ERROR: _("{where} did not behave as expected ({detail}).{answered}"),
    }
    said_words = words.get(code)
    if said_words is None:
        return f"{detail} {sent}"
    return f"{said_words.format(where=where, detail=detail, answered=answered)} {sent}"


# -- the three protocols ---------------------------------------------------------------------


class _Imap4(imaplib.IMAP4):
    """imaplib over the wire's socket, with a strict STARTTLS (module docstring, step 4)."""

    def __init__(self, wire: Wire) -> None:
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
        typ, data = reply
        first = data[0] if data else b""
        if isinstance(first, bytes):
            self._alert(typ, first)
        return reply

    def _append_untagged(self, typ: str, dat: Any) -> None:
        # Private in imaplib: every untagged response passes here, the greeting included,
        # before imaplib drops OK/NO/BAD at the next command. An [ALERT] is for the person
        # (RFC 3501 section 7.1), so it is kept aside. (A response with a literal comes as a
        # tuple; it is no status response.)
        if isinstance(dat, bytes):
            self._alert(typ, dat)
        super()._append_untagged(typ, dat)  # type: ignore[misc]

    def _alert(self, typ: str, data: bytes) -> None:
        # Over TLS only: cleared at STARTTLS is not enough, since TLS may never come up.
        if not (self.wire.target.implicit or self._tls_established):
            return
        found = ALERT.match(b"* " + typ.encode("ascii", "replace") + b" " + data.rstrip())
        if found and len(self.wire.alerts) < MAX_ALERTS:
            self.wire.alerts.append(_text(found[1]))

    def _get_capabilities(self) -> None:
        # imaplib's own raises a bare "no CAPABILITY response" for a server that lists none.
        _, data = self.capability()
        listed = data[-1] if data else None
        if not listed:
            if self.wire.target.implicit:
                raise _Stop(LoginCode.NO_MECHANISM_AFTER_TLS, "no capabilities listed")
            raise _Stop(LoginCode.STARTTLS_FAILED, "it listed no capabilities, so no STARTTLS")
        # ASCII (RFC 3501 atoms; IMAPClient encodes them as such): other bytes as \xNN.
        text = listed.decode("ascii", "backslashreplace") if isinstance(listed, bytes) else listed
        self.capabilities = tuple(str(text).upper().split())

    def starttls(self, ssl_context: Any | None = None) -> tuple[Literal["OK"], list[None]]:
        self.wire.step(N_("asking for STARTTLS"))
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
        self.wire.alerts.clear()  # alerts too: anyone on the path could have written them
        return "OK", [None]


class _ImapClient(IMAPClient):  # type: ignore[misc]  # IMAPClient is untyped
    """IMAPClient whose one socket seam (``_create_IMAP4``) is the wire."""

    def __init__(self, wire: Wire) -> None:
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


def _imap(wire: Wire, secret: Secret) -> None:
    wire.step(N_("reading the greeting"))
    client = _ImapClient(wire)
    imap: _Imap4 = client._imap
    if imap.state != "NONAUTH":
        raise _Stop(LoginCode.STARTTLS_FAILED, "it greeted with PREAUTH, logged in without TLS")
    if not wire.target.implicit:
        wire.offered_before = _imap_methods(imap.capabilities)
        if "STARTTLS" not in imap.capabilities:
            raise _Stop(LoginCode.STARTTLS_FAILED, "it did not offer STARTTLS")
        client.starttls(wire.target.context)
    wire.step(N_("reading the capabilities over TLS"))
    try:
        caps = tuple(c.decode("ascii", "replace").upper() for c in client.capabilities())
    except (imaplib.IMAP4.error, AttributeError):
        caps = ()
    bearer = isinstance(secret, BearerToken)
    if bearer:
        methods = offered(c[5:] for c in caps if c.startswith("AUTH="))
    else:
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
            if bearer:
                mechanism, target = wire.mechanism or "", wire.target
                first = initial_response(mechanism, form, secret.reveal(), target.host, target.port)

                def answer(challenge: bytes) -> bytes:
                    if not challenge:
                        return first
                    wire.oauth_challenge(base64.b64encode(challenge))
                    return b"\x01"

                imap.authenticate(mechanism, answer)
            elif wire.mechanism == "AUTHENTICATE PLAIN":
                client.plain_login(form, secret.reveal())
            else:
                client.login(form, secret.reveal())
        except (LoginError, imaplib.IMAP4.error):
            return _tagged_text(imap.last_tagged) or "NO"
        return None

    wire.try_forms(attempt)
    wire.step(N_("logging out"))
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

    def __init__(self, wire: Wire) -> None:
        self.wire = wire
        super().__init__(wire.target.host, wire.target.port)

    def _create_socket(self, timeout: float | None = None) -> socket.socket:
        return self.wire.open()

    def upgrade(self) -> None:
        self.wire.step(N_("asking for STLS"))
        self.sock.sendall(b"STLS\r\n")
        reply = self.file.readline(512)
        if not reply.startswith(b"+OK"):
            said = reply.decode("utf-8", "replace").strip()
            raise _Stop(LoginCode.STARTTLS_FAILED, "it refused STLS", said)
        self.sock = self.wire.upgrade(self.sock, self.file)
        self.file = self.sock.makefile("rb")


def _pop3(wire: Wire, secret: Secret) -> None:
    wire.step(N_("reading the greeting"))
    pop = _Pop3(wire)
    if not wire.target.implicit:
        wire.step(N_("reading the capabilities"))
        try:
            before = pop.capa()
        except poplib.error_proto:
            before = {}
        wire.offered_before = _pop3_methods(before)
        if "STLS" not in before:
            raise _Stop(LoginCode.STARTTLS_FAILED, "it did not offer STLS")
        pop.upgrade()
    wire.step(N_("reading the capabilities over TLS"))
    try:
        caps = pop.capa()
    except poplib.error_proto:
        caps = {}
    bearer = isinstance(secret, BearerToken)
    methods = offered(caps.get("SASL", [])) if bearer else _pop3_methods(caps)
    if not methods:
        listed = " ".join(caps) if caps else "no capabilities listed"
        raise _Stop(LoginCode.NO_MECHANISM_AFTER_TLS, listed[:SAID_LIMIT])
    wire.mechanism = methods[0]

    def attempt(form: str) -> str | None:
        try:
            if bearer:  # RFC 5034 with an initial response
                wire.count_attempt()
                mechanism, target = wire.mechanism or "", wire.target
                first = initial_response(mechanism, form, secret.reveal(), target.host, target.port)
                command = f"AUTH {mechanism} {base64.b64encode(first).decode()}\r\n"
                pop.sock.sendall(command.encode())
                reply = pop.file.readline(2 * MAX_CHALLENGE)
                if reply.startswith(b"+ "):
                    pop.sock.sendall(wire.oauth_challenge(reply[2:]) + b"\r\n")
                    reply = pop.file.readline(512)
                if not reply.startswith(b"+OK"):
                    raise poplib.error_proto(reply.strip())
            elif wire.mechanism == "USER/PASS":
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
    wire.step(N_("logging out"))
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

    def __init__(self, wire: Wire) -> None:
        self.wire = wire
        left = max(wire.target.deadline - time.monotonic(), 0.001)
        super().__init__(wire.target.host, wire.target.port, EHLO_NAME, timeout=left)

    def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:
        return self.wire.open()

    def upgrade(self) -> None:
        self.wire.step(N_("asking for STARTTLS"))
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


def _smtp(wire: Wire, secret: Secret) -> None:
    wire.step(N_("reading the greeting"))
    smtp = _Smtp(wire)
    if not wire.target.implicit:
        wire.step(N_("saying EHLO"))
        smtp.ehlo()
        wire.offered_before = _smtp_methods(smtp.esmtp_features)
        smtp.upgrade()
    wire.step(N_("saying EHLO over TLS"))
    code, _ = smtp.ehlo()
    bearer = isinstance(secret, BearerToken)
    if bearer:
        offered_after = smtp.esmtp_features.get("auth", "").split()
        methods = tuple(f"AUTH {m}" for m in offered(offered_after)) if code == 250 else ()
    else:
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
        if bearer:
            mechanism, target = (wire.mechanism or "").removeprefix("AUTH "), wire.target
            first = initial_response(mechanism, form, secret.reveal(), target.host, target.port)
            code, reply = smtp.docmd("AUTH", f"{mechanism} {base64.b64encode(first).decode()}")
            if code == 334:  # the error challenge (RFC 7628 section 3.2.2), then the refusal
                code, reply = smtp.docmd(wire.oauth_challenge(reply).decode())
        elif wire.mechanism == "AUTH PLAIN":
            code, reply = smtp.docmd("AUTH", "PLAIN " + _b64(f"\0{form}\0{secret.reveal()}"))
        else:
            code, reply = smtp.docmd("AUTH", "LOGIN " + _b64(form))
            if code == 334:
                code, reply = smtp.docmd(_b64(secret.reveal()))
        return None if code == 235 else f"{code} {_text(reply)}"

    wire.try_forms(attempt)
    wire.step(N_("saying QUIT"))
    with contextlib.suppress(Exception):
        assert smtp.sock is not None
        smtp.sock.settimeout(min(LOGOUT_SECONDS, wire.target.deadline - time.monotonic()))
        smtp.quit()


def _smtp_methods(features: dict[str, str]) -> tuple[str, ...]:
    """SMTP AUTH mechanisms from EHLO (RFC 4954), best first; CRAM-MD5 and the like are
    left out on purpose: over verified TLS PLAIN is as safe, and the rest are obsolete."""
    offered = features.get("auth", "").upper().split()
    return tuple(f"AUTH {m}" for m in ("PLAIN", "LOGIN") if m in offered)


_DRIVERS: dict[Service, Callable[[Wire, Secret], None]] = {
    Service.IMAP: _imap,
    Service.POP3: _pop3,
    Service.SUBMISSION: _smtp,
}
