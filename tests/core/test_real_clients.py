"""Real mail clients read mailhop's exports: isync (mbsync) syncs and msmtp sends, against the
lab's Dovecot and Postfix, each taking the password from the keyring by the exported command.

The one line a test adds to each exported file is the lab CA (the lab's certificates are not
in the system trust store); everything else is the export exactly as a person gets it.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from mailhop.core.account import choose, profile_from_check
from mailhop.core.address import parse_address
from mailhop.core.check import check
from mailhop.core.export_unix import mbsync_rc, msmtp_rc
from mailhop.core.profile import AccountProfile
from mailhop.core.secrets import Password, SecretStore, secret_ref
from tests.core.test_discovery import options
from tests.lab.lab import LabInfo

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
