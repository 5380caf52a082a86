"""Run a probe engine against a recorded server transcript, in chunks of any size.

Shared by the pure engine tests (test_proto_*.py). A transcript is what the server sends
before TLS and what it sends over TLS; ``play`` feeds them as the driver would (TLS starts
when the engine asks, and bytes still unfed at that moment go to the engine first, as the
driver hands it whatever it has not seen), and checks on the way that every byte the
engine writes is one of its fixed commands.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from mailhop.core.common.model import Security
from mailhop.core.probe.proto_base import Engine, Event, Failed, Finished, Limits, Send, StartTls
from mailhop.core.probe.proto_imap import ImapEngine
from mailhop.core.probe.proto_pop3 import Pop3Engine
from mailhop.core.probe.proto_smtp import SmtpEngine

CHUNKS = [1, 7, None]  # byte by byte, an odd size, and everything at once
CREDENTIAL_VERBS = (b"LOGIN", b"AUTHENTICATE", b"AUTH", b"USER", b"PASS", b"APOP")


@dataclass(slots=True)
class Played:
    engine: Engine
    events: list[Event] = field(default_factory=list)
    tls_started: bool = False

    @property
    def sent(self) -> bytes:
        return b"".join(e.data for e in self.events if isinstance(e, Send))

    @property
    def failed(self) -> Failed | None:
        return next((e for e in self.events if isinstance(e, Failed)), None)

    @property
    def finished(self) -> bool:
        return any(isinstance(e, Finished) for e in self.events)


def play(
    engine: Engine,
    before: bytes,
    after: bytes = b"",
    *,
    chunk: int | None = None,
    eof: bool = False,
) -> Played:
    """Feed ``before`` (plaintext; for implicit TLS, nothing) and then ``after`` (over TLS)."""
    played = Played(engine)
    if engine.implicit_tls:
        assert before == b""
        played.events += engine.tls_established()
        played.tls_started = True
        _feed(played, after, chunk)
    else:
        rest = _feed(played, before, chunk)
        if rest is not None:  # StartTls: the driver hands over what it has not fed yet
            if rest:
                played.events += engine.receive(rest)
            if not engine.over:
                played.events += engine.tls_established()
                played.tls_started = True
                _feed(played, after, chunk)
    if eof:
        played.events += engine.receive_eof()
    _check_sends(played)
    return played


def _feed(played: Played, data: bytes, chunk: int | None) -> bytes | None:
    """Feed data; the unfed rest if the engine asked for TLS on the way."""
    size = chunk or max(len(data), 1)
    for start in range(0, len(data), size):
        new = played.engine.receive(data[start : start + size])
        played.events += new
        if any(isinstance(e, StartTls) for e in new):
            return data[start + size :]
    return None


def _check_sends(played: Played) -> None:
    allowed = {member.value for member in type(played.engine).Command}
    for event in played.events:
        if isinstance(event, Send):
            assert event.data in allowed, event.data
            assert not any(verb in event.data.upper() for verb in CREDENTIAL_VERBS)


def imap(security: Security = Security.STARTTLS, limits: Limits | None = None) -> ImapEngine:
    return ImapEngine(security, limits=limits)


def pop3(security: Security = Security.STARTTLS, limits: Limits | None = None) -> Pop3Engine:
    return Pop3Engine(security, limits=limits)


def smtp(security: Security = Security.STARTTLS, limits: Limits | None = None) -> SmtpEngine:
    return SmtpEngine(security, limits=limits)
