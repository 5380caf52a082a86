"""Real mail clients read mailhop's exports: isync (mbsync) syncs, msmtp sends, and neomutt
logs in and sends (driven through tmux like a person at a terminal), against the lab's Dovecot
and Postfix, each taking the password from the keyring by the exported command. Thunderbird
ESR, headless, connects with the exported user.js; it cannot log in with a password headless,
so its login is proven with a client certificate variant of the same profile
(tests/realclients/thunderbird_headless.py, which also runs by hand and prints the evidence).

The one line a test adds to each exported file is the lab CA (the lab's certificates are not
in the system trust store); everything else is the export exactly as a person gets it. For
neomutt the test also names an editor that writes the message body (the person's typing).
"""

from __future__ import annotations

import asyncio
import imaplib
import os
import re
import shlex
import ssl
import subprocess
import threading
import time
import uuid
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from mailhop.core.account.account import choose, profile_from_check
from mailhop.core.account.login import login_test
from mailhop.core.account.profile import AccountProfile
from mailhop.core.account.secrets import Password, SecretStore, secret_ref
from mailhop.core.common.address import parse_address
from mailhop.core.common.model import Security
from mailhop.core.export.unix import mbsync_rc, msmtp_rc, neomutt_rc
from mailhop.core.run.check import check
from tests.core.account.test_login import LogTail
from tests.core.run.test_discovery import options
from tests.lab.lab import LabInfo
from tests.lab.mail import MailPaths
from tests.realclients import thunderbird_headless as thunderbird

if TYPE_CHECKING:
    from tests.keyring_session import KeyringSession

pytest_plugins = ("tests.keyring_session",)

ADDRESS, PASSWORD = "alice@healthy.test", "alice-lab-password-7Q"


@pytest.fixture
def account(lab: LabInfo, secret_service: KeyringSession) -> AccountProfile:
    """Alice's checked account, her password in the (test) keyring as setup would put it."""
    address = parse_address(ADDRESS, allow_test_domains=True)
    report = asyncio.run(check(address, options(lab)))
    profile = profile_from_check(report, choose(report), usernames_used=(ADDRESS, ADDRESS))
    # The Sent and Drafts folders as setup keeps them: read by the login test (RFC 6154).
    assert report.verdict.access.chosen is not None
    imap = asyncio.run(
        login_test(
            report.verdict.access.chosen,
            Password(PASSWORD),
            address=ADDRESS,
            approved=False,
            deadline=time.monotonic() + 10,
            extra_ca_file=lab.ca_file,
        )
    )
    assert imap.ok, imap.advice
    profile = replace(profile, sent_folder=imap.folders.sent, drafts_folder=imap.folders.drafts)
    store = SecretStore()
    store.ensure_usable()
    for protocol in ("imap", "submission"):
        store.store(secret_ref(ADDRESS, protocol), Password(PASSWORD))
    return profile


def with_lab_ca(text: str, after: str, line: str) -> str:
    lines = text.splitlines()
    at = next(i for i, item in enumerate(lines) if item.startswith(after))
    return "\n".join([*lines[: at + 1], line, *lines[at + 1 :]]) + "\n"


def test_mbsync_syncs_with_the_exported_config(
    account: AccountProfile, lab: LabInfo, tmp_path: Path
) -> None:
    config = with_lab_ca(mbsync_rc(account), "SSLType", f"CertificateFile {lab.ca_file}")
    (tmp_path / "mbsyncrc").write_text(config)
    assert PASSWORD not in config
    assert f"mkdir -p ~/Mail/{ADDRESS}/" in config  # the one step the file asks of a person
    (tmp_path / "Mail" / ADDRESS).mkdir(parents=True)
    done = subprocess.run(
        ["mbsync", "-c", str(tmp_path / "mbsyncrc"), "--all"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "HOME": str(tmp_path)},
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert (tmp_path / "Mail" / ADDRESS / "INBOX" / "cur").is_dir()


def test_msmtp_sends_with_the_exported_config(
    account: AccountProfile, lab: LabInfo, tmp_path: Path
) -> None:
    config = with_lab_ca(msmtp_rc(account), "tls_starttls", f"tls_trust_file {lab.ca_file}")
    path = tmp_path / "msmtprc"
    path.write_text(config)
    path.chmod(0o600)  # msmtp refuses a world-readable file
    message = f"From: {ADDRESS}\nTo: {ADDRESS}\nSubject: mailhop export test\n\nhello\n"
    done = subprocess.run(
        ["msmtp", "-C", str(path), "-a", ADDRESS, ADDRESS],
        input=message,
        capture_output=True,
        text=True,
        timeout=60,
        env=os.environ,
    )
    assert done.returncode == 0, done.stdout + done.stderr


# -- neomutt, driven through tmux ------------------------------------------------------------


def test_every_neomutt_option_the_export_writes_is_known_to_neomutt(
    account: AccountProfile, tmp_path: Path
) -> None:
    """neomutt answers -Q NAME only for a variable it has (old names are kept as synonyms)."""
    names = re.findall(r"^set (\w+) = ", neomutt_rc(account), re.MULTILINE)
    assert "imap_pass" in names and "smtp_url" in names
    unknown = []
    for name in names:
        asked = subprocess.run(
            ["neomutt", "-n", "-F", "/dev/null", "-Q", name],
            capture_output=True,
            text=True,
            timeout=30,
            env={**os.environ, "HOME": str(tmp_path)},
        )
        if asked.returncode != 0 or "=" not in asked.stdout:
            unknown.append(f"{name}: {asked.stdout}{asked.stderr}".strip())
    assert unknown == []


class Tmux:
    """One private tmux server (its own socket) running one program in a fixed-size window."""

    def __init__(self, folder: Path, env: dict[str, str]) -> None:
        self.socket = folder / "tmux.sock"
        self.env = env

    def run(self, *args: str) -> str:
        done = subprocess.run(
            ["tmux", "-S", str(self.socket), *args],
            capture_output=True,
            text=True,
            timeout=10,
            env=self.env,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    def start(self, command: list[str]) -> None:
        self.run("new-session", "-d", "-x", "150", "-y", "40", shlex.join(command))

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", "0")

    def keys(self, *keys: str) -> None:
        self.run("send-keys", "-t", "0", *keys)

    def wait_for(self, pattern: str, timeout: float = 20) -> str:
        """The screen once it matches `pattern`; fails with the screen as it was."""
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen()
            if re.search(pattern, screen, re.MULTILINE):
                return screen
            assert time.monotonic() < deadline, f"waited for {pattern!r}; screen:\n{screen}"
            time.sleep(0.1)

    def stop(self) -> None:
        subprocess.run(
            ["tmux", "-S", str(self.socket), "kill-server"],
            capture_output=True,
            timeout=10,
            env=self.env,
        )


def delivered(lab: LabInfo, address: str, subject: str, timeout: float = 10) -> list[str]:
    """The messages in `address`'s lab Maildir (any folder) whose Subject is `subject`."""
    local, domain = address.split("@")
    maildir = MailPaths.under(lab.workdir).maildir / domain / local / "Maildir"
    deadline = time.monotonic() + timeout
    while True:
        found = [
            str(path.relative_to(maildir))
            for path in sorted(maildir.rglob("*"))
            if path.is_file()
            and path.parent.name in ("new", "cur")
            and f"Subject: {subject}\n" in path.read_text(errors="replace")
        ]
        if len(found) >= 2 or time.monotonic() > deadline:
            return found
        time.sleep(0.1)


def test_neomutt_logs_in_and_sends_with_the_exported_config(
    account: AccountProfile, lab: LabInfo, tmp_path: Path
) -> None:
    """neomutt opens INBOX over IMAP, then a message typed at its compose screen goes out
    through the exported submission server, is delivered to INBOX and filed in Sent."""
    exported = neomutt_rc(account)
    assert PASSWORD not in exported
    config = with_lab_ca(
        exported, "set ssl_starttls", f'set ssl_ca_certificates_file = "{lab.ca_file}"'
    )
    editor = tmp_path / "editor.sh"  # the person typing the message body
    editor.write_text('#!/bin/sh\necho "typed in neomutt for the mailhop export test" >> "$1"\n')
    editor.chmod(0o755)
    config += f'set editor = "{editor}"\n'
    (tmp_path / "neomuttrc").write_text(config)
    subject = f"neomutt export test {uuid.uuid4().hex[:12]}"
    env = {**os.environ, "HOME": str(tmp_path), "TERM": "xterm-256color", "LANG": "C.UTF-8"}
    # The lab's Dovecot marks "Sent Messages" as \\Sent (RFC 6154) and creates it at login;
    # neomutt 20220429 does not create a missing Fcc folder ("Fcc failed"), so only the name
    # the server marks, written by the export, gets the copy.
    assert account.sent_folder == "Sent Messages"
    dovecot = LogTail(Path(lab.fact("mail", "dovecot_log")))  # from here on: neomutt only
    postfix = LogTail(Path(lab.fact("mail", "postfix_log")))

    loaded = subprocess.run(  # the whole file, backtick commands included, reads cleanly
        ["neomutt", "-n", "-F", str(tmp_path / "neomuttrc"), "-Q", "imap_user"],
        capture_output=True,
        text=True,
        timeout=30,
        env=env,
    )
    assert loaded.returncode == 0 and loaded.stderr == "", loaded.stderr
    assert loaded.stdout.strip() == f'set imap_user = "{ADDRESS}"'

    tmux = Tmux(tmp_path, env)
    began = time.monotonic()
    tmux.start(["neomutt", "-n", "-F", str(tmp_path / "neomuttrc")])
    try:
        tmux.wait_for(r"NeoMutt: \+INBOX \[")  # the index of the IMAP INBOX: logged in
        tmux.keys("m")
        tmux.wait_for(r"^To:")
        tmux.keys("-l", ADDRESS)
        tmux.keys("Enter")
        tmux.wait_for(r"^Subject:")
        tmux.keys("-l", subject)
        tmux.keys("Enter")
        tmux.wait_for(r"y:Send")  # the compose screen, after the editor wrote the body
        tmux.keys("y")
        tmux.wait_for(r"Mail sent")
        tmux.keys("q")
        elapsed = time.monotonic() - began
    finally:
        tmux.stop()

    logins = re.findall(
        rf"imap-login: Info: Login: user=<{re.escape(ADDRESS)}>, method=PLAIN, .*\bTLS\b",
        dovecot.new(),
    )
    assert logins, dovecot.new()
    service = "submissions" if account.outgoing.security is Security.IMPLICIT_TLS else "submission"
    sent = re.findall(
        rf"postfix/{service}/smtpd\[\d+\]: \w+: client=.*, sasl_method=PLAIN, "
        rf"sasl_username={re.escape(ADDRESS)}",
        postfix.new(),
    )
    assert sent, postfix.new()
    copies = delivered(lab, ADDRESS, subject)
    # One copy delivered to INBOX (Maildir new/ or cur/), one filed by neomutt in the server's
    # Sent folder (Maildir++: ".Sent Messages").
    folders = sorted(path.split("/")[0] for path in copies)
    assert folders in ([".Sent Messages", "cur"], [".Sent Messages", "new"]), copies
    assert elapsed < 30


# -- Thunderbird, headless -------------------------------------------------------------------


def test_thunderbird_connects_with_the_exported_user_js(
    account: AccountProfile, lab: LabInfo, tmp_path: Path
) -> None:
    """A new profile holding the exported user.js (plus the lab CA and offline.autoDetect off):
    Thunderbird connects to the exported host and port over TLS from the first byte, and then
    waits for a password. Headless Thunderbird cannot log in with a password (no prompt, and
    its password store cannot be filled from outside): the next test proves the login."""
    outcome = thunderbird.part_one(lab, account, tmp_path, seconds=45)
    assert outcome.ok, "\n".join(outcome.evidence)
    assert outcome.seconds < 30


def test_thunderbird_evidence_is_its_own_while_other_tests_use_the_same_dovecot(
    account: AccountProfile, lab: LabInfo, tmp_path: Path
) -> None:
    """The lab is shared: while Thunderbird runs, another client keeps connecting to the same
    host with STARTTLS on 143 (its recording starts with text) and logs in as alice. The
    evidence is Thunderbird's own connections only (before, both counted against it: 'a
    Dovecot recording not starting with TLS')."""
    stop = threading.Event()
    others: list[str] = []

    def another_test() -> None:
        context = ssl.create_default_context(cafile=str(lab.ca_file))
        while not stop.is_set():
            with imaplib.IMAP4(account.incoming.host, 143, timeout=10) as imap:
                imap.starttls(context)
                imap.login(ADDRESS, PASSWORD)
                imap.logout()
            others.append("logged in")
            time.sleep(0.1)

    neighbour = threading.Thread(target=another_test, daemon=True)
    neighbour.start()
    try:
        outcome = thunderbird.part_one(lab, account, tmp_path, seconds=45)
    finally:
        stop.set()
        neighbour.join(15)
    assert len(others) >= 3  # the neighbour did connect while Thunderbird ran
    assert outcome.ok, "\n".join(outcome.evidence)


def test_thunderbird_logs_in_with_a_client_certificate_variant_of_the_profile(
    account: AccountProfile, lab: LabInfo, tmp_path: Path
) -> None:
    """The same user.js with authMethod 7 and a client certificate for alice: SASL EXTERNAL
    (Dovecot offers it only while this test runs), then LIST and SELECT INBOX."""
    outcome = thunderbird.part_two(lab, account, tmp_path, seconds=45)
    assert outcome.ok, "\n".join(outcome.evidence)
    assert outcome.seconds < 30
