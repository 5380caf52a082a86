"""The canary finds a secret wherever our servers received it, and says before or after TLS.

First on recordings written here (every encoding, chunk splits, phases), then on the
running lab: a planted password sent in the clear to the stripping server is caught as
"plain"; the same after STARTTLS is "tls"; bytes pipelined after STARTTLS are recorded as
plaintext and never read as TLS data.
"""

from __future__ import annotations

import base64
import imaplib
import secrets
import smtplib
import socket
import ssl
from pathlib import Path

import pytest

from tests.lab import canary, clients, scenario
from tests.lab.canary import Sighting
from tests.lab.lab import LabInfo
from tests.lab.recording import ConnectionRecord, Phase

USER = "mallory@hostile-mail.test"
HOSTS = {h.name: h.address for s in scenario.load_all() for h in s.hosts}


def fake_password() -> str:
    return f"canary-{secrets.token_urlsafe(12)}"


def plant(folder: Path, name: str, *chunks: tuple[Phase, bytes]) -> str:
    """Write a recording as a server would; returns its connection id."""
    connection = f"{name}-143-{len(list(folder.glob('*.jsonl'))) + 1:06d}"
    record = ConnectionRecord(
        folder / f"{connection}.jsonl",
        {"host": name, "port": 143, "service": "imap", "connection": connection, "opened": 0},
    )
    for phase, data in chunks:
        record.phase = phase
        record.data(data)
    record.close()
    return connection


# --- on planted recordings -------------------------------------------------------------------


@pytest.mark.parametrize("user", ["", "a", "ab", "abc", USER])
def test_base64_forms_are_found_without_knowing_the_user(tmp_path: Path, user: str) -> None:
    password = fake_password()
    auth_plain = base64.b64encode(f"{user}\0{user}\0{password}".encode())
    basic = base64.b64encode(f"{user}:{password}".encode())
    auth_login = base64.b64encode(password.encode())
    for data in (auth_plain, basic, auth_login):
        plant(tmp_path, "h.test", ("tls", b"AUTH PLAIN " + data + b"\r\n"))
    found = canary.sightings(tmp_path, password)
    assert len(found) == 3 and {s.form for s in found} == {"base64"}


def test_a_secret_split_across_reads_is_found_in_its_phase(tmp_path: Path) -> None:
    password = fake_password().encode()
    connection = plant(
        tmp_path,
        "h.test",
        ("plain", b"a LOGIN user " + password[:5]),
        ("plain", password[5:] + b"\r\n"),
        ("tls", b"b LOGIN user " + password + b"\r\n"),
    )
    assert canary.sightings(tmp_path, password) == [
        Sighting("h.test", 143, "plain", connection, "raw"),
        Sighting("h.test", 143, "tls", connection, "raw"),
    ]


def test_quoted_and_percent_encoded_secrets_are_found(tmp_path: Path) -> None:
    password = 'pa"ss\\w/rd ' + secrets.token_hex(6)
    quoted = password.replace("\\", "\\\\").replace('"', '\\"')
    plant(tmp_path, "imap.test", ("tls", f'a LOGIN user "{quoted}"\r\n'.encode()))
    plant(tmp_path, "web.test", ("tls", b"GET /?p=" + canary.encodings(password)["percent"][0]))
    found = {(s.host, s.form) for s in canary.sightings(tmp_path, password)}
    assert found == {("imap.test", "imap-quoted"), ("web.test", "percent")}


def test_nothing_is_found_where_the_secret_is_not(tmp_path: Path) -> None:
    plant(tmp_path, "h.test", ("plain", b"a LOGIN user " + fake_password().encode()))
    assert canary.sightings(tmp_path, fake_password()) == []


def test_assert_only_in_lists_what_it_does_not_allow(tmp_path: Path) -> None:
    password = fake_password()
    plant(tmp_path, "good.test", ("tls", f"a LOGIN u {password}\r\n".encode()))
    leak = plant(tmp_path, "evil.test", ("plain", f"a LOGIN u {password}\r\n".encode()))
    with pytest.raises(AssertionError, match=f"{leak} \\(plain, raw\\)"):
        canary.assert_only_in(tmp_path, password, lambda s: s.phase == "tls")
    allowed = canary.assert_only_in(tmp_path, password, lambda s: True)
    assert [s.host for s in allowed] == ["good.test", "evil.test"]


# --- on the running lab ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def recordings_dir(lab: LabInfo) -> Path:
    return Path(lab.fact("pyservers", "recordings_dir"))


@pytest.fixture(scope="module")
def tls(lab: LabInfo) -> ssl.SSLContext:
    return clients.tls_context(lab.ca_file)


def test_a_password_sent_before_tls_is_caught_as_plain(recordings_dir: Path) -> None:
    password = fake_password()
    name = "strip.hostile-mail.test"
    with socket.create_connection((HOSTS[name], 143), timeout=5) as sock:
        clients.read_until(sock, b"\r\n")
        sock.sendall(f'a LOGIN {USER} "{password}"\r\n'.encode())
        assert clients.read_until(sock, b"\r\n").startswith(b"a NO")
    (seen,) = canary.sightings(recordings_dir, password)
    assert (seen.host, seen.port, seen.phase, seen.form) == (name, 143, "plain", "raw")
    with pytest.raises(AssertionError, match="leaked"):
        canary.assert_only_in(recordings_dir, password, lambda s: s.phase == "tls")


def test_a_password_sent_after_starttls_is_seen_only_inside_tls(
    recordings_dir: Path, tls: ssl.SSLContext
) -> None:
    password = fake_password()
    name = "good.hostile-mail.test"
    imap = clients.IMAP4(name, HOSTS[name])
    try:
        imap.starttls(tls)
        with pytest.raises(imaplib.IMAP4.error):
            imap.login(USER, password)
    finally:
        imap.logout()
    with clients.SMTP(name, HOSTS[name]) as smtp:
        smtp.starttls(context=tls)
        with pytest.raises(smtplib.SMTPAuthenticationError):
            smtp.login(USER, password)
    inside = canary.assert_only_in(
        recordings_dir, password, lambda s: s.phase == "tls" and s.host == name
    )
    assert {(s.port, s.form) for s in inside} == {(143, "raw"), (587, "base64")}


def test_bytes_pipelined_after_starttls_stay_plaintext(
    recordings_dir: Path, tls: ssl.SSLContext
) -> None:
    password = fake_password()
    name = "good.hostile-mail.test"
    with socket.create_connection((HOSTS[name], 143), timeout=5) as sock:
        clients.read_until(sock, b"\r\n")
        sock.sendall(f"a STARTTLS\r\nb LOGIN {USER} {password}\r\n".encode())
        assert clients.read_until(sock, b"\r\n") == b"a OK Begin TLS negotiation now\r\n"
        with tls.wrap_socket(sock, server_hostname=name) as secure:
            secure.sendall(b"c NOOP\r\n")
            assert clients.read_until(secure, b"\r\n") == b"c OK completed\r\n"  # no "b" reply
    (seen,) = canary.sightings(recordings_dir, password)
    assert seen.phase == "plain"
    (recording,) = [r for r in canary.recordings(recordings_dir) if r.connection == seen.connection]
    assert {"dropped_before_tls": len(f"b LOGIN {USER} {password}\r\n")} in recording.notes


def test_http_basic_credentials_are_caught_in_a_web_request(
    recordings_dir: Path, tls: ssl.SSLContext
) -> None:
    password = fake_password()
    name = "autodiscover.hostile-web.test"
    basic = base64.b64encode(f"{USER}:{password}".encode()).decode()
    connection = clients.http_connection(tls, name, HOSTS[name])
    try:
        connection.request(
            "POST",
            "/autodiscover/autodiscover.xml",
            body=b"<Autodiscover/>",
            headers={"Host": name, "Authorization": f"Basic {basic}"},
        )
        assert connection.getresponse().status == 401
    finally:
        connection.close()
    (seen,) = canary.sightings(recordings_dir, password)
    assert (seen.host, seen.port, seen.phase, seen.form) == (name, 443, "tls", "base64")
