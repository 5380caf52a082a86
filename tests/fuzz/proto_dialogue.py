"""The probe engines' fuzz driver, shared by fuzz_proto_imap, fuzz_proto_pop3 and fuzz_proto_smtp.

An input is what a server sends, plus how it arrives (the fuzzer controls both):

    byte 0        flags: bit 0 implicit TLS (else STARTTLS), bit 1 the server hangs up at the
                  end, bit 2 small limits (so the flood paths are reached with short inputs)
    byte 1        n, then n bytes: chunk sizes, used in turn (0 counts as 1; no size: 1 chunk)
    the rest      the server's bytes; TLS_MARK splits them into before and after the TLS
                  handshake (STARTTLS only; without it, everything comes before)

It is fed the way core/probe/mailsession.py feeds it: ``receive`` in those chunks; when the engine
asks for TLS, whatever it has not seen yet is handed to it first (a server that sent more
after its STARTTLS reply); then ``tls_established`` and the bytes from after the handshake;
``receive_eof`` when the server hangs up. ``encode`` writes a transcript in this form (the
seeds are recorded dialogues written with it).

The rules checked on every input (DESIGN.md section 4, rule 2, and proto_base.py):

* only the engine's fixed commands are ever sent, each in the TLS state it belongs to, and
  none carries a credential verb;
* STARTTLS is asked for at most once, and only when the bytes so far end exactly with the
  server's yes to it: the same bytes with one more after it fail the dialogue as injection;
* the dialogue finishes only over TLS (over STARTTLS, only after asking for the capabilities
  again), and after ``Finished`` or ``Failed`` nothing follows;
* nothing from before TLS survives it: at the handshake the capabilities and IMAP alerts are
  empty, and after it the engine does exactly what it does after a plain, canonical
  dialogue that reached STARTTLS, fed the same bytes over TLS (events, capabilities, alerts);
* every text kept for people (greeting, capabilities, alerts, evidence) is sanitised:
  no control, format, private-use, unassigned or separator character but the space, and
  within its length limit.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from mailhop.core.common.model import Security
from mailhop.core.probe.proto_base import (
    ALERT_LIMIT,
    EVIDENCE_LIMIT,
    GREETING_LIMIT,
    MAX_CAPABILITIES,
    MAX_CAPABILITY_LENGTH,
    Engine,
    Event,
    Failed,
    FailureCode,
    Finished,
    Limits,
    Send,
    StartTls,
)

TLS_MARK = b"\x00--TLS--\x00"
IMPLICIT, HANGS_UP, SMALL = 1, 2, 4
SMALL_LIMITS = Limits(line=64, before_tls=512, total=2048)
CREDENTIAL_VERBS = (b"LOGIN", b"AUTHENTICATE", b"AUTH", b"USER", b"PASS", b"APOP")


@dataclass(frozen=True, slots=True)
class Protocol:
    """What the driver knows of one engine: how to make it, which of its commands belong
    before TLS and which after, and a canonical plaintext dialogue that reaches STARTTLS."""

    make: Callable[[Security, Limits], Engine]
    before_tls: frozenset[bytes]
    after_tls: frozenset[bytes]
    ask_after_tls: bytes  # the capability command: over STARTTLS, always sent again
    accepts_starttls: Callable[[bytes], bool]  # is this line a yes to STARTTLS?
    canonical: bytes  # greeting ... STARTTLS reply, ending exactly where TLS begins


@dataclass(slots=True)
class _Run:
    engine: Engine
    tls_at: int | None = None  # index in events where TLS began
    hung_up: bool = False
    plain_chunks: list[bytes] = field(default_factory=list)  # fed before TLS
    events: list[Event] = field(default_factory=list)
    after_chunks: list[bytes] = field(default_factory=list)


def encode(
    before: bytes,
    after: bytes = b"",
    *,
    implicit: bool = False,
    hangs_up: bool = False,
    chunks: Sequence[int] = (),
) -> bytes:
    """A transcript in the input form above (for seeds and regression inputs)."""
    flags = (IMPLICIT if implicit else 0) | (HANGS_UP if hangs_up else 0)
    body = after if implicit else before + (TLS_MARK + after if after else b"")
    return bytes([flags, len(chunks), *chunks]) + body


def decode(data: bytes) -> tuple[int, list[int], bytes, bytes]:
    flags = data[0] if data else 0
    count = data[1] if len(data) > 1 else 0
    sizes = [max(size, 1) for size in data[2 : 2 + count]]
    body = data[2 + count :]
    before, _, after = body.partition(TLS_MARK)
    return flags, sizes, before, after


def run(protocol: Protocol, data: bytes) -> None:
    """One input: drive the engine and check every rule (an AssertionError is a finding)."""
    flags, sizes, before, after = decode(data)
    implicit = bool(flags & IMPLICIT)
    limits = SMALL_LIMITS if flags & SMALL else Limits()
    engine = protocol.make(Security.IMPLICIT_TLS if implicit else Security.STARTTLS, limits)
    played = _Run(engine)
    chunker = _Chunks(sizes)
    if implicit:
        _tls(protocol, played)
        _feed(protocol, played, before + after, chunker, over_tls=True)
    else:
        rest = _feed(protocol, played, before, chunker, over_tls=False)
        if rest is not None:  # the engine asked for TLS
            if rest:
                _take(protocol, played, engine.receive(rest))
                assert isinstance(engine.failed, Failed), "bytes after STARTTLS were accepted"
                assert engine.failed.code is FailureCode.INJECTION, engine.failed
            if not engine.over:
                _tls(protocol, played)
                _feed(protocol, played, after, chunker, over_tls=True)
    if flags & HANGS_UP:
        played.hung_up = True
        _take(protocol, played, engine.receive_eof())
    _check_end(protocol, played)
    if played.tls_at is not None and not implicit and not flags & SMALL:
        _check_nothing_survives_tls(protocol, played)


class _Chunks:
    def __init__(self, sizes: Sequence[int]) -> None:
        self._sizes = list(sizes)
        self._next = 0

    def size(self, whole: int) -> int:
        if not self._sizes:
            return max(whole, 1)
        size = self._sizes[self._next % len(self._sizes)]
        self._next += 1
        return size


def _feed(
    protocol: Protocol, played: _Run, data: bytes, chunker: _Chunks, *, over_tls: bool
) -> bytes | None:
    """Feed ``data``; the part not fed yet when the engine asks for TLS, else None."""
    start = 0
    while start < len(data) and not played.engine.over:
        size = chunker.size(len(data))
        chunk = data[start : start + size]
        start += size
        if over_tls:
            played.after_chunks.append(chunk)
        else:
            played.plain_chunks.append(chunk)
        new = played.engine.receive(chunk)
        _take(protocol, played, new)
        if any(isinstance(event, StartTls) for event in new):
            return data[start:]
    return None


def _tls(protocol: Protocol, played: _Run) -> None:
    engine = played.engine
    played.tls_at = len(played.events)
    new = engine.tls_established()
    # Everything learnt in plaintext is gone at the handshake (rule 2).
    assert engine.capabilities == (), engine.capabilities
    assert engine.alerts == [], engine.alerts
    _take(protocol, played, new)


def _take(protocol: Protocol, played: _Run, new: list[Event]) -> None:
    """Check the events one call returned, then keep them."""
    engine = played.engine
    if played.events and isinstance(played.events[-1], Finished | Failed):
        assert not new, f"events after the end: {new}"
    for index, event in enumerate(new):
        if isinstance(event, Send):
            data = event.data
            assert not any(verb in data.upper() for verb in CREDENTIAL_VERBS), data
            allowed = protocol.after_tls if engine.tls else protocol.before_tls
            assert data in allowed, (data, engine.tls)
        elif isinstance(event, StartTls):
            assert engine.security is Security.STARTTLS and not engine.tls, event
            assert not any(isinstance(e, StartTls) for e in played.events), "STARTTLS twice"
            assert index == len(new) - 1, f"events after StartTls: {new}"
            # The server's yes is the last line it sent, and one byte more would be injection.
            plain = b"".join(played.plain_chunks)
            assert plain.endswith(b"\n"), plain[-40:]
            last = plain[:-1].rpartition(b"\n")[2].removesuffix(b"\r")
            assert protocol.accepts_starttls(last), last
            _check_one_more_byte_is_injection(protocol, engine, played.plain_chunks)
        elif isinstance(event, Finished):
            assert engine.tls and engine.finished and index == len(new) - 1, new
            if engine.security is Security.STARTTLS:
                # Over TLS the capabilities were asked for again, never carried over.
                assert played.tls_at is not None, "finished without TLS"
                asked = [*played.events[played.tls_at :], *new[:index]]
                assert Send(protocol.ask_after_tls) in asked, asked
        else:
            assert isinstance(event, Failed) and engine.failed == event, event
            assert index == len(new) - 1, new
            _check_text(event.evidence, EVIDENCE_LIMIT)
        played.events.append(event)


def _check_one_more_byte_is_injection(
    protocol: Protocol, engine: Engine, chunks: Sequence[bytes]
) -> None:
    """The same bytes with one more in the last chunk: no StartTls, a failure as injection."""
    twin = protocol.make(engine.security, engine.limits)
    events: list[Event] = []
    for chunk in [*chunks[:-1], chunks[-1] + b"X"]:
        events += twin.receive(chunk)
    assert not any(isinstance(event, StartTls) for event in events), events
    size = sum(len(chunk) for chunk in chunks) + 1
    over = size > min(engine.limits.before_tls, engine.limits.total)  # the byte too many
    codes = {FailureCode.INJECTION, FailureCode.FLOOD} if over else {FailureCode.INJECTION}
    assert twin.failed is not None and twin.failed.code in codes, twin.failed


def _check_end(protocol: Protocol, played: _Run) -> None:
    engine = played.engine
    _check_text(engine.greeting, GREETING_LIMIT)
    for names in (engine.capabilities, engine.capabilities_before):
        assert len(names) <= MAX_CAPABILITIES
        for name in names:
            _check_text(name, MAX_CAPABILITY_LENGTH)
    for alert in engine.alerts:
        _check_text(alert, ALERT_LIMIT)
    if not engine.tls:
        assert engine.capabilities == () and engine.alerts == [] and not engine.finished
    sends = [e.data for e in played.events if isinstance(e, Send)]
    assert len(sends) <= len(protocol.before_tls) + len(protocol.after_tls), sends


def _check_text(text: str, limit: int) -> None:
    assert len(text) <= limit + 1, (len(text), limit)  # + the ellipsis of a cut
    for char in text:
        assert char == " " or unicodedata.category(char)[0] not in "CZ", repr(text)


def _check_nothing_survives_tls(protocol: Protocol, played: _Run) -> None:
    """Non-interference: what the engine does over TLS may depend on the bytes that came
    over TLS only. The same bytes after a canonical plaintext dialogue give the same
    events and the same capabilities, mechanisms and alerts."""
    fuzzed = played.engine
    assert played.tls_at is not None
    canonical = protocol.make(Security.STARTTLS, fuzzed.limits)
    started = canonical.receive(protocol.canonical)
    assert isinstance(started[-1], StartTls), started
    again = canonical.tls_established()
    for chunk in played.after_chunks:
        again += canonical.receive(chunk)
    if played.hung_up:
        again += canonical.receive_eof()
    expected = played.events[played.tls_at :]
    assert again == expected, (again, expected)
    assert canonical.capabilities == fuzzed.capabilities
    assert canonical.auth_mechanisms == fuzzed.auth_mechanisms
    assert canonical.capabilities_hidden == fuzzed.capabilities_hidden
    assert canonical.alerts == fuzzed.alerts
    assert canonical.finished == fuzzed.finished
