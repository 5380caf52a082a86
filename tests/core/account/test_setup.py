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

from mailhop.core.account.secrets import (
    OAUTH2_ENTRY,
    Password,
    SecretStore,
    SecretStoreError,
    account_refs,
    secret_ref,
)
from mailhop.core.cli import main as cli
from tests.lab import consent
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


def forget(address: str) -> None:
    """Take a test's entries back out of the session's keyring."""
    store = SecretStore()
    for ref in account_refs(address):
        store.delete(ref)


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


def test_setup_keeps_the_servers_sent_and_drafts_folders(
    lab: LabInfo, tmp_path: Path, secret_service: KeyringSession
) -> None:
    # The login test reads LIST (SPECIAL-USE) at the lab's Dovecot (tests/lab/mail.py), and
    # the profile keeps what it read, for the exports that name folders.
    address, password = ALICE
    done = run_setup(lab, tmp_path, address, password)
    assert done.returncode == cli.EXIT_OK, done.stdout + done.stderr
    forget(address)  # the session's keyring is shared by the module's tests
    saved = json.loads(next(tmp_path.glob("*.json")).read_text(encoding="utf-8"))
    assert (saved["sent_folder"], saved["drafts_folder"]) == ("Sent Messages", "Entwürfe")


def test_a_password_server_next_to_an_oauth2_server_gets_the_password_mixedauth(
    lab: LabInfo, tmp_path: Path, secret_service: KeyringSession
) -> None:
    # mixedauth.test: IMAP takes only OAuth2 tokens (and no issuer is known: the OAuth2
    # sign-in cannot start, so that server is saved untested), Postfix takes the password.
    # Setup asks for the password, proves it at Postfix and stores it for submission only.
    address, password = "mo@mixedauth.test", "mo-mixedauth-lab-password-8R"
    done = run_setup(lab, tmp_path, address, password)
    assert done.returncode == cli.EXIT_OK, done.stdout + done.stderr
    assert "Account set up" in done.stdout and "OAuth2" in done.stdout
    assert password not in done.stdout + done.stderr
    saved = json.loads(next(tmp_path.glob("*.json")).read_text(encoding="utf-8"))
    methods = (saved["incoming"]["auth_method"], saved["outgoing"]["auth_method"])
    assert methods == ("oauth2", "password-cleartext") and saved["oauth2"]
    found = stored(address)
    forget(address)
    assert found == {secret_ref(address, "submission").service: password}
    assert [s["service"] for s in saved["secrets"]] == [secret_ref(address, "submission").service]


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


def _blocked_folder(tmp_path: Path) -> Path:
    """A profile folder that cannot be made: a file is in its place (root ignores modes)."""
    blocked = tmp_path / "profiles"
    blocked.write_text("a file where the profile folder should be\n")
    return blocked


def test_a_profile_that_cannot_be_saved_takes_the_password_back_out(
    lab: LabInfo, tmp_path: Path, secret_service: KeyringSession
) -> None:
    address, password = ALICE
    done = run_setup(lab, _blocked_folder(tmp_path), address, password)
    assert done.returncode == cli.EXIT_NOT_SET_UP, done.stdout + done.stderr
    assert done.stderr == ""  # no traceback, no "internal error"
    assert "The sign-in worked, but nothing was set up: cannot save the profile" in done.stdout
    assert "taken back out of the Secret Service keyring" in done.stdout
    assert password not in done.stdout
    assert stored(address) == {}
    assert not [a for a in secret_service.stored_attributes() if address in a.values()]


def test_a_failed_save_gives_an_earlier_setup_its_password_back(
    lab: LabInfo, tmp_path: Path, secret_service: KeyringSession
) -> None:
    """A second setup (a new password, say) that cannot save leaves the first one working."""
    address, password = ALICE
    earlier = "the-earlier-password-3K"
    refs = [secret_ref(address, "imap"), secret_ref(address, "submission")]  # what setup uses
    SecretStore().store_all([(ref, Password(earlier)) for ref in refs])
    try:
        done = run_setup(lab, _blocked_folder(tmp_path), address, password)
        assert done.returncode == cli.EXIT_NOT_SET_UP, done.stdout + done.stderr
        assert set(stored(address).values()) == {earlier}
    finally:
        SecretStore().delete_all(account_refs(address))


def test_an_oauth2_profile_that_cannot_be_saved_is_said_plainly(
    lab: LabInfo, tmp_path: Path, secret_service: KeyringSession
) -> None:
    done = run_setup(lab, _blocked_folder(tmp_path), "jo@oauth.test", "")
    assert done.returncode == cli.EXIT_NOT_SET_UP, done.stdout + done.stderr
    assert done.stderr == ""
    assert "Nothing was set up: cannot save the profile" in done.stdout


def test_forget_says_so_when_the_profile_cannot_be_removed(
    tmp_path: Path, secret_service: KeyringSession
) -> None:
    """The keyring entries go first (a password no profile names must never stay); a profile
    that then cannot be removed is reported, with exit 6, never as a crash."""
    from mailhop.core.account.profile import profile_path

    address = ALICE[0]
    SecretStore().store_all([(secret_ref(address, "imap"), Password(ALICE[1]))])
    profile_path(address, tmp_path).mkdir()  # a folder where the file is: unlink refuses it
    done = subprocess.run(
        [sys.executable, "-m", "mailhop.gui.launcher", "forget", address,
         "--profile-dir", str(tmp_path), "--allow-test-domains"],
        capture_output=True, text=True, timeout=60, env=os.environ,
    )  # fmt: skip
    assert done.returncode == cli.EXIT_NOT_SET_UP, done.stdout + done.stderr
    assert "Removed from the keyring: service mailhop:imap:" in done.stdout
    assert done.stderr.startswith("mailhop: the profile was not removed: cannot remove the")
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr
    assert stored(address) == {}


def test_an_oauth2_server_and_a_password_server_both_sign_in_and_recheck_mixed(
    lab: LabInfo, tmp_path: Path, secret_service: KeyringSession
) -> None:
    # jo@mixed.oauthsignin.test (oauthsignin.test.toml): IMAP at the OAuth2-only Dovecot,
    # submission at a Postfix that takes the password. Setup proves the password at Postfix,
    # signs in with OAuth2 at the browser for IMAP, and keeps both in the keyring; recheck
    # tries the token at the IMAP server only (before: at Postfix too, which refused it, so
    # recheck said the sign-in no longer worked).
    address, password = "jo@mixed.oauthsignin.test", "jo-mixed-lab-password-3V"
    process = subprocess.Popen(
        [sys.executable, "-m", "mailhop.gui.launcher", "setup", address, "--password-stdin",
         "--profile-dir", str(tmp_path), *lab_options(lab)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=os.environ,
    )  # fmt: skip
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write(password + "\n")
    process.stdin.close()
    seen: list[str] = []
    for line in process.stdout:
        seen.append(line)
        if line.startswith("https://accounts.oauthsignin.test/authorize?"):
            consent.deliver(consent.answer(line.strip(), address, password, lab.ca_file))
    process.wait(60)
    assert process.stderr is not None
    output = "".join(seen) + process.stderr.read()
    try:
        assert process.returncode == cli.EXIT_OK, output
        saved = json.loads(next(tmp_path.glob("*.json")).read_text(encoding="utf-8"))
        methods = (saved["incoming"]["auth_method"], saved["outgoing"]["auth_method"])
        assert methods == ("oauth2", "password-cleartext")
        assert saved["oauth2_issuer"] == "https://accounts.oauthsignin.test"
        services = {s["service"] for s in saved["secrets"]}
        assert services == {f"mailhop:submission:{address}", f"mailhop:oauth2:{address}"}
        found = stored(address)
        assert found.pop(f"mailhop:oauth2:{address}", "").startswith('{"issuer"')
        assert found == {f"mailhop:submission:{address}": password}  # not for IMAP
        assert password not in output
        rechecked = subprocess.run(
            [sys.executable, "-m", "mailhop.gui.launcher", "recheck", address,
             "--profile-dir", str(tmp_path), *lab_options(lab)],
            capture_output=True, text=True, timeout=120, env=os.environ,
        )  # fmt: skip
        assert "still works" in rechecked.stdout, rechecked.stdout + rechecked.stderr
        assert rechecked.returncode == cli.EXIT_OK, rechecked.stdout + rechecked.stderr
    finally:
        forget(address)
        SecretStore().delete(secret_ref(address, OAUTH2_ENTRY))
