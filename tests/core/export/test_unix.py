"""aerc, neomutt, mbsync and msmtp configs, read back with small parsers of each format."""

from __future__ import annotations

import re
from dataclasses import replace
from email.utils import parseaddr
from urllib.parse import unquote, urlsplit

import pytest

from mailhop.core.account.profile import AccountProfile, EndpointSetting
from mailhop.core.account.secrets import lookup_command_line, secret_ref
from mailhop.core.common.model import AuthMethod, Security, Service
from mailhop.core.export.evolution import evolution_sources
from mailhop.core.export.unix import aerc_accounts, mbsync_rc, msmtp_rc, neomutt_rc
from tests.core.export.test_outlook import IMAP, OAUTH2, PASSWORD, POP3, PROFILE, STARTTLS

HOSTILE = replace(
    PROFILE,
    display_name='Jö "Boss" `id` $HOME # ; \\ x',
    incoming=replace(IMAP, username='j"o `id` $x #;\\ ü'),
    outgoing=replace(
        IMAP, service=Service.SUBMISSION, port=587, security=Security.STARTTLS, username="j o@x"
    ),
)
PROFILES = [PROFILE, STARTTLS, HOSTILE]


def command(profile: AccountProfile, setting: EndpointSetting) -> str:
    return lookup_command_line(secret_ref(profile.address, setting.service), "linux")


def no_secret(text: str) -> None:
    assert PASSWORD not in text
    assert not re.search(r"^\s*(password|Pass|set \w+_pass = \"[^`])\b", text, re.M)


def parse_aerc(text: str) -> dict[str, str]:
    values: dict[str, str] = {}
    for line in text.splitlines():
        if line.startswith(("#", "[")) or not line:
            continue
        key, _, value = line.partition(" = ")
        if value.startswith("`"):
            assert value.endswith("`") and value.count("`") == 2
            value = value[1:-1]
        elif value.startswith('"""'):  # go-ini's other raw form, for a value with a backtick
            assert value.endswith('"""') and value.count('"""') == 2
            value = value[3:-3]
        values[key] = value
    return values


def server(url: str) -> tuple[str, str, str, int | None]:
    parts = urlsplit(url)
    return parts.scheme, unquote(parts.username or ""), parts.hostname or "", parts.port


@pytest.mark.parametrize("profile", PROFILES)
def test_aerc(profile: AccountProfile) -> None:
    text = aerc_accounts(profile, "linux")
    no_secret(text)
    values = parse_aerc(text)
    incoming, outgoing = profile.incoming, profile.outgoing
    scheme = "imaps" if incoming.security is Security.IMPLICIT_TLS else "imap"
    assert server(values["source"]) == (scheme, incoming.username, incoming.host, incoming.port)
    scheme = "smtps+plain" if outgoing.security is Security.IMPLICIT_TLS else "smtp+plain"
    assert server(values["outgoing"]) == (scheme, outgoing.username, outgoing.host, outgoing.port)
    assert values["source-cred-cmd"] == command(profile, incoming)
    assert values["outgoing-cred-cmd"] == command(profile, outgoing)
    assert parseaddr(values["from"])[1] == profile.address
    assert len([line for line in text.splitlines() if line.startswith("[")]) == 1


def parse_mutt(text: str) -> dict[str, str]:
    values: dict[str, str] = {}
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        match = re.fullmatch(r'set (\w+) = (yes|"((?:[^"\\]|\\.)*)")', line)
        assert match, line
        raw = match.group(3)
        values[match.group(1)] = "yes" if raw is None else re.sub(r"\\(.)", r"\1", raw)
        if raw is not None and not raw.startswith("`"):
            # outside a password command, no backtick or $ may stay active
            assert not re.search(r"(?<!\\)[`$]", raw), line
    return values


@pytest.mark.parametrize("profile", [*PROFILES, POP3])
def test_neomutt(profile: AccountProfile) -> None:
    text = neomutt_rc(profile, "linux")
    no_secret(text)
    values = parse_mutt(text)
    incoming, outgoing = profile.incoming, profile.outgoing
    assert values["ssl_force_tls"] == values["ssl_starttls"] == "yes"
    assert values["realname"] == profile.display_name
    kind = "imap" if incoming.service is Service.IMAP else "pop"
    url = values["folder" if kind == "imap" else "pop_host"]
    scheme = kind + ("s" if incoming.security is Security.IMPLICIT_TLS else "")
    assert server(url) == (scheme, incoming.username, incoming.host, incoming.port)
    assert values[f"{kind}_user"] == incoming.username
    assert values[f"{kind}_pass"] == f"`{command(profile, incoming)}`"
    scheme = "smtps" if outgoing.security is Security.IMPLICIT_TLS else "smtp"
    assert server(values["smtp_url"]) == (scheme, outgoing.username, outgoing.host, outgoing.port)
    assert values["smtp_pass"] == f"`{command(profile, outgoing)}`"


def parse_directives(text: str) -> list[tuple[str, str]]:
    found = []
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        key, _, value = line.partition(" ")
        if value.startswith('"'):
            assert re.fullmatch(r'"(?:[^"\\]|\\.)*"', value), line
            value = re.sub(r"\\(.)", r"\1", value[1:-1])
        found.append((key, value))
    return found


@pytest.mark.parametrize("profile", PROFILES)
def test_mbsync(profile: AccountProfile) -> None:
    text = mbsync_rc(profile, "linux")
    no_secret(text)
    values = dict(parse_directives(text))
    incoming = profile.incoming
    assert values["Host"] == incoming.host and values["Port"] == str(incoming.port)
    assert values["User"] == incoming.username
    assert values["PassCmd"] == command(profile, incoming)
    assert values["SSLType"] == (
        "IMAPS" if incoming.security is Security.IMPLICIT_TLS else "STARTTLS"
    )


def parse_msmtp(text: str) -> dict[str, str]:
    """msmtp's own rule (conf.c): one pair of outer double quotes is removed, nothing is
    unescaped. Reading msmtprc with isync's rule hid a shell injection (issue 15)."""
    values = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            key, _, value = line.partition(" ")
            quoted = len(value) >= 2 and value[0] == value[-1] == '"'
            values[key] = value[1:-1] if quoted else value
    return values


@pytest.mark.parametrize("profile", PROFILES)
def test_msmtp(profile: AccountProfile) -> None:
    text = msmtp_rc(profile, "linux")
    no_secret(text)
    values = parse_msmtp(text)
    outgoing = profile.outgoing
    assert values["host"] == outgoing.host and values["port"] == str(outgoing.port)
    assert values["tls"] == "on" and values["auth"] == "on"
    assert values["tls_starttls"] == ("off" if outgoing.security is Security.IMPLICIT_TLS else "on")
    assert values["user"] == outgoing.username and values["from"] == profile.address
    assert values["passwordeval"] == command(profile, outgoing)


@pytest.mark.parametrize("address", ["a%U@example.com", "a%H@example.com", "a*b@example.com"])
def test_msmtp_refuses_a_from_it_would_rewrite(address: str) -> None:
    with pytest.raises(ValueError, match="msmtp reads"):
        msmtp_rc(replace(PROFILE, address=address), "linux")


RENDERERS = [aerc_accounts, neomutt_rc, mbsync_rc, msmtp_rc]


@pytest.mark.parametrize("render", RENDERERS)
def test_refuses_oauth2_and_line_breaks(render: object) -> None:
    assert callable(render)
    with pytest.raises(ValueError, match="OAuth2"):
        render(OAUTH2)
    broken = replace(
        PROFILE,
        display_name="Jo\nset x = y",
        incoming=replace(IMAP, username="a\rPassCmd evil"),
        outgoing=replace(IMAP, service=Service.SUBMISSION, username="a\nauth off"),
    )
    with pytest.raises(ValueError, match="line break"):
        render(broken)


@pytest.mark.parametrize("render", [aerc_accounts, mbsync_rc])
def test_refuses_pop3(render: object) -> None:
    assert callable(render)
    with pytest.raises(ValueError, match="POP3"):
        render(POP3)


def test_msmtp_serves_pop3_accounts_too() -> None:
    assert "passwordeval" in msmtp_rc(POP3)


KEYFILE_ESCAPES = {"s": " ", "t": "\t", "\\": "\\"}


def parse_keyfile(text: str) -> dict[str, dict[str, str]]:
    groups: dict[str, dict[str, str]] = {}
    current: dict[str, str] = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            current = groups.setdefault(line[1:-1], {})
            continue
        key, _, value = line.partition("=")
        current[key] = re.sub(r"\\(.)", lambda m: KEYFILE_ESCAPES[m.group(1)], value)
    return groups


@pytest.mark.parametrize("profile", [*PROFILES, POP3])
def test_evolution(profile: AccountProfile) -> None:
    account, identity, transport = evolution_sources(profile)
    assert evolution_sources(profile) == (account, identity, transport)  # stable UIDs
    for source in (account, identity, transport):
        no_secret(source.text)
        assert source.filename == f"{source.uid}.source"
    acc, ident, trans = (parse_keyfile(s.text) for s in (account, identity, transport))
    backend = "imapx" if profile.incoming.service is Service.IMAP else "pop"
    assert acc["Mail Account"] == {"BackendName": backend, "IdentityUid": identity.uid}
    assert ident["Data Source"]["Parent"] == trans["Data Source"]["Parent"] == account.uid
    assert ident["Mail Identity"] == {"Address": profile.address, "Name": profile.display_name}
    assert ident["Mail Submission"]["TransportUid"] == transport.uid
    for groups, setting in ((acc, profile.incoming), (trans, profile.outgoing)):
        auth = groups["Authentication"]
        assert (auth["Host"], auth["Port"], auth["User"]) == (
            setting.host,
            str(setting.port),
            setting.username,
        )
        assert groups["Security"]["Method"] == (
            "ssl-on-alternate-port"
            if setting.security is Security.IMPLICIT_TLS
            else "starttls-on-standard-port"
        )


def test_evolution_leading_space() -> None:
    spaced = replace(PROFILE, display_name=" \tJo\\")
    identity = parse_keyfile(evolution_sources(spaced)[1].text)
    assert identity["Mail Identity"]["Name"] == " \tJo\\"


def test_evolution_refuses() -> None:
    with pytest.raises(ValueError, match="OAuth2"):
        evolution_sources(OAUTH2)
    with pytest.raises(ValueError, match="line break"):
        evolution_sources(replace(PROFILE, display_name="Jo\n[Mail Account]"))


# -- the method per server (issue 15) ---------------------------------------------------------

# IMAP signs in with OAuth2, the submission server with the password (signin.py decides per
# server): the tools that configure only the password server still export.
MIXED = replace(PROFILE, oauth2=True, incoming=replace(IMAP, auth_method=AuthMethod.OAUTH2))


def test_msmtp_sends_through_the_password_server_of_an_account_with_oauth2_imap() -> None:
    values = parse_msmtp(msmtp_rc(MIXED, "linux"))
    assert values["auth"] == "on" and values["passwordeval"] == command(MIXED, MIXED.outgoing)


@pytest.mark.parametrize("render", [aerc_accounts, neomutt_rc, mbsync_rc])
def test_a_tool_that_configures_the_oauth2_server_refuses_and_names_it(render: object) -> None:
    assert callable(render)
    with pytest.raises(ValueError, match=r"OAuth2 token helper for mail\.example\.com"):
        render(MIXED, "linux")


# -- Sent and Drafts as the server marks them (RFC 6154) ---------------------------------------

FOLDER_NAMES = [
    ("Sent Messages", "Entwürfe"),
    ('Sent "x" $HOME `id` \\ ;#', "Drafts %41 ?q #f"),  # muttrc quoting and neomutt's URL
]


@pytest.mark.parametrize(("sent", "drafts"), FOLDER_NAMES)
def test_neomutt_files_into_the_servers_sent_and_drafts(sent: str, drafts: str) -> None:
    profile = replace(PROFILE, sent_folder=sent, drafts_folder=drafts)
    values = parse_mutt(neomutt_rc(profile, "linux"))
    # neomutt percent-decodes the path of the URL "+" expands to twice: when the option is
    # set and when the folder is opened (email/url.c; test_real_clients_hostile asks neomutt)
    assert unquote(unquote(values["record"])) == "+" + sent
    assert unquote(unquote(values["postponed"])) == "+" + drafts
    assert "?" not in values["postponed"]  # would start neomutt's URL query


@pytest.mark.parametrize(("sent", "drafts"), FOLDER_NAMES)
def test_aerc_copies_to_the_servers_sent_and_postpones_to_its_drafts(
    sent: str, drafts: str
) -> None:
    values = parse_aerc(aerc_accounts(replace(PROFILE, sent_folder=sent, drafts_folder=drafts)))
    assert (values["copy-to"], values["postpone"]) == (sent, drafts)


def test_aerc_leaves_a_sent_folder_with_a_comma_to_the_person() -> None:
    # aerc 0.18+ reads copy-to as a comma-separated list, with no escape.
    text = aerc_accounts(replace(PROFILE, sent_folder="Sent, old", drafts_folder="Drafts"))
    assert "copy-to" not in parse_aerc(text) and "comma" in text
