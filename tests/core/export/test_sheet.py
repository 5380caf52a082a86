"""The settings sheet: every value of the profile, ASCII only, and never a secret."""

from __future__ import annotations

import re

import pytest

from mailhop.core.account.profile import AccountProfile
from mailhop.core.account.secrets import lookup_command_line, secret_ref
from mailhop.core.export.sheet import settings_sheet
from tests.core.export.test_thunderbird import (
    HOSTILE,
    IMAP_STARTTLS_SUBMISSION,
    OAUTH2,
    PASSWORD,
    POP3,
    PROFILES,
)

ALL = pytest.mark.parametrize("profile", PROFILES.values(), ids=PROFILES.keys())


def fields(text: str) -> list[tuple[str, str]]:
    """(label, value) for every 'Label:   value' line, in order."""
    return [(m[1].strip(), m[2]) for m in re.finditer(r"^\s*([A-Za-z -]+):\s+(.*)$", text, re.M)]


@ALL
def test_the_sheet_names_every_setting_of_both_servers(profile: AccountProfile) -> None:
    text = settings_sheet(profile, platform="linux")
    found = fields(text)
    for leg in (profile.incoming, profile.outgoing):
        assert ("Server name", leg.host) in found
        assert ("Port", str(leg.port)) in found
        assert ("User name", leg.username) in found
        assert ("Key pin", f"SPKI SHA-256 {leg.spki_sha256}") in found
    securities = [v for k, v in found if k == "Security"]
    assert [s.split()[0] for s in securities] == [
        {"implicit-tls": "SSL/TLS", "starttls": "STARTTLS"}[leg.security.value]
        for leg in (profile.incoming, profile.outgoing)
    ]


def test_the_password_is_named_by_its_keyring_entry_and_command() -> None:
    text = settings_sheet(POP3, platform="linux")
    for service in ("pop3", "submission"):
        ref = secret_ref(POP3.address, service)
        assert ref.service in text
        assert lookup_command_line(ref, "linux") in text
    assert "security find-generic-password" in settings_sheet(POP3, platform="darwin")


def test_oauth2_has_no_password_entry() -> None:
    text = settings_sheet(OAUTH2, platform="linux")
    assert "secret-tool" not in text and "keyring entry" not in text
    assert "OAuth2" in text


def test_verification_is_described() -> None:
    text = settings_sheet(IMAP_STARTTLS_SUBMISSION, platform="linux")
    assert "WebPKI" in text
    assert "srv: _imaps._tcp.example.com SRV (dnssec-secure)" in text


def test_a_hostile_display_name_is_escaped_into_one_ascii_line() -> None:
    text = settings_sheet(HOSTILE, platform="linux")
    assert text.isascii()
    (line,) = [line for line in text.splitlines() if line.startswith("Your name:")]
    escaped = line.partition(":")[2].strip()
    assert escaped.encode("ascii").decode("unicode_escape") == HOSTILE.display_name
    assert not [c for c in text if ord(c) < 0x20 and c != "\n"]


@ALL
def test_no_secret_in_the_sheet(profile: AccountProfile) -> None:
    text = settings_sheet(profile, platform="linux")
    assert PASSWORD not in text
    assert "holds no password" in text


def test_the_published_end_to_end_keys_are_listed_with_how_they_were_authenticated() -> None:
    from dataclasses import replace

    from mailhop.core.account.security_state import KeySetting

    profile = next(iter(PROFILES.values()))
    fpr = "8E32112F29AAA181403ED0A3E6E7E955758FBFD1"
    keys = (
        KeySetting("openpgpkey", "openpgp", fpr, "OpenPGP v4", "dnssec-secure"),
        KeySetting("smimea", "smime", "", "public key SHA-512", "dnssec-insecure"),
        KeySetting("wkd", "openpgp", "AB\nCD", "OpenPGP v4\r", "https-in-domain"),  # hand-edited
    )
    text = settings_sheet(replace(profile, encryption_keys=keys))
    assert "End-to-end encryption keys published for this address" in text
    assert "  OpenPGP key in DNS (OPENPGPKEY), DNSSEC-signed:" in text
    assert "    8E32 112F 29AA A181 403E D0A3 E6E7 E955 758F BFD1 (OpenPGP v4)" in text
    assert "  S/MIME certificate in DNS (SMIMEA), not authenticated:" in text
    assert "    no fingerprint (public key SHA-512)" in text
    assert "\r" not in text and text.isascii()  # a hand-edited value forges no line
    assert "End-to-end" not in settings_sheet(profile)
