"""The demo servers: their dialogues (sans-IO), what they publish, and one real TLS session."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import logging
import socket
import ssl
from pathlib import Path

import pytest

from mailhop.core.demo.dialogues import (
    HttpResponse,
    ImapDialogue,
    SmtpDialogue,
    http_response,
    imap_tokens,
    sasl_plain,
)
from mailhop.core.demo.servers import autoconfig_document, make_pki, mta_sts_policy, serve_all
from mailhop.core.export.lint import Format, lint

ACCOUNTS = {"you@demo.test": "right-password"}
HOST = "mail.demo.test"


def plain(user: str, password: str) -> bytes:
    return base64.b64encode(f"\0{user}\0{password}".encode())


def test_imap_takes_no_password_before_tls_and_only_the_account_after() -> None:
    imap = ImapDialogue(ACCOUNTS, implicit=False)
    assert b"STARTTLS LOGINDISABLED" in imap.greet().data
    refused = imap.receive(b'a LOGIN you@demo.test "right-password"\r\n')
    assert refused.data.startswith(b"a NO [PRIVACYREQUIRED]") and imap.user is None
    go = imap.receive(b"b STARTTLS\r\n")
    assert go.start_tls and go.data == b"b OK Begin TLS negotiation now\r\n"
    imap.tls_started()
    assert b"AUTH=PLAIN" in imap.receive(b"c CAPABILITY\r\n").data
    wrong = imap.receive(b'd LOGIN you@demo.test "wrong"\r\n')
    assert wrong.data == b"d NO [AUTHENTICATIONFAILED] Authentication failed.\r\n"
    other = imap.receive(b'd LOGIN other@demo.test "right-password"\r\n')
    assert other.data == wrong.data  # the same words: no hint which part was wrong
    assert imap.receive(b"e SELECT INBOX\r\n").data == b"e NO sign in first\r\n"
    ok = imap.receive(b'f LOGIN you@demo.test "right-password"\r\n')
    assert ok.data.startswith(b"f OK") and imap.user == "you@demo.test"
    assert b"0 EXISTS" in imap.receive(b"g EXAMINE INBOX\r\n").data
    assert imap.receive(b"h LOGOUT\r\n").close


def test_imap_authenticate_plain_with_a_continuation_and_a_literal_password() -> None:
    imap = ImapDialogue(ACCOUNTS, implicit=True)
    assert imap.receive(b"a AUTHENTICATE PLAIN\r\n").data == b"+ \r\n"
    assert imap.receive(plain("you@demo.test", "right-password") + b"\r\n").data.startswith(b"a OK")
    again = ImapDialogue(ACCOUNTS, implicit=True)
    assert again.receive(b"b LOGIN you@demo.test {14}\r\n").data.startswith(b"+ ")
    assert again.wants == 14
    assert again.receive(b"right-password").data == b""
    assert again.receive(b"\r\n").data.startswith(b"b OK")


def test_smtp_submission_auth_after_tls_only_and_relay_takes_no_auth() -> None:
    smtp = SmtpDialogue(ACCOUNTS, HOST, implicit=False, submission=True)
    assert b"STARTTLS" in smtp.receive(b"EHLO client\r\n").data
    assert (
        smtp.receive(b"AUTH PLAIN " + plain("you@demo.test", "right-password") + b"\r\n").data[:3]
        == b"530"
    )
    assert smtp.receive(b"STARTTLS\r\n").start_tls
    smtp.tls_started()
    caps = smtp.receive(b"EHLO client\r\n").data
    assert b"AUTH PLAIN LOGIN" in caps and b"STARTTLS" not in caps
    assert smtp.receive(b"AUTH PLAIN " + plain("you@demo.test", "x") + b"\r\n").data[:3] == b"535"
    user = base64.b64encode(b"you@demo.test") + b"\r\n"
    assert smtp.receive(b"AUTH LOGIN\r\n").data.startswith(b"334 ")
    assert smtp.receive(user).data.startswith(b"334 ")
    done = smtp.receive(base64.b64encode(b"right-password") + b"\r\n")
    assert done.data.startswith(b"235") and smtp.user == "you@demo.test"
    relay = SmtpDialogue(ACCOUNTS, HOST, implicit=True, submission=False)
    assert b"AUTH" not in relay.receive(b"EHLO peer\r\n").data
    assert (
        relay.receive(b"AUTH PLAIN " + plain("you@demo.test", "right-password")).data[:3] == b"504"
    )
    assert relay.receive(b"MAIL FROM:<a@b.test>\r\n").data.startswith(b"554")


def test_shared_parsers_read_sasl_and_imap_tokens() -> None:
    assert sasl_plain(plain("a", "b c")) == (b"a", b"b c")
    assert sasl_plain(b"not base64!") is None
    tokens = imap_tokens([b'a LOGIN "x\\"y" ', b""], [b"lit"])
    assert tokens == [b"a", b"LOGIN", b'x"y', b"lit"]


def test_http_serves_by_host_and_path_and_404_otherwise() -> None:
    documents = {("autoconfig.demo.test", "/x"): HttpResponse(200, "text/xml", b"<a/>")}
    found = http_response(
        b"GET /x?emailaddress=a HTTP/1.1\r\nHost: autoconfig.demo.test", documents
    )
    assert found.startswith(b"HTTP/1.1 200 OK\r\n") and found.endswith(b"\r\n\r\n<a/>")
    other_host = http_response(b"GET /x HTTP/1.1\r\nHost: demo.test", documents)
    assert other_host.startswith(b"HTTP/1.1 404")
    assert http_response(b"POST /x HTTP/1.1\r\nHost: autoconfig.demo.test", documents).startswith(
        b"HTTP/1.1 405"
    )


def test_published_documents_lint_clean() -> None:
    autoconfig = lint(autoconfig_document("demo.test", HOST), "config-v1.1.xml")
    assert autoconfig.format is Format.AUTOCONFIG and autoconfig.ok, autoconfig.problems
    policy = lint(mta_sts_policy(HOST), "mta-sts.txt")
    assert policy.format is Format.MTA_STS and policy.ok, policy.problems


def test_a_real_tls_session_verifies_with_the_demo_ca_only(tmp_path: Path) -> None:
    pki = make_pki(tmp_path, "demo.test", (HOST,))

    async def run() -> tuple[bytes, bytes, str]:
        servers = await serve_all(
            pki, domain="demo.test", mail_host=HOST, accounts=ACCOUNTS, host="127.0.0.1"
        )
        try:
            return await asyncio.to_thread(session, servers.ports[465])
        finally:
            await servers.close()

    def session(port: int) -> tuple[bytes, bytes, str]:
        refused = ""
        try:  # the system's trust store alone does not know the demo CA
            with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
                ssl.create_default_context().wrap_socket(raw, server_hostname=HOST)
        except ssl.SSLCertVerificationError as exc:
            refused = exc.verify_message
        context = ssl.create_default_context(cafile=pki.ca_file)
        with (
            socket.create_connection(("127.0.0.1", port), timeout=5) as raw,
            context.wrap_socket(raw, server_hostname=HOST) as tls,
        ):
            file = tls.makefile("rb")
            greeting = file.readline()
            tls.sendall(b"EHLO client\r\nAUTH PLAIN " + plain("you@demo.test", "no") + b"\r\n")
            while not file.readline().startswith(b"250 "):  # the EHLO reply's last line
                pass
            return greeting, file.readline(), refused

    greeting, answer, refused = asyncio.run(run())
    assert greeting.startswith(b"220 mail.demo.test ESMTP")
    assert answer.startswith(b"535 5.7.8")
    assert "certificate" in refused  # self-signed in the chain: the system does not know it


def test_a_client_that_hangs_up_right_after_starttls_leaves_no_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The window quitting mid-check closes a probe just after its TLS handshake: its last
    handshake bytes and its close_notify arrive together. asyncio's StreamWriter.start_tls
    has not yet told the stream protocol it is over TLS, so the protocol asks to keep the
    connection open and asyncio logs "returning true from eof_received() has no effect when
    using ssl" on stderr. The demo's servers close on EOF instead: nothing is logged."""
    pki = make_pki(tmp_path, "demo.test", (HOST,))
    context = ssl.create_default_context(cafile=pki.ca_file)

    async def hang_up(port: int) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        await reader.readline()  # 220 greeting
        writer.write(b"EHLO client\r\n")
        while not (await reader.readline()).startswith(b"250 "):
            pass
        writer.write(b"STARTTLS\r\n")
        assert (await reader.readline()).startswith(b"220 ")
        await writer.start_tls(context, server_hostname=HOST)
        writer.close()  # at once: close_notify follows the handshake's last flight
        with contextlib.suppress(OSError):
            await writer.wait_closed()

    async def run() -> None:
        servers = await serve_all(
            pki, domain="demo.test", mail_host=HOST, accounts=ACCOUNTS, host="127.0.0.1"
        )
        try:
            for _ in range(5):
                await hang_up(servers.ports[587])
            await asyncio.sleep(0.1)  # the server's side of the last one
        finally:
            await servers.close()

    with caplog.at_level(logging.WARNING, logger="asyncio"):
        asyncio.run(run())
    assert [r.getMessage() for r in caplog.records if r.name == "asyncio"] == []
