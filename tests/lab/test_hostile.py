"""The hostile mail servers misbehave exactly as hostile-mail.test says, and only so.

The dialogues are sans-IO, so the first tests feed them lines directly; the rest talk to the
running lab with imaplib, poplib, smtplib and raw sockets (verifying the lab CA, name in SNI).
"""

from __future__ import annotations

import base64
import imaplib
import poplib
import smtplib
import socket
import ssl
import time
import warnings
from pathlib import Path

import pytest

from tests.lab import canary, clients, hostile, scenario
from tests.lab.dialogue_imap import ImapDialogue
from tests.lab.dialogue_pop3 import Pop3Dialogue
from tests.lab.dialogue_smtp import SmtpDialogue
from tests.lab.dialogues import Behaviour, Flood, Halt, Send, StartTLS, Step
from tests.lab.lab import LabInfo
from tests.lab.scenario import Host, ScenarioError

USER, PASSWORD = "mallory@hostile-mail.test", "mallory-lab-password-4H"
ACCOUNTS = {USER: PASSWORD}
STALL_SECONDS = 0.5


def sent(steps: list[Step]) -> bytes:
    return b"".join(step.data for step in steps if isinstance(step, Send))


HOSTS = {h.name: h for s in scenario.load_all() for h in s.hosts}


def address(name: str) -> str:
    return HOSTS[name].address


def plain(user: str, password: str) -> bytes:
    return base64.b64encode(f"\0{user}\0{password}".encode())


# --- the dialogues, without sockets ----------------------------------------------------------


def test_default_imap_refuses_login_before_tls_and_accepts_it_after() -> None:
    imap = ImapDialogue(Behaviour(host="h.test"), ACCOUNTS)
    assert b"STARTTLS LOGINDISABLED" in sent(imap.greet())
    assert b"a1 NO [PRIVACYREQUIRED]" in sent(imap.receive(f"a1 LOGIN {USER} x\r\n".encode()))
    steps = imap.receive(b"a2 STARTTLS\r\n")
    assert steps == [Send(b"a2 OK Begin TLS negotiation now\r\n"), StartTLS()]
    assert imap.tls_started() == []
    assert b"AUTH=PLAIN" in sent(imap.receive(b"a3 CAPABILITY\r\n"))
    assert b"a4 NO [AUTHENTICATIONFAILED]" in sent(imap.receive(f"a4 LOGIN {USER} no\r\n".encode()))
    assert sent(imap.receive(f'a5 LOGIN "{USER}" "{PASSWORD}"\r\n'.encode())).startswith(b"a5 OK")
    assert imap.user == USER


def test_imap_login_words_come_before_the_answer_and_the_fixed_reply_refuses_all() -> None:
    said = ("* OK [ALERT] <h1>hi</h1>",)
    alerting = ImapDialogue(Behaviour(host="h.test", tls="implicit", login_untagged=said), ACCOUNTS)
    alerting.tls_started()
    reply = sent(alerting.receive(f'a1 LOGIN "{USER}" "{PASSWORD}"\r\n'.encode()))
    assert reply == b"* OK [ALERT] <h1>hi</h1>\r\na1 OK [CAPABILITY IMAP4rev1] logged in\r\n"
    refusing = ImapDialogue(
        Behaviour(host="h.test", tls="implicit", login_reply="NO <b>never</b>"), ACCOUNTS
    )
    refusing.tls_started()
    reply = sent(refusing.receive(f'a1 LOGIN "{USER}" "{PASSWORD}"\r\n'.encode()))
    assert reply == b"a1 NO <b>never</b>\r\n" and refusing.user is None


def test_imap_takes_a_password_as_a_literal_and_authenticate_plain() -> None:
    imap = ImapDialogue(Behaviour(host="h.test", tls="implicit"), ACCOUNTS)
    imap.tls_started()
    password = PASSWORD.encode()
    assert sent(imap.receive(f"a1 LOGIN {USER} {{{len(password)}}}\r\n".encode())).startswith(b"+ ")
    assert imap.wants == len(password)
    assert imap.receive(password) == []
    assert sent(imap.receive(b"\r\n")).startswith(b"a1 OK")
    other = ImapDialogue(Behaviour(host="h.test"), ACCOUNTS)
    other.tls_started()
    assert sent(other.receive(b"b1 AUTHENTICATE PLAIN\r\n")) == b"+ \r\n"
    encoded = plain(USER, PASSWORD)
    assert sent(other.receive(encoded + b"\r\n")).startswith(b"b1 OK")


def test_pop3_and_smtp_log_in_after_tls_only() -> None:
    pop = Pop3Dialogue(Behaviour(host="h.test"), ACCOUNTS)
    assert b"STLS" in sent(pop.receive(b"CAPA\r\n"))
    assert sent(pop.receive(f"USER {USER}\r\n".encode())).startswith(b"-ERR")
    pop.tls_started()
    assert sent(pop.receive(f"USER {USER}\r\n".encode())).startswith(b"+OK")
    assert sent(pop.receive(f"PASS {PASSWORD}\r\n".encode())) == b"+OK logged in\r\n"
    smtp = SmtpDialogue(Behaviour(host="h.test"), ACCOUNTS)
    assert b"250 STARTTLS" in sent(smtp.receive(b"EHLO c\r\n"))
    assert sent(smtp.receive(b"AUTH PLAIN\r\n")).startswith(b"530")
    smtp.tls_started()
    assert sent(smtp.receive(b"AUTH LOGIN\r\n")) == b"334 VXNlcm5hbWU6\r\n"
    assert sent(smtp.receive(base64.b64encode(USER.encode()) + b"\r\n")).startswith(b"334 ")
    assert sent(smtp.receive(base64.b64encode(PASSWORD.encode()) + b"\r\n")).startswith(b"235")


def test_knobs_bend_the_dialogue() -> None:
    inject = Behaviour(host="h.test", inject_after_starttls=b"* OK injected\r\n")
    steps = ImapDialogue(inject, ACCOUNTS).receive(b"a STARTTLS\r\n")
    assert steps == [Send(b"a OK Begin TLS negotiation now\r\n* OK injected\r\n"), StartTLS()]
    refused = SmtpDialogue(Behaviour(host="h.test", starttls_reply="454"), ACCOUNTS)
    assert sent(refused.receive(b"STARTTLS\r\n")).startswith(b"454 4.7.0")
    hidden = ImapDialogue(Behaviour(host="h.test", hide_starttls=True), ACCOUNTS)
    assert b"STARTTLS" not in sent(hidden.greet())
    assert sent(hidden.receive(b"a STARTTLS\r\n")) == b"a BAD STARTTLS refused\r\n"
    stalled = Pop3Dialogue(Behaviour(host="h.test", stall="starttls"), ACCOUNTS)
    assert stalled.receive(b"STLS\r\n") == [Halt("stall", "starttls")]
    closing = SmtpDialogue(Behaviour(host="h.test", close="after_greeting"), ACCOUNTS)
    assert closing.greet()[1:] == [Halt("close", "after_greeting")]


def test_untagged_noise_comes_before_every_reply_until_tls() -> None:
    noise = ("* 3 EXISTS", "* OK [ALERT] hi")
    imap = ImapDialogue(Behaviour(host="h.test", noise_before_tls=noise), ACCOUNTS)
    greeting = imap.greet()
    assert sent(greeting[:1]).startswith(b"* OK [CAPABILITY")
    assert greeting[1:] == [Send(b"* 3 EXISTS\r\n* OK [ALERT] hi\r\n")]
    steps = imap.receive(b"a STARTTLS\r\n")
    assert steps[0] == Send(b"* 3 EXISTS\r\n* OK [ALERT] hi\r\n") and steps[-1] == StartTLS()
    imap.tls_started()
    assert b"EXISTS" not in sent(imap.receive(b"b CAPABILITY\r\n"))


def test_capabilities_hidden_after_tls_in_each_protocol() -> None:
    hidden = Behaviour(host="h.test", hide_capabilities_after=True)
    imap = ImapDialogue(hidden, ACCOUNTS)
    imap.tls_started()
    assert sent(imap.receive(b"a CAPABILITY\r\n")) == b"a OK CAPABILITY completed\r\n"
    assert b"CAPABILITY" not in sent(imap.greet())  # an IMAPS greeting without the code
    pop = Pop3Dialogue(hidden, ACCOUNTS)
    assert b"STLS" in sent(pop.receive(b"CAPA\r\n"))  # before TLS: as usual
    pop.tls_started()
    assert sent(pop.receive(b"CAPA\r\n")).startswith(b"-ERR")
    smtp = SmtpDialogue(hidden, ACCOUNTS)
    smtp.tls_started()
    assert sent(smtp.receive(b"EHLO c\r\n")).startswith(b"502 ")


def test_a_flood_is_endless_lines_or_one_endless_line() -> None:
    lines = SmtpDialogue(Behaviour(host="h.test", flood="capabilities"), ACCOUNTS)
    (flood,) = lines.receive(b"EHLO c\r\n")
    assert isinstance(flood, Flood) and flood.data == b""
    assert flood.unit.startswith(b"250-mailhop lab flood\r\n") and flood.unit.count(b"\n") > 1
    line = Behaviour(host="h.test", flood="greeting", flood_shape="line")
    (flood,) = ImapDialogue(line, ACCOUNTS).greet()
    assert isinstance(flood, Flood) and flood.data == b"* OK mailhop lab flood "
    assert b"\n" not in flood.unit


@pytest.mark.parametrize(
    ("table", "complaint"),
    [
        ({"ftp": {}}, "the key must be one of"),
        ({"imap": {"colour": "red"}}, "unknown keys"),
        ({"imap": {"tls": "maybe"}}, "tls"),
        ({"pop3": {"preauth": True}}, "IMAP only"),
        ({"imap": {"stall": "lunch"}}, "stall"),
        ({"imap": {"port": 0}}, "port"),
        ({"imap": {}, "imaps": {"port": 143}}, "already used"),
        ({"imaps": {}}, "already used by mail service imaps"),
        ({"imap": {"flood": "forever"}}, "flood"),
        ({"imap": {"flood_shape": "wave"}}, "flood_shape"),
        ({"pop3": {"noise_before_tls": ["* 1 EXISTS"]}}, "IMAP only"),
        ({"imap": {"noise_before_tls": ["a1 OK"]}}, "untagged"),
        ({"imap": {"tls_max_version": "SSLv3"}}, "tls_max_version"),
        ({"imap": {"tls_max_version": "TLSv1.1"}, "pop3": {}}, "same for every server"),
    ],
)
def test_malformed_hostile_tables_are_refused(table: dict[str, object], complaint: str) -> None:
    host = Host(name="h.test", address="127.0.99.1", mail=("imaps",), hostile=table)
    with pytest.raises(ScenarioError, match=complaint):
        hostile.parse_servers(host)


# --- against the running lab -----------------------------------------------------------------


@pytest.fixture(scope="module")
def tls(lab: LabInfo) -> ssl.SSLContext:
    return clients.tls_context(lab.ca_file)


def test_starttls_is_stripped_and_plaintext_login_offered() -> None:
    imap = clients.IMAP4("strip.hostile-mail.test", address("strip.hostile-mail.test"))
    try:
        assert "STARTTLS" not in imap.capabilities and "AUTH=PLAIN" in imap.capabilities
        with pytest.raises(imaplib.IMAP4.error):
            imap.starttls(ssl.create_default_context())
        assert imap.login(USER, PASSWORD)[0] == "OK"  # the lure: a password in the clear
    finally:
        imap.shutdown()
    pop = clients.POP3("strip.hostile-mail.test", address("strip.hostile-mail.test"))
    try:
        assert "STLS" not in pop.capa() and "USER" in pop.capa()
    finally:
        pop.close()
    with clients.SMTP("strip.hostile-mail.test", address("strip.hostile-mail.test")) as smtp:
        smtp.ehlo()
        assert not smtp.has_extn("starttls") and "PLAIN" in smtp.esmtp_features["auth"]


def test_starttls_is_answered_no() -> None:
    name = "starttls-no.hostile-mail.test"
    with socket.create_connection((address(name), 143), timeout=5) as sock:
        assert b" STARTTLS " in clients.read_until(sock, b"\r\n")
        sock.sendall(b"a STARTTLS\r\n")
        assert clients.read_until(sock, b"\r\n") == b"a NO STARTTLS refused\r\n"
    imap = clients.IMAP4(name, address(name))
    try:
        with pytest.raises(imaplib.IMAP4.error, match="Couldn't establish TLS"):
            imap.starttls(ssl.create_default_context())
    finally:
        imap.shutdown()
    pop = clients.POP3(name, address(name))
    try:
        with pytest.raises(poplib.error_proto, match="-ERR STLS refused"):
            pop.stls(ssl.create_default_context())
    finally:
        pop.close()


def test_preauth_logs_in_before_any_tls() -> None:
    imap = clients.IMAP4("preauth.hostile-mail.test", address("preauth.hostile-mail.test"))
    try:
        assert imap.welcome.startswith(b"* PREAUTH")
        assert imap.state == "AUTH"
    finally:
        imap.shutdown()


@pytest.mark.parametrize(
    ("port", "greeting_end", "command", "reply", "injected"),
    [
        (143, b"ready\r\n", b"a STARTTLS\r\n", b"a OK Begin TLS negotiation now\r\n",
         b"* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n"),
        (587, b"hostile\r\n", b"STARTTLS\r\n", b"220 2.0.0 Ready to start TLS\r\n",
         b"250 AUTH PLAIN LOGIN\r\n"),
    ],
    ids=["imap", "smtp"],
)  # fmt: skip
def test_bytes_are_injected_after_the_starttls_reply(
    port: int, greeting_end: bytes, command: bytes, reply: bytes, injected: bytes
) -> None:
    with socket.create_connection((address("inject.hostile-mail.test"), port), timeout=5) as sock:
        assert clients.read_until(sock, greeting_end).endswith(greeting_end)
        sock.sendall(command)
        assert clients.read_until(sock, injected) == reply + injected


def test_smtp_starttls_is_refused_with_454_and_502() -> None:
    name = "smtp-refuse.hostile-mail.test"
    for port, code in ((587, 454), (25, 502)):
        with clients.SMTP(name, address(name), port) as smtp:
            with pytest.raises(smtplib.SMTPResponseException) as caught:
                smtp.starttls(context=ssl.create_default_context())
            assert caught.value.smtp_code == code


def test_a_server_stalls_after_its_greeting(tls: ssl.SSLContext) -> None:
    name = "stall.hostile-mail.test"
    with socket.create_connection((address(name), 143), timeout=5) as sock:
        assert clients.read_until(sock, b"\r\n").startswith(b"* OK")
        sock.sendall(b"a CAPABILITY\r\n")
        assert clients.read_for(sock, STALL_SECONDS) == (b"", False)
    with clients.tls_connect(tls, name, address(name), 993) as sock:  # TLS up, no greeting
        assert clients.read_for(sock, STALL_SECONDS) == (b"", False)
    with pytest.raises(TimeoutError):  # a handshake that never completes
        clients.tls_connect(tls, name, address(name), 995, timeout=STALL_SECONDS)


def test_a_server_closes_after_its_greeting() -> None:
    name = "close.hostile-mail.test"
    for port in (143, 587):
        with socket.create_connection((address(name), port), timeout=5) as sock:
            greeting, closed = clients.read_for(sock, 2.0)
            assert greeting.endswith(b"\r\n") and closed


def test_the_default_server_logs_in_over_implicit_tls_and_starttls(tls: ssl.SSLContext) -> None:
    name, where = "good.hostile-mail.test", address("good.hostile-mail.test")
    imaps = clients.IMAP4_SSL(tls, name, where)
    try:
        with pytest.raises(imaplib.IMAP4.error):
            imaps.login(USER, "wrong")
        assert imaps.login(USER, PASSWORD)[0] == "OK"
    finally:
        imaps.logout()
    imap = clients.IMAP4(name, where)
    try:
        assert "LOGINDISABLED" in imap.capabilities
        imap.starttls(tls)
        assert imap.login(USER, PASSWORD)[0] == "OK"
    finally:
        imap.logout()
    pop = clients.POP3_SSL(tls, name, where)
    try:
        assert pop.user(USER).startswith(b"+OK") and pop.pass_(PASSWORD) == b"+OK logged in"
    finally:
        pop.quit()
    with clients.SMTP_SSL(tls, name, where) as smtps:
        assert smtps.login(USER, PASSWORD)[0] == 235
    with clients.SMTP(name, where) as smtp:
        smtp.starttls(context=tls)
        assert smtp.login(USER, PASSWORD)[0] == 235


@pytest.mark.parametrize(
    ("kind", "verify_code", "message"),
    [
        ("expired", 10, "certificate has expired"),
        ("wrong-name", 62, "Hostname mismatch"),
        ("unknown-ca", 20, "unable to get local issuer certificate"),
        ("no-intermediate", 20, "unable to get local issuer certificate"),
    ],
)
def test_bad_certificates_fail_verification_for_the_right_reason(
    lab: LabInfo, tls: ssl.SSLContext, kind: str, verify_code: int, message: str
) -> None:
    name = f"{kind}.hostile-mail.test"
    before = connections(lab, name)
    with pytest.raises(ssl.SSLCertVerificationError) as caught:
        clients.tls_connect(tls, name, address(name), 993)
    assert caught.value.verify_code == verify_code
    assert message in caught.value.verify_message
    assert "alert" in server_tls_failure(lab, name, before)  # the server saw the client's alert


def connections(lab: LabInfo, name: str) -> set[str]:
    recordings_dir = Path(lab.fact("pyservers", "recordings_dir"))
    return {r.connection for r in canary.recordings(recordings_dir) if r.host == name}


def server_tls_failure(lab: LabInfo, name: str, before: set[str], timeout: float = 2.0) -> str:
    """The reason the server noted for a failed handshake on a connection newer than `before`."""
    recordings_dir = Path(lab.fact("pyservers", "recordings_dir"))
    deadline = time.monotonic() + timeout
    while True:
        new = [r for r in canary.recordings(recordings_dir) if r.host == name]
        notes = [note for r in new if r.connection not in before for note in r.notes]
        failures = [str(note["reason"]) for note in notes if note.get("tls") == "failed"]
        if failures:
            return failures[-1]
        assert time.monotonic() < deadline, f"no failed handshake recorded for {name}"
        time.sleep(0.02)


def test_untagged_noise_arrives_around_the_starttls_answer() -> None:
    name = "noise.hostile-mail.test"
    with socket.create_connection((address(name), 143), timeout=5) as sock:
        first = clients.read_until(sock, b"Flagged)\r\n")
        assert first.startswith(b"* OK [CAPABILITY") and b"* 3 EXISTS\r\n" in first
        sock.sendall(b"a STARTTLS\r\n")
        answer = clients.read_until(sock, b"negotiation now\r\n")
        assert b"{9}\r\nM2 OK no!)\r\n" in answer  # a literal that looks like an answer
        assert answer.endswith(b"\r\na OK Begin TLS negotiation now\r\n")


def test_a_server_hides_its_capabilities_after_tls(tls: ssl.SSLContext) -> None:
    name = "hidden.hostile-mail.test"
    imap = clients.IMAP4(name, address(name))
    try:
        assert "STARTTLS" in imap.capabilities
        with pytest.raises(imaplib.IMAP4.error, match="no CAPABILITY response"):
            imap.starttls(tls)  # imaplib asks CAPABILITY again over TLS, and gets none
    finally:
        imap.shutdown()
    with clients.SMTP(name, address(name)) as smtp:
        smtp.starttls(context=tls)
        assert smtp.ehlo()[0] == 502


def test_the_old_server_speaks_tls_1_1_only(lab: LabInfo, tls: ssl.SSLContext) -> None:
    name = "old-tls.hostile-mail.test"
    permissive = clients.tls_context(lab.ca_file)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        permissive.minimum_version = ssl.TLSVersion.TLSv1
    permissive.set_ciphers("DEFAULT:@SECLEVEL=0")
    with clients.tls_connect(permissive, name, address(name), 993) as sock:
        assert sock.version() == "TLSv1.1"
        assert clients.read_until(sock, b"\r\n").startswith(b"* OK")
    with pytest.raises((ssl.SSLError, ConnectionError)):  # TLS 1.2+: the server gives up
        clients.tls_connect(tls, name, address(name), 993)


@pytest.mark.parametrize(
    ("port", "start", "limit"),
    [(143, b"* OK mailhop lab flood flood", b"\n"), (587, b"220 ", b"250-mailhop lab flood")],
)
def test_a_server_floods(port: int, start: bytes, limit: bytes) -> None:
    name = "flood.hostile-mail.test"
    with socket.create_connection((address(name), port), timeout=5) as sock:
        if port == 587:
            clients.read_until(sock, b"\r\n")
            sock.sendall(b"EHLO c\r\n")
        received = b""
        while len(received) < 1024 * 1024:  # a megabyte, and still coming
            chunk = sock.recv(65536)
            assert chunk
            received += chunk
    if port == 143:
        assert received.startswith(start) and limit not in received
    else:
        assert received.count(limit) > 1000
