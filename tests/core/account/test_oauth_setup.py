"""`mailhop setup`, `recheck` and `forget` for an OAuth2 account, end to end in a terminal.

The CLI prints the sign-in URL and waits; the test is the person: it reads the URL from the
output, signs in at the lab's authorization server (tests/lab/consent.py) and lets the
browser come back to mailhop's loopback redirect. A real Secret Service keyring holds the
refresh token; the profile, the output and the exports never do.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from mailhop.core.account.oauth_flow import read_keyring_value
from mailhop.core.account.secrets import OAUTH2_ENTRY, SecretStore, SecretStoreError, secret_ref
from mailhop.core.cli import main as cli
from tests.lab import consent
from tests.lab.lab import LabInfo
from tests.test_cli import lab_options

if TYPE_CHECKING:
    from tests.keyring_session import KeyringSession

pytest_plugins = ("tests.keyring_session",)

JO = "jo@oauthsignin.test"


def mailhop(lab: LabInfo | None, *argv: str) -> subprocess.Popen[str]:
    options = lab_options(lab) if lab is not None else []
    return subprocess.Popen(
        [sys.executable, "-m", "mailhop.gui.launcher", *argv, *options],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=os.environ,
    )


def setup_with_browser(
    lab: LabInfo, profiles: Path, *extra: str, allow: bool = True
) -> tuple[int, str]:
    """Run setup, act at the browser when it prints the URL; (exit code, all output)."""
    process = mailhop(lab, "setup", JO, "--profile-dir", str(profiles), *extra)
    assert process.stdout is not None
    seen: list[str] = []
    deadline = time.monotonic() + 60
    for line in process.stdout:
        seen.append(line)
        if line.startswith("https://accounts.oauthsignin.test/authorize?"):
            password = lab.scenario("oauthsignin.test").accounts[0].password
            consent.deliver(consent.answer(line.strip(), JO, password, lab.ca_file, allow=allow))
        assert time.monotonic() < deadline
    process.wait(30)
    assert process.stderr is not None
    return process.returncode, "".join(seen) + process.stderr.read()


def stored_entry() -> tuple[str, str, str] | None:
    try:
        issuer, client, token = read_keyring_value(
            SecretStore().fetch(secret_ref(JO, OAUTH2_ENTRY))
        )
    except SecretStoreError:
        return None
    return issuer, client, token.reveal()


def test_setup_prints_the_url_waits_signs_in_and_keeps_the_token_in_the_keyring(
    lab: LabInfo, tmp_path: Path, secret_service: KeyringSession
) -> None:
    code, output = setup_with_browser(lab, tmp_path)
    assert code == cli.EXIT_OK, output
    assert "Waiting up to" in output and "Signed in with OAuth2" in output
    entry = stored_entry()
    assert entry is not None and entry[0] == "https://accounts.oauthsignin.test"
    refresh = entry[2]
    assert refresh not in output
    (profile,) = tmp_path.glob("*.json")
    text = profile.read_text()
    saved = json.loads(text)
    assert refresh not in text and saved["oauth2"] is True
    assert saved["oauth2_issuer"] == "https://accounts.oauthsignin.test"
    # recheck: the stored sign-in still works
    rechecked = mailhop(lab, "recheck", JO, "--profile-dir", str(tmp_path))
    out, err = rechecked.communicate(timeout=60)
    assert "still works" in out, out + err
    assert refresh not in out + err
    # Thunderbird for Android's file says XOAUTH2 and cannot name the issuer: the note does
    exported = mailhop(
        None, "export", JO, "--format", "k9", "--profile-dir", str(tmp_path),
        "--allow-test-domains",
    )  # fmt: skip
    out, err = exported.communicate(timeout=60)
    assert exported.returncode == cli.EXIT_OK, err
    assert out.count("<authentication-type>XOAUTH2</authentication-type>") == 2
    assert "accounts.oauthsignin.test" not in out and refresh not in out + err
    assert "no place for the sign-in service (https://accounts.oauthsignin.test)" in err
    # forget revokes the refresh token at the issuer (RFC 7009), then removes it with the rest
    forgot = mailhop(lab, "forget", JO, "--profile-dir", str(tmp_path))
    out, err = forgot.communicate(timeout=60)
    assert forgot.returncode == cli.EXIT_OK, out + err
    assert "https://accounts.oauthsignin.test revoked the stored OAuth2 sign-in." in out, out + err
    assert refresh not in out + err
    assert stored_entry() is None


def test_a_denied_sign_in_stores_nothing(
    lab: LabInfo, tmp_path: Path, secret_service: KeyringSession
) -> None:
    code, output = setup_with_browser(lab, tmp_path, allow=False)
    assert code != cli.EXIT_OK and "access_denied" in output, output
    assert stored_entry() is None and not list(tmp_path.glob("*.json"))


def test_an_administrators_client_id_is_used_instead_of_registering(
    lab: LabInfo, tmp_path: Path, secret_service: KeyringSession
) -> None:
    code, output = setup_with_browser(lab, tmp_path, "--oauth-client-id", "lab-admin-client")
    assert code == cli.EXIT_OK, output
    entry = stored_entry()
    assert entry is not None and entry[1] == "lab-admin-client"
    assert "client_id=lab-admin-client" in output  # the authorize URL the person opened
