"""The login session's wire: mailhop's socket to the server, its deadline, STARTTLS and
the TLS pin.

Every driver (login_drivers.py) opens its connection through ``Wire``: one socket seam,
so the deadline, the abort from the event loop and the key pin from the check hold for
all three protocols. ``Stop`` ends a session with a result; it never leaves the worker
thread (login_session.py turns it into the outcome).
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import socket
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from ..common.errors import RemoteFailure
from ..common.i18n import N_
from ..common.model import Service
from ..net.connect import dial_port
from ..probe.cert_read import load_certificate, spki_der
from .login_codes import LoginCode, classify_refusal
from .oauth_sasl import SaslOAuthError
from .oauth_sasl import parse_challenge as parse_oauth_challenge
from .special_use import SpecialFolders

__all__ = ["Stop", "Target", "Wire", "as_text", "b64"]

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


class Stop(RemoteFailure):
    """Ends the session with a result; raised only inside the worker thread, where
    login_session.py turns it into the outcome."""

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
        self.folders = SpecialFolders()  # IMAP: Sent and Drafts as the server marks them
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
            raise Stop(LoginCode.TIMEOUT, "deadline")
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
                raise Stop(LoginCode.TIMEOUT, "deadline") from None
            reason = "connection refused" if isinstance(exc, ConnectionRefusedError) else exc
            raise Stop(LoginCode.CONNECT, f"{target.peer}: {reason}") from None
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
            raise Stop(
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
            raise Stop(
                LoginCode.CERTIFICATE_REFUSED, exc.verify_message or exc.reason or "refused"
            ) from None
        except (ssl.SSLError, OSError) as exc:
            if isinstance(exc, TimeoutError) or self.aborted:
                raise Stop(LoginCode.TIMEOUT, "deadline") from None
            raise Stop(LoginCode.TLS_FAILED, getattr(exc, "reason", None) or str(exc)) from None
        self.sock = tls
        presented = _leaf_spki_sha256(tls.getpeercert(binary_form=True))
        if presented != target.pin:
            tls.close()
            raise Stop(LoginCode.KEY_CHANGED, presented or "no readable key")
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
                raise Stop(code, "refused", said)

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


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode("ascii")


def as_text(value: object) -> str:
    """Server words as the libraries hand them over (bytes or str), as text."""
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
