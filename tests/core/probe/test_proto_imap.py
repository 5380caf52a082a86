"""The IMAP probe engine, without sockets: recorded transcripts fed in odd chunk sizes."""

from __future__ import annotations

import pytest

from mailhop.core.common.model import Security
from mailhop.core.probe.proto_base import FailureCode, Finished, Limits, Phase, Send, StartTls
from mailhop.core.probe.proto_imap import Command, ImapEngine
from tests.core.engine_script import CHUNKS, imap, play

# Dovecot 2.3 as the lab runs it (tests/lab/mail.py), STARTTLS on 143.
DOVECOT_GREETING = (
    b"* OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ STARTTLS "
    b"LOGINDISABLED] Dovecot (Debian) ready.\r\n"
)
DOVECOT_AFTER = (
    b"* CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ AUTH=PLAIN "
    b"AUTH=LOGIN\r\nM3 OK Pre-login capabilities listed, post-login capabilities have more.\r\n"
)
STARTTLS_OK = b"M2 OK Begin TLS negotiation now.\r\n"


@pytest.mark.parametrize("chunk", CHUNKS)
def test_starttls_with_capabilities_in_the_greeting_takes_five_round_trips(
    chunk: int | None,
) -> None:
    played = play(imap(), DOVECOT_GREETING + STARTTLS_OK, DOVECOT_AFTER, chunk=chunk)
    # No CAPABILITY before TLS: the greeting listed STARTTLS already.
    assert played.sent == b"M2 STARTTLS\r\nM3 CAPABILITY\r\nM4 LOGOUT\r\n"
    assert played.finished and played.failed is None
    engine = played.engine
    assert engine.greeting.startswith("* OK [CAPABILITY IMAP4rev1") and engine.tls
    assert "LOGINDISABLED" in engine.capabilities_before
    assert "STARTTLS" not in engine.capabilities and "AUTH=PLAIN" in engine.capabilities
    assert engine.auth_mechanisms == ("PLAIN", "LOGIN")
    assert not engine.capabilities_hidden


@pytest.mark.parametrize("chunk", CHUNKS)
def test_a_bare_greeting_makes_the_engine_ask_for_capabilities(chunk: int | None) -> None:
    before = b"* OK IMAP ready\r\n* CAPABILITY IMAP4rev1 STARTTLS\r\nM1 OK done\r\n" + STARTTLS_OK
    after = b"* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\nM3 OK done\r\n"
    played = play(imap(), before, after, chunk=chunk)
    assert played.sent == b"M1 CAPABILITY\r\nM2 STARTTLS\r\nM3 CAPABILITY\r\nM4 LOGOUT\r\n"
    assert played.finished and played.engine.capabilities == ("IMAP4rev1", "AUTH=PLAIN")


@pytest.mark.parametrize("chunk", CHUNKS)
def test_implicit_tls_with_capabilities_in_the_greeting_only_says_goodbye(
    chunk: int | None,
) -> None:
    greeting = b"* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN AUTH=XOAUTH2] ready\r\n"
    played = play(imap(Security.IMPLICIT_TLS), b"", greeting, chunk=chunk)
    assert played.sent == b"M4 LOGOUT\r\n" and played.finished
    assert played.engine.auth_mechanisms == ("PLAIN", "XOAUTH2")
    assert played.engine.capabilities_before == ()


def test_implicit_tls_without_capabilities_in_the_greeting_asks() -> None:
    after = b"* OK ready\r\n* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\nM3 OK done\r\n"
    played = play(imap(Security.IMPLICIT_TLS), b"", after)
    assert played.sent == b"M3 CAPABILITY\r\nM4 LOGOUT\r\n" and played.finished


def test_everything_learnt_before_tls_is_forgotten() -> None:
    before = b"* OK [CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN AUTH=LOGIN] hi\r\n" + STARTTLS_OK
    after = b"* CAPABILITY IMAP4rev1 AUTH=XOAUTH2\r\nM3 OK done\r\n"
    engine = play(imap(), before, after).engine
    assert engine.auth_mechanisms == ("XOAUTH2",)
    assert engine.capabilities == ("IMAP4rev1", "AUTH=XOAUTH2")
    assert "AUTH=PLAIN" in engine.capabilities_before  # kept for the report only


@pytest.mark.parametrize("chunk", CHUNKS)
def test_untagged_noise_before_starttls_is_ignored_literals_included(chunk: int | None) -> None:
    noise = (
        b"* OK [ALERT] system going down soon\r\n* 3 EXISTS\r\n"
        b"* 1 FETCH (BODY[] {9}\r\nM2 OK no!)\r\n"  # a literal that looks like our answer
    )
    before = DOVECOT_GREETING + noise + noise + STARTTLS_OK
    played = play(imap(), before, DOVECOT_AFTER, chunk=chunk)
    assert played.failed is None and played.finished
    assert played.engine.auth_mechanisms == ("PLAIN", "LOGIN")


@pytest.mark.parametrize(
    ("capabilities", "asked"),
    [
        (b"[CAPABILITY IMAP4rev1 AUTH=PLAIN] ", b"M1 CAPABILITY\r\n"),  # stripped from the code
        (b"", b"M1 CAPABILITY\r\n"),
    ],
)
@pytest.mark.parametrize("chunk", CHUNKS)
def test_starttls_not_offered_is_starttls_missing(
    capabilities: bytes, asked: bytes, chunk: int | None
) -> None:
    before = b"* OK " + capabilities + b"hi\r\n* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\nM1 OK\r\n"
    played = play(imap(), before, chunk=chunk)
    failed = played.failed
    assert failed is not None and failed.code is FailureCode.STARTTLS_MISSING
    assert failed.phase is Phase.CAPABILITIES
    assert failed.evidence == "IMAP4rev1 AUTH=PLAIN"
    assert played.sent == asked + b"M4 LOGOUT\r\n"  # a polite goodbye, never STARTTLS
    assert not played.tls_started


def test_a_capability_command_refused_before_tls_is_starttls_missing() -> None:
    played = play(imap(), b"* OK hi\r\nM1 BAD unknown command\r\n")
    assert played.failed is not None and played.failed.code is FailureCode.STARTTLS_MISSING
    assert played.failed.evidence == "M1 BAD unknown command"


@pytest.mark.parametrize(
    "answer",
    [b"M2 NO STARTTLS refused", b"M2 BAD STARTTLS unknown", b"+ go ahead", b"* BYE no TLS"],
)
@pytest.mark.parametrize("chunk", CHUNKS)
def test_starttls_answered_no_bad_or_continuation_is_refused(
    answer: bytes, chunk: int | None
) -> None:
    played = play(imap(), DOVECOT_GREETING + answer + b"\r\n", chunk=chunk)
    failed = played.failed
    assert failed is not None and failed.code is FailureCode.STARTTLS_REFUSED
    assert failed.phase is Phase.STARTTLS and failed.evidence == answer.decode()
    assert not played.tls_started


@pytest.mark.parametrize("chunk", CHUNKS)
def test_preauth_before_tls_fails(chunk: int | None) -> None:
    played = play(imap(), b"* PREAUTH [CAPABILITY IMAP4rev1 STARTTLS] logged in\r\n", chunk=chunk)
    assert played.failed is not None and played.failed.code is FailureCode.PREAUTH
    assert played.sent == b"M4 LOGOUT\r\n"


def test_preauth_over_implicit_tls_is_the_servers_business() -> None:
    greeting = b"* PREAUTH [CAPABILITY IMAP4rev1 AUTH=EXTERNAL] hello\r\n"
    played = play(imap(Security.IMPLICIT_TLS), b"", greeting)
    assert played.finished and played.engine.auth_mechanisms == ("EXTERNAL",)


@pytest.mark.parametrize("chunk", CHUNKS)
def test_bytes_after_the_starttls_answer_are_injection(chunk: int | None) -> None:
    injected = b"* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n"
    played = play(imap(), DOVECOT_GREETING + STARTTLS_OK + injected, DOVECOT_AFTER, chunk=chunk)
    failed = played.failed
    assert failed is not None and failed.code is FailureCode.INJECTION
    # What came with the answer's chunk: all of it, or the part that shared its chunk.
    assert "* CAPABILITY IMAP4rev1 AUTH=PLAIN\\r\\n".startswith(failed.evidence)
    assert failed.evidence.startswith("* C")
    assert not played.tls_started and played.sent == b"M2 STARTTLS\r\n"


def test_a_single_byte_after_the_starttls_answer_is_injection() -> None:
    engine = imap()
    assert engine.receive(DOVECOT_GREETING) == [Send(Command.STARTTLS.value)]
    assert engine.receive(STARTTLS_OK) == [StartTls()]
    (failed,) = engine.receive(b"x")
    assert getattr(failed, "code", None) is FailureCode.INJECTION
    assert engine.tls_established() == []  # over: nothing more happens


@pytest.mark.parametrize(
    "after",
    [b"M3 OK no capabilities for you\r\n", b"M3 NO not now\r\n", b"M3 BAD what\r\n"],
)
def test_capabilities_hidden_after_tls_are_a_finding(after: bytes) -> None:
    played = play(imap(), DOVECOT_GREETING + STARTTLS_OK, after)
    assert played.finished and played.failed is None
    assert played.engine.capabilities_hidden and played.engine.capabilities == ()


def test_a_capability_response_code_in_the_tagged_answer_counts() -> None:
    after = b"M3 OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] done\r\n"
    engine = play(imap(), DOVECOT_GREETING + STARTTLS_OK, after).engine
    assert engine.auth_mechanisms == ("PLAIN",) and not engine.capabilities_hidden


@pytest.mark.parametrize(
    ("before", "code", "phase"),
    [
        (b"* BYE too busy\r\n", FailureCode.REFUSED, Phase.GREETING),
        (b"SSH-2.0-OpenSSH_9.2\r\n", FailureCode.PROTOCOL, Phase.GREETING),
        (b"* NO go away\r\n", FailureCode.PROTOCOL, Phase.GREETING),
        (b"* OK hi\r\nX1 OK not yours\r\n", FailureCode.PROTOCOL, Phase.CAPABILITIES),
        (b"* OK hi\r\n+ more?\r\n", FailureCode.PROTOCOL, Phase.CAPABILITIES),
        (b"* OK hi\r\n* BYE\r\n", FailureCode.REFUSED, Phase.CAPABILITIES),
    ],
)
def test_answers_outside_the_protocol_fail(before: bytes, code: FailureCode, phase: Phase) -> None:
    for chunk in CHUNKS:
        failed = play(imap(), before, chunk=chunk).failed
        assert failed is not None and (failed.code, failed.phase) == (code, phase)


@pytest.mark.parametrize("chunk", CHUNKS)
def test_the_server_hanging_up_is_closed_in_its_phase(chunk: int | None) -> None:
    played = play(imap(), DOVECOT_GREETING, chunk=chunk, eof=True)
    failed = played.failed
    assert failed is not None
    assert (failed.code, failed.phase) == (FailureCode.CLOSED, Phase.STARTTLS)
    assert "answer to STARTTLS" in failed.message


def test_an_endless_line_is_a_flood_at_the_line_limit() -> None:
    engine = imap(limits=Limits(line=100))
    assert engine.receive(b"* OK " + b"x" * 95) == []  # 100 bytes: still allowed
    (failed,) = engine.receive(b"x")
    assert getattr(failed, "code", None) is FailureCode.FLOOD
    assert "line longer than 100 bytes" in getattr(failed, "message", "")


def test_endless_lines_before_tls_are_a_flood_at_that_limit() -> None:
    engine = imap(limits=Limits(before_tls=1000, total=5000))
    engine.receive(DOVECOT_GREETING)
    events = []
    for _ in range(40):
        events += engine.receive(b"* 1 EXISTS\r\n" * 3)
    assert [getattr(e, "code", None) for e in events] == [FailureCode.FLOOD]
    assert "more than 1000 bytes before TLS" in getattr(events[0], "message", "")


def test_endless_lines_over_tls_are_a_flood_at_the_total_limit() -> None:
    engine = imap(Security.IMPLICIT_TLS, limits=Limits(before_tls=100, total=1000))
    engine.tls_established()
    engine.receive(b"* OK hello\r\n")
    events = []
    for _ in range(100):
        events += engine.receive(b"* OK flood\r\n")
    assert [getattr(e, "code", None) for e in events] == [FailureCode.FLOOD]
    assert getattr(events[0], "phase", None) is Phase.CAPABILITIES_TLS


def test_the_logout_is_the_last_thing_sent_and_nothing_follows() -> None:
    engine = imap(Security.IMPLICIT_TLS)
    engine.tls_established()
    events = engine.receive(b"* OK [CAPABILITY IMAP4rev1] hi\r\n")
    assert events == [Send(b"M4 LOGOUT\r\n"), Finished()]
    assert engine.receive(b"* BYE bye\r\nM4 OK done\r\n") == [] and engine.receive_eof() == []


def test_tags_are_constants_of_the_command_table() -> None:
    assert [c.tag for c in Command] == [b"M1", b"M2", b"M3", b"M4"]
    assert set(ImapEngine.COMMANDS.values()) == set(Command)


HOSTILE_ALERT = b"<h1>mailhop says OK</h1> \x1b[31mred \xe2\x80\xaeexe"


@pytest.mark.parametrize("chunk", CHUNKS)
def test_alerts_over_tls_are_kept_sanitised_and_those_before_tls_are_forgotten(
    chunk: int | None,
) -> None:
    """RFC 3501 section 7.1: an [ALERT] is for the person, in the greeting or any OK, NO or
    BAD, tagged or not. Before STARTTLS anyone on the path could have written it."""
    before = (
        b"* OK [ALERT] before TLS " + HOSTILE_ALERT + b"\r\n"
        b"* OK [ALERT] also before\r\n* CAPABILITY IMAP4rev1 STARTTLS\r\nM1 OK done\r\n"
    ) + STARTTLS_OK
    after = (
        b"* OK [ALERT] " + HOSTILE_ALERT + b"\r\n"
        b"* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\nM3 OK [ALERT] tagged too\r\n"
    )
    played = play(imap(), before, after, chunk=chunk)
    assert played.finished, played.failed
    assert played.engine.alerts == [
        "<h1>mailhop says OK</h1> \\x1b[31mred \\u202eexe",
        "tagged too",
    ]


def test_alerts_of_an_implicit_tls_greeting_are_kept_and_capped() -> None:
    greeting = b"* OK [ALERT] maintenance at 22:00\r\n"
    flood = b"".join(b"* OK [ALERT] %d " % n + b"x" * 1000 + b"\r\n" for n in range(10))
    tail = b"* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\nM3 OK done\r\n"
    played = play(imap(Security.IMPLICIT_TLS), b"", greeting + flood + tail)
    alerts = played.engine.alerts
    assert played.finished and alerts[0] == "maintenance at 22:00"
    assert len(alerts) == 4 and all(len(a) <= 301 and a.endswith("…") for a in alerts[1:])
    assert "[ALERT]" not in " ".join(alerts)


@pytest.mark.parametrize(
    "before",
    [
        b"* OK [ALERT] pay at evil.example\r\n* CAPABILITY IMAP4rev1\r\nM1 OK done\r\n",
        b"* OK [ALERT] pay at evil.example\r\n* CAPABILITY IMAP4rev1 STARTTLS\r\nM1 OK\r\n"
        + b"M2 NO [ALERT] not now\r\n",
        b"* OK [CAPABILITY IMAP4rev1 STARTTLS] hi\r\nM2 OK [ALERT] go\r\n* OK injected\r\n",
    ],
    ids=["starttls-missing", "starttls-refused", "injection"],
)
def test_an_alert_from_before_tls_is_never_kept_even_when_tls_never_comes(before: bytes) -> None:
    """Found by tests/fuzz/fuzz_proto_imap.py: a dialogue that failed before TLS kept the
    plaintext [ALERT]s in ``alerts`` (which holds alerts over TLS only); they were dropped at
    the handshake, which never came. Anyone on the path could have written them."""
    played = play(imap(), before)
    assert played.failed is not None and not played.engine.tls
    assert played.engine.alerts == []
