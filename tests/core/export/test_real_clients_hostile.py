"""Hostile values through the real clients: each export is read by the installed msmtp,
neomutt, isync and aerc, and every value must arrive byte for byte with nothing run (issue 15).

The values hold quotes, $(), backticks, %, backslash, ;, # and non-ASCII, in the display
name, the user name and the address (a valid address may hold ' ` $ { } | # % &). Each client
reads its file its own way: msmtp strips one pair of outer quotes and has no escapes (the
old export escaped for isync's reader, so msmtp's passwordeval ran ``touch`` out of the
address ``a'&touch${IFS}X&'b@evil.test``); neomutt expands $ and backticks in double quotes
unless escaped; isync takes a backslash as "the next character literally"; aerc reads go-ini
(a backquoted value is raw) and signs in with Go's IMAP client (its from: Go's net/mail).

The password command is the one mailhop writes (secret-tool lookup ...). A stand-in
secret-tool, first on PATH, records the argv it is run with and prints a known password: so
the test sees what the client's shell really executed, and that nothing else ran (a canary
file any injected command would create).
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import re
import shlex
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import BinaryIO
from urllib.parse import unquote

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from mailhop.core.account.profile import AccountProfile
from mailhop.core.account.secrets import lookup_command, secret_ref
from mailhop.core.common.model import AuthMethod, Service
from mailhop.core.export.evolution import evolution_sources
from mailhop.core.export.unix import aerc_accounts, mbsync_rc, msmtp_rc, neomutt_rc
from tests.core.export.test_outlook import IMAP, POP3, PROFILE
from tests.core.export.test_real_clients import Tmux

FAKE_PASSWORD = "pw-from-the-stand-in"  # noqa: S105 - the stand-in's, not a secret
DISPLAY_NAMES = [
    'Jo "the" Boss',
    "back\\slash \\n \\\\",
    "$HOME $(touch CANARY) `touch CANARY` ${IFS}",
    "100% ; #not a comment %U %H",
    "Zoë Ørsted 日本",
    "'single' & <angle> | pipe",
    "  spaces around\tand a tab  ",
]
USERNAMES = [
    'u"q',
    "u\\x",
    "u$(touch CANARY)",
    "u`touch CANARY`",
    "u%U%H%",
    "u;#x",
    "ü-user",
    "u'q' &",
]
ADDRESSES = [
    "a'&touch${IFS}CANARY&'b@evil.test",  # the issue's: ran touch through msmtp
    "a`touch${IFS}CANARY`b@evil.test",
    "a|touch${IFS}CANARY|b@evil.test",
    "a$HOME#x@evil.test",
    "zoë@evil.test",  # RFC 6531 local part
    "a%U%H@evil.test",
]


def _profile(address: str, username: str, display_name: str) -> AccountProfile:
    return replace(
        PROFILE,
        address=address,
        address_unicode=address,
        display_name=display_name,
        incoming=replace(IMAP, username=username),
        outgoing=replace(
            IMAP, service=Service.SUBMISSION, port=465, host="smtp.example.com", username=username
        ),
    )


CASES = [
    _profile(address, USERNAMES[i % len(USERNAMES)], DISPLAY_NAMES[i % len(DISPLAY_NAMES)])
    for i, address in enumerate(ADDRESSES)
] + [
    _profile("jo@example.com", username, DISPLAY_NAMES[i % len(DISPLAY_NAMES)])
    for i, username in enumerate(USERNAMES)
]
IDS = [f"{p.address}|{p.incoming.username}" for p in CASES]


class StandIn:
    """A secret-tool first on PATH that records its argv; a directory a canary would land in."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.bin = root / "bin"
        self.bin.mkdir()
        self.argv_file = root / "argv"
        tool = self.bin / "secret-tool"
        tool.write_text(
            "#!/bin/sh\n"
            f"printf '%s\\0' \"$@\" >> {shlex.quote(str(self.argv_file))}\n"
            f"printf '%s' {shlex.quote(FAKE_PASSWORD)}\n"
        )
        tool.chmod(0o755)
        self.env = {
            **os.environ,
            "PATH": f"{self.bin}:{os.environ['PATH']}",
            "HOME": str(root),
            "IFS": " \t\n",
        }

    def calls(self) -> list[tuple[str, ...]]:
        if not self.argv_file.exists():
            return []
        words = self.argv_file.read_bytes().decode().split("\0")[:-1]
        calls, current = [], []
        for word in words:
            if word == "lookup" and current:
                calls.append(tuple(current))
                current = []
            current.append(word)
        return [*calls, tuple(current)] if current else calls

    def nothing_ran(self) -> None:
        assert not list(self.root.rglob("CANARY")), "an injected command ran"
        assert not (Path.cwd() / "CANARY").exists()


@pytest.fixture
def stand_in(tmp_path: Path) -> Iterator[StandIn]:
    yield StandIn(tmp_path)


def _expected_lookup(profile: AccountProfile, service: str) -> tuple[str, ...]:
    return tuple(lookup_command(secret_ref(profile.address, service), "linux"))[1:]


# -- msmtp: --pretend prints what it read, and runs passwordeval ----------------------------


def _msmtp_refuses(profile: AccountProfile) -> bool:
    return bool(re.search(r"%[UHCM]|[?*\[]", profile.address))


@pytest.mark.parametrize("profile", CASES, ids=IDS)
def test_msmtp_reads_every_value_byte_for_byte(profile: AccountProfile, stand_in: StandIn) -> None:
    if _msmtp_refuses(profile):
        with pytest.raises(ValueError, match="msmtp reads"):
            msmtp_rc(profile, "linux")
        return
    path = stand_in.root / "msmtprc"
    path.write_text(msmtp_rc(profile, "linux"), encoding="utf-8")
    path.chmod(0o600)
    done = subprocess.run(
        ["msmtp", "-C", str(path), "--pretend"],
        capture_output=True,
        timeout=30,
        env=stand_in.env,
        cwd=stand_in.root,
        check=False,
    )
    shown = dict(
        line.split(" = ", 1) for line in done.stdout.decode().splitlines() if " = " in line
    )
    assert shown["user"] == profile.outgoing.username, done.stderr
    assert shown["from"] == profile.address
    assert stand_in.calls() == [_expected_lookup(profile, "submission")], done.stderr
    stand_in.nothing_ran()


# -- neomutt: -Q prints each variable after the file was read (backticks run then) ----------


def _neomutt_refuses(profile: AccountProfile) -> bool:
    return "`" in shlex.join(lookup_command(secret_ref(profile.address, "imap"), "linux"))


def _unescape(value: str) -> str:
    """neomutt -Q's escaping of a value (escape_string): \\t, \\n, \\r, \\e, else the char."""
    named = {"t": "\t", "n": "\n", "r": "\r", "e": "\x1b"}
    return re.sub(r"\\(.)", lambda m: named.get(m.group(1), m.group(1)), value)


_ENCRYPTED = replace(
    CASES[-1],
    incoming=replace(CASES[-1].incoming, auth_method=AuthMethod.PASSWORD_ENCRYPTED),
    outgoing=replace(CASES[-1].outgoing, auth_method=AuthMethod.PASSWORD_ENCRYPTED),
)
WITH_POP3 = [
    *CASES,
    replace(CASES[-1], incoming=POP3.incoming),
    _ENCRYPTED,  # neomutt refused the "cram-md5" written before (this build has no Cyrus SASL)
    replace(_ENCRYPTED, incoming=replace(POP3.incoming, auth_method=AuthMethod.PASSWORD_ENCRYPTED)),
]
# Each protocol's own word; none for password-encrypted (neomutt then picks, inside TLS).
_WORDS = {
    ("imap", "password-cleartext"): "plain:login",
    ("pop", "password-cleartext"): "user",
    ("smtp", "password-cleartext"): "plain:login",
}


@pytest.mark.parametrize("profile", WITH_POP3, ids=[*IDS, "pop3", "encrypted", "pop3-encrypted"])
def test_neomutt_reads_every_value_byte_for_byte(
    profile: AccountProfile, stand_in: StandIn
) -> None:
    if _neomutt_refuses(profile):
        with pytest.raises(ValueError, match="backtick"):
            neomutt_rc(profile, "linux")
        return
    path = stand_in.root / "neomuttrc"
    path.write_text(neomutt_rc(profile, "linux"), encoding="utf-8")
    proto = "pop" if profile.incoming.service is Service.POP3 else "imap"
    names = ["realname", "from", f"{proto}_user", f"{proto}_pass", f"{proto}_authenticators"]
    names.append("smtp_authenticators")
    done = subprocess.run(
        ["neomutt", "-n", "-F", str(path), *[a for n in names for a in ("-Q", n)]],
        capture_output=True,
        timeout=30,
        env={**stand_in.env, "LC_ALL": "C.UTF-8"},
        cwd=stand_in.root,
        check=False,
    )
    out, err = done.stdout.decode(), done.stderr.decode()
    assert done.returncode == 0 and "Error" not in out + err, out + err
    values = {
        m.group(1): _unescape(m.group(2)) for m in re.finditer(r'^set (\w+) = "(.*)"$', out, re.M)
    }
    assert values["real_name"] == profile.display_name
    assert values["from"] == profile.address
    assert values[f"{proto}_user"] == profile.incoming.username
    assert values[f"{proto}_pass"] == FAKE_PASSWORD
    incoming, outgoing = profile.incoming.auth_method.value, profile.outgoing.auth_method.value
    assert values[f"{proto}_authenticators"] == _WORDS.get((proto, incoming), "")
    assert values["smtp_authenticators"] == _WORDS.get(("smtp", outgoing), "")
    # the config's two backtick commands ran, each exactly as written, and nothing else
    assert stand_in.calls() == [
        _expected_lookup(profile, profile.incoming.service),
        _expected_lookup(profile, "submission"),
    ]
    stand_in.nothing_ran()


# Folder names as a server may mark them \\Sent and \\Drafts (RFC 6154): printable, anything else.
FOLDERS = [
    ('Sent "q" $HOME `touch CANARY` $(touch CANARY)', "Entwürfe \\ \\n ;#"),
    ("100% ?query #frag %41", "送信済み/Drafts.x"),
    ("a{b}^c|d[e]f<g>h'i'&j=k!l,m:n@o+p*q", "Sent Messages"),
]


@pytest.mark.parametrize(("sent", "drafts"), FOLDERS)
def test_neomutt_reads_the_servers_folder_names_byte_for_byte(
    sent: str, drafts: str, stand_in: StandIn
) -> None:
    # A plain user name: the folder names are the hostile values here. (neomutt expands
    # "+" only when $folder parses as a URL, which a user name holding '"' breaks.)
    profile = replace(PROFILE, sent_folder=sent, drafts_folder=drafts)
    path = stand_in.root / "neomuttrc"
    path.write_text(neomutt_rc(profile, "linux"), encoding="utf-8")
    done = subprocess.run(
        ["neomutt", "-n", "-F", str(path), "-Q", "folder", "-Q", "record", "-Q", "postponed"],
        capture_output=True,
        timeout=30,
        env={**stand_in.env, "LC_ALL": "C.UTF-8"},
        cwd=stand_in.root,
        check=False,
    )
    out, err = done.stdout.decode(), done.stderr.decode()
    assert done.returncode == 0 and "Error" not in out + err, out + err
    values = {
        m.group(1): _unescape(m.group(2)) for m in re.finditer(r'^set (\w+) = "(.*)"$', out, re.M)
    }
    # neomutt holds the expanded URL ("+" is $folder, the path decoded once); opening the
    # folder parses it again as its url_parse does: cut at "?", then percent-decoded.
    folder = values["folder"]
    for option, name in (("record", sent), ("postponed", drafts)):
        assert values[option].startswith(folder), values[option]
        path = values[option][len(folder) :]
        assert "?" not in path  # no URL query begins
        assert _neomutt_pct_decode(path) == name
    stand_in.nothing_ran()


def _neomutt_pct_decode(path: str) -> str:
    """neomutt's url_pct_decode: %XX to its byte; any other % is an error (the URL fails)."""
    assert not re.search(r"%(?![0-9A-Fa-f]{2})", path), path
    return unquote(path)


# -- isync: a one-connection IMAP server of our own records what mbsync sends ----------------


class RecordingImap:
    """TLS on a loopback port with a self-signed certificate for "localhost"; it answers the
    greeting and CAPABILITY, takes LOGIN or AUTHENTICATE PLAIN, records the user name and
    password mbsync sent, and refuses them (mbsync then stops: nothing to sync)."""

    def __init__(self, root: Path) -> None:
        self.cert = root / "imap.pem"
        self.cert.write_bytes(_self_signed("localhost"))
        self.context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.context.load_cert_chain(self.cert)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.credentials: list[tuple[bytes, bytes]] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        self.listener.settimeout(20)
        try:
            raw, _ = self.listener.accept()
        except OSError:
            return
        with self.context.wrap_socket(raw, server_side=True) as conn:
            conn.settimeout(20)
            reader = conn.makefile("rb")
            conn.sendall(b"* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] recording\r\n")
            for line in iter(reader.readline, b""):
                tag, _, rest = line.rstrip(b"\r\n").partition(b" ")
                command = rest.split(b" ", 1)[0].upper()
                if command == b"CAPABILITY":
                    conn.sendall(b"* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n" + tag + b" OK\r\n")
                elif command == b"LOGIN":
                    words = _imap_strings(rest[6:], reader, conn)
                    self.credentials.append((words[0], words[1]))
                    conn.sendall(tag + b" NO [AUTHENTICATIONFAILED] recorded\r\n")
                elif command == b"AUTHENTICATE":
                    parts = rest.split(b" ")
                    if len(parts) < 3:
                        conn.sendall(b"+ \r\n")
                        parts.append(reader.readline().strip())
                    _, user, password = base64.b64decode(parts[2]).split(b"\0")
                    self.credentials.append((user, password))
                    conn.sendall(tag + b" NO [AUTHENTICATIONFAILED] recorded\r\n")
                elif command == b"LOGOUT":
                    conn.sendall(b"* BYE\r\n" + tag + b" OK\r\n")
                    return
                else:
                    conn.sendall(tag + b" BAD not here\r\n")


def _imap_strings(text: bytes, reader: BinaryIO, conn: ssl.SSLSocket) -> list[bytes]:
    """Quoted strings (RFC 3501: backslash escapes quote and backslash), atoms and literals
    ({n} then n octets after a continuation), as a LOGIN's arguments come."""
    words: list[bytes] = []
    while text:
        text = text.lstrip(b" ")
        if text.startswith(b'"'):
            match = re.match(rb'"((?:[^"\\]|\\.)*)"', text)
            assert match, text
            words.append(re.sub(rb"\\(.)", rb"\1", match.group(1)))
            text = text[match.end() :]
        elif re.fullmatch(rb"\{\d+\+?\}", text.split(b" ")[0]) and b" " not in text:
            size = int(text.strip(b"{}+"))
            if not text.endswith(b"+}"):
                conn.sendall(b"+ go on\r\n")
            words.append(reader.read(size))
            text = reader.readline().rstrip(b"\r\n")
        else:
            word, _, text = text.partition(b" ")
            words.append(word)
    return words


def _self_signed(name: str) -> bytes:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return cert.public_bytes(serialization.Encoding.PEM) + key_pem


@pytest.mark.parametrize("profile", CASES, ids=IDS)
def test_isync_sends_every_value_byte_for_byte(profile: AccountProfile, stand_in: StandIn) -> None:
    server = RecordingImap(stand_in.root)
    profile = replace(
        profile, incoming=replace(profile.incoming, host="localhost", port=server.port)
    )
    text = mbsync_rc(profile, "linux")
    # The test's one line: trust the recording server's own certificate.
    text = text.replace("\nSSLType ", f"\nCertificateFile {server.cert}\nSSLType ", 1)
    (stand_in.root / "mbsyncrc").write_text(text, encoding="utf-8")
    folder = re.search(r"mkdir -p ~/(Mail/.+)/ ", text)  # the one step the file asks for
    assert folder is not None
    (stand_in.root / folder.group(1)).mkdir(parents=True)
    done = subprocess.run(
        ["mbsync", "-c", str(stand_in.root / "mbsyncrc"), "--all"],
        capture_output=True,
        timeout=60,
        env=stand_in.env,
        cwd=stand_in.root,
        check=False,
    )
    server.thread.join(30)
    shown = done.stdout.decode(errors="replace") + done.stderr.decode(errors="replace")
    assert server.credentials == [(profile.incoming.username.encode(), FAKE_PASSWORD.encode())], (
        shown
    )
    assert stand_in.calls() == [_expected_lookup(profile, "imap")], shown
    stand_in.nothing_ran()


# -- aerc: a terminal program, run in tmux; it signs in to the recording server at start -----


@pytest.mark.parametrize("profile", CASES, ids=IDS)
def test_aerc_sends_every_value_byte_for_byte(profile: AccountProfile, stand_in: StandIn) -> None:
    server = RecordingImap(stand_in.root)
    sent, drafts = FOLDERS[CASES.index(profile) % len(FOLDERS)]  # read with the rest of the file
    profile = replace(
        profile,
        incoming=replace(profile.incoming, host="localhost", port=server.port),
        sent_folder=sent,
        drafts_folder=drafts,
    )
    config = stand_in.root / ".config" / "aerc"
    config.mkdir(parents=True)
    (config / "accounts.conf").write_text(aerc_accounts(profile, "linux"), encoding="utf-8")
    (config / "accounts.conf").chmod(0o600)  # aerc refuses a file others can read
    # Go's TLS takes its roots from SSL_CERT_FILE: the test's one addition, as for the others.
    env = {**stand_in.env, "SSL_CERT_FILE": str(server.cert), "TERM": "xterm-256color"}
    tmux = Tmux(stand_in.root, {**env, "XDG_CONFIG_HOME": str(stand_in.root / ".config")})
    tmux.start(["aerc"])
    try:
        deadline = time.monotonic() + 30
        while not server.credentials and time.monotonic() < deadline:
            time.sleep(0.1)
        screen = tmux.screen()
    finally:
        tmux.stop()
    assert server.credentials == [(profile.incoming.username.encode(), FAKE_PASSWORD.encode())], (
        screen
    )
    assert stand_in.calls() == [_expected_lookup(profile, "imap")], screen
    stand_in.nothing_ran()


# -- Evolution: its key files read by GLib's own GKeyFile (evolution-source-registry's) -------

_GLIB_READER = """
import json, sys
import gi
gi.require_version("GLib", "2.0")
from gi.repository import GLib
found = {}
for name in sys.argv[1:]:
    keys = GLib.KeyFile()
    keys.load_from_file(name, GLib.KeyFileFlags.NONE)
    for group in keys.get_groups()[0]:
        for key in keys.get_keys(group)[0]:
            found[group + "/" + key] = keys.get_string(group, key)
print(json.dumps(found))
"""


@pytest.mark.parametrize("profile", CASES, ids=IDS)
def test_evolution_key_files_read_by_glib_byte_for_byte(
    profile: AccountProfile, stand_in: StandIn
) -> None:
    names = []
    for source in evolution_sources(profile):
        path = stand_in.root / source.filename
        path.write_text(source.text, encoding="utf-8")
        names.append(str(path))
    done = subprocess.run(
        ["/usr/bin/python3", "-c", _GLIB_READER, *names],
        capture_output=True,
        timeout=30,
        check=False,
        env=stand_in.env,
    )
    assert done.returncode == 0, done.stderr.decode()
    values = json.loads(done.stdout)
    assert values["Mail Identity/Name"] == profile.display_name
    assert values["Mail Identity/Address"] == profile.address
    users = [v for k, v in values.items() if k == "Authentication/User"]
    assert users == [profile.outgoing.username]  # the last file read: the transport's
    stand_in.nothing_ran()
