"""Thunderbird for Android (K-9 Mail) ``.k9s`` settings file for one account.

Format: the XML that K-9's SettingsExporter writes and its SettingsImporter reads
(``<k9settings format="1" version=...>``), in the minimal shape Thunderbird for Android's
own "import from Thunderbird" QR-code migration writes (``XmlSettingWriter`` in
``feature/migration/qrcode``): per account a name, ``settings``, one ``incoming-server``, one
``outgoing-server`` and the ``identities``. Every other setting is left to the app's
defaults, which the importer fills in.

Choices, and why:
* No ``<password>`` element, ever: the importer then asks for the password on first use.
* The account ``uuid`` is derived from the address (UUID v5), so exporting the same account
  twice gives the same file and re-importing is recognisable, never a random duplicate.
* ``version="99"``: the settings version the app's own migration writer uses; the importer
  upgrades older settings versions, so it need not track the app's current number.
* The security and authentication words are K-9's enum names (``ConnectionSecurity``,
  ``AuthType``, columns ``K9_SETTINGS`` and ``K9_QR`` of ``export_table``); a value K-9 has
  no word for raises ``Untranslatable`` instead of writing something the importer would drop.

The QR code of the "import from Thunderbird" screen: its payload is the compact JSON array
that desktop Thunderbird's export wizard encodes and Thunderbird for Android's
``feature/migration/qrcode`` reads (``QrCodePayloadAdapter`` / ``QrCodePayloadMapper``)::

    [1, [seq, seq_end],
     [in_protocol, host, port, security, auth, username, account_name?, password?],
     [[[out_protocol, host, port, security, auth, username, password?],
       [email, display_name], ...]], ...]

with protocol 0 = IMAP / 1 = POP3 (incoming), 0 = SMTP (outgoing), security 2 = STARTTLS /
3 = TLS (Thunderbird's nsMsgSocketType numbers), auth 1 = cleartext password, 2 = encrypted
password, 6 = OAuth2. mailhop writes it without the optional account name and never with a
password: the app then asks for it. No specification is published; the numbers follow the app's
reader, so a change there shows up as a failing scan, not as a wrong account.
"""

from __future__ import annotations

import io
import json
import re
import uuid
import xml.etree.ElementTree as ET

import segno

from ..account.profile import AccountProfile, EndpointSetting
from ..common.i18n import _
from ..common.model import AuthMethod, Service
from .table import K9_QR, K9_SETTINGS
from .xml_values import xml_value

__all__ = [
    "K9_QR",
    "K9_SETTINGS",
    "k9_note",
    "k9_qr_payload",
    "k9_qr_png",
    "k9_qr_svg",
    "k9_settings_xml",
    "k9_uuid",
]

_TYPES = {Service.IMAP: "IMAP", Service.POP3: "POP3"}
# IMAP deletes on the server when deleted in the app; POP3 keeps server copies (K-9 defaults).
_DELETE_POLICY = {Service.IMAP: "DELETE", Service.POP3: "NEVER"}
_SETTINGS_VERSION = "99"
_NAMESPACE = uuid.UUID("6f0c1c55-0d83-5c1e-9d4a-6b3e1f4e9a01")


def k9_uuid(profile: AccountProfile) -> str:
    """The account's stable UUID: the same address always gives the same one."""
    return str(uuid.uuid5(_NAMESPACE, "k9:" + profile.address.lower()))


def _text(parent: ET.Element, tag: str, value: str) -> None:
    ET.SubElement(parent, tag).text = xml_value(value, tag)


def _server(parent: ET.Element, tag: str, kind: str, setting: EndpointSetting) -> None:
    server = ET.SubElement(parent, tag, {"type": kind})
    _text(server, "host", setting.host)
    _text(server, "port", str(setting.port))
    _text(server, "connection-security", K9_SETTINGS.security(setting.security))
    _text(server, "authentication-type", K9_SETTINGS.auth(setting.auth_method))
    _text(server, "username", setting.username)


# The app's settings importer keeps an account only if its identity's address matches
# EmailAddressValidator.isValidAddressOnly (legacy/core/.../k9/EmailAddressValidator.kt,
# called by IdentitySettingsValidator): an ASCII dot-atom or quoted local part and an ASCII
# host name. Any other address makes the import list the account as failed.
_ATEXT = r"[0-9a-zA-Z!#$%&'*+\-/=?^_`{|}~]"
_QCONTENT = r"([\x21\x23-\x5b\x5d-\x7e \t]|\\[\x21-\x7e \t])"  # Java \p{Graph}, \p{Blank}
_LABEL = r"(([a-zA-Z0-9]([a-zA-Z0-9]|-|_)*[a-zA-Z0-9])|[a-zA-Z0-9])"
_TOP = r"(([a-zA-Z]([a-zA-Z0-9]|-|_)*[a-zA-Z0-9])|[a-zA-Z])"
_IMPORTER_ADDRESS = re.compile(
    rf'({_ATEXT}+(\.{_ATEXT}+)*|"{_QCONTENT}+")@((({_LABEL}\.)+{_TOP})|{_LABEL})'
)


def k9_settings_xml(profile: AccountProfile) -> bytes:
    """The ``.k9s`` bytes for ``profile`` (UTF-8 XML, no password)."""
    if not _IMPORTER_ADDRESS.fullmatch(profile.address):
        raise ValueError(
            f"the app's settings import accepts only plain ASCII addresses, and would refuse "
            f"the account {profile.address!r}; add it in the app by hand"
        )
    incoming = profile.incoming
    kind = _TYPES.get(incoming.service)
    if kind is None:
        raise ValueError(f"incoming service {incoming.service.value!r} is not IMAP or POP3")
    if profile.outgoing.service is not Service.SUBMISSION:
        raise ValueError(f"outgoing service {profile.outgoing.service.value!r} is not submission")
    root = ET.Element("k9settings", {"version": _SETTINGS_VERSION, "format": "1"})
    accounts = ET.SubElement(root, "accounts")
    account = ET.SubElement(accounts, "account", {"uuid": k9_uuid(profile)})
    _text(account, "name", profile.address_unicode)
    settings = ET.SubElement(account, "settings")
    policy = ET.SubElement(settings, "value", {"key": "deletePolicy"})
    policy.text = _DELETE_POLICY[incoming.service]
    _server(account, "incoming-server", kind, incoming)
    _server(account, "outgoing-server", "SMTP", profile.outgoing)
    identities = ET.SubElement(account, "identities")
    identity = ET.SubElement(identities, "identity")
    _text(identity, "name", profile.display_name)
    _text(identity, "email", profile.address)
    ET.indent(root)
    data: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return data + b"\n"


def k9_note(profile: AccountProfile) -> str | None:
    """What the person must know before importing an OAuth2 account into the app, or None.

    Neither the ``.k9s`` file (``AuthType`` XOAUTH2 per server) nor the QR payload (auth 6)
    has a field for the OAuth2 issuer, a client ID or a scope: the app picks its OAuth2
    settings by the server's host name from the providers built into it
    (``OAuthConfigurationFactory``: AOL, Fastmail, Gmail, Microsoft, Yahoo), with client IDs
    of its own. For any other server it cannot get a token, whatever the file says."""
    legs = [s for s in (profile.incoming, profile.outgoing) if s.auth_method is AuthMethod.OAUTH2]
    if not legs:
        return None
    hosts = ", ".join(dict.fromkeys(s.host for s in legs))
    issuer = profile.oauth2_issuer or _("the provider's sign-in service")
    return _(
        "OAuth2 ({hosts}): Thunderbird for Android's settings file and QR code carry only the "
        "method; the format has no place for the sign-in service ({issuer}). The app signs in "
        "with OAuth2 only to the providers built into it, chosen by the server's name; for "
        "others it cannot get a token and the account will not sign in."
    ).format(hosts=hosts, issuer=issuer)


_QR_INCOMING = {Service.IMAP: 0, Service.POP3: 1}
_QR_VERSION = 1


def _qr_server(protocol: int, setting: EndpointSetting) -> list[object]:
    return [
        protocol,
        setting.host,
        setting.port,
        int(K9_QR.security(setting.security)),
        int(K9_QR.auth(setting.auth_method)),
        setting.username,
    ]


def k9_qr_payload(profile: AccountProfile) -> str:
    """The text the "import from Thunderbird" screen scans, for this one account (no password)."""
    protocol = _QR_INCOMING.get(profile.incoming.service)
    if protocol is None:
        raise ValueError(f"incoming service {profile.incoming.service.value!r} is not IMAP or POP3")
    if profile.outgoing.service is not Service.SUBMISSION:
        raise ValueError(f"outgoing service {profile.outgoing.service.value!r} is not submission")
    _qr_reader_accepts(profile)
    identity = [profile.address, profile.display_name]
    data = [
        _QR_VERSION,
        [1, 1],  # this is code 1 of 1
        _qr_server(protocol, profile.incoming),
        [[_qr_server(0, profile.outgoing), identity]],
    ]
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


# The app's QR reader (feature/migration/qrcode QrCodePayloadValidator) rejects the whole
# import for one bad value: a line break in a user name or display name, or an address its
# LIMITED parser refuses (EmailAddressParserConfig.LIMITED: an ASCII dot-atom local part of at
# most 64 characters, no quoted string, at most 254 in all).
_LINE_BREAK = re.compile(r"[\r\n]")
_QR_LOCAL_PART = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
)


def _qr_reader_accepts(profile: AccountProfile) -> None:
    values = {
        "display name": profile.display_name,
        "incoming user name": profile.incoming.username,
        "outgoing user name": profile.outgoing.username,
    }
    for what, value in values.items():
        if _LINE_BREAK.search(value):
            raise ValueError(
                f"the {what} {value!r} holds a line break: the app's QR reader then refuses "
                "the whole import"
            )
    local = profile.address.rpartition("@")[0]
    if len(local) > 64 or len(profile.address) > 254 or not _QR_LOCAL_PART.fullmatch(local):
        raise ValueError(
            f"the app's QR reader accepts only plain ASCII addresses (a dot-atom local part of "
            f"at most 64 characters); it refuses {profile.address!r}, so the whole import fails"
        )


def _qr(profile: AccountProfile) -> segno.QRCode:
    # Error correction M: readable off a laptop screen at an angle, still a small symbol.
    return segno.make_qr(k9_qr_payload(profile), error="m", boost_error=False)


def k9_qr_svg(profile: AccountProfile) -> bytes:
    """The QR code as a standalone SVG document."""
    out = io.BytesIO()
    _qr(profile).save(out, kind="svg", scale=6, border=4)
    return out.getvalue()


def k9_qr_png(profile: AccountProfile) -> bytes:
    """The QR code as PNG bytes."""
    out = io.BytesIO()
    _qr(profile).save(out, kind="png", scale=6, border=4)
    return out.getvalue()
