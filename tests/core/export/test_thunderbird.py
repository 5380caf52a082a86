"""Thunderbird exports: parsed back and compared with the profile, schema- and client-checked."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import defusedxml.ElementTree as safe_xml
import pytest

from mailhop.core.account.approval import Approval
from mailhop.core.account.profile import PROFILE_VERSION, AccountProfile, EndpointSetting, SecretRef
from mailhop.core.common.model import AuthMethod, Security, Service
from mailhop.core.export.table import (
    AUTH_METHODS,
    SECURITIES,
    SHEET,
    THUNDERBIRD_AUTOCONFIG,
    THUNDERBIRD_PREFS,
    Untranslatable,
)
from mailhop.core.export.thunderbird import autoconfig_instructions, autoconfig_xml, user_js
from tests.core.account.test_profile import IMAP

PASSWORD = "Tr0ub4dor&3-not-in-any-export"  # noqa: S105 - a canary, never stored
GOLDEN = Path(__file__).parents[1] / "golden"

SUBMISSION = replace(IMAP, service=Service.SUBMISSION, port=587, security=Security.STARTTLS)


def make(
    incoming: EndpointSetting = IMAP,
    outgoing: EndpointSetting = SUBMISSION,
    *,
    address: str = "jo@example.com",
    display_name: str = "Jo Example",
    oauth2: bool = False,
) -> AccountProfile:
    return AccountProfile(
        version=PROFILE_VERSION,
        address=address,
        address_unicode=address,
        display_name=display_name,
        incoming=incoming,
        outgoing=outgoing,
        oauth2=oauth2,
        approvals=(Approval("example.com", "example.com", ("mail.example.com",), "2026-11-29"),),
        secrets=(SecretRef(f"mailhop:imap:{address}", address),),
        verdict="ok",
        checked_at="2026-11-29T00:00:00Z",
    )


IMAP_STARTTLS_SUBMISSION = make()
POP3 = make(
    replace(IMAP, service=Service.POP3, host="pop.mail.example.co.uk", port=995, username="jo"),
    replace(
        SUBMISSION,
        host="smtp.mail.example.co.uk",
        port=465,
        security=Security.IMPLICIT_TLS,
        username="jo",
        auth_method=AuthMethod.PASSWORD_ENCRYPTED,
    ),
    address="jo@mail.example.co.uk",
)
OAUTH2 = make(
    replace(IMAP, auth_method=AuthMethod.OAUTH2, host="imap.gmail.com", username="jo@gmail.com"),
    replace(
        SUBMISSION, auth_method=AuthMethod.OAUTH2, host="smtp.gmail.com", username="jo@gmail.com"
    ),
    address="jo@gmail.com",
    oauth2=True,
)
# A line break is refused (test_real_clients_thunderbird); U+2028 is not a control character.
HOSTILE = make(display_name='Jo "the" </name><password>x</password> Zoë \u2028 O\'Brien \\')
PROFILES = {
    "imap-starttls-submission": IMAP_STARTTLS_SUBMISSION,
    "pop3": POP3,
    "oauth2": OAUTH2,
    "hostile-name": HOSTILE,
}
ALL = pytest.mark.parametrize("profile", PROFILES.values(), ids=PROFILES.keys())

SOCKET = {"implicit-tls": "SSL", "starttls": "STARTTLS"}
AUTH = {
    "password-cleartext": "password-cleartext",
    "password-encrypted": "password-encrypted",
    "oauth2": "OAuth2",
}


def parse(data: bytes) -> Any:
    return safe_xml.fromstring(data, forbid_dtd=True)


def expand(template: str, address: str) -> str:
    return template.replace("%EMAILADDRESS%", address).replace(
        "%EMAILLOCALPART%", address.rpartition("@")[0]
    )


# -- autoconfig -----------------------------------------------------------------------------


@ALL
def test_autoconfig_parses_back_to_the_profile(profile: AccountProfile) -> None:
    root = parse(autoconfig_xml(profile))
    assert root.tag == "clientConfig" and root.get("version") == "1.1"
    (provider,) = root.findall("emailProvider")
    assert provider.findtext("domain") == profile.address.rpartition("@")[2]
    legs = [
        (provider.find("incomingServer"), profile.incoming),
        (provider.find("outgoingServer"), profile.outgoing),
    ]
    for server, setting in legs:
        assert server is not None
        assert server.get("type") == {"submission": "smtp"}.get(
            setting.service.value, setting.service.value
        )
        assert server.findtext("hostname") == setting.host
        assert server.findtext("port") == str(setting.port)
        assert server.findtext("socketType") == SOCKET[setting.security.value]
        assert server.findtext("authentication") == AUTH[setting.auth_method.value]
        assert expand(server.findtext("username") or "", profile.address) == setting.username


def test_provider_id_is_the_registrable_domain() -> None:
    provider = parse(autoconfig_xml(POP3)).find("emailProvider")
    assert provider is not None and provider.get("id") == "example.co.uk"
    assert provider.findtext("domain") == "mail.example.co.uk"


@ALL
def test_autoconfig_follows_the_stricter_client_rules(profile: AccountProfile) -> None:
    """Desktop Thunderbird and Thunderbird for Android: what the RELAX NG schema lets pass."""
    root = parse(autoconfig_xml(profile))
    provider = root.find("emailProvider")
    assert provider is not None
    assert re.fullmatch(
        r"[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+", provider.get("id") or ""
    )
    assert (provider.findtext("displayName") or "").strip()
    servers = provider.findall("incomingServer") + provider.findall("outgoingServer")
    assert [s.get("type") for s in provider.findall("outgoingServer")] == ["smtp"]
    assert {s.get("type") for s in provider.findall("incomingServer")} <= {"imap", "pop3"}
    for server in servers:
        assert (server.findtext("username") or "").strip()
        assert server.findtext("socketType") in {"SSL", "STARTTLS"}
        auths = [a.text for a in server.findall("authentication")]
        assert auths and set(auths) <= {"password-cleartext", "password-encrypted", "OAuth2"}
        assert 1 <= int(server.findtext("port") or "0") <= 65535
        hostname = server.findtext("hostname") or ""
        assert hostname and "%" not in hostname
    assert root.find(".//password") is None


@pytest.mark.shared
@ALL
def test_autoconfig_is_valid_by_the_relax_ng_schema(
    profile: AccountProfile, shared_dir: Path
) -> None:
    from lxml import etree

    schema = etree.RelaxNG(etree.parse(str(shared_dir / "specs/autoconfig/autoconfig.rng")))
    document = etree.fromstring(autoconfig_xml(profile))
    assert schema.validate(document), schema.error_log


def test_autoconfig_matches_the_golden_file() -> None:
    assert (
        autoconfig_xml(IMAP_STARTTLS_SUBMISSION)
        == (GOLDEN / "thunderbird-autoconfig.xml").read_bytes()
    )


def test_a_value_the_clients_cannot_take_is_refused_not_exported() -> None:
    with pytest.raises(Untranslatable, match="client-cert"):
        autoconfig_xml(make(replace(IMAP, auth_method=AuthMethod.CLIENT_CERT)))
    with pytest.raises(Untranslatable):
        user_js(make(outgoing=replace(SUBMISSION, auth_method=AuthMethod.NONE)))
    with pytest.raises(ValueError, match="imap or pop3"):
        autoconfig_xml(make(replace(IMAP, service=Service.SUBMISSION)))


def test_instructions_say_where_the_file_goes() -> None:
    text = autoconfig_instructions(POP3)
    assert "isp" in text and "mail.example.co.uk.xml" in text
    assert "https://autoconfig.mail.example.co.uk/mail/config-v1.1.xml" in text
    assert "text/xml" in text


# -- user.js --------------------------------------------------------------------------------

PREF = re.compile(r'user_pref\(("(?:[^"\\]|\\.)*"), (.*)\);')


def parse_user_js(text: str) -> dict[str, object]:
    prefs: dict[str, object] = {}
    for line in text.splitlines():
        if not line or line.startswith("//"):
            continue
        match = PREF.fullmatch(line)
        assert match, f"not a pref line: {line!r}"
        prefs[json.loads(match[1])] = json.loads(match[2])
    return prefs


@ALL
def test_user_js_parses_back_to_the_profile(profile: AccountProfile) -> None:
    prefs = parse_user_js(user_js(profile))
    incoming, outgoing = profile.incoming, profile.outgoing
    assert prefs["mail.accountmanager.accounts"] == "account1"
    assert prefs["mail.account.account1.server"] == "server1"
    assert prefs["mail.account.account1.identities"] == "id1"
    assert prefs["mail.server.server1.type"] == incoming.service.value
    assert prefs["mail.server.server1.hostname"] == incoming.host
    assert prefs["mail.server.server1.port"] == incoming.port
    assert (
        prefs["mail.server.server1.socketType"]
        == {"implicit-tls": 3, "starttls": 2}[incoming.security.value]
    )
    assert prefs["mail.server.server1.userName"] == incoming.username
    assert prefs["mail.server.server1.name"] == profile.address_unicode
    assert prefs["mail.server.server1.login_at_startup"] is True  # as Thunderbird's wizard
    assert prefs["mail.server.server1.check_new_mail"] is True
    assert prefs["mail.identity.id1.useremail"] == profile.address
    assert prefs["mail.identity.id1.fullName"] == profile.display_name
    assert prefs["mail.identity.id1.smtpServer"] == "smtp1"
    assert prefs["mail.smtpservers"] == "smtp1"
    assert prefs["mail.smtpserver.smtp1.hostname"] == outgoing.host
    assert prefs["mail.smtpserver.smtp1.port"] == outgoing.port
    assert (
        prefs["mail.smtpserver.smtp1.try_ssl"]
        == {"implicit-tls": 3, "starttls": 2}[outgoing.security.value]
    )
    assert prefs["mail.smtpserver.smtp1.username"] == outgoing.username
    methods = {"password-cleartext": 3, "password-encrypted": 4, "oauth2": 10}
    assert prefs["mail.server.server1.authMethod"] == methods[incoming.auth_method.value]
    assert prefs["mail.smtpserver.smtp1.authMethod"] == methods[outgoing.auth_method.value]


def test_oauth2_uses_auth_method_10() -> None:
    prefs = parse_user_js(user_js(OAUTH2))
    assert prefs["mail.server.server1.authMethod"] == 10
    assert prefs["mail.smtpserver.smtp1.authMethod"] == 10
    assert THUNDERBIRD_PREFS.auth(AuthMethod.OAUTH2) == "10"


def test_a_hostile_display_name_stays_one_line_of_ascii() -> None:
    text = user_js(HOSTILE)
    assert text.isascii()
    assert len([line for line in text.splitlines() if line.startswith("user_pref(")]) == len(
        parse_user_js(text)
    )
    assert parse_user_js(text)["mail.identity.id1.fullName"] == HOSTILE.display_name


def test_user_js_matches_the_golden_file() -> None:
    assert user_js(IMAP_STARTTLS_SUBMISSION) == (GOLDEN / "thunderbird-user.js").read_text("utf-8")


def test_user_js_header_warns_that_it_is_reapplied_at_every_start() -> None:
    header = [
        line for line in user_js(IMAP_STARTTLS_SUBMISSION).splitlines() if line.startswith("//")
    ]
    assert any("every start" in line for line in header)


# -- never a password -----------------------------------------------------------------------


@ALL
def test_no_export_carries_a_password(profile: AccountProfile) -> None:
    xml = autoconfig_xml(profile).decode("utf-8")
    js = user_js(profile)
    for text in (xml, js, autoconfig_instructions(profile)):
        assert PASSWORD not in text
    assert parse(xml.encode("utf-8")).find(".//password") is None
    assert not [k for k in parse_user_js(js) if "password" in k.lower()]
    if profile is not HOSTILE:  # the hostile name holds the text "<password>" on purpose
        assert "<password" not in xml.lower()
        assert "password" not in js.lower().replace("no password in this file", "")


def test_the_thunderbird_columns_cover_every_canonical_value() -> None:
    for column in (THUNDERBIRD_AUTOCONFIG, THUNDERBIRD_PREFS, SHEET):
        assert set(column.security_words) == set(SECURITIES)
        assert set(column.auth_words) == set(AUTH_METHODS)
    assert [THUNDERBIRD_PREFS.security(s) for s in SECURITIES] == ["3", "2"]
    assert [THUNDERBIRD_AUTOCONFIG.security(s) for s in SECURITIES] == ["SSL", "STARTTLS"]
    assert [THUNDERBIRD_PREFS.auth(a) for a in AUTH_METHODS] == ["3", "4", "10"]


def test_an_oauth2_account_names_the_issuer_mailhop_signed_in_at() -> None:
    """Issue 20: the issuer setup signed in at goes into Thunderbird's <oAuth2> (as a host
    name, as Thunderbird reads it); a profile without one has no <oAuth2> at all."""
    signed = replace(OAUTH2, oauth2_issuer="https://accounts.gmail.test")
    oauth = parse(autoconfig_xml(signed)).find("oAuth2")
    assert oauth is not None and oauth.findtext("issuer") == "accounts.gmail.test"
    assert oauth.findtext("scope")
    assert "accounts.gmail.test" in autoconfig_instructions(signed)
    assert parse(autoconfig_xml(OAUTH2)).find("oAuth2") is None
