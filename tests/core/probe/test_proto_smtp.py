"""The SMTP probe engine (submission and relay), without sockets: transcripts in odd chunks."""

from __future__ import annotations

import pytest

from mailhop.core.common.model import Security
from mailhop.core.probe.proto_base import FailureCode, Limits, Phase
from mailhop.core.probe.proto_smtp import EHLO_NAME, Command
from tests.core.engine_script import CHUNKS, play, smtp

# Postfix 3.7 as the lab runs it (tests/lab/mail.py), submission on 587.
GREETING = b"220 mail.healthy.test ESMTP Postfix\r\n"
EHLO_BEFORE = (
    b"250-mail.healthy.test\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250-VRFY\r\n250-ETRN\r\n"
    b"250-STARTTLS\r\n250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n250-DSN\r\n250 CHUNKING\r\n"
)
STARTTLS_OK = b"220 2.0.0 Ready to start TLS\r\n"
EHLO_AFTER = (
    b"250-mail.healthy.test\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250-AUTH PLAIN LOGIN\r\n"
    b"250-AUTH=PLAIN LOGIN\r\n250-ENHANCEDSTATUSCODES\r\n250 8BITMIME\r\n"
)


@pytest.mark.parametrize("chunk", CHUNKS)
def test_starttls_then_ehlo_again(chunk: int | None) -> None:
    played = play(smtp(), GREETING + EHLO_BEFORE + STARTTLS_OK, EHLO_AFTER, chunk=chunk)
    ehlo = f"EHLO {EHLO_NAME}\r\n".encode()
    assert played.sent == ehlo + b"STARTTLS\r\n" + ehlo + b"QUIT\r\n"
    assert played.finished and played.failed is None
    engine = played.engine
    assert engine.greeting == "220 mail.healthy.test ESMTP Postfix"
    assert "STARTTLS" in engine.capabilities_before and "CHUNKING" in engine.capabilities_before
    assert "mail.healthy.test" not in engine.capabilities  # the first line names the server
    assert engine.capabilities[:3] == ("PIPELINING", "SIZE 10240000", "AUTH PLAIN LOGIN")
    assert engine.auth_mechanisms == ("PLAIN", "LOGIN")  # AUTH= repeats are merged


@pytest.mark.parametrize("chunk", CHUNKS)
def test_submissions_with_a_multi_line_greeting(chunk: int | None) -> None:
    greeting = b"220-mail.example.test ESMTP\r\n220-no UCE\r\n220 welcome\r\n"
    played = play(smtp(Security.IMPLICIT_TLS), b"", greeting + EHLO_AFTER, chunk=chunk)
    assert played.sent == Command.EHLO.value + b"QUIT\r\n" and played.finished
    assert played.engine.greeting == ("220 mail.example.test ESMTP\\n220 no UCE\\n220 welcome")


def test_relay_without_auth_is_complete_with_no_mechanisms() -> None:
    after = b"250-mx.example.test\r\n250-PIPELINING\r\n250 8BITMIME\r\n"
    played = play(smtp(), GREETING + EHLO_BEFORE + STARTTLS_OK, after)
    assert played.finished and played.engine.auth_mechanisms == ()
    assert not played.engine.capabilities_hidden


@pytest.mark.parametrize(
    "ehlo",
    [
        b"250-mail.healthy.test\r\n250-PIPELINING\r\n250 AUTH PLAIN LOGIN\r\n",  # stripped
        b"250 mail.healthy.test\r\n",  # no extensions at all
        b"502 5.5.2 Error: command not recognized\r\n",  # no ESMTP: no STARTTLS either
    ],
)
@pytest.mark.parametrize("chunk", CHUNKS)
def test_starttls_not_offered_is_starttls_missing(ehlo: bytes, chunk: int | None) -> None:
    played = play(smtp(), GREETING + ehlo, chunk=chunk)
    failed = played.failed
    assert failed is not None and failed.code is FailureCode.STARTTLS_MISSING
    assert failed.phase is Phase.CAPABILITIES
    assert played.sent == Command.EHLO.value + b"QUIT\r\n"


@pytest.mark.parametrize(
    "answer",
    [
        b"454 4.7.0 TLS not available due to temporary reason",
        b"502 5.5.1 Command not implemented",
        b"421 4.3.2 Service shutting down",
        b"250 2.0.0 Ok",  # anything but 220
    ],
)
@pytest.mark.parametrize("chunk", CHUNKS)
def test_starttls_answered_anything_but_220_is_refused(answer: bytes, chunk: int | None) -> None:
    played = play(smtp(), GREETING + EHLO_BEFORE + answer + b"\r\n", chunk=chunk)
    failed = played.failed
    assert failed is not None and failed.code is FailureCode.STARTTLS_REFUSED
    assert failed.evidence == answer.decode() and answer[:3].decode() in failed.message
    assert not played.tls_started


@pytest.mark.parametrize("chunk", CHUNKS)
def test_bytes_after_the_starttls_answer_are_injection(chunk: int | None) -> None:
    before = GREETING + EHLO_BEFORE + STARTTLS_OK + b"250 AUTH PLAIN LOGIN\r\n"
    played = play(smtp(), before, EHLO_AFTER, chunk=chunk)
    assert played.failed is not None and played.failed.code is FailureCode.INJECTION
    assert not played.tls_started and played.engine.auth_mechanisms == ()


def test_ehlo_refused_after_tls_is_a_finding_without_helo() -> None:
    played = play(smtp(), GREETING + EHLO_BEFORE + STARTTLS_OK, b"502 5.5.2 no\r\n")
    assert played.finished and played.engine.capabilities_hidden
    assert played.sent.count(b"HELO") == 0 and played.sent.endswith(b"QUIT\r\n")


@pytest.mark.parametrize(
    ("before", "code", "phase"),
    [
        (b"554 5.7.1 no service for you\r\n", FailureCode.REFUSED, Phase.GREETING),
        (b"421 too busy\r\n", FailureCode.REFUSED, Phase.GREETING),
        (b"* OK IMAP4rev1 ready\r\n", FailureCode.PROTOCOL, Phase.GREETING),
        (b"220-first\r\n250 second\r\n", FailureCode.PROTOCOL, Phase.GREETING),
        (GREETING + b"250-x\r\nnonsense\r\n", FailureCode.PROTOCOL, Phase.CAPABILITIES),
    ],
)
def test_answers_outside_the_protocol_fail(before: bytes, code: FailureCode, phase: Phase) -> None:
    for chunk in CHUNKS:
        failed = play(smtp(), before, chunk=chunk).failed
        assert failed is not None and (failed.code, failed.phase) == (code, phase)


def test_the_server_hanging_up_after_the_greeting_is_closed() -> None:
    played = play(smtp(), GREETING, eof=True)
    assert played.failed is not None and played.failed.code is FailureCode.CLOSED
    assert played.failed.phase is Phase.CAPABILITIES


def test_an_endless_reply_before_tls_is_a_flood() -> None:
    engine = smtp(limits=Limits(before_tls=4096))
    events = engine.receive(GREETING)
    for _ in range(1000):
        events += engine.receive(b"250-FLOOD\r\n")
    failures = [e for e in events if hasattr(e, "code")]
    assert [getattr(e, "code", None) for e in failures] == [FailureCode.FLOOD]
    assert getattr(failures[0], "phase", None) is Phase.CAPABILITIES


def test_the_ehlo_name_is_reserved_and_constant() -> None:
    assert EHLO_NAME.endswith(".invalid")  # RFC 6761 section 6.4
    assert Command.EHLO.value == b"EHLO mailhop.invalid\r\n"
