"""The IMAP probe engine (RFC 3501 / RFC 9051, STARTTLS from RFC 3501 section 6.2.1).

See proto_base.py for the events and the shared dialogue. IMAP specifics:

* The greeting is ``* OK``, ``* PREAUTH`` or ``* BYE``. Its ``[CAPABILITY ...]`` response
  code, when present, stands for the CAPABILITY command: one round trip less (DESIGN.md
  section 7: IMAP STARTTLS in 5 round trips, IMAPS in 3). Before TLS it is trusted only to
  go on: if it lacks STARTTLS, mailhop asks CAPABILITY before calling STARTTLS missing.
* ``* PREAUTH`` before TLS fails the dialogue: the session is authenticated already, and
  STARTTLS is only allowed in the not-authenticated state, so an attacker who sends it
  strips TLS for good (RFC 3501 section 6.2.1; the "PREAUTH" STARTTLS-stripping attack).
  Over implicit TLS it is the server's business and the dialogue goes on.
* Untagged responses other than CAPABILITY and BYE are ignored wherever they come (before
  STARTTLS they are noise at best, and everything before TLS is discarded anyway). One that
  announces a literal (``{n}`` at the end of its line) has those n bytes passed over.
  The exception is an ``[ALERT]`` response code (RFC 3501 section 7.1), in the greeting or
  any OK/NO/BAD, tagged or not: its text is for the person and is kept in ``alerts``
  (sanitised, at most ``MAX_ALERTS``), but only what came over TLS: an alert from before
  STARTTLS could be anyone's on the path, so it is never kept.
* Tags are fixed per command (``Command``), so every byte the engine can send is a constant.
  A tagged reply with another tag, or a continuation request, is a protocol error, except
  for STARTTLS, where ``+`` is a refusal like NO and BAD.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import ClassVar

from ..common.model import Security
from .proto_base import (
    ALERT_LIMIT,
    MAX_ALERTS,
    Engine,
    Event,
    FailureCode,
    Limits,
    Phase,
    sanitise,
)

__all__ = ["Command", "ImapEngine", "alert_text"]


class Command(enum.Enum):
    """Everything the IMAP engine can send."""

    CAPABILITY = b"M1 CAPABILITY\r\n"
    STARTTLS = b"M2 STARTTLS\r\n"
    CAPABILITY_TLS = b"M3 CAPABILITY\r\n"
    LOGOUT = b"M4 LOGOUT\r\n"

    @property
    def tag(self) -> bytes:
        return self.value.split(b" ", 1)[0]


STATUS = re.compile(rb"(OK|NO|BAD|PREAUTH|BYE)(?: (.*))?$", re.IGNORECASE | re.DOTALL)
CAPABILITY_CODE = re.compile(rb"\[CAPABILITY ([^\]]*)\]", re.IGNORECASE)
LITERAL = re.compile(rb"\{(\d{1,9})\}$")
# "* OK [ALERT] text", "A1 NO [ALERT] text": the response code right after the status word.
ALERT = re.compile(rb"^\S+ (?:OK|NO|BAD|PREAUTH|BYE) \[ALERT\] ?(.*)$", re.IGNORECASE | re.DOTALL)


def alert_text(line: bytes) -> str | None:
    """The text of an IMAP response line with an ``[ALERT]`` code, sanitised, else None."""
    found = ALERT.match(line.rstrip(b"\r\n"))
    return sanitise(found[1], ALERT_LIMIT) if found else None


class ImapEngine(Engine):
    protocol = "IMAP"
    Command = Command
    COMMANDS: ClassVar[Mapping[Phase, enum.Enum]] = MappingProxyType(
        {
            Phase.CAPABILITIES: Command.CAPABILITY,
            Phase.STARTTLS: Command.STARTTLS,
            Phase.CAPABILITIES_TLS: Command.CAPABILITY_TLS,
            Phase.DONE: Command.LOGOUT,
        }
    )
    STARTTLS_NAME = "STARTTLS"

    def _mechanisms(self, capabilities: Iterable[str]) -> Iterable[str]:
        return (c[5:] for c in capabilities if c.upper().startswith("AUTH=") and len(c) > 5)

    def __init__(self, security: Security, *, limits: Limits | None = None) -> None:
        super().__init__(security, limits=limits)
        self._continued = False  # the next line goes on with a response after a literal

    def tls_established(self) -> list[Event]:
        self.alerts.clear()  # said before TLS: anyone on the path could have written it
        return super().tls_established()

    def _alert(self, line: bytes) -> None:
        # Over TLS only: a dialogue that fails before the handshake must not keep them either.
        text = alert_text(line) if self.tls else None
        if text is not None and len(self.alerts) < MAX_ALERTS:
            self.alerts.append(text)

    def _line(self, line: bytes) -> list[Event]:
        if self._continued:  # the rest of an ignored untagged response
            self._continued = False
            self._literal(line)
            return []
        if self.phase is Phase.GREETING:
            return self._greeting(line)
        tag, _, rest = line.partition(b" ")
        if tag == b"*":
            return self._untagged(rest, line)
        if tag == b"+":
            if self.phase is Phase.STARTTLS:
                raise self._refused(line)
            raise self._stop(
                FailureCode.PROTOCOL,
                "the server asked for more input that mailhop never offered to send",
                line.decode("utf-8", "replace"),
            )
        expected = self.COMMANDS[self.phase]
        assert isinstance(expected, Command)
        if tag != expected.tag:
            raise self._stop(
                FailureCode.PROTOCOL,
                "the server answered a command mailhop did not send",
                line.decode("utf-8", "replace"),
            )
        return self._tagged(rest, line)

    def _greeting(self, line: bytes) -> list[Event]:
        tag, _, rest = line.partition(b" ")
        status = STATUS.match(rest) if tag == b"*" else None
        if status is None:
            raise self._stop(
                FailureCode.PROTOCOL,
                "the server's first line is not an IMAP greeting",
                line.decode("utf-8", "replace"),
            )
        word = status[1].upper()
        text = line.decode("utf-8", "replace")
        self.greeting = sanitise(line)
        self._alert(line)
        if word == b"BYE":
            raise self._stop(
                FailureCode.REFUSED, "the server turned the connection away", self.greeting
            )
        if word not in (b"OK", b"PREAUTH"):
            raise self._stop(
                FailureCode.PROTOCOL, "the server's greeting is not OK, PREAUTH or BYE", text
            )
        if word == b"PREAUTH" and not self.tls:
            raise self._stop(
                FailureCode.PREAUTH,
                "the server greeted with PREAUTH: it says the session is logged in before "
                "any TLS, which makes STARTTLS impossible (RFC 3501 section 6.2.1). An "
                "attacker on the path can do exactly this to keep the connection unencrypted",
                self.greeting,
                polite=True,
            )
        self._capability_code(status[2] or b"")
        return self._advance()

    def _untagged(self, rest: bytes, line: bytes) -> list[Event]:
        name, _, arguments = rest.partition(b" ")
        upper = name.upper()
        if upper == b"CAPABILITY":
            self._set_capabilities(_atoms(arguments))
            return []
        if upper == b"BYE":
            code = FailureCode.STARTTLS_REFUSED if self.phase is Phase.STARTTLS else None
            raise self._stop(
                code or FailureCode.REFUSED,
                "the server said BYE and is closing the connection",
                line.decode("utf-8", "replace"),
            )
        if upper == b"OK":
            self._capability_code(arguments)  # RFC 3501 7.1: a code may come untagged too
        self._alert(line)
        self._literal(rest)
        return []  # noise: EXISTS, FLAGS, an [ALERT], ... nothing to act on here

    def _literal(self, line: bytes) -> None:
        """A line ending in {n}: n raw bytes follow, then the response goes on."""
        literal = LITERAL.search(line)
        if literal:
            self._skip_raw(int(literal[1]))
            self._continued = True

    def _tagged(self, rest: bytes, line: bytes) -> list[Event]:
        status = STATUS.match(rest)
        word = status[1].upper() if status else b""
        text = line.decode("utf-8", "replace")
        self._alert(line)
        if self.phase is Phase.STARTTLS:
            if word == b"OK":
                return self._advance()
            raise self._refused(line)
        # CAPABILITY, before or after TLS
        if status is not None and word == b"OK":
            self._capability_code(status[2] or b"")
            if self._known:
                return self._advance()
            return self._capabilities_refused(text)  # OK, but no capability listed
        if word in (b"NO", b"BAD"):
            return self._capabilities_refused(text)
        raise self._stop(FailureCode.PROTOCOL, "the server's answer has no OK, NO or BAD", text)

    def _capability_code(self, text: bytes) -> None:
        code = CAPABILITY_CODE.search(text)
        if code:
            self._set_capabilities(_atoms(code[1]))

    def _refused(self, line: bytes) -> Exception:
        return self._stop(
            FailureCode.STARTTLS_REFUSED,
            "the server offered STARTTLS but did not accept it, so the connection cannot be "
            "secured",
            line.decode("utf-8", "replace"),
            polite=True,
        )


def _atoms(text: bytes) -> list[str]:
    return [atom.decode("ascii", "replace") for atom in text.split()]
