"""One probe session with a mail server: connect, TLS, capabilities, goodbye; no credential.

Theory of operation. ``probe_session`` is the thin async driver of the sans-IO engines
(proto_imap.py, proto_pop3.py, proto_smtp.py; their shared dialogue is in proto_base.py).
It connects through connect.py (the addresses the caller resolved, staggered attempts,
TCP_NODELAY), feeds every byte it receives to the engine and runs what the engine says:
write a command, run the TLS handshake, stop. Implicit TLS (IMAPS 993, POP3S 995,
submissions 465) shakes hands first; STARTTLS (143, 110, 587, and relay on 25) shakes
hands when the engine accepts the server's answer to STARTTLS.

Before that handshake the driver hands the engine whatever it received that the engine
has not seen yet, and the engine fails the session if there is any (response injection,
CVE-2011-0411): the driver reads through its own small protocol (``_Inbox``), not an
asyncio StreamReader, precisely so that no plaintext can sit in a buffer it cannot see
and be read later as if it had come over TLS. Bytes that arrive after reading stopped
go to the TLS layer, where they break the handshake.

TLS uses the caller's verifying context (tlscontext.client_context) with SNI and the
certificate check both set to ``host``, the A-label the policy chose (DESIGN rule 8). If
OpenSSL refuses the certificate, the refusal (code and message) is kept and the session is
made once more with ``diagnostic_context`` (no verification, TLS 1.2 at least) to read the
chain as the server presents it, for the explanation and for DANE (a DANE-EE server with a
self-signed certificate is legitimate, RFC 7672 section 3.1.1). That second session goes
through the same credential-free dialogue, so its capabilities are known too; they count
only if DANE authenticates the key. ``SessionResult.verified`` is the one-word answer.
A handshake that fails for no stated reason (some old servers hang up on a TLS 1.2+ hello
instead of sending a protocol_version alert) is tried once more, handshake only, offering
just TLS 1.0 and 1.1 (tlscontext.version_check_context); if that works the failure is
``tls-version`` and names the version.

Latency: besides TCP_NODELAY, the driver sets TCP_QUICKACK (Linux) after each command
and after the handshake. A server that writes a reply in more than one segment without
TCP_NODELAY (Postfix behind its TLS 1.3 session tickets) otherwise waits for the client's
delayed ACK, 40 ms per exchange: measured on the lab, submissions went from 44 to 2.6 ms.

Closing: after a complete dialogue, or a plain refusal the engine answered with LOGOUT or
QUIT, the connection is closed gracefully so that goodbye is delivered; otherwise it is
reset, so that a flooding server is not read on for the length of a TLS shutdown.

Bounds: every wait is under the one absolute ``deadline`` (``time.monotonic()``), both
sessions together; a stalled server ends as a ``timeout`` failure naming the phase. What a
server may send is capped by the engine (proto_base.Limits). A remote failure is a result,
never an exception (DESIGN.md section 3): ``probe_session`` raises only for misuse.
"""

from __future__ import annotations

import _ssl  # ENCODING_DER, for the private chain of Python 3.11 and 3.12
import asyncio
import contextlib
import hashlib
import socket
import ssl
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

from ..common.model import Security, Service
from ..net.connect import STAGGER_SECONDS, ConnectFailure, open_transport
from ..net.tlscontext import version_check_context
from .certinfo import load_certificate, spki_der
from .proto_base import (
    PHASE_WORDS,
    Engine,
    Event,
    Failed,
    FailureCode,
    Finished,
    Limits,
    Phase,
    Send,
    StartTls,
)
from .proto_imap import ImapEngine
from .proto_pop3 import Pop3Engine
from .proto_smtp import SmtpEngine

__all__ = [
    "ENGINES",
    "FailureCode",
    "Phase",
    "SessionFailure",
    "SessionResult",
    "TlsInfo",
    "probe_session",
]

ENGINES: dict[Service, type[Engine]] = {
    Service.IMAP: ImapEngine,
    Service.POP3: Pop3Engine,
    Service.SUBMISSION: SmtpEngine,
    Service.RELAY: SmtpEngine,  # server to server on port 25: the same dialogue
}

# OpenSSL's reasons for "no TLS version in common" (the server speaks TLS 1.1 or older).
TLS_VERSION_REASONS = frozenset(
    {
        "UNSUPPORTED_PROTOCOL",
        "TLSV1_ALERT_PROTOCOL_VERSION",
        "WRONG_SSL_VERSION",
        "NO_PROTOCOLS_AVAILABLE",
        "VERSION_TOO_LOW",
    }
)
# Failures after which the engine said goodbye, in plaintext, to a server that only refused.
GOODBYE_AFTER = frozenset(
    {FailureCode.STARTTLS_MISSING, FailureCode.STARTTLS_REFUSED, FailureCode.PREAUTH}
)
SHUTDOWN_SECONDS = 1.0  # at most this long for the server's TLS close_notify, in the background


@dataclass(frozen=True, slots=True)
class TlsInfo:
    """The TLS session as the server made it.

    ``chain`` is DER, leaf first, exactly as presented (not as OpenSSL would build it).
    ``verified`` is OpenSSL's verdict with mailhop's verifying context (PKIX and the name);
    when it is False, ``verify_error`` and ``verify_code`` (X509_V_ERR_*) say why, and the
    rest comes from the diagnostic session. ``version`` and ``cipher`` are None only when
    that second session did not get as far as TLS.
    """

    version: str | None
    cipher: str | None
    chain: tuple[bytes, ...]
    spki_sha256: str | None  # hex SHA-256 of the leaf's SubjectPublicKeyInfo (DANE 3 1 1)
    verified: bool
    verify_error: str | None
    verify_code: int | None
    server_hostname: str


@dataclass(frozen=True, slots=True)
class SessionFailure:
    """Why the dialogue did not complete: a stable ``code``, the ``phase`` it happened in,
    plain words for a person, and the server's own text (sanitised) as evidence."""

    code: FailureCode
    phase: Phase
    message: str
    evidence: str = ""


@dataclass(frozen=True, slots=True)
class SessionResult:
    """What one probe session found. Server text is untrusted and sanitised (rule 10).

    ``greeting`` and ``capabilities_before`` come from before TLS for STARTTLS and are for
    the report only; ``capabilities`` and ``auth_mechanisms`` were read over TLS.
    ``failure`` None means the dialogue completed, not that the server is authenticated:
    see ``verified``. Times are seconds since the probe began.
    """

    service: Service
    host: str
    port: int
    security: Security
    peer: str | None
    greeting: str
    capabilities_before: tuple[str, ...]
    capabilities: tuple[str, ...]
    auth_mechanisms: tuple[str, ...]
    capabilities_hidden: bool  # the server would not list its capabilities over TLS
    tls: TlsInfo | None
    failure: SessionFailure | None
    elapsed: float
    elapsed_connect: float | None = None
    elapsed_tls: float | None = None
    alerts: tuple[str, ...] = ()  # IMAP [ALERT] texts read over TLS, sanitised

    @property
    def verified(self) -> bool:
        """The dialogue completed over TLS that OpenSSL verified with mailhop's context."""
        return self.failure is None and self.tls is not None and self.tls.verified


async def probe_session(
    service: Service,
    host: str,
    port: int,
    security: Security,
    *,
    addresses: Sequence[str],
    context: ssl.SSLContext,
    diagnostic_context: ssl.SSLContext,
    deadline: float,
    stagger: float = STAGGER_SECONDS,
    limits: Limits | None = None,
) -> SessionResult:
    """Probe ``host`` (an A-label) on ``port`` at ``addresses`` (IP literals, in order).

    Never raises for the network or the server; see the module docstring.
    """
    if not 1 <= port <= 65535:
        raise ValueError(f"port out of range: {port}")
    if not addresses:
        raise ValueError("no address to connect to")
    began = time.monotonic()
    options = _Options(service, host, port, security, tuple(addresses), stagger, limits, began)
    first = _Session(options, context)
    await first.run(deadline)
    refusal = first.refusal
    if first.failure is not None and first.failure.code is FailureCode.TLS_HANDSHAKE:
        old = await _old_tls_version(options, deadline)
        failure = _too_old(first.failure, old) if old else None
        return first.result(time.monotonic() - began, failure=failure)
    if refusal is None:
        return first.result(time.monotonic() - began)
    second = _Session(options, diagnostic_context)
    await second.run(deadline)
    return second.result(
        time.monotonic() - began,
        verify_error=refusal.verify_message or str(refusal),
        verify_code=refusal.verify_code,
        connected=first.connected,
    )


async def _old_tls_version(options: _Options, deadline: float) -> str | None:
    """The TLS version the server agrees to when offered only TLS 1.0 and 1.1, if any.

    Asked only after a handshake failed without saying why: a server too old for TLS 1.2
    may just hang up on a modern hello instead of sending a protocol_version alert (the
    alert case is recognised without this). The session is closed right after the
    handshake; nothing is sent over it.
    """
    check = _Session(options, version_check_context(), handshake_only=True)
    await check.run(deadline)
    return check.tls.version if check.tls is not None else None


def _too_old(failure: SessionFailure, version: str) -> SessionFailure:
    return SessionFailure(
        FailureCode.TLS_VERSION,
        failure.phase,
        f"the server speaks only {version} or older, which RFC 8996 retired; mailhop "
        "requires TLS 1.2 or newer (the handshake that offered TLS 1.2 and 1.3 failed, a "
        f"test handshake offering only TLS 1.0 and 1.1 got {version})",
        failure.message,
    )


@dataclass(frozen=True, slots=True)
class _Options:
    service: Service
    host: str
    port: int
    security: Security
    addresses: tuple[str, ...]
    stagger: float
    limits: Limits | None
    began: float


class _Inbox(asyncio.Protocol):
    """Every byte the server sends, queued for the engine; nothing is ever left unseen."""

    def __init__(self, cap: int) -> None:
        self._chunks: deque[bytes] = deque()
        self._queued = 0
        self._cap = cap  # past this the engine has failed already: keep memory bounded
        self._wake = asyncio.Event()
        self.closed = False

    def data_received(self, data: bytes) -> None:
        if self._queued <= self._cap:
            self._chunks.append(data)
            self._queued += len(data)
        self._wake.set()

    def eof_received(self) -> bool | None:
        self.closed = True
        self._wake.set()
        return None  # let the transport close

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self._wake.set()

    async def read(self) -> bytes:
        """What arrived since the last read; b"" once the server has closed."""
        while not self._chunks and not self.closed:
            self._wake.clear()
            await self._wake.wait()
        return self.take()

    def take(self) -> bytes:
        """What arrived and was not read yet, without waiting."""
        data = b"".join(self._chunks)
        self._chunks.clear()
        self._queued = 0
        return data


class _Session:
    """One connection and its dialogue; the fields fill in as it goes."""

    def __init__(
        self, options: _Options, context: ssl.SSLContext, *, handshake_only: bool = False
    ) -> None:
        self.options = options
        self.context = context
        self.handshake_only = handshake_only  # stop once TLS is up (the version check)
        self.engine = ENGINES[options.service](options.security, limits=options.limits)
        limits = self.engine.limits
        self.inbox = _Inbox(limits.total)
        self.transport: asyncio.Transport | None = None
        self.handshaking = False
        self.peer: str | None = None
        self.connected: float | None = None
        self.tls_up: float | None = None
        self.tls: TlsInfo | None = None
        self.failure: SessionFailure | None = None
        self.refusal: ssl.SSLCertVerificationError | None = None

    @property
    def phase(self) -> Phase:
        if self.transport is None:
            return Phase.CONNECT
        if self.handshaking:
            return Phase.TLS_HANDSHAKE
        return self.engine.phase

    async def run(self, deadline: float) -> None:
        loop = asyncio.get_running_loop()
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            self._fail(FailureCode.TIMEOUT, "the deadline had passed before the probe began")
            return
        # asyncio's loop clock is time.monotonic() for the standard loops; map anyway.
        timeout = asyncio.timeout_at(loop.time() + remaining)
        try:
            async with timeout:
                await self._dialogue(deadline)
        except TimeoutError:
            if not timeout.expired():
                raise
            self._fail(
                FailureCode.TIMEOUT,
                f"the server did not answer before the deadline; mailhop was "
                f"{PHASE_WORDS[self.phase]}",
            )
        except ConnectFailure as exc:
            self._fail(FailureCode.CONNECT, exc.message)
        except ssl.SSLCertVerificationError as exc:
            self.refusal = exc
        except ssl.SSLError as exc:
            self._tls_failed(exc)
        except OSError as exc:  # reset or broken pipe
            if self.handshaking:
                self._tls_failed(exc)
            else:
                self._fail(
                    FailureCode.CLOSED,
                    f"the connection broke while mailhop was {PHASE_WORDS[self.phase]} "
                    f"({exc.strerror or exc})",
                )
        finally:
            self._close()

    async def _dialogue(self, deadline: float) -> None:
        options = self.options
        self.transport, _, self.peer = await open_transport(
            options.host,
            options.port,
            options.addresses,
            lambda: self.inbox,
            stagger=options.stagger,
        )
        self.connected = time.monotonic() - options.began
        pending: deque[Event] = deque()
        if self.engine.implicit_tls:
            await self._handshake(deadline)
            if self.handshake_only:
                return
            pending.extend(self.engine.tls_established())
        while True:
            while pending:
                event = pending.popleft()
                if isinstance(event, Send):
                    self.transport.write(event.data)
                    _quick_ack(self.transport)
                elif isinstance(event, StartTls):
                    # Anything that came after the reply must be seen before the handshake.
                    early = self.inbox.take()
                    if early:
                        pending.extend(self.engine.receive(early))
                        continue
                    await self._handshake(deadline)
                    if self.handshake_only:
                        return
                    pending.extend(self.engine.tls_established())
                elif isinstance(event, Finished):
                    return
                elif isinstance(event, Failed):
                    self.failure = SessionFailure(
                        event.code, event.phase, event.message, event.evidence
                    )
                    return
            data = await self.inbox.read()
            pending.extend(self.engine.receive(data) if data else self.engine.receive_eof())

    async def _handshake(self, deadline: float) -> None:
        assert self.transport is not None
        loop = asyncio.get_running_loop()
        self.handshaking = True
        remaining = max(deadline - time.monotonic(), 0.001)
        upgraded = await loop.start_tls(
            self.transport,
            self.inbox,
            self.context,
            server_hostname=self.options.host,
            ssl_handshake_timeout=remaining + 1.0,  # the deadline fires first
            ssl_shutdown_timeout=SHUTDOWN_SECONDS,
        )
        if upgraded is None:  # the transport was closing: the server hung up
            raise ConnectionResetError("the connection closed")
        self.transport = upgraded
        _quick_ack(upgraded)
        self.handshaking = False
        self.tls_up = time.monotonic() - self.options.began
        self.tls = _tls_info(upgraded, self.context, self.options.host)

    def _tls_failed(self, exc: OSError) -> None:
        reason = getattr(exc, "reason", None) or ""
        if reason in TLS_VERSION_REASONS:
            self._fail(
                FailureCode.TLS_VERSION,
                "the server offers no TLS version mailhop accepts: it speaks only TLS 1.1 or "
                "older, which RFC 8996 retired; mailhop requires TLS 1.2 or newer",
                str(exc),
            )
            return
        if isinstance(exc, ssl.SSLError):
            what = f"the TLS handshake failed: {reason or exc}"
        else:
            what = "the server closed the connection during the TLS handshake"
        self._fail(FailureCode.TLS_HANDSHAKE, what, str(exc) if reason else "")

    def _fail(self, code: FailureCode, message: str, evidence: str = "") -> None:
        self.failure = SessionFailure(code, self.phase, message, evidence)

    def _close(self) -> None:
        transport = self.transport
        if transport is None or transport.is_closing():
            return
        if self.failure is None and not self.handshake_only:
            transport.close()  # after the logout; over TLS, with a close_notify
        elif self.failure is not None and self.failure.code in GOODBYE_AFTER:
            transport.close()  # the engine's QUIT or LOGOUT must not be lost to a reset
        else:
            # A flooding, stalled or misbehaving server gets a reset: a graceful TLS close
            # would go on reading (and discarding) what it sends until the shutdown timeout.
            transport.abort()

    def result(
        self,
        elapsed: float,
        *,
        verify_error: str | None = None,
        verify_code: int | None = None,
        connected: float | None = None,
        failure: SessionFailure | None = None,
    ) -> SessionResult:
        options, engine = self.options, self.engine
        failure = failure or self.failure
        tls = self.tls
        if verify_error is not None:
            tls = _refused_tls(tls, options.host, verify_error, verify_code)
        over_tls = engine.tls and failure is None
        return SessionResult(
            service=options.service,
            host=options.host,
            port=options.port,
            security=options.security,
            peer=self.peer,
            greeting=engine.greeting,
            capabilities_before=engine.capabilities_before,
            capabilities=engine.capabilities if over_tls else (),
            auth_mechanisms=engine.auth_mechanisms if over_tls else (),
            capabilities_hidden=engine.capabilities_hidden,
            tls=tls,
            failure=failure,
            elapsed=elapsed,
            elapsed_connect=connected if connected is not None else self.connected,
            elapsed_tls=self.tls_up,
            alerts=tuple(engine.alerts) if engine.tls else (),
        )


def _tls_info(transport: asyncio.Transport, context: ssl.SSLContext, host: str) -> TlsInfo:
    ssl_object = transport.get_extra_info("ssl_object")
    if not isinstance(ssl_object, ssl.SSLObject):
        raise RuntimeError("a TLS transport without its SSLObject")
    chain = _presented_chain(ssl_object)
    cipher = ssl_object.cipher()
    verifying = context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    return TlsInfo(
        version=ssl_object.version(),
        cipher=cipher[0] if cipher else None,
        chain=chain,
        spki_sha256=_spki_sha256(chain[0]) if chain else None,
        verified=verifying,
        verify_error=None if verifying else "not verified (diagnostic context)",
        verify_code=None,
        server_hostname=host,
    )


def _refused_tls(
    tls: TlsInfo | None, host: str, verify_error: str, verify_code: int | None
) -> TlsInfo:
    """The diagnostic session's TLS facts with the verifying context's refusal."""
    return TlsInfo(
        version=tls.version if tls else None,
        cipher=tls.cipher if tls else None,
        chain=tls.chain if tls else (),
        spki_sha256=tls.spki_sha256 if tls else None,
        verified=False,
        verify_error=verify_error,
        verify_code=verify_code,
        server_hostname=host,
    )


def _presented_chain(ssl_object: ssl.SSLObject) -> tuple[bytes, ...]:
    """The certificates as the server sent them, DER, leaf first.

    Python 3.13 made ``get_unverified_chain`` public (it returns DER bytes); 3.11 and 3.12
    have it only on the private ``_sslobj`` (returning certificate objects). Without
    either, the leaf alone.
    """
    public = getattr(ssl_object, "get_unverified_chain", None)
    if public is not None:
        return tuple(bytes(item) for item in public() or ())
    inner = getattr(ssl_object, "_sslobj", None)
    private = getattr(inner, "get_unverified_chain", None)
    if private is not None:
        return tuple(bytes(item.public_bytes(_ssl.ENCODING_DER)) for item in private() or ())
    leaf = ssl_object.getpeercert(binary_form=True)
    return (leaf,) if leaf else ()


def _spki_sha256(der: bytes) -> str | None:
    """As certinfo and login_wire compute it (through the untrusted-bytes boundary, the
    key as encoded), so equal keys compare equal; None for bytes that are no certificate."""
    cert = load_certificate(der)
    if cert is None:
        return None
    try:
        return hashlib.sha256(spki_der(cert)).hexdigest()
    except ValueError:  # no key to be found at all
        return None


def _quick_ack(transport: asyncio.BaseTransport) -> None:
    """Ask the kernel to acknowledge the server's next segments at once (Linux only)."""
    sock = transport.get_extra_info("socket")
    option = getattr(socket, "TCP_QUICKACK", None)
    if sock is not None and option is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.IPPROTO_TCP, option, 1)
