"""Outlook exports: an Autodiscover POX response, a .reg that points classic Outlook at it,
and an honest sheet for the Outlooks that read no file.

Classic Outlook for Windows asks Autodiscover when an account is added; with the registry
value ``PreferLocalXML`` and a value named after the mail domain it reads a local copy of the
response first, so no server has to publish anything. New Outlook for Windows and Outlook for
Mac ignore both, so they get steps to type instead of a file that would silently do nothing.

The response is built with ElementTree in the namespaces ``parse_autodiscover`` reads, with
``SPA off`` (SPA is NTLM, never wanted for IMAP/POP3/SMTP), ``SSL on`` and ``Encryption``
from ``export_table.OUTLOOK_AUTODISCOVER`` (SSL for implicit TLS, TLS for STARTTLS), so
Outlook never guesses the TLS mode from the port. No password, ever.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from ..account.profile import AccountProfile, EndpointSetting
from ..common.model import AuthMethod, Security, Service
from ..discover.parse_autodiscover import OUTLOOK_NS, RESPONSE_NS
from .table import OUTLOOK_AUTODISCOVER
from .xml_values import xml_value

__all__ = [
    "REG_ENCODING",
    "REG_KEY",
    "autodiscover_xml",
    "new_outlook_sheet",
    "outlook_reg",
    "reg_bytes",
]

REG_KEY = r"HKEY_CURRENT_USER\Software\Microsoft\Office\16.0\Outlook\AutoDiscover"
# "Windows Registry Editor Version 5.00" is regedit's Unicode format: the file is UTF-16 LE
# with a BOM (``reg_bytes``), so a non-ASCII path survives. ANSI would need the older
# "REGEDIT4" header and loses every character outside the Windows code page.
REG_ENCODING = "utf-16-le"
_TYPES = {Service.IMAP: "IMAP", Service.POP3: "POP3", Service.SUBMISSION: "SMTP"}


def _domain(profile: AccountProfile) -> str:
    return profile.address.rpartition("@")[2].lower()


def _protocol(account: ET.Element, setting: EndpointSetting) -> None:
    try:
        kind = _TYPES[setting.service]
    except KeyError:
        raise ValueError(
            f"Outlook has no Autodiscover type for {setting.service.value!r}"
        ) from None
    protocol = ET.SubElement(account, "Protocol")
    ET.SubElement(protocol, "Type").text = kind
    ET.SubElement(protocol, "Server").text = setting.host
    ET.SubElement(protocol, "Port").text = str(setting.port)
    ET.SubElement(protocol, "LoginName").text = xml_value(setting.username, "user name")
    ET.SubElement(protocol, "SPA").text = OUTLOOK_AUTODISCOVER.auth(setting.auth_method)
    ET.SubElement(protocol, "SSL").text = "on"
    ET.SubElement(protocol, "Encryption").text = OUTLOOK_AUTODISCOVER.security(setting.security)
    ET.SubElement(protocol, "AuthRequired").text = "on"


def autodiscover_xml(profile: AccountProfile) -> bytes:
    """The POX response for this account (UTF-8 bytes); ValueError if Outlook cannot say it."""
    if profile.outgoing.service is not Service.SUBMISSION:
        raise ValueError(
            f"the outgoing server is {profile.outgoing.service.value!r}, not submission"
        )
    # Plain tags with literal xmlns attributes give the two default namespaces Microsoft's own
    # responses use, without touching ElementTree's global prefix registry.
    root = ET.Element("Autodiscover", xmlns=RESPONSE_NS)
    response = ET.SubElement(root, "Response", xmlns=OUTLOOK_NS)
    user = ET.SubElement(response, "User")
    ET.SubElement(user, "DisplayName").text = xml_value(profile.display_name, "display name")
    account = ET.SubElement(response, "Account")
    ET.SubElement(account, "AccountType").text = "email"
    ET.SubElement(account, "Action").text = "settings"
    _protocol(account, profile.incoming)
    _protocol(account, profile.outgoing)
    ET.indent(root)
    data: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return data + b"\n"


def _reg_string(text: str) -> str:
    if any(c in text for c in "\r\n\x00"):
        raise ValueError(f"{text!r} cannot go into a .reg string (line break or NUL)")
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def reg_bytes(text: str) -> bytes:
    """``outlook_reg``'s text as regedit wants a version 5.00 file: BOM + UTF-16 LE."""
    return "\ufeff".encode(REG_ENCODING) + text.encode(REG_ENCODING)


def outlook_reg(profile: AccountProfile, xml_path_hint: str) -> str:
    """A .reg (text with CRLF; save it with ``reg_bytes``) for classic Outlook 2016+.

    ``xml_path_hint`` is the Windows path where the user saves ``autodiscover_xml``'s output.
    """
    domain = _domain(profile)
    lines = [
        "Windows Registry Editor Version 5.00",
        "",
        f"; Made by mailhop for {profile.address}. No password is in this file.",
        "; Classic Outlook for Windows (2016, 2019, 2021, Microsoft 365) only: it makes Outlook",
        "; read the saved Autodiscover file below before asking any server. New Outlook and",
        "; Outlook for Mac ignore this key. Save the XML file at that path first; delete the",
        "; value again once the account works if you want Outlook to ask the server later.",
        f"[{REG_KEY}]",
        f"{_reg_string(domain)}={_reg_string(xml_path_hint)}",
        '"PreferLocalXML"=dword:00000001',
        "",
    ]
    return "\r\n".join(lines)


def _leg(title: str, setting: EndpointSetting) -> list[str]:
    mode = "SSL/TLS" if setting.security is Security.IMPLICIT_TLS else "STARTTLS"
    return [
        title,
        f"  Server:          {_plain(setting.host)}",
        f"  Port:            {setting.port}",
        f"  Encryption:      {mode}",
        f"  User name:       {_plain(setting.username)}",
        "  Secure password authentication (SPA): off",
    ]


def _plain(text: str) -> str:
    return text.encode("unicode_escape").decode("ascii")


def new_outlook_sheet(profile: AccountProfile) -> str:
    """Steps for new Outlook for Windows and Outlook for Mac, which import no settings file."""
    incoming = profile.incoming
    kind = _TYPES.get(incoming.service, _plain(incoming.service.value))
    lines = [
        f"Outlook (new Outlook for Windows, Outlook for Mac): {_plain(profile.address)}",
        "",
        "These Outlooks read no settings file and no registry key; type the values below.",
        f"1. Add account, enter {_plain(profile.address)}, then choose {kind} when Outlook",
        "   offers the account type (or 'Advanced'/'Choose provider' if it does not ask).",
        "2. Enter the values below; never pick 'None' or 'Auto' for encryption.",
        "3. Enter the password when asked; Outlook keeps it in its own store.",
        "",
        *_leg(f"Incoming mail ({kind})", incoming),
        "",
        *_leg("Outgoing mail (SMTP)", profile.outgoing),
        "",
        "New Outlook for Windows syncs IMAP/POP3 accounts through Microsoft's cloud: your mail",
        "server sees logins from Microsoft, not from your computer.",
    ]
    # Chosen per server (signin.py): name the ones that sign in with OAuth2, not the account.
    oauth2 = [
        _plain(s.host) for s in (incoming, profile.outgoing) if s.auth_method is AuthMethod.OAUTH2
    ]
    if oauth2:
        lines += [
            "",
            f"OAuth2 ({', '.join(oauth2)}): Outlook signs in with OAuth2 only for providers it",
            "knows (Microsoft, Google, Yahoo, iCloud ...). For any other provider it asks for a",
            "password, which that server does not use: Outlook cannot use this account then.",
        ]
    lines += ["", "This sheet holds no password."]
    return "\n".join(lines) + "\n"
