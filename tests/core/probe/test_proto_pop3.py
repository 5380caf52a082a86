"""The POP3 probe engine, without sockets: recorded transcripts fed in odd chunk sizes."""

from __future__ import annotations

import pytest

from mailhop.core.common.model import Security
from mailhop.core.probe.proto_base import FailureCode, Limits, Phase
from tests.core.engine_script import CHUNKS, play, pop3

# Dovecot 2.3 as the lab runs it (tests/lab/mail.py), STLS on 110.
GREETING = b"+OK Dovecot (Debian) ready.\r\n"
CAPA_BEFORE = (
    b"+OK\r\nCAPA\r\nTOP\r\nUIDL\r\nRESP-CODES\r\nPIPELINING\r\nAUTH-RESP-CODE\r\nSTLS\r\n.\r\n"
)
STLS_OK = b"+OK Begin TLS negotiation now.\r\n"
CAPA_AFTER = (
    b"+OK\r\nCAPA\r\nTOP\r\nUIDL\r\nRESP-CODES\r\nPIPELINING\r\nAUTH-RESP-CODE\r\nUSER\r\n"
    b"SASL PLAIN LOGIN\r\n.\r\n"
)


@pytest.mark.parametrize("chunk", CHUNKS)
def test_stls_then_capa_again(chunk: int | None) -> None:
    played = play(pop3(), GREETING + CAPA_BEFORE + STLS_OK, CAPA_AFTER, chunk=chunk)
    assert played.sent == b"CAPA\r\nSTLS\r\nCAPA\r\nQUIT\r\n"
    assert played.finished and played.failed is None
    engine = played.engine
    assert engine.greeting == "+OK Dovecot (Debian) ready."
    assert "STLS" in engine.capabilities_before and "USER" not in engine.capabilities_before
    assert "USER" in engine.capabilities and "STLS" not in engine.capabilities
    assert engine.auth_mechanisms == ("PLAIN", "LOGIN")


@pytest.mark.parametrize("chunk", CHUNKS)
def test_pop3s_reads_capa_once(chunk: int | None) -> None:
    played = play(pop3(Security.IMPLICIT_TLS), b"", GREETING + CAPA_AFTER, chunk=chunk)
    assert played.sent == b"CAPA\r\nQUIT\r\n" and played.finished
    assert played.engine.auth_mechanisms == ("PLAIN", "LOGIN")


def test_dot_stuffed_capability_lines_are_unstuffed() -> None:
    after = b"+OK\r\n..HIDDEN-DOT\r\nSASL XOAUTH2\r\n.\r\n"
    engine = play(pop3(Security.IMPLICIT_TLS), b"", GREETING + after).engine
    assert engine.capabilities == (".HIDDEN-DOT", "SASL XOAUTH2")


@pytest.mark.parametrize(
    "capa",
    [
        b"+OK\r\nTOP\r\nUSER\r\nSASL PLAIN\r\n.\r\n",  # stripped
        b"-ERR unknown command\r\n",  # no CAPA at all: no STLS either (RFC 2595 section 4)
    ],
)
@pytest.mark.parametrize("chunk", CHUNKS)
def test_stls_not_offered_is_starttls_missing(capa: bytes, chunk: int | None) -> None:
    played = play(pop3(), GREETING + capa, chunk=chunk)
    failed = played.failed
    assert failed is not None and failed.code is FailureCode.STARTTLS_MISSING
    assert failed.phase is Phase.CAPABILITIES and "STLS" in failed.message
    assert played.sent == b"CAPA\r\nQUIT\r\n" and not played.tls_started


@pytest.mark.parametrize("chunk", CHUNKS)
def test_stls_answered_err_is_refused(chunk: int | None) -> None:
    played = play(pop3(), GREETING + CAPA_BEFORE + b"-ERR [IN-USE] not now\r\n", chunk=chunk)
    failed = played.failed
    assert failed is not None and failed.code is FailureCode.STARTTLS_REFUSED
    assert failed.evidence == "-ERR [IN-USE] not now"
    assert played.sent == b"CAPA\r\nSTLS\r\nQUIT\r\n"


@pytest.mark.parametrize("chunk", CHUNKS)
def test_bytes_after_the_stls_answer_are_injection(chunk: int | None) -> None:
    before = GREETING + CAPA_BEFORE + STLS_OK + b"+OK\r\nUSER\r\n.\r\n"
    played = play(pop3(), before, CAPA_AFTER, chunk=chunk)
    assert played.failed is not None and played.failed.code is FailureCode.INJECTION
    assert not played.tls_started


def test_capa_refused_after_tls_is_a_finding() -> None:
    played = play(pop3(), GREETING + CAPA_BEFORE + STLS_OK, b"-ERR no\r\n")
    assert played.finished and played.engine.capabilities_hidden
    assert played.engine.auth_mechanisms == ()


@pytest.mark.parametrize(
    ("before", "code"),
    [
        (b"-ERR [SYS/TEMP] too many connections\r\n", FailureCode.REFUSED),
        (b"* OK this is IMAP\r\n", FailureCode.PROTOCOL),
        (GREETING + b"maybe\r\n", FailureCode.PROTOCOL),
    ],
)
def test_answers_outside_the_protocol_fail(before: bytes, code: FailureCode) -> None:
    for chunk in CHUNKS:
        failed = play(pop3(), before, chunk=chunk).failed
        assert failed is not None and failed.code is code


def test_the_server_hanging_up_mid_list_is_closed() -> None:
    played = play(pop3(), GREETING + b"+OK\r\nTOP\r\n", eof=True)
    assert played.failed is not None and played.failed.code is FailureCode.CLOSED
    assert played.failed.phase is Phase.CAPABILITIES


def test_an_endless_capability_list_is_a_flood() -> None:
    engine = pop3(limits=Limits(before_tls=2000))
    events = engine.receive(GREETING + b"+OK\r\n")
    for _ in range(300):
        events += engine.receive(b"X-FLOOD\r\n")
    assert [getattr(e, "code", None) for e in events if not hasattr(e, "data")] == [
        FailureCode.FLOOD
    ]
