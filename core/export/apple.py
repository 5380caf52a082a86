"""Apple Mail (iOS, iPadOS, macOS, visionOS): a ``.mobileconfig`` for a saved account.

The profile is an XML plist built with ``plistlib`` (never a template) holding one
``com.apple.mail.managed`` payload. Decisions, each checked by a test:

* **Stable UUIDs.** Apple replaces an installed profile whose PayloadIdentifier and PayloadUUID
  match the new one (CommonPayloadKeys: "During a profile replacement ..."), so both are derived
  from the account address with uuid5 under a fixed mailhop namespace: reinstalling after a
  re-check replaces the account instead of adding a second copy.
* **UseSSL is true for implicit TLS and for STARTTLS.** Apple's key means "use TLS"; Mail speaks
  TLS from the first byte on 993/995/465 and negotiates STARTTLS on 143/110/587 when the key is
  true. ``false`` would allow a cleartext login, which mailhop never sets up.
* **Authentication.** ``password-cleartext`` (a password inside TLS) is ``EmailAuthPassword``,
  ``password-encrypted`` is ``EmailAuthCRAMMD5``. The payload has no OAuth2 value at all, so an
  OAuth2 account is refused with an explanation instead of exporting a password account that
  would never log in.
* **No password keys.** Apple allows IncomingPassword/OutgoingPassword only in encrypted profiles;
  mailhop writes neither, and sets OutgoingPasswordSameAsIncomingPassword so that Settings asks
  for the password once during installation.
* **Checked before it leaves.** Every profile is checked against mailhop's own table of the keys
  it writes (``data/apple-mail-keys.json``: type, required, allowed values); the tests check that
  table against Apple's schema.

Signing (optional) makes an attached DER CMS SignedData with ``cryptography``'s PKCS7 builder:
SHA-256, the intermediates included, and only the ``Binary`` option, because without it the
content is canonicalised as text (CRLF) and the plist inside no longer matches what was signed
for the reader.
"""

from __future__ import annotations

import json
import plistlib
import unicodedata
import uuid
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs7

from ..account.profile import AccountProfile, EndpointSetting
from ..common.errors import ExportError
from ..common.model import AuthMethod, Security, Service
from ..common.untrusted import UntrustedDataError, public_key_of, read_pem_certificates

__all__ = [
    "MAIL_PAYLOAD_TYPE",
    "NAMESPACE",
    "ExportError",
    "Signer",
    "SigningError",
    "key_table",
    "mobileconfig",
    "sign_profile",
]

MAIL_PAYLOAD_TYPE = "com.apple.mail.managed"

# Fixed forever: changing it would make every exported profile install as a new one.
NAMESPACE = uuid.UUID("6f1d2a3e-5b8c-4e47-9a0d-3c2b1e6f7a91")

_ACCOUNT_TYPES = {Service.IMAP: "EmailTypeIMAP", Service.POP3: "EmailTypePOP"}
_AUTH = {
    AuthMethod.PASSWORD_CLEARTEXT: "EmailAuthPassword",
    AuthMethod.PASSWORD_ENCRYPTED: "EmailAuthCRAMMD5",
}
# Both mailhop security modes are TLS; Apple's UseSSL means "use TLS" (see the module docstring).
_USE_SSL = {Security.IMPLICIT_TLS: True, Security.STARTTLS: True}
_PLIST_TYPES: dict[str, type | tuple[type, ...]] = {
    "string": str,
    "integer": int,
    "boolean": bool,
    "array": list,
}


class SigningError(ExportError):
    """The certificate, key or chain given for signing cannot be used; the message says which."""


@dataclass(frozen=True, slots=True)
class Signer:
    """What the user supplies to sign a profile: PEM certificate, its key, and intermediates."""

    certificate_pem: bytes
    key_pem: bytes
    chain_pem: bytes = b""

    def __repr__(self) -> str:  # the key is a secret: never in logs or tracebacks
        return "Signer(certificate_pem=..., key_pem=<hidden>, chain_pem=...)"


def mobileconfig(
    profile: AccountProfile, *, organization: str = "mailhop", signer: Signer | None = None
) -> bytes:
    """The ``.mobileconfig`` bytes for ``profile`` (XML plist, or DER CMS when signed)."""
    methods = {profile.incoming.auth_method, profile.outgoing.auth_method}
    if profile.oauth2 or AuthMethod.OAUTH2 in methods:
        raise ExportError(
            f"{profile.address} signs in with OAuth2, which an Apple configuration profile cannot "
            "express (com.apple.mail.managed has no OAuth2 authentication); add the account in "
            "Apple Mail itself, which offers the provider's own sign-in"
        )
    service = profile.incoming.service
    account_type = _ACCOUNT_TYPES.get(service)
    if account_type is None:
        raise ExportError(f"incoming service {service.value!r} is not IMAP or POP3")
    if profile.outgoing.service is not Service.SUBMISSION:
        raise ExportError(f"outgoing service {profile.outgoing.service.value!r} is not submission")

    top_uuid = uuid.uuid5(NAMESPACE, f"{profile.address}\0Configuration")
    mail_uuid = uuid.uuid5(NAMESPACE, f"{profile.address}\0{MAIL_PAYLOAD_TYPE}")
    identifier = f"mailhop.account.{top_uuid}"
    shown = profile.address_unicode or profile.address
    name = _one_line(profile.display_name)

    payload: dict[str, Any] = {
        "PayloadType": MAIL_PAYLOAD_TYPE,
        "PayloadVersion": 1,
        "PayloadIdentifier": f"{identifier}.mail",
        "PayloadUUID": str(mail_uuid).upper(),
        "PayloadDisplayName": f"Mail account {shown}",
        "PayloadDescription": f"Sets up the mail account {shown} in Apple Mail.",
        "PayloadOrganization": organization,
        "EmailAccountType": account_type,
        "EmailAddress": profile.address,
        "EmailAccountDescription": shown,
        **_server("Incoming", profile.incoming),
        **_server("Outgoing", profile.outgoing),
        "OutgoingPasswordSameAsIncomingPassword": True,
    }
    if name:
        payload["EmailAccountName"] = name
    top: dict[str, Any] = {
        "PayloadType": "Configuration",
        "PayloadVersion": 1,
        "PayloadIdentifier": identifier,
        "PayloadUUID": str(top_uuid).upper(),
        "PayloadDisplayName": f"Mail account {shown}",
        "PayloadDescription": (
            f"Sets up {shown} in Apple Mail with the settings mailhop checked. "
            "It holds no password: Mail asks for it once during installation."
        ),
        "PayloadOrganization": organization,
        "PayloadContent": [payload],
    }
    _check("profile", top)
    _check("payload", payload)
    data = plistlib.dumps(top, fmt=plistlib.FMT_XML, sort_keys=True)
    if signer is None:
        return data
    return sign_profile(data, signer.certificate_pem, signer.key_pem, signer.chain_pem)


def sign_profile(
    data: bytes, certificate_pem: bytes, key_pem: bytes, chain_pem: bytes = b""
) -> bytes:
    """An attached DER CMS SignedData of ``data`` (SHA-256), intermediates from ``chain_pem``."""
    # The person's files are read through the untrusted-bytes boundary: cryptography
    # parses a certificate lazily, so a garbled one would raise later, from .public_key().
    try:
        certificate = read_pem_certificates(certificate_pem)[0]
    except UntrustedDataError as exc:
        raise SigningError(
            f"the signing certificate is not a readable PEM certificate: {exc}"
        ) from exc
    try:
        key = serialization.load_pem_private_key(key_pem, password=None)
    except TypeError:
        raise SigningError(
            "the signing key is password-protected; give it unencrypted (PEM)"
        ) from None
    except (ValueError, UnsupportedAlgorithm) as exc:
        raise SigningError(f"the signing key is not a readable PEM private key: {exc}") from exc
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise SigningError("the signing key must be RSA or EC; Apple's devices verify those")
    certificate_key = public_key_of(certificate)
    if certificate_key is None or _spki(key.public_key()) != _spki(certificate_key):
        raise SigningError(
            "the signing key does not match the signing certificate "
            f"({certificate.subject.rfc4514_string()})"
        )
    chain: list[x509.Certificate] = []
    if chain_pem.strip():
        try:
            chain = read_pem_certificates(chain_pem)
        except UntrustedDataError as exc:
            raise SigningError(f"the certificate chain is not readable PEM: {exc}") from exc
    builder = (
        pkcs7.PKCS7SignatureBuilder().set_data(data).add_signer(certificate, key, hashes.SHA256())
    )
    for extra in chain:
        builder = builder.add_certificate(extra)
    return builder.sign(serialization.Encoding.DER, [pkcs7.PKCS7Options.Binary])


@cache
def key_table() -> dict[str, dict[str, dict[str, Any]]]:
    """mailhop's own table of the keys it writes, per level ("profile", "payload")."""
    # One name per step: in a frozen bundle this is Python 3.11's MultiplexedPath, whose
    # joinpath() takes a single name (tests/installer/test_bundle_linux.py runs it).
    text = (resources.files("mailhop.core") / "data" / "apple-mail-keys.json").read_text("utf-8")
    raw = json.loads(text)
    return {"profile": raw["profile"], "payload": raw["payload"]}


def _server(leg: str, endpoint: EndpointSetting) -> dict[str, Any]:
    if not endpoint.host:
        raise ExportError(f"the {leg.lower()} server has no host name")
    if not 1 <= endpoint.port <= 65535:
        raise ExportError(f"the {leg.lower()} port {endpoint.port} is outside 1-65535")
    use_ssl = _USE_SSL.get(endpoint.security)
    if use_ssl is None:
        raise ExportError(f"the {leg.lower()} security {endpoint.security.value!r} is not TLS")
    auth = _AUTH.get(endpoint.auth_method)
    if auth is None:
        method = endpoint.auth_method.value
        raise ExportError(f"the {leg.lower()} authentication {method!r} has no Apple equivalent")
    keys: dict[str, Any] = {
        f"{leg}MailServerHostName": endpoint.host,
        f"{leg}MailServerPortNumber": int(endpoint.port),
        f"{leg}MailServerUseSSL": use_ssl,
        f"{leg}MailServerAuthentication": auth,
    }
    found = next((c for c in endpoint.username if unicodedata.category(c) == "Cc"), None)
    if found is not None:
        # plistlib writes CR and CR LF as LF and refuses the other control characters; Apple's
        # reader would keep them as they are. Neither gives the server the login it expects.
        raise ExportError(
            f"the {leg.lower()} user name {endpoint.username!r} holds the control character "
            f"U+{ord(found):04X}, which an Apple profile cannot carry as it is; change it "
            "before exporting this format"
        )
    if endpoint.username:  # absent, Settings asks for it; never an empty string
        keys[f"{leg}MailServerUsername"] = endpoint.username
    return keys


def _one_line(text: str) -> str:
    # The name goes into the From header of every message Mail sends: control characters
    # (newlines above all) become spaces; quotes, "<" and non-ASCII stay, plistlib escapes them.
    cleaned = "".join(" " if unicodedata.category(c) == "Cc" else c for c in text)
    return " ".join(cleaned.split())


def _check(level: str, values: dict[str, Any]) -> None:
    """Refuse to emit anything the table does not allow: a bug here must not reach a device."""
    table = key_table()[level]
    for key, value in values.items():
        rule = table.get(key)
        if rule is None:
            raise ExportError(f"bug: {level} key {key} is not in mailhop's Apple key table")
        expected = _PLIST_TYPES[rule["type"]]
        wrong_bool = rule["type"] == "integer" and isinstance(value, bool)
        if not isinstance(value, expected) or wrong_bool:
            raise ExportError(f"bug: {level} key {key} is not a {rule['type']}")
        if "values" in rule and value not in rule["values"]:
            raise ExportError(f"bug: {level} key {key} has the value {value!r}")
    missing = [key for key, rule in table.items() if rule["required"] and key not in values]
    if missing:
        raise ExportError(f"bug: {level} lacks the required keys {', '.join(missing)}")


def _spki(public_key: Any) -> bytes:
    return bytes(
        public_key.public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
