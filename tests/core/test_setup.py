"""`mailhop setup` and `forget` end to end: the lab's real servers, a real Secret Service.

The password goes to the keyring and to the servers' post-TLS sessions only: never into a
profile, the terminal output, or anything stored when the sign-in fails.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from mailhop.core import cli
from mailhop.core.secrets import SecretStore, SecretStoreError, account_refs
from tests.lab.lab import LabInfo
from tests.test_cli import lab_options

if TYPE_CHECKING:
    from tests.keyring_session import KeyringSession

pytest_plugins = ("tests.keyring_session",)

ALICE = ("alice@healthy.test", "alice-lab-password-7Q")


def run_setup(
    lab: LabInfo, profiles: Path, address: str, password: str, *extra: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "mailhop.gui.launcher",
            "setup",
            address,
            "--password-stdin",
            "--profile-dir",
            str(profiles),
            *lab_options(lab),
            *extra,
        ],
        input=password + "\n",
        capture_output=True,
        text=True,
        timeout=120,
        env=os.environ,
    )


def stored(address: str) -> dict[str, str]:
    store = SecretStore()
    found = {}
    for ref in account_refs(address):
        try:
            found[ref.service] = store.fetch(ref).reveal()
        except SecretStoreError:  # absent entries
            continue
    return found


def test_setup_stores_the_password_in_the_keyring_only(
    lab: LabInfo, tmp_path: Path, secret_service: KeyringSession
) -> None:
    address, password = ALICE
    done = run_setup(lab, tmp_path, address, password)
    assert done.returncode == cli.EXIT_OK, done.stdout + done.stderr
    assert "signed in" in done.stdout and "Secret Service" in done.stdout
    assert password not in done.stdout + done.stderr
    assert set(stored(address).values()) == {password}
    (profile_file,) = tmp_path.glob("*.json")
    text = profile_file.read_text()
    assert password not in text
    saved = json.loads(text)
    assert saved["incoming"]["host"] == "mail.healthy.test"
    assert {s["service"] for s in saved["secrets"]} == set(stored(address))
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "mailhop.gui.launcher",
            "forget",
            address,
            "--profile-dir",
            str(tmp_path),
            "--allow-test-domains",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        env=os.environ,
    )
    assert done.returncode == cli.EXIT_OK, done.stderr
    assert stored(address) == {} and not list(tmp_path.glob("*.json"))


def test_a_wrong_password_stores_nothing(
    lab: LabInfo, tmp_path: Path, secret_service: KeyringSession
) -> None:
    done = run_setup(lab, tmp_path, ALICE[0], "not-the-password-1")
    assert done.returncode == cli.EXIT_NOT_SET_UP
    assert "nothing was stored" in done.stdout
    assert "try" not in done.stdout.lower().split("nothing was stored")[-1]  # no guessing advice
    assert stored(ALICE[0]) == {} and not list(tmp_path.glob("*.json"))


def test_tier_c_without_approval_never_asks_or_sends(
    lab: LabInfo, tmp_path: Path, secret_service: KeyringSession
) -> None:
    done = run_setup(lab, tmp_path, "erin@unsigned.test", "erin-lab-password-2W")
    assert done.returncode == cli.EXIT_NOT_SET_UP
    assert "--approve unsigned.test" in done.stdout
    assert "signed in" not in done.stdout and "sign-in failed" not in done.stdout
    assert stored("erin@unsigned.test") == {}


def test_tier_c_with_approval_signs_in(
    lab: LabInfo, tmp_path: Path, secret_service: KeyringSession
) -> None:
    done = run_setup(
        lab, tmp_path, "erin@unsigned.test", "erin-lab-password-2W", "--approve", "unsigned.test"
    )
    assert done.returncode == cli.EXIT_OK, done.stdout + done.stderr
    saved = json.loads(next(tmp_path.glob("*.json")).read_text())
    assert saved["approvals"][0]["registrable"] == "unsigned.test"


def test_oauth2_account_asks_no_password(
    lab: LabInfo, tmp_path: Path, secret_service: KeyringSession
) -> None:
    done = run_setup(lab, tmp_path, "jo@oauth.test", "")
    assert done.returncode == cli.EXIT_OK, done.stdout + done.stderr
    assert "OAuth2" in done.stdout and "no password" in done.stdout
    saved = json.loads(next(tmp_path.glob("*.json")).read_text())
    assert saved["oauth2"] and saved["incoming"]["auth_method"] == "oauth2"
    assert saved["secrets"] == [] and stored("jo@oauth.test") == {}


def test_a_locked_keyring_stops_before_the_password(
    lab: LabInfo, tmp_path: Path, locked_secret_service: KeyringSession
) -> None:
    done = run_setup(lab, tmp_path, ALICE[0], ALICE[1])
    assert done.returncode == cli.EXIT_NOT_SET_UP
    assert "locked" in done.stdout.lower()
    assert "signed in" not in done.stdout and not list(tmp_path.glob("*.json"))


def test_setup_prints_server_words_quoted_escaped_and_marked(
    lab: LabInfo, tmp_path: Path, secret_service: KeyringSession
) -> None:
    """loginwords.test.toml: a refusal written in HTML, and IMAP [ALERT]s (RFC 3501 section
    7.1: shown to the person) holding HTML, ANSI escapes and a bidi override."""
    refused = run_setup(
        lab, tmp_path, "jo@refuse.loginwords.test", "jo-refuse-lab-password-5T",
        "--approve", "loginwords.test",
    )  # fmt: skip
    assert refused.returncode == cli.EXIT_NOT_SET_UP, refused.stdout + refused.stderr
    alert = (
        "    alert: refuse.loginwords.test says: \u201c<h1>Account set up, verified by "
        "mailhop</h1> \\x1b[31mred\\x1b[0m \\u202egnp.exe"
    )
    assert alert in refused.stdout
    assert "    refuse.loginwords.test said: \u201cNO [AUTHENTICATIONFAILED] <h1>" in refused.stdout
    worked = run_setup(
        lab, tmp_path, "jo@alert.loginwords.test", "jo-alert-lab-password-2W",
        "--approve", "loginwords.test",
    )  # fmt: skip
    assert worked.returncode == cli.EXIT_OK, worked.stdout + worked.stderr
    assert "    alert: alert.loginwords.test says: \u201c<h1>Mailbox 95% full</h1>" in worked.stdout
    # The check's own report shows the greeting's alert the same way.
    assert "  alert: alert.loginwords.test says: \u201c<b>Maintenance</b>" in worked.stdout
    for done in (refused, worked):
        output = done.stdout + done.stderr
        assert "\x1b" not in output and "\u202e" not in output and "\x9b" not in output
