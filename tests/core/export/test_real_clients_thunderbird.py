"""Hostile values through Thunderbird itself (issue 15): the exported user.js is loaded by
Thunderbird headless, and the exported autoconfig file is read by Thunderbird's own
autoconfig reader (readFromXML and AccountConfig.replaceVariables, run inside Thunderbird
through Marionette), and every value must arrive byte for byte.

Thunderbird's user.js reader (modules/libpref/parser) knows the escapes \\" \\' \\\\ \\n \\r
\\xHH \\uHHHH only: the old export wrote JSON, whose \\t \\b \\f it refuses, and Thunderbird
then skipped the whole pref (the display name was gone, silently). A control character is
now refused with a reason (a line break in the name would go into the From header).
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from mailhop.core.account.profile import AccountProfile
from mailhop.core.export.thunderbird import autoconfig_xml, user_js
from tests.core.account.test_profile import PROFILE
from tests.realclients.marionette import thunderbird_scripted

NAME = "Jo \"the\" \\Boss\\ 'x' </script> 100% %EMAILLOCALPART% Zoë 日本 😀 \u2028 $(x)"
USER = "u\"q\\x'</y>;#ü😀 \u2029"


def _with(address: str, name: str, user: str) -> AccountProfile:
    return replace(
        PROFILE,
        address=address,
        address_unicode=address,
        display_name=name,
        incoming=replace(PROFILE.incoming, username=user),
        outgoing=replace(PROFILE.outgoing, username=user),
    )


CASES = [
    _with("jo@example.com", NAME, USER),
    _with("a'&b{x}|$y#z@example.com", "  spaces  around ", "zoë"),
]

READ_ACCOUNT = """
const {MailServices} = ChromeUtils.importESModule("resource:///modules/MailServices.sys.mjs");
const account = MailServices.accounts.getAccount("account1");
const server = account.incomingServer, identity = account.defaultIdentity;
const smtp = MailServices.outgoingServer.getServerByKey("smtp1");
const prefs = {};
for (const name of arguments[0]) {
  const type = Services.prefs.getPrefType(name);
  prefs[name] = type == Services.prefs.PREF_STRING ? Services.prefs.getStringPref(name)
    : type == Services.prefs.PREF_INT ? Services.prefs.getIntPref(name)
    : type == Services.prefs.PREF_BOOL ? Services.prefs.getBoolPref(name) : null;
}
return {
  accounts: MailServices.accounts.accounts.length,
  username: server.username, name: server.prettyName, port: server.port,
  fullName: identity.fullName, email: identity.email,
  smtpUsername: smtp.username, smtpDescription: smtp.description, prefs,
};
"""


def _exported_prefs(text: str) -> dict[str, Any]:
    """The prefs user_js wrote, read back by the JSON reader (a subset of Thunderbird's)."""
    found = re.findall(r"^user_pref\((\".*?\"), (.*)\);$", text, re.M)
    return {json.loads(name): json.loads(value) for name, value in found}


@pytest.mark.parametrize("profile", CASES, ids=["quotes-and-non-ascii", "hostile-address"])
def test_thunderbird_takes_every_user_js_value_byte_for_byte(
    profile: AccountProfile, tmp_path: Path
) -> None:
    text = user_js(profile)
    exported = _exported_prefs(text)
    with thunderbird_scripted(tmp_path, text) as thunderbird:
        seen = thunderbird.script(READ_ACCOUNT, sorted(exported))
    # Every pref as exported, none skipped or changed; Thunderbird adds its Local Folders.
    exported["mail.accountmanager.accounts"] += ",account2"
    assert seen["prefs"] == exported
    assert seen["fullName"] == profile.display_name
    assert seen["username"] == profile.incoming.username
    # The outgoing server's username is an ACString: the UTF-8 bytes, one JS char per byte.
    assert seen["smtpUsername"].encode("latin-1").decode() == profile.outgoing.username
    assert seen["email"] == profile.address
    assert seen["name"] == seen["smtpDescription"] == profile.address_unicode
    assert seen["port"] == profile.incoming.port
    assert seen["accounts"] == 2  # this one and Thunderbird's own Local Folders


@pytest.mark.parametrize(
    "value", ["Jo\nBcc: x", "Jo\tTab", "Jo\rx", "Jo\x00", "Jo\x1b[31m", "\x85"]
)
def test_a_control_character_thunderbird_would_skip_or_send_is_refused(value: str) -> None:
    for profile in (_with("jo@example.com", value, "jo"), _with("jo@example.com", "Jo", value)):
        with pytest.raises(ValueError, match="control character"):
            user_js(profile)


READ_AUTOCONFIG = """
const {readFromXML} = ChromeUtils.importESModule(
  "resource:///modules/accountcreation/readFromXML.sys.mjs");
const {AccountConfig} = ChromeUtils.importESModule(
  "resource:///modules/accountcreation/AccountConfig.sys.mjs");
const {JXON} = ChromeUtils.importESModule("resource:///modules/JXON.sys.mjs");
// As FetchConfig.fetchConfigFromDisk reads <installdir>/isp/<domain>.xml
const xml = JXON.build(new DOMParser().parseFromString(arguments[0], "text/xml"));
const config = readFromXML(xml, "disk");
AccountConfig.replaceVariables(config, arguments[1], arguments[2], "");
return {incoming: config.incoming.username, outgoing: config.outgoing.username,
        host: config.incoming.hostname, smtpHost: config.outgoing.hostname};
"""


def test_thunderbirds_autoconfig_reader_takes_every_user_name_byte_for_byte(
    tmp_path: Path,
) -> None:
    users = [USER, "jo", "jo@example.com", "a'&b{x}|$y#z", "x%EMAIL%y", "&amp; <![CDATA[ ]]>"]
    with thunderbird_scripted(tmp_path, "") as thunderbird:
        for user in users:
            for address in ("jo@example.com", "a'&b{x}|$y#z@example.com"):
                profile = _with(address, NAME, user)
                data = autoconfig_xml(profile).decode()
                seen = thunderbird.script(READ_AUTOCONFIG, data, NAME, address)
                assert seen["incoming"] == seen["outgoing"] == user, (address, data)
                assert seen["host"] == profile.incoming.host
                assert seen["smtpHost"] == profile.outgoing.host


@pytest.mark.parametrize("value", ["jo\nx", "jo\rx", "jo\r\nx"])
def test_a_line_break_in_an_autoconfig_user_name_is_refused(value: str) -> None:
    """An XML reader turns CR into LF (XML 1.0 section 2.11): it cannot arrive as it is."""
    with pytest.raises(ValueError, match="control character"):
        autoconfig_xml(_with("jo@example.com", "Jo", value))
