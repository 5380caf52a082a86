"""What the IMAP, POP3 and SMTP probe engines share: phases, events, limits, the dialogue.

Theory of operation. An engine is a sans-IO state machine (STYLE.md habit 2): the driver
(mailsession.py) hands it the bytes it read and runs what it is told, nothing else:

    engine.receive(data)      bytes from the server, in whatever chunks they came
    engine.receive_eof()      the server closed the connection
    engine.tls_established()  the driver finished a TLS handshake (for implicit TLS: before
                              the first byte; for STARTTLS: after the StartTls event)

    Send(data)                write these bytes; always one of the engine's fixed commands
    StartTls()                run the TLS handshake now; nothing more is read before it
    Finished()                the dialogue is complete (the logout was the last Send)
    Failed(code, ...)         the dialogue ended badly; close the connection

Every protocol walks the same table (``NEXT`` below), which is DESIGN.md section 4, rule 2:

    greeting -> capabilities -> STARTTLS -> TLS handshake -> capabilities again -> logout
    (implicit TLS: TLS handshake -> greeting -> capabilities -> logout)

STARTTLS is always required: there is no path from the plaintext phases to "done". A
missing capability, a refusal, an IMAP PREAUTH greeting, or any byte after the STARTTLS
reply and before the handshake (response injection, CVE-2011-0411) fails the dialogue. After
the handshake everything learnt before it is discarded (RFC 3207 section 4.2, RFC 2595
section 4, RFC 3501 section 6.2.1): ``capabilities_before`` is kept for the report only,
and the capabilities are read again over TLS. A server that will not list them after TLS
is a finding (``capabilities_hidden``), not a failure.

No credential can leave an engine, by construction rather than by care: an engine sends
only members of its ``Command`` enum, whose values are constant byte strings fixed when the
module is imported (``_send`` takes nothing else), and no engine has a parameter, field or
method through which a user name or password could arrive. The commands are CAPABILITY,
STARTTLS, LOGOUT (IMAP), CAPA, STLS, QUIT (POP3), EHLO, STARTTLS, QUIT (SMTP); LOGIN,
AUTHENTICATE, AUTH, USER and PASS exist nowhere in this code.

Untrusted input is bounded: a line longer than ``Limits.line``, more than
``Limits.before_tls`` bytes before TLS or ``Limits.total`` in all ends the dialogue as a
``flood``. Server text kept for people (greeting, evidence) goes through ``sanitise``.
The vocabulary (phases, failure codes, limits, events) is proto_types.py; it is
re-exported here, where the engines and their callers have always found it.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from typing import ClassVar

from ..common.model import Security
from .proto_types import (
    ALERT_LIMIT,
    EVIDENCE_LIMIT,
    GREETING_LIMIT,
    MAX_ALERTS,
    MAX_CAPABILITIES,
    MAX_CAPABILITY_LENGTH,
    PHASE_WORDS,
    Event,
    Failed,
    FailureCode,
    Finished,
    Limits,
    Phase,
    Send,
    ServerAlert,
    StartTls,
    quote_server,
    sanitise,
)

__all__ = [
    "ALERT_LIMIT",
    "EVIDENCE_LIMIT",
    "GREETING_LIMIT",
    "MAX_ALERTS",
    "MAX_CAPABILITIES",
    "MAX_CAPABILITY_LENGTH",
    "NEXT",
    "PHASE_WORDS",
    "Engine",
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

# The dialogue, the same for every protocol: (phase, over TLS) -> the phase after it.
NEXT: dict[tuple[Phase, bool], Phase] = {
    (Phase.GREETING, False): Phase.CAPABILITIES,
    (Phase.CAPABILITIES, False): Phase.STARTTLS,  # only when STARTTLS is offered
    (Phase.STARTTLS, False): Phase.TLS_HANDSHAKE,  # only on the positive answer
    (Phase.TLS_HANDSHAKE, True): Phase.CAPABILITIES_TLS,  # STARTTLS: read them again
    (Phase.GREETING, True): Phase.CAPABILITIES_TLS,  # implicit TLS
    (Phase.CAPABILITIES_TLS, True): Phase.DONE,
}


class _Stop(Exception):
    """Raised inside an engine to end the dialogue with a Failed event; ``polite``: say
    goodbye first (the server refused something, nothing hostile was seen)."""

    def __init__(self, failed: Failed, *, polite: bool = False) -> None:
        super().__init__(failed.message)
        self.failed = failed
        self.polite = polite


class Engine:
    """The shared dialogue; a protocol supplies ``Command``, ``COMMANDS`` and ``_line``."""

    protocol: ClassVar[str]  # "IMAP", "POP3", "SMTP": for messages
    Command: ClassVar[type[enum.Enum]]  # the only bytes the engine can send
    COMMANDS: ClassVar[Mapping[Phase, enum.Enum]]  # the command that opens a phase
    STARTTLS_NAME: ClassVar[str]  # the capability that offers STARTTLS

    def __init__(self, security: Security, *, limits: Limits | None = None) -> None:
        self.security = security
        self.limits = limits or Limits()
        self.tls = False
        self.phase = Phase.TLS_HANDSHAKE if self.implicit_tls else Phase.GREETING
        self.greeting = ""  # sanitised; before TLS for STARTTLS, so untrusted then
        self.capabilities_before: tuple[str, ...] = ()  # for the report only (rule 2)
        self.capabilities: tuple[str, ...] = ()  # read over TLS
        self.capabilities_hidden = False
        self.alerts: list[str] = []  # IMAP [ALERT]s over TLS, sanitised (proto_imap.py)
        self.failed: Failed | None = None
        self.finished = False
        self._known = False  # capabilities for the current TLS state came in already
        self._buffer = bytearray()
        self._skip = 0  # raw bytes to pass over (an IMAP literal)
        self._received_plain = 0
        self._received = 0

    @property
    def implicit_tls(self) -> bool:
        return self.security is Security.IMPLICIT_TLS

    @property
    def auth_mechanisms(self) -> tuple[str, ...]:
        """SASL mechanisms offered over TLS, upper case, in the server's order."""
        return tuple(dict.fromkeys(m.upper() for m in self._mechanisms(self.capabilities)))

    @property
    def over(self) -> bool:
        return self.finished or self.failed is not None

    # --- the driver's side -------------------------------------------------------------------

    def receive(self, data: bytes) -> list[Event]:
        if self.over or not data:
            return []
        if self.implicit_tls and not self.tls:
            raise RuntimeError("implicit TLS: tls_established() comes before any data")
        events: list[Event] = []  # kept when a later line of the same chunk fails
        try:
            if self.phase is Phase.TLS_HANDSHAKE:
                raise self._injection(bytes(data))
            self._buffer += data  # first: a flood's evidence quotes this read too
            self._count(len(data))
            self._drain(events)
        except _Stop as stop:
            events += self._stopped(stop)
        return events

    def receive_eof(self) -> list[Event]:
        if self.over:
            return []
        failed = Failed(
            FailureCode.CLOSED,
            self.phase,
            f"the server closed the connection while mailhop was {PHASE_WORDS[self.phase]}",
        )
        return self._stopped(_Stop(failed))

    def tls_established(self) -> list[Event]:
        if self.over:
            return []
        if self.phase is not Phase.TLS_HANDSHAKE or self._buffer:
            raise RuntimeError("tls_established() outside the TLS handshake phase")
        self.tls = True
        # Everything learnt in plaintext is forgotten here (rule 2); the greeting and the
        # capabilities before TLS stay readable for the report, never for decisions.
        self.capabilities = ()
        self._known = False
        self._skip = 0
        try:
            if self.implicit_tls:
                self.phase = Phase.GREETING
                return []
            return self._advance()
        except _Stop as stop:
            return self._stopped(stop)

    # --- for the protocols -------------------------------------------------------------------

    def _line(self, line: bytes) -> list[Event]:
        """Handle one line (without its line ending)."""
        raise NotImplementedError

    def _mechanisms(self, capabilities: Iterable[str]) -> Iterable[str]:
        raise NotImplementedError

    def _advance(self) -> list[Event]:
        """The current phase ended well: enter the next one, by the table."""
        if self.phase is Phase.CAPABILITIES and not self._offers_starttls():
            raise self._stop(
                FailureCode.STARTTLS_MISSING,
                f"the server does not offer {self._starttls_words}, so the connection "
                "cannot be secured; an attacker on the path can remove that offer, which "
                "is why mailhop never continues without it",
                " ".join(self.capabilities_before) or "(no capabilities listed)",
                polite=True,
            )
        self.phase = NEXT[(self.phase, self.tls)]
        if self.phase is Phase.TLS_HANDSHAKE:
            if self._buffer:
                # Bytes that came with the STARTTLS reply would be read as if they had
                # come over TLS.
                raise self._injection(bytes(self._buffer))
            return [StartTls()]
        if self.phase is Phase.DONE:
            self.finished = True
            return [self._send(self.COMMANDS[Phase.DONE]), Finished()]
        if self._known and (
            self.phase is Phase.CAPABILITIES_TLS
            or (self.phase is Phase.CAPABILITIES and self._offers_starttls())
        ):
            return self._advance()  # the greeting listed them (IMAP): one round trip less
        return [self._send(self.COMMANDS[self.phase])]

    def _send(self, command: enum.Enum) -> Send:
        """The one place a Send is made: from a member of the protocol's Command enum."""
        if not isinstance(command, self.Command):
            raise TypeError(f"{command!r} is not a {self.protocol} probe command")
        data = command.value
        assert isinstance(data, bytes)
        return Send(data)

    def _set_capabilities(self, names: Iterable[str]) -> None:
        found = tuple(sanitise(name, MAX_CAPABILITY_LENGTH) for name in names if name)[
            :MAX_CAPABILITIES
        ]
        if self.tls:
            self.capabilities = found
        else:
            self.capabilities_before = found
        self._known = True

    def _capabilities_refused(self, evidence: str) -> list[Event]:
        """The server would not list its capabilities: fatal before TLS, a finding after."""
        if not self.tls:
            raise self._stop(
                FailureCode.STARTTLS_MISSING,
                "the server would not list its capabilities before TLS, so it does not "
                f"offer {self._starttls_words} and the connection cannot be secured",
                evidence,
                polite=True,
            )
        self.capabilities_hidden = True
        return self._advance()

    @property
    def _starttls_words(self) -> str:
        name = self.STARTTLS_NAME
        return name if name == "STARTTLS" else f"STARTTLS ({name})"

    def _offers_starttls(self) -> bool:
        wanted = self.STARTTLS_NAME.upper()
        return any(c.split(" ", 1)[0].upper() == wanted for c in self.capabilities_before)

    def _stop(
        self, code: FailureCode, message: str, evidence: str = "", *, polite: bool = False
    ) -> _Stop:
        """A failure to raise (see _Stop)."""
        failed = Failed(code, self.phase, message, sanitise(evidence, EVIDENCE_LIMIT))
        return _Stop(failed, polite=polite)

    def _skip_raw(self, count: int) -> None:
        self._skip += count

    # --- inside ------------------------------------------------------------------------------

    def _drain(self, events: list[Event]) -> None:
        while not self.over and self.phase is not Phase.TLS_HANDSHAKE:
            if self._skip:
                taken = min(self._skip, len(self._buffer))
                del self._buffer[:taken]
                self._skip -= taken
                if self._skip:
                    break
            end = self._buffer.find(b"\n")
            if end < 0:
                if len(self._buffer) > self.limits.line:
                    raise self._flood(f"a line longer than {self.limits.line} bytes")
                break
            if end > self.limits.line:
                raise self._flood(f"a line longer than {self.limits.line} bytes")
            line = bytes(self._buffer[:end]).removesuffix(b"\r")
            del self._buffer[: end + 1]
            events += self._line(line)

    def _count(self, size: int) -> None:
        self._received += size
        if not self.tls:
            self._received_plain += size
            if self._received_plain > self.limits.before_tls:
                raise self._flood(f"more than {self.limits.before_tls} bytes before TLS")
        if self._received > self.limits.total:
            raise self._flood(f"more than {self.limits.total} bytes")

    def _flood(self, what: str) -> _Stop:
        return self._stop(
            FailureCode.FLOOD,
            f"the server sent {what} while mailhop was {PHASE_WORDS[self.phase]}; "
            "mailhop stops reading there",
            bytes(self._buffer[:EVIDENCE_LIMIT]).decode("utf-8", "replace"),
        )

    def _injection(self, data: bytes) -> _Stop:
        return self._stop(
            FailureCode.INJECTION,
            f"the server sent {len(data)} more byte(s) after accepting STARTTLS and before "
            "the TLS handshake; bytes there can be injected by an attacker on the path and "
            "read as if they came over TLS (CVE-2011-0411), so mailhop stops",
            data[:EVIDENCE_LIMIT].decode("utf-8", "replace"),
        )

    def _stopped(self, stop: _Stop) -> list[Event]:
        self.failed = stop.failed
        self._buffer.clear()
        if stop.polite:
            return [self._send(self.COMMANDS[Phase.DONE]), stop.failed]
        return [stop.failed]
