"""Thunderbird exports: an autoconfig clientConfig file and a user.js for a new profile.

Both are pure renderers from a saved ``AccountProfile``: no I/O, no password (the profile has
none, and neither format gets a password field; Thunderbird asks once and keeps it in its own
password manager, or signs in with OAuth2).

The autoconfig file is written for the stricter of its two readers. Desktop Thunderbird
skips what it does not understand; Thunderbird for Android (the former K-9 Mail) rejects the
whole file on one unknown value. So: every server has a ``<username>``, socket types are only
``SSL``/``STARTTLS``, authentication only ``password-cleartext``/``password-encrypted``/
``OAuth2`` (via ``export_table``), an ``<outgoingServer type="smtp">``, and the provider id is a
host name (the registrable domain), not a free-form label.

The XML is built with ElementTree, never a template, so a hostile value cannot open or close
an element; user.js values are JSON string literals (a JavaScript subset) for the same reason.
"""

from __future__ import annotations

import json
import re
import unicodedata
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

from ..account.oauth_flow import MAIL_SCOPE as OAUTH2_MAIL_SCOPE
from ..account.profile import AccountProfile, EndpointSetting
from ..common.domains import registrable_domain
from ..common.fields import Placeholder
from ..common.model import Service
from .table import THUNDERBIRD_AUTOCONFIG, THUNDERBIRD_PREFS
from .xml_values import xml_value

__all__ = [
    "AUTOCONFIG_PATH",
    "autoconfig_instructions",
    "autoconfig_xml",
    "user_js",
]

AUTOCONFIG_PATH = "/mail/config-v1.1.xml"
_INCOMING_TYPES = {Service.IMAP: "imap", Service.POP3: "pop3"}


def _domain(profile: AccountProfile) -> str:
    return profile.address.rpartition("@")[2].lower()


def _provider_id(profile: AccountProfile) -> str:
    domain = _domain(profile)
    return registrable_domain(domain) or domain


def _incoming_type(setting: EndpointSetting) -> str:
    try:
        return _INCOMING_TYPES[setting.service]
    except KeyError:
        raise ValueError(
            f"the incoming server is {setting.service.value!r}; Thunderbird reads only imap or pop3"
        ) from None


# Thunderbird replaces these in a user name (AccountConfig.replaceVariables), one after the
# other and with no escape: a literal one would be replaced, as would one inside the address
# that %EMAILADDRESS% brings in.
_THUNDERBIRD_PLACEHOLDERS = re.compile(r"%(EMAILADDRESS|EMAILLOCALPART|EMAILDOMAIN|REALNAME)%")


def _username_template(profile: AccountProfile, username: str) -> str:
    # Placeholders keep the file valid for every user of the domain when it is served from
    # autoconfig.<domain>; a login that is neither form stays literal.
    for value, what in ((username, "user name"), (profile.address, "address")):
        found = _THUNDERBIRD_PLACEHOLDERS.search(value)
        if found:
            raise ValueError(
                f"the {what} {value!r} holds {found.group()}, which Thunderbird replaces with "
                "part of the address (it has no way to escape it)"
            )
    xml_value(username, "user name")
    if username == profile.address:
        return Placeholder.ADDRESS.token
    if username == profile.address.rpartition("@")[0]:
        return Placeholder.LOCAL_PART.token
    return username


def _server(
    parent: ET.Element, tag: str, kind: str, profile: AccountProfile, setting: EndpointSetting
) -> None:
    server = ET.SubElement(parent, tag, type=kind)
    ET.SubElement(server, "hostname").text = setting.host
    ET.SubElement(server, "port").text = str(setting.port)
    ET.SubElement(server, "socketType").text = THUNDERBIRD_AUTOCONFIG.security(setting.security)
    ET.SubElement(server, "authentication").text = THUNDERBIRD_AUTOCONFIG.auth(setting.auth_method)
    ET.SubElement(server, "username").text = _username_template(profile, setting.username)


def autoconfig_xml(profile: AccountProfile) -> bytes:
    """clientConfig 1.1 for desktop Thunderbird and Thunderbird for Android (UTF-8 bytes).

    Raises ``ValueError`` (``export_table.Untranslatable`` included) for a profile these
    clients cannot express, rather than writing a file one of them rejects.
    """
    if profile.outgoing.service is not Service.SUBMISSION:
        raise ValueError(
            f"the outgoing server is {profile.outgoing.service.value!r}, not submission"
        )
    domain = _domain(profile)
    root = ET.Element("clientConfig", version="1.1")
    provider = ET.SubElement(root, "emailProvider", id=_provider_id(profile))
    ET.SubElement(provider, "domain").text = domain
    unicode_domain = profile.address_unicode.rpartition("@")[2] or domain
    ET.SubElement(provider, "displayName").text = unicode_domain
    ET.SubElement(provider, "displayShortName").text = unicode_domain
    _server(provider, "incomingServer", _incoming_type(profile.incoming), profile, profile.incoming)
    _server(provider, "outgoingServer", "smtp", profile, profile.outgoing)
    if profile.oauth2 and profile.oauth2_issuer:
        # The issuer setup signed in at; Thunderbird reads <issuer> as a host name.
        oauth = ET.SubElement(root, "oAuth2")
        ET.SubElement(oauth, "issuer").text = urlsplit(profile.oauth2_issuer).hostname or ""
        ET.SubElement(oauth, "scope").text = OAUTH2_MAIL_SCOPE
    ET.indent(root)
    data: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return data + b"\n"


def autoconfig_instructions(profile: AccountProfile) -> str:
    """Where the autoconfig file goes, in plain words, for this account's domain."""
    domain = _domain(profile)
    lines = [
        f"Thunderbird autoconfig for {profile.address}",
        "",
        "Either, for one computer:",
        f"  save the file as {domain}.xml in the 'isp' folder of the Thunderbird installation",
        "  (the folder holding the Thunderbird program; create 'isp' if it is missing), then",
        "  add the account in Thunderbird: it finds the settings without asking the network.",
        "",
        "Or, for everyone at the domain (domain administrators):",
        f"  serve it at https://autoconfig.{domain}{AUTOCONFIG_PATH}",
        f"  (or https://{domain}/.well-known/autoconfig{AUTOCONFIG_PATH})",
        "  with the header 'Content-Type: text/xml', over HTTPS with a valid certificate.",
        "  Thunderbird and Thunderbird for Android look there when an account is added.",
        "",
        "The file holds no password: the mail client asks for it once.",
    ]
    if profile.oauth2:
        lines.append(
            "OAuth2: Thunderbird signs in only to providers it already knows; "
            "for others it will not offer OAuth2."
        )
    if profile.oauth2 and profile.oauth2_issuer:
        lines.append(
            f"The file names the OAuth2 issuer mailhop signed in at: {profile.oauth2_issuer}"
        )
    return "\n".join(lines) + "\n"


def _pref(name: str, value: str | int | bool) -> str:
    # Thunderbird's user.js reader (modules/libpref/parser) takes the escapes \" \' \\ \n \r
    # \xHH \uHHHH only; JSON's \t \b \f make it skip the whole pref, silently. With no
    # control character left, json.dumps with ensure_ascii writes only escapes both know:
    # quotes, backslashes and every non-ASCII character (U+2028/U+2029 too) as \uHHHH.
    if isinstance(value, str):
        found = next((c for c in value if unicodedata.category(c) == "Cc"), None)
        if found is not None:
            raise ValueError(
                f"the value {value!r} of {name} holds the control character "
                f"U+{ord(found):04X}, which Thunderbird would skip or send as it is (a line "
                "break in the name goes into the From header); change it before exporting"
            )
    return f"user_pref({json.dumps(name)}, {json.dumps(value, ensure_ascii=True)});"


def user_js(profile: AccountProfile) -> str:
    """user.js with one account, for a NEW Thunderbird profile; never a password line."""
    incoming, outgoing = profile.incoming, profile.outgoing
    if outgoing.service is not Service.SUBMISSION:
        raise ValueError(f"the outgoing server is {outgoing.service.value!r}, not submission")
    prefs: list[tuple[str, str | int | bool]] = [
        ("mail.accountmanager.accounts", "account1"),
        ("mail.accountmanager.defaultaccount", "account1"),
        ("mail.account.account1.server", "server1"),
        ("mail.account.account1.identities", "id1"),
        ("mail.server.server1.type", _incoming_type(incoming)),
        ("mail.server.server1.hostname", incoming.host),
        ("mail.server.server1.port", incoming.port),
        ("mail.server.server1.socketType", int(THUNDERBIRD_PREFS.security(incoming.security))),
        ("mail.server.server1.authMethod", int(THUNDERBIRD_PREFS.auth(incoming.auth_method))),
        ("mail.server.server1.userName", incoming.username),
        ("mail.server.server1.name", profile.address_unicode),
        # What Thunderbird's own account wizard sets (CreateInBackend): sign in and check for
        # mail at start and every 10 minutes. Without them a user.js account stays silent
        # until its folder is clicked (the prefs' defaults are off).
        ("mail.server.server1.login_at_startup", True),
        ("mail.server.server1.check_new_mail", True),
        ("mail.server.server1.check_time", 10),
        ("mail.identity.id1.useremail", profile.address),
        ("mail.identity.id1.fullName", profile.display_name),
        ("mail.identity.id1.smtpServer", "smtp1"),
        ("mail.identity.id1.valid", True),
        ("mail.smtpservers", "smtp1"),
        ("mail.smtp.defaultserver", "smtp1"),
        ("mail.smtpserver.smtp1.hostname", outgoing.host),
        ("mail.smtpserver.smtp1.port", outgoing.port),
        ("mail.smtpserver.smtp1.try_ssl", int(THUNDERBIRD_PREFS.security(outgoing.security))),
        ("mail.smtpserver.smtp1.authMethod", int(THUNDERBIRD_PREFS.auth(outgoing.auth_method))),
        ("mail.smtpserver.smtp1.username", outgoing.username),
        ("mail.smtpserver.smtp1.description", profile.address_unicode),
    ]
    header = [
        "// Thunderbird account settings made by mailhop; there is no password in this file.",
        "// Put user.js into a NEW, empty Thunderbird profile folder before its first start.",
        "// Thunderbird re-applies user.js at every start: a setting changed later in the",
        "// account settings is overwritten on the next start. Once the account works,",
        "// delete user.js so that changes made in Thunderbird stick.",
    ]
    if profile.oauth2:
        header.append("// OAuth2 (authMethod 10) works only for providers Thunderbird knows.")
    return "\n".join([*header, *(_pref(k, v) for k, v in prefs)]) + "\n"
