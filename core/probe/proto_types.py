"""The probe engines' vocabulary: phases, failure codes, limits, events, the server's words.

What an engine (proto_base.py and its protocols) tells its driver (session_driver.py) and
what the probe record keeps: plain enums and frozen records, no behaviour. Server text is
untrusted: ``sanitise`` makes it safe to show (DESIGN rule 10) and ``quote_server`` marks
it as the server's, never mailhop's.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from ..common.text import server_text

__all__ = [
    "ALERT_LIMIT",
    "EVIDENCE_LIMIT",
    "GREETING_LIMIT",
    "MAX_ALERTS",
    "MAX_CAPABILITIES",
    "MAX_CAPABILITY_LENGTH",
    "PHASE_WORDS",
    "Event",
    "Failed",
    "FailureCode",
    "Finished",
    "Limits",
    "Phase",
    "Send",
    "ServerAlert",
    "StartTls",
    "quote_server",
    "sanitise",
]

GREETING_LIMIT = 512  # characters of server text kept for people
ALERT_LIMIT = 300  # characters of one [ALERT] kept
MAX_ALERTS = 4  # [ALERT]s kept per connection: the person reads them, a flood is cut
EVIDENCE_LIMIT = 300
MAX_CAPABILITIES = 200  # more than any real server lists; the rest is dropped
MAX_CAPABILITY_LENGTH = 200


class Phase(enum.StrEnum):
    """Where a dialogue is; a timeout or a failure names the phase it happened in."""

    CONNECT = "connect"
    GREETING = "greeting"
    CAPABILITIES = "capabilities"
    STARTTLS = "starttls"
    TLS_HANDSHAKE = "tls-handshake"
    CAPABILITIES_TLS = "capabilities-after-tls"
    DONE = "done"


PHASE_WORDS = {
    Phase.CONNECT: "connecting",
    Phase.GREETING: "waiting for its greeting",
    Phase.CAPABILITIES: "reading its capabilities",
    Phase.STARTTLS: "waiting for its answer to STARTTLS",
    Phase.TLS_HANDSHAKE: "negotiating TLS",
    Phase.CAPABILITIES_TLS: "reading its capabilities after TLS",
    Phase.DONE: "logging out",
}


class FailureCode(enum.StrEnum):
    """Why a probe session ended without a complete dialogue (stable codes for the verdict)."""

    CONNECT = "connect"  # no address accepted a TCP connection
    TIMEOUT = "timeout"  # the deadline passed; the failure names the phase
    CLOSED = "closed"  # the server hung up mid-dialogue
    REFUSED = "refused"  # the server turned the session away (IMAP BYE, POP3 -ERR, SMTP 554)
    PROTOCOL = "protocol"  # the answer does not follow the protocol
    FLOOD = "flood"  # a line or the whole answer went past its limit
    STARTTLS_MISSING = "starttls-missing"  # not offered before TLS (stripped, or not there)
    STARTTLS_REFUSED = "starttls-refused"  # offered, then answered NO/BAD/-ERR/454/502/...
    PREAUTH = "preauth"  # IMAP logged in before TLS: STARTTLS impossible (RFC 3501 6.2.1)
    INJECTION = "injection"  # bytes after the STARTTLS reply, before TLS (CVE-2011-0411)
    TLS_VERSION = "tls-version"  # the server speaks no TLS 1.2 or newer (RFC 8996)
    TLS_HANDSHAKE = "tls-handshake"  # any other handshake failure
    # Not the server's: an audit's own caps per server left the session no time (rule 11).
    NOT_CHECKED = "not-checked"


@dataclass(frozen=True, slots=True)
class Limits:
    """Caps on what a server may send (bytes): one line, before TLS, and in all."""

    line: int = 8 * 1024
    before_tls: int = 64 * 1024
    total: int = 256 * 1024


@dataclass(frozen=True, slots=True)
class Send:
    data: bytes


@dataclass(frozen=True, slots=True)
class StartTls:
    pass


@dataclass(frozen=True, slots=True)
class Finished:
    pass


@dataclass(frozen=True, slots=True)
class Failed:
    code: FailureCode
    phase: Phase
    message: str  # plain words, for a person
    evidence: str = ""  # the server's own text, sanitised


Event = Send | StartTls | Finished | Failed


@dataclass(frozen=True, slots=True)
class ServerAlert:
    """Words a server asks to have shown to the person: an IMAP ``[ALERT]`` (RFC 3501
    section 7.1: the client "MUST present" the text to the user). Untrusted: ``text`` is
    ``sanitise``d; shells show it through ``said()``, which names the server and quotes it,
    so it never reads as mailhop's own message."""

    protocol: str  # "IMAP"
    host: str  # the A-label mailhop connected to
    text: str

    def said(self) -> str:
        return f"{self.host} says: {quote_server(self.text)}"


def quote_server(text: str) -> str:
    """Server text between typographic quotes; quote marks of that kind inside it become
    plain ones, so the text cannot close the quotation and go on in mailhop's voice."""
    inner = text.replace("\u201c", '"').replace("\u201d", '"')
    return f"\u201c{inner}\u201d"


def sanitise(raw: bytes | str, limit: int = GREETING_LIMIT) -> str:
    """Server text made safe to show as plain text (DESIGN rule 10): the one rule of
    ``common.text.server_text``, cut at the probe's ``limit``."""
    return server_text(raw, limit)
