"""The lab's Dovecot and Postfix behave like a well-run provider, and record what they hear.

Clients connect from 127.0.0.1 to the host's own address, never to the address they come from:
Dovecot would otherwise count the connection as "secured" and accept plaintext logins
(LAB-NOTES.md). They connect by address and check the certificate against the host name, so
these tests need neither the lab's DNS nor glibc's view of it.

What the recordings hold, for the canary checks:
- Dovecot's login processes record the bytes on the wire, before login: plaintext up to
  STARTTLS, ciphertext after it (and from the first byte on 993/995). A password can only show
  up there if a client sent it in the clear. The imap and pop3 processes record the session
  after login, decrypted; the login itself is not in it.
- Postfix logs the SMTP dialogue of clients from 127.0.0.1 decrypted, with a
  "TLS connection established" line where TLS begins, so AUTH must come after that line.
"""

from __future__ import annotations

import base64
import binascii
import imaplib
import poplib
import re
import smtplib
import socket
import ssl
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.lab import scenario
from tests.lab.lab import LabInfo

ADDRESSES = {host.name: host.address for item in scenario.load_all() for host in item.hosts}
TIMEOUT = 5.0


def lab_socket(name: str, port: int, timeout: float | None) -> socket.socket:
    """Connect to a lab host by its scenario address; TLS still checks the name."""
    return socket.create_connection((ADDRESSES[name], port), timeout)


class IMAP(imaplib.IMAP4):
    def _create_socket(self, timeout: float | None) -> socket.socket:
        return lab_socket(self.host, self.port, timeout)


class IMAPS(imaplib.IMAP4_SSL):
    ssl_context: ssl.SSLContext

    def _create_socket(self, timeout: float | None) -> socket.socket:
        sock = lab_socket(self.host, self.port, timeout)
        return self.ssl_context.wrap_socket(sock, server_hostname=self.host)


class POP3(poplib.POP3):
    def _create_socket(self, timeout: float) -> socket.socket:
        return lab_socket(self.host, self.port, timeout)


class POP3S(poplib.POP3_SSL):
    context: ssl.SSLContext  # set by POP3_SSL.__init__

    def _create_socket(self, timeout: float) -> socket.socket:
        sock = lab_socket(self.host, self.port, timeout)
        return self.context.wrap_socket(sock, server_hostname=self.host)


class SMTP(smtplib.SMTP):
    def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:
        return lab_socket(host, port, timeout)


class SMTPS(smtplib.SMTP_SSL):
    def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:
        return self.context.wrap_socket(lab_socket(host, port, timeout), server_hostname=host)


@dataclass(frozen=True, slots=True)
class Mailbox:
    host: str  # a lab host name; lab_socket() finds its address
    user: str
    password: str


@pytest.fixture(scope="module")
def alice(lab: LabInfo) -> Mailbox:
    healthy = lab.scenario("healthy.test")
    account = healthy.accounts[0]
    host = healthy.host("mail.healthy.test")
    return Mailbox(host.name, account.address, account.password)


@pytest.fixture(scope="module")
def tls(lab: LabInfo) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(lab.ca_file))


# --- IMAP and POP3 -------------------------------------------------------------------------


def test_imaps_login(alice: Mailbox, tls: ssl.SSLContext) -> None:
    with IMAPS(alice.host, 993, ssl_context=tls, timeout=TIMEOUT) as imap:
        assert isinstance(imap.sock, ssl.SSLSocket)
        assert imap.sock.version() in ("TLSv1.2", "TLSv1.3")
        assert imap.login(alice.user, alice.password)[0] == "OK"


def test_imap_starttls_then_login(alice: Mailbox, tls: ssl.SSLContext) -> None:
    with IMAP(alice.host, 143, timeout=TIMEOUT) as imap:
        assert "STARTTLS" in imap.capabilities
        imap.starttls(ssl_context=tls)
        assert "LOGINDISABLED" not in imap.capabilities
        assert imap.login(alice.user, alice.password)[0] == "OK"


def test_imap_refuses_plaintext_login(alice: Mailbox) -> None:
    with IMAP(alice.host, 143, timeout=TIMEOUT) as imap:
        # From another address than the server's: Dovecot must not think the link is secure.
        assert imap.sock.getsockname()[0] != imap.sock.getpeername()[0]
        assert "LOGINDISABLED" in imap.capabilities
        with pytest.raises(imaplib.IMAP4.error, match="PRIVACYREQUIRED"):
            imap.login(alice.user, "a-decoy-not-the-password")


def test_pop3s_login(alice: Mailbox, tls: ssl.SSLContext) -> None:
    pop = POP3S(alice.host, 995, context=tls, timeout=TIMEOUT)
    try:
        pop.user(alice.user)
        assert pop.pass_(alice.password).startswith(b"+OK")
    finally:
        pop.quit()


def test_pop3_stls_then_login(alice: Mailbox, tls: ssl.SSLContext) -> None:
    pop = POP3(alice.host, 110, timeout=TIMEOUT)
    try:
        pop.stls(context=tls)
        pop.user(alice.user)
        assert pop.pass_(alice.password).startswith(b"+OK")
    finally:
        pop.quit()


def test_pop3_refuses_plaintext_login(alice: Mailbox) -> None:
    pop = POP3(alice.host, 110, timeout=TIMEOUT)
    try:
        with pytest.raises(poplib.error_proto, match="Plaintext authentication disallowed"):
            pop.user(alice.user)
    finally:
        pop.quit()


def test_wrong_password_fails_fast_and_does_not_slow_the_next_login(
    alice: Mailbox, tls: ssl.SSLContext
) -> None:
    began = time.monotonic()
    with (
        IMAPS(alice.host, 993, ssl_context=tls, timeout=TIMEOUT) as imap,
        pytest.raises(imaplib.IMAP4.error, match="AUTHENTICATIONFAILED"),
    ):
        imap.login(alice.user, "wrong-password")
    failed = time.monotonic()
    with IMAPS(alice.host, 993, ssl_context=tls, timeout=TIMEOUT) as imap:
        imap.login(alice.user, alice.password)
    assert failed - began < 1.0
    assert time.monotonic() - failed < 1.0


# --- SMTP ----------------------------------------------------------------------------------


def test_submissions_465_login(alice: Mailbox, tls: ssl.SSLContext) -> None:
    with SMTPS(alice.host, 465, context=tls, timeout=TIMEOUT) as smtp:
        smtp.ehlo()
        assert smtp.login(alice.user, alice.password)[0] == 235


def test_submission_587_offers_auth_only_after_starttls(
    alice: Mailbox, tls: ssl.SSLContext
) -> None:
    with SMTP(alice.host, 587, timeout=TIMEOUT) as smtp:
        smtp.ehlo()
        assert smtp.has_extn("starttls")
        assert not smtp.has_extn("auth")
        assert smtp.mail(alice.user)[0] == 530  # "Must issue a STARTTLS command first"
        smtp.starttls(context=tls)
        smtp.ehlo()
        assert smtp.has_extn("auth")
        assert smtp.login(alice.user, alice.password)[0] == 235


def test_smtp_25_offers_starttls_but_never_auth(alice: Mailbox, tls: ssl.SSLContext) -> None:
    with SMTP(alice.host, 25, timeout=TIMEOUT) as smtp:
        smtp.ehlo()
        assert smtp.has_extn("starttls")
        assert not smtp.has_extn("auth")
        smtp.starttls(context=tls)
        smtp.ehlo()
        assert not smtp.has_extn("auth")


def test_smtp_25_refuses_to_relay(alice: Mailbox) -> None:
    with SMTP(alice.host, 25, timeout=TIMEOUT) as smtp:
        smtp.ehlo()
        smtp.mail("someone@example.com")
        assert smtp.rcpt("victim@example.com")[0] == 554  # Relay access denied
        assert smtp.rcpt("nobody@healthy.test")[0] == 550  # unknown lab user


def test_smtp_wrong_password_fails_fast(alice: Mailbox, tls: ssl.SSLContext) -> None:
    began = time.monotonic()
    with SMTPS(alice.host, 465, context=tls, timeout=TIMEOUT) as smtp:
        smtp.ehlo()
        with pytest.raises(smtplib.SMTPAuthenticationError):
            smtp.login(alice.user, "wrong-password")
    assert time.monotonic() - began < 1.0


def test_mail_sent_via_465_is_delivered_and_readable_over_imap(
    alice: Mailbox, tls: ssl.SSLContext
) -> None:
    subject = f"lab delivery {uuid.uuid4().hex}"
    headers = f"From: {alice.user}\r\nTo: {alice.user}\r\nSubject: {subject}\r\n"
    message = headers + "\r\nhello from the lab\r\n"
    with SMTPS(alice.host, 465, context=tls, timeout=TIMEOUT) as smtp:
        smtp.login(alice.user, alice.password)
        assert smtp.sendmail(alice.user, [alice.user], message) == {}
    deadline = time.monotonic() + 5
    with IMAPS(alice.host, 993, ssl_context=tls, timeout=TIMEOUT) as imap:
        imap.login(alice.user, alice.password)
        while True:
            imap.select("INBOX", readonly=True)
            found = imap.search(None, "SUBJECT", f'"{subject}"')[1][0].split()
            if found or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        assert found, "the message did not arrive within 5 s"
        body = imap.fetch(found[0], "(BODY[TEXT])")[1][0]
        assert isinstance(body, tuple) and b"hello from the lab" in body[1]


# --- Certificates and listeners ------------------------------------------------------------


@pytest.mark.parametrize("port", [993, 995, 465])
def test_certificate_verifies_with_the_lab_ca_only(
    alice: Mailbox, tls: ssl.SSLContext, port: int
) -> None:
    with tls.wrap_socket(lab_socket(alice.host, port, TIMEOUT), server_hostname=alice.host):
        pass
    system_only = ssl.create_default_context()
    with pytest.raises(ssl.SSLCertVerificationError):
        system_only.wrap_socket(lab_socket(alice.host, port, TIMEOUT), server_hostname=alice.host)


@pytest.mark.parametrize("port", [993, 143, 995, 110, 465, 587, 25])
def test_listeners_are_on_the_host_address_only(lab: LabInfo, port: int) -> None:
    web_only = lab.scenario("healthy.test").host("healthy.test").address
    for address in ("127.0.0.1", web_only):
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection((address, port), TIMEOUT).close()


# --- Recordings for the canary -------------------------------------------------------------


def mentions(data: bytes, secret: str) -> bool:
    """The secret as is, or inside a base64 token (SASL PLAIN and LOGIN encode it)."""
    needle = secret.encode()
    if needle in data:
        return True
    for token in re.findall(rb"[A-Za-z0-9+/]{8,}={0,2}", data):
        try:
            if needle in base64.b64decode(token + b"=" * (-len(token) % 4)):
                return True
        except binascii.Error:
            continue
    return False


def rawlog_files(lab: LabInfo, kind: str = "") -> list[Path]:
    """Dovecot's rawlogs: kind "wire" (login processes), "session" (after login) or both."""
    folder = Path(lab.fact("mail", f"dovecot_{kind}_rawlog_dir" if kind else "dovecot_rawlog_dir"))
    return [path for path in folder.rglob("*") if path.is_file()]


def wait_for_rawlog(lab: LabInfo, kind: str, secret: str, timeout: float = 2.0) -> bool:
    """Dovecot writes as the bytes pass but may still be closing when the client is done."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(mentions(path.read_bytes(), secret) for path in rawlog_files(lab, kind)):
            return True
        time.sleep(0.05)
    return False


def test_rawlog_catches_a_password_sent_before_tls(lab: LabInfo, alice: Mailbox) -> None:
    canary = f"canary-{uuid.uuid4().hex}"
    with IMAP(alice.host, 143, timeout=TIMEOUT) as imap, pytest.raises(imaplib.IMAP4.error):
        imap.login(alice.user, canary)
    assert wait_for_rawlog(lab, "wire", canary)


def test_rawlog_never_holds_a_password_sent_after_tls(
    lab: LabInfo, alice: Mailbox, tls: ssl.SSLContext
) -> None:
    marker = uuid.uuid4().hex  # proves the post-login session was recorded
    with IMAP(alice.host, 143, timeout=TIMEOUT) as imap:
        imap.starttls(ssl_context=tls)
        imap.login(alice.user, alice.password)
        imap.select("INBOX", readonly=True)
        imap.search(None, "SUBJECT", f'"{marker}"')
    with IMAPS(alice.host, 993, ssl_context=tls, timeout=TIMEOUT) as imap:
        imap.authenticate("PLAIN", lambda _: f"\0{alice.user}\0{alice.password}".encode())
    assert wait_for_rawlog(lab, "session", marker)
    leaked = [p.name for p in rawlog_files(lab) if mentions(p.read_bytes(), alice.password)]
    assert leaked == []


def smtpd_sessions(log: str) -> list[list[str]]:
    """Postfix log lines per SMTP connection: by smtpd process, split at "connect from"."""
    current: dict[str, list[str]] = {}
    sessions: list[list[str]] = []
    for line in log.splitlines():
        match = re.search(r"/smtpd\[(\d+)\]: (.*)", line)
        if not match:
            continue
        pid, text = match.groups()
        if text.startswith("connect from") or pid not in current:
            current[pid] = []
            sessions.append(current[pid])
        current[pid].append(text)
    return sessions


def test_postfix_log_shows_auth_only_after_tls(
    lab: LabInfo, alice: Mailbox, tls: ssl.SSLContext
) -> None:
    with SMTP(alice.host, 587, timeout=TIMEOUT) as smtp:
        smtp.starttls(context=tls)
        smtp.login(alice.user, alice.password)
    log = Path(lab.fact("mail", "postfix_log"))
    deadline = time.monotonic() + 2
    while True:
        with_password = [
            lines
            for lines in smtpd_sessions(log.read_text())
            if any(mentions(line.encode(), alice.password) for line in lines)
        ]
        if with_password or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert with_password, f"no AUTH in {log}"
    for lines in with_password:
        tls_at = [i for i, line in enumerate(lines) if "TLS connection established" in line]
        auth_at = [i for i, line in enumerate(lines) if mentions(line.encode(), alice.password)]
        assert tls_at and tls_at[0] < auth_at[0], lines
