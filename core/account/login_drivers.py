"""The three protocol drivers of the login test: IMAP (login_imap.py), POP3 (poplib) and
SMTP submission (smtplib), each over the wire's socket, STARTTLS strict, the password only
after TLS and only with a mechanism the server offers there."""

from __future__ import annotations

import base64
import contextlib
import poplib
import smtplib
import socket
import time
from collections.abc import Callable

from ..common.i18n import N_
from ..common.model import Service
from .login_codes import EHLO_NAME, LOGOUT_SECONDS, SAID_LIMIT, LoginCode, Secret
from .login_imap import imap
from .login_wire import Stop, Wire, as_text, b64
from .oauth_sasl import MAX_CHALLENGE, BearerToken, initial_response, offered

__all__ = ["DRIVERS"]


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
            raise Stop(LoginCode.STARTTLS_FAILED, "it refused STLS", said)
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
            raise Stop(LoginCode.STARTTLS_FAILED, "it did not offer STLS")
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
        raise Stop(LoginCode.NO_MECHANISM_AFTER_TLS, listed[:SAID_LIMIT])
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
                blob = b64(f"\0{form}\0{secret.reveal()}")
                pop.sock.sendall(f"AUTH PLAIN {blob}\r\n".encode())
                reply = pop.file.readline(512)
                if not reply.startswith(b"+OK"):
                    raise poplib.error_proto(reply.strip())
        except poplib.error_proto as exc:
            return as_text(exc.args[0] if exc.args else "-ERR")
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
            raise Stop(LoginCode.STARTTLS_FAILED, "it did not offer STARTTLS")
        code, reply = self.docmd("STARTTLS")
        if code != 220:
            said = f"{code} {reply.decode('utf-8', 'replace')}"
            raise Stop(LoginCode.STARTTLS_FAILED, "it refused STARTTLS", said)
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
        raise Stop(LoginCode.NO_MECHANISM_AFTER_TLS, listed[:SAID_LIMIT] or "no AUTH")
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
            code, reply = smtp.docmd("AUTH", "PLAIN " + b64(f"\0{form}\0{secret.reveal()}"))
        else:
            code, reply = smtp.docmd("AUTH", "LOGIN " + b64(form))
            if code == 334:
                code, reply = smtp.docmd(b64(secret.reveal()))
        return None if code == 235 else f"{code} {as_text(reply)}"

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


DRIVERS: dict[Service, Callable[[Wire, Secret], None]] = {
    Service.IMAP: imap,
    Service.POP3: _pop3,
    Service.SUBMISSION: _smtp,
}
