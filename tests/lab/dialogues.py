"""Sans-IO server dialogues for the hostile IMAP, POP3 and SMTP servers (hostile.py drives them).

This module holds what the three share; dialogue_imap.py, dialogue_pop3.py and
dialogue_smtp.py hold one protocol each.

A dialogue never touches a socket. It is told the client's input and answers with steps:

    greet()           -> steps for a new connection (after the handshake, for implicit TLS)
    receive(data)     -> steps for one line, or for the `wants` raw bytes it asked for (an
                         IMAP literal)
    tls_started()     -> steps once a handshake succeeded

    Send(bytes)       write these bytes
    StartTLS()        run the server side of a handshake now
    Halt(how, point)  "stall": answer nothing more, ever; "close": drop the connection
    Flood(data, unit) write `data`, then `unit` again and again until the client leaves

Well-behaved by default (RFC 3501, 1939/2595, 5321/3207/4954): STARTTLS offered and
honoured, no login before TLS (LOGINDISABLED, no USER, no AUTH), LOGIN and AUTH PLAIN (and
SMTP AUTH LOGIN) accepted after it for the lab accounts. A `Behaviour` bends that: other
greeting or capabilities, a refused STARTTLS, bytes injected after the STARTTLS reply,
PREAUTH, or a stall, close or flood at a named point; untagged IMAP noise before TLS;
capabilities hidden after TLS; IMAP words of the server's own around a login (untagged lines
such as an [ALERT], and a fixed refusal, such as one written in HTML). Login follows the
capabilities a server shows, so a server that hides STARTTLS and advertises AUTH=PLAIN takes
a password in the clear, as a stripping attacker would.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import ClassVar, Literal

# The client-input parsers are the demo servers' (core/demo/dialogues.py), shared: the lab
# and the shipped demo read SASL and IMAP commands the same way.
from mailhop.core.demo.dialogues import sasl_plain as sasl_plain

TLS_MODES = ("starttls", "implicit", "none")
# Where a stall or close can happen; "login" is on receiving a login command, before replying.
POINTS = (
    "greeting",
    "after_greeting",
    "capabilities",
    "starttls",
    "after_starttls",
    "after_tls",
    "login",
)
MAX_LITERAL = 64 * 1024
FLOOD_SHAPES = ("lines", "line")  # endless short lines, or one line that never ends


@dataclass(frozen=True, slots=True)
class Send:
    data: bytes


@dataclass(frozen=True, slots=True)
class StartTLS:
    pass


@dataclass(frozen=True, slots=True)
class Halt:
    how: Literal["stall", "close"]
    point: str


@dataclass(frozen=True, slots=True)
class Flood:
    data: bytes
    unit: bytes
    point: str


Step = Send | StartTLS | Halt | Flood


@dataclass(frozen=True, slots=True)
class Behaviour:
    """The knobs of one hostile server; None means the protocol's well-behaved default."""

    host: str
    tls: str = "starttls"  # starttls | implicit | none
    greeting: str | None = None  # the whole greeting line, verbatim
    capabilities_before: tuple[str, ...] | None = None
    capabilities_after: tuple[str, ...] | None = None
    starttls_reply: str | None = None  # IMAP/POP3: OK, NO, BAD, ...; SMTP: OK or a code
    inject_after_starttls: bytes = b""
    preauth: bool = False  # IMAP only
    hide_starttls: bool = False
    stall: str | None = None  # a POINT
    close: str | None = None  # a POINT
    flood: str | None = None  # a POINT
    flood_shape: str = "lines"  # a FLOOD_SHAPE
    noise_before_tls: tuple[str, ...] = ()  # IMAP: untagged lines before each reply, pre-TLS
    hide_capabilities_after: bool = False  # list none once TLS is up
    tls_max_version: str | None = None  # "TLSv1" or "TLSv1.1": an old server (hostile.py)
    login_untagged: tuple[str, ...] = ()  # IMAP: untagged lines just before a login's answer
    login_reply: str | None = None  # IMAP: a refusal (after the tag) to every login
    oauth_error: str | None = None  # IMAP: the JSON a failed OAUTHBEARER/XOAUTH2 answers


class Dialogue:
    """What the three protocols share: capabilities, STARTTLS, halts, credentials."""

    default_before: ClassVar[tuple[str, ...]]
    default_after: ClassVar[tuple[str, ...]]
    starttls_capability: ClassVar[str]

    def __init__(self, behaviour: Behaviour, accounts: Mapping[str, str]) -> None:
        self.behaviour = behaviour
        self.accounts = accounts
        self.tls = False
        self.user: str | None = None  # once logged in
        self.wants = 0  # > 0: the next input is this many raw bytes, not a line
        self._expect: Callable[[bytes], list[Step]] | None = None  # a continuation's handler

    @property
    def offers_starttls(self) -> bool:
        return self.behaviour.tls == "starttls" and not self.behaviour.hide_starttls

    def capabilities(self) -> tuple[str, ...]:
        if self.tls and self.behaviour.hide_capabilities_after:
            return ()
        if self.tls:
            return self.behaviour.capabilities_after or self.default_after
        caps = self.behaviour.capabilities_before or self.default_before
        if not self.offers_starttls:
            caps = tuple(c for c in caps if c.upper() != self.starttls_capability)
        return caps

    def halt(self, point: str) -> list[Step]:
        if self.behaviour.stall == point:
            return [Halt("stall", point)]
        if self.behaviour.close == point:
            return [Halt("close", point)]
        if self.behaviour.flood == point:
            return [self.flood_step(point)]
        return []

    def flood_step(self, point: str) -> Flood:
        line = self.flood_line(point)
        if self.behaviour.flood_shape == "line":  # a start, then no line end ever
            return Flood(line.rstrip(b"\r\n") + b" ", b"flood " * 1000, point)
        return Flood(b"", line * 200, point)

    def greet(self) -> list[Step]:
        if halted := self.halt("greeting"):
            return halted
        greeting = self.behaviour.greeting
        first = line(greeting) if greeting is not None else self.default_greeting()
        return [Send(first), *self.halt("after_greeting")]

    def tls_started(self) -> list[Step]:
        self.tls = True
        self.user = None  # RFC 3207 section 4.2 and friends: forget everything from before
        return self.halt("after_tls")

    def receive(self, data: bytes) -> list[Step]:
        if self._expect is not None:
            handler, self._expect = self._expect, None
            return handler(data)
        return self.command(data)

    def starttls(self, reply: Callable[[str], tuple[bytes, bool]]) -> list[Step]:
        """Answer STARTTLS; `reply` turns a status word into the protocol's line."""
        if halted := self.halt("starttls"):
            return halted
        word = self.behaviour.starttls_reply or ("OK" if self.offers_starttls else "BAD")
        line, accepted = reply("BAD" if self.tls else word)
        if not accepted or self.tls:
            return [Send(line)]
        then = self.halt("after_starttls") or [StartTLS()]
        return [Send(line + self.behaviour.inject_after_starttls), *then]

    def check(self, user: bytes, password: bytes) -> bool:
        name = user.decode("utf-8", "replace")
        known = self.accounts.get(name)
        if known is None or known.encode() != password:
            return False
        self.user = name
        return True

    def default_greeting(self) -> bytes:
        raise NotImplementedError

    def flood_line(self, point: str) -> bytes:
        """One well-formed line that a "lines" flood repeats."""
        raise NotImplementedError

    def command(self, line: bytes) -> list[Step]:
        raise NotImplementedError


def line(text: str) -> bytes:
    return text.encode() if text.endswith("\n") else f"{text}\r\n".encode()
