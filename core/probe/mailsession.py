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

import ssl
import time
from collections.abc import Sequence

from ..common.model import Security, Service
from ..net.connect import STAGGER_SECONDS
from ..net.tlscontext import version_check_context
from .proto_types import FailureCode, Limits, Phase
from .session_driver import ENGINES, Session, SessionOptions
from .session_report import SessionFailure, SessionResult, TlsInfo

__all__ = [
    "ENGINES",
    "FailureCode",
    "Phase",
    "SessionFailure",
    "SessionResult",
    "TlsInfo",
    "probe_session",
]


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
    options = SessionOptions(
        service=service,
        host=host,
        port=port,
        security=security,
        addresses=tuple(addresses),
        stagger=stagger,
        limits=limits,
        began=began,
    )
    first = Session(options, context)
    await first.run(deadline)
    refusal = first.refusal
    if first.failure is not None and first.failure.code is FailureCode.TLS_HANDSHAKE:
        old = await _old_tls_version(options, deadline)
        failure = _too_old(first.failure, old) if old else None
        return first.result(time.monotonic() - began, failure=failure)
    if refusal is None:
        return first.result(time.monotonic() - began)
    second = Session(options, diagnostic_context)
    await second.run(deadline)
    return second.result(
        time.monotonic() - began,
        verify_error=refusal.verify_message or str(refusal),
        verify_code=refusal.verify_code,
        connected=first.connected,
    )


async def _old_tls_version(options: SessionOptions, deadline: float) -> str | None:
    """The TLS version the server agrees to when offered only TLS 1.0 and 1.1, if any.

    Asked only after a handshake failed without saying why: a server too old for TLS 1.2
    may just hang up on a modern hello instead of sending a protocol_version alert (the
    alert case is recognised without this). The session is closed right after the
    handshake; nothing is sent over it.
    """
    check = Session(options, version_check_context(), handshake_only=True)
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
