"""The driver of one connection: the bytes between a socket and a sans-IO engine.

``Session`` connects (connect.py), feeds every byte it receives to the engine and runs what
the engine says: write a command, run the TLS handshake, stop. It reads through its own
small protocol (``Inbox``), not an asyncio StreamReader, so that no plaintext can sit in a
buffer it cannot see and be read later as if it had come over TLS (mailsession.py's
theory of operation says why, and how the sessions of one probe fit together).
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import ssl
import time
from collections import deque
from dataclasses import dataclass

from ..common.model import Security, Service
from ..net.connect import ConnectFailure, open_transport
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
from .session_report import SessionFailure, SessionResult, TlsInfo
from .tls_facts import refused_tls, tls_info

__all__ = ["ENGINES", "Inbox", "Session", "SessionOptions", "quick_ack"]

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


@dataclass(frozen=True, slots=True, kw_only=True)
class SessionOptions:
    """What every session of one probe shares: the endpoint, the addresses, the bounds."""

    service: Service
    host: str
    port: int
    security: Security
    addresses: tuple[str, ...]
    stagger: float
    limits: Limits | None
    began: float


class Inbox(asyncio.Protocol):
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


class Session:
    """One connection and its dialogue; the fields fill in as it goes."""

    def __init__(
        self, options: SessionOptions, context: ssl.SSLContext, *, handshake_only: bool = False
    ) -> None:
        self.options = options
        self.context = context
        self.handshake_only = handshake_only  # stop once TLS is up (the version check)
        self.engine = ENGINES[options.service](options.security, limits=options.limits)
        limits = self.engine.limits
        self.inbox = Inbox(limits.total)
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
                    quick_ack(self.transport)
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
        quick_ack(upgraded)
        self.handshaking = False
        self.tls_up = time.monotonic() - self.options.began
        self.tls = tls_info(upgraded, self.context, self.options.host)

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
            tls = refused_tls(tls, options.host, verify_error, verify_code)
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


def quick_ack(transport: asyncio.BaseTransport) -> None:
    """Ask the kernel to acknowledge the server's next segments at once (Linux only)."""
    sock = transport.get_extra_info("socket")
    option = getattr(socket, "TCP_QUICKACK", None)
    if sock is not None and option is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.IPPROTO_TCP, option, 1)
