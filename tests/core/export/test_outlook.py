"""Outlook exports: the Autodiscover response parses back to the profile's endpoints."""

from __future__ import annotations

from dataclasses import replace

import pytest

from mailhop.core.account.profile import AccountProfile
from mailhop.core.common.model import AuthMethod, Security, Service
from mailhop.core.discover.parse_autodiscover import parse_autodiscover
from mailhop.core.export.outlook import (
    REG_KEY,
    autodiscover_xml,
    new_outlook_sheet,
    outlook_reg,
    reg_bytes,
)
from mailhop.core.export.table import Untranslatable
from tests.core.account.test_profile import IMAP as SAVED_IMAP
from tests.core.account.test_profile import PROFILE as SAVED
from tests.core.export.test_thunderbird import PASSWORD

IMAP = replace(SAVED_IMAP, sources=())
PROFILE = replace(
    SAVED,
    approvals=(),
    secrets=(),
    incoming=IMAP,
    outgoing=replace(IMAP, service=Service.SUBMISSION, port=465),
)
STARTTLS = replace(
    PROFILE,
    incoming=replace(IMAP, port=143, security=Security.STARTTLS),
    outgoing=replace(IMAP, service=Service.SUBMISSION, port=587, security=Security.STARTTLS),
)
POP3 = replace(PROFILE, incoming=replace(IMAP, service=Service.POP3, port=995))
OAUTH2 = replace(
    PROFILE,
    oauth2=True,
    incoming=replace(IMAP, auth_method=AuthMethod.OAUTH2),
    outgoing=replace(IMAP, service=Service.SUBMISSION, port=465, auth_method=AuthMethod.OAUTH2),
)
HOSTILE = replace(
    PROFILE,
    display_name='Jö "the </DisplayName><x>" & Co',
    incoming=replace(IMAP, username='j"o <b>&ü'),
    outgoing=replace(
        IMAP, service=Service.SUBMISSION, port=587, security=Security.STARTTLS, username="j o"
    ),
)


@pytest.mark.parametrize("profile", [PROFILE, STARTTLS, POP3, OAUTH2, HOSTILE])
def test_autodiscover_parses_back(profile: AccountProfile) -> None:
    data = autodiscover_xml(profile)
    result = parse_autodiscover(data)
    assert result.error is None and result.issues == () and result.redirect is None
    assert result.display_name == profile.display_name
    got = [
        (c.service.value, c.hostname, c.port, c.security.value, c.username)
        for c in result.candidates
    ]
    assert got == [
        (s.service.value, s.host, s.port, s.security.value, s.username)
        for s in (profile.incoming, profile.outgoing)
    ]
    text = data.decode()
    assert "<SPA>off</SPA>" in text and "<SSL>on</SSL>" in text
    assert "<AuthRequired>on</AuthRequired>" in text and "<Action>settings</Action>" in text
    assert text.count("<Account>") == 1 and PASSWORD not in text
    assert "<Password" not in text


def test_encryption_words() -> None:
    text = autodiscover_xml(STARTTLS).decode()
    assert text.count("<Encryption>TLS</Encryption>") == 2
    assert autodiscover_xml(PROFILE).decode().count("<Encryption>SSL</Encryption>") == 2


def test_encrypted_password_is_refused() -> None:
    with pytest.raises(Untranslatable):
        autodiscover_xml(
            replace(PROFILE, incoming=replace(IMAP, auth_method=AuthMethod.PASSWORD_ENCRYPTED))
        )


def test_reg_file() -> None:
    path = 'C:\\Users\\Jö "x"\\autodiscover.xml'
    text = outlook_reg(PROFILE, path)
    lines = text.split("\r\n")
    assert lines[0] == "Windows Registry Editor Version 5.00"
    assert f"[{REG_KEY}]" in lines
    assert '"example.com"="C:\\\\Users\\\\Jö \\"x\\"\\\\autodiscover.xml"' in lines
    assert '"PreferLocalXML"=dword:00000001' in lines
    assert all(line.startswith((";", "[", '"', "Windows")) or not line for line in lines)
    data = reg_bytes(text)
    assert data[:2] == b"\xff\xfe" and data[2:].decode("utf-16-le") == text
    with pytest.raises(ValueError, match="line break"):
        outlook_reg(PROFILE, "C:\\a\r\n[HKEY_LOCAL_MACHINE\\x]")


def test_new_outlook_sheet() -> None:
    sheet = new_outlook_sheet(STARTTLS)
    assert "Port:            143" in sheet and "Port:            587" in sheet
    assert "STARTTLS" in sheet and "SPA): off" in sheet and PASSWORD not in sheet
    assert "OAuth2" in new_outlook_sheet(OAUTH2)
    hostile = new_outlook_sheet(replace(PROFILE, incoming=replace(IMAP, username="a\nb")))
    assert "a\\nb" in hostile and "a\nb" not in hostile
