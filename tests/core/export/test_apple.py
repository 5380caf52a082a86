"""Apple .mobileconfig export: parsed back, checked against Apple's schema, signed and verified."""

from __future__ import annotations

import base64
import datetime as dt
import plistlib
import subprocess
import uuid
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from mailhop.core.account.profile import PROFILE_VERSION, AccountProfile, EndpointSetting
from mailhop.core.common.model import AuthMethod, Security, Service
from mailhop.core.export.apple import (
    MAIL_PAYLOAD_TYPE,
    ExportError,
    Signer,
    SigningError,
    key_table,
    mobileconfig,
    sign_profile,
)
from tests.conftest import SHARED
from tests.core.account.test_profile import IMAP as SAVED_IMAP

IMAP = replace(SAVED_IMAP, host="imap.example.com")
SMTP_TLS = replace(IMAP, service=Service.SUBMISSION, host="smtp.example.com", port=465)
SMTP_STARTTLS = replace(SMTP_TLS, port=587, security=Security.STARTTLS)
POP3 = replace(IMAP, service=Service.POP3, host="pop.example.com", port=995)
PROFILE = AccountProfile(
    version=PROFILE_VERSION,
    address="jo@example.com",
    address_unicode="jo@example.com",
    display_name="Jo Example",
    incoming=IMAP,
    outgoing=SMTP_TLS,
    oauth2=False,
    approvals=(),
    secrets=(),
    verdict="ok",
    checked_at="2026-11-29T00:00:00Z",
)
STARTTLS_PROFILE = replace(
    PROFILE, incoming=replace(IMAP, port=143, security=Security.STARTTLS), outgoing=SMTP_STARTTLS
)
POP_PROFILE = replace(PROFILE, incoming=POP3, outgoing=SMTP_STARTTLS)
OTHER = replace(PROFILE, address="sam@example.com", address_unicode="sam@example.com")
ALL_PROFILES = [PROFILE, STARTTLS_PROFILE, POP_PROFILE]


def _parse(data: bytes) -> tuple[dict[str, Any], dict[str, Any]]:
    top = plistlib.loads(data, fmt=plistlib.FMT_XML)
    (payload,) = top["PayloadContent"]
    return top, payload


def _expect_leg(payload: dict[str, Any], leg: str, endpoint: EndpointSetting) -> None:
    assert payload[f"{leg}MailServerHostName"] == endpoint.host
    assert payload[f"{leg}MailServerPortNumber"] == endpoint.port
    assert type(payload[f"{leg}MailServerPortNumber"]) is int
    assert payload[f"{leg}MailServerUseSSL"] is True  # implicit TLS and STARTTLS alike
    assert payload[f"{leg}MailServerUsername"] == endpoint.username
    assert payload[f"{leg}MailServerAuthentication"] == "EmailAuthPassword"


@pytest.mark.parametrize("profile", ALL_PROFILES, ids=["imap-tls", "imap-starttls", "pop3"])
def test_parsed_back_matches_the_profile(profile: AccountProfile) -> None:
    top, payload = _parse(mobileconfig(profile))
    assert top["PayloadType"] == "Configuration"
    assert top["PayloadVersion"] == 1
    assert top["PayloadOrganization"] == "mailhop"
    assert payload["PayloadType"] == MAIL_PAYLOAD_TYPE
    assert payload["PayloadVersion"] == 1
    expected_type = "EmailTypePOP" if profile.incoming.service is Service.POP3 else "EmailTypeIMAP"
    assert payload["EmailAccountType"] == expected_type
    assert payload["EmailAddress"] == profile.address
    assert payload["EmailAccountName"] == profile.display_name
    assert profile.address in payload["EmailAccountDescription"]
    _expect_leg(payload, "Incoming", profile.incoming)
    _expect_leg(payload, "Outgoing", profile.outgoing)
    assert payload["OutgoingPasswordSameAsIncomingPassword"] is True
    assert payload["PayloadIdentifier"].startswith(top["PayloadIdentifier"] + ".")


@pytest.mark.parametrize("profile", ALL_PROFILES, ids=["imap-tls", "imap-starttls", "pop3"])
def test_no_password_key(profile: AccountProfile) -> None:
    data = mobileconfig(profile)
    top, payload = _parse(data)
    keys = set(top) | set(payload)
    assert [k for k in keys if "password" in k.lower()] == [
        "OutgoingPasswordSameAsIncomingPassword"
    ]
    assert b"<integer></integer>" not in data and b"<integer/>" not in data


def test_encrypted_password_is_cram_md5() -> None:
    profile = replace(
        PROFILE,
        incoming=replace(IMAP, auth_method=AuthMethod.PASSWORD_ENCRYPTED),
        outgoing=replace(SMTP_TLS, auth_method=AuthMethod.PASSWORD_ENCRYPTED),
    )
    _, payload = _parse(mobileconfig(profile))
    assert payload["IncomingMailServerAuthentication"] == "EmailAuthCRAMMD5"
    assert payload["OutgoingMailServerAuthentication"] == "EmailAuthCRAMMD5"


def test_uuids_are_stable_per_account_and_distinct_between_accounts() -> None:
    first, first_payload = _parse(mobileconfig(PROFILE))
    again, again_payload = _parse(mobileconfig(replace(PROFILE, display_name="Renamed")))
    other, other_payload = _parse(mobileconfig(OTHER))
    assert first["PayloadUUID"] == again["PayloadUUID"]
    assert first_payload["PayloadUUID"] == again_payload["PayloadUUID"]
    assert first["PayloadIdentifier"] == again["PayloadIdentifier"]
    assert first["PayloadUUID"] != other["PayloadUUID"]
    assert first_payload["PayloadUUID"] != other_payload["PayloadUUID"]
    assert first["PayloadUUID"] != first_payload["PayloadUUID"]
    assert first["PayloadIdentifier"] != other["PayloadIdentifier"]
    for value in (first["PayloadUUID"], first_payload["PayloadUUID"]):
        assert uuid.UUID(value).version == 5


def test_output_is_deterministic() -> None:
    assert mobileconfig(PROFILE) == mobileconfig(PROFILE)


def test_oauth2_is_refused_with_an_explanation() -> None:
    profile = replace(
        PROFILE,
        oauth2=True,
        incoming=replace(IMAP, auth_method=AuthMethod.OAUTH2),
        outgoing=replace(SMTP_TLS, auth_method=AuthMethod.OAUTH2),
    )
    with pytest.raises(ExportError, match="OAuth2") as caught:
        mobileconfig(profile)
    assert "cannot express" in str(caught.value)
    with pytest.raises(ExportError, match="OAuth2"):  # one leg alone is enough to refuse
        mobileconfig(replace(PROFILE, outgoing=replace(SMTP_TLS, auth_method=AuthMethod.OAUTH2)))


def test_hostile_display_name_is_escaped_and_kept_on_one_line() -> None:
    hostile = 'Jö "The Boss" <root@evil.example>\n\tBcc: all@example.com</string><true/>'
    data = mobileconfig(replace(PROFILE, display_name=hostile))
    assert b"</string><true/>" not in data  # escaped, so no markup was injected
    _, payload = _parse(data)
    assert payload["EmailAccountName"] == (
        'Jö "The Boss" <root@evil.example> Bcc: all@example.com</string><true/>'
    )
    assert "\n" not in payload["EmailAccountName"]


def test_empty_display_name_leaves_the_key_out() -> None:
    _, payload = _parse(mobileconfig(replace(PROFILE, display_name=" \n ")))
    assert "EmailAccountName" not in payload


@pytest.mark.parametrize(
    ("change", "message"),
    [
        # A security that is not TLS cannot reach here: the profile reader refuses it
        # (tests/core/account/test_profile.py).
        ({"port": 0}, "outside 1-65535"),
        ({"auth_method": AuthMethod.NONE}, "no Apple equivalent"),
        ({"service": Service.RELAY}, "not IMAP or POP3"),
    ],
)
def test_settings_apple_cannot_take_are_refused(change: dict[str, Any], message: str) -> None:
    with pytest.raises(ExportError, match=message):
        mobileconfig(replace(PROFILE, incoming=replace(IMAP, **change)))


def test_every_written_key_is_in_mailhops_table() -> None:
    table = key_table()
    for profile in ALL_PROFILES:
        top, payload = _parse(mobileconfig(profile))
        assert set(top) <= set(table["profile"])
        assert set(payload) <= set(table["payload"])
        for level, values in (("profile", top), ("payload", payload)):
            required = {k for k, rule in table[level].items() if rule["required"]}
            assert required <= set(values)
    assert not [k for k in table["payload"] if "Password" in k and "SameAs" not in k]


# -- Apple's schema (../shared/specs/apple) ---------------------------------------------------

_YAML_TYPES = {
    "<string>": str,
    "<integer>": int,
    "<boolean>": bool,
    "<array>": list,
    "<dictionary>": dict,
}


def _schema(name: str) -> dict[str, dict[str, Any]]:
    import yaml  # a dev dependency (pyproject.toml): its absence is a failure, not a skip

    raw = yaml.safe_load((SHARED / "specs" / "apple" / name).read_text("utf-8"))
    return {entry["key"]: entry for entry in raw["payloadkeys"]}


def _validate(values: dict[str, Any], schema: dict[str, dict[str, Any]]) -> list[str]:
    problems = []
    for key, value in values.items():
        entry = schema.get(key)
        if entry is None:
            problems.append(f"{key}: not in Apple's schema")
            continue
        expected = _YAML_TYPES[entry["type"]]
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            problems.append(f"{key}: {type(value).__name__}, schema says {entry['type']}")
        if "rangelist" in entry and value not in entry["rangelist"]:
            problems.append(f"{key}: {value!r} not in {entry['rangelist']}")
    for key, entry in schema.items():
        if entry.get("presence") == "required" and key not in values:
            problems.append(f"{key}: required, missing")
    return problems


@pytest.mark.shared
@pytest.mark.parametrize("profile", ALL_PROFILES, ids=["imap-tls", "imap-starttls", "pop3"])
def test_output_validates_against_apples_schema(profile: AccountProfile) -> None:
    top, payload = _parse(mobileconfig(profile))
    common = _schema("CommonPayloadKeys.yaml")
    mail = {**common, **_schema("com.apple.mail.managed.yaml")}
    assert _validate(top, _schema("TopLevel.yaml")) == []
    assert _validate(payload, mail) == []


@pytest.mark.shared
def test_mailhops_table_agrees_with_apples_schema() -> None:
    table = key_table()
    yaml_name = {"string": "<string>", "integer": "<integer>", "boolean": "<boolean>"}
    yaml_name["array"] = "<array>"
    schemas = {
        "profile": _schema("TopLevel.yaml"),
        "payload": {**_schema("CommonPayloadKeys.yaml"), **_schema("com.apple.mail.managed.yaml")},
    }
    for level, schema in schemas.items():
        for key, rule in table[level].items():
            entry = schema[key]
            assert yaml_name[rule["type"]] == entry["type"], key
            assert rule["required"] == (entry.get("presence") == "required"), key
            if "rangelist" in entry:
                assert set(rule.get("values", entry["rangelist"])) <= set(entry["rangelist"]), key
        for key, entry in schema.items():
            if entry.get("presence") == "required":
                assert key in table[level], key


# -- Signing -----------------------------------------------------------------------------------


def _pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _cert(
    name: str,
    key: ec.EllipticCurvePrivateKey,
    issuer: tuple[x509.Certificate, ec.EllipticCurvePrivateKey] | None,
    *,
    ca: bool,
) -> x509.Certificate:
    now = dt.datetime.now(dt.UTC)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    issuer_name = issuer[0].subject if issuer else subject
    signing_key = issuer[1] if issuer else key
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=not ca,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=ca,
                crl_sign=ca,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
    )
    return builder.sign(signing_key, hashes.SHA256())


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root_key, mid_key, leaf_key = (ec.generate_private_key(ec.SECP256R1()) for _ in range(3))
    root = _cert("mailhop test root", root_key, None, ca=True)
    mid = _cert("mailhop test intermediate", mid_key, (root, root_key), ca=True)
    leaf = _cert("mailhop test profile signer", leaf_key, (mid, mid_key), ca=False)
    folder = tmp_path_factory.mktemp("pki")
    (folder / "root.pem").write_bytes(_pem(root))
    return {
        "folder": folder,
        "leaf": _pem(leaf),
        "leaf_key": _key_pem(leaf_key),
        "chain": _pem(mid),
        "other_key": _key_pem(mid_key),
    }


def test_signed_profile_verifies_with_openssl_and_unwraps_to_the_plist(
    pki: dict[str, Any],
) -> None:
    plist = mobileconfig(PROFILE)
    signed = mobileconfig(PROFILE, signer=Signer(pki["leaf"], pki["leaf_key"], pki["chain"]))
    folder: Path = pki["folder"]
    (folder / "profile.mobileconfig").write_bytes(signed)
    out = folder / "out.plist"
    result = subprocess.run(
        [
            "openssl", "cms", "-verify", "-inform", "DER",
            "-in", str(folder / "profile.mobileconfig"),
            "-CAfile", str(folder / "root.pem"),
            "-out", str(out),
        ],
        capture_output=True,
        text=True,
        check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert out.read_bytes() == plist
    assert b"\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x07\x02" in signed[:32]  # signedData OID


def test_signature_without_the_intermediate_does_not_verify(pki: dict[str, Any]) -> None:
    folder: Path = pki["folder"]
    (folder / "bare.mobileconfig").write_bytes(
        sign_profile(mobileconfig(PROFILE), pki["leaf"], pki["leaf_key"])
    )
    result = subprocess.run(
        [
            "openssl", "cms", "-verify", "-inform", "DER",
            "-in", str(folder / "bare.mobileconfig"),
            "-CAfile", str(folder / "root.pem"),
            "-out", str(folder / "bare.out"),
        ],
        capture_output=True,
        check=False,
    )  # fmt: skip
    assert result.returncode != 0  # so the passing test above really needed the chain


def test_wrong_key_is_a_clear_error(pki: dict[str, Any]) -> None:
    with pytest.raises(SigningError, match="does not match the signing certificate"):
        sign_profile(b"<plist/>", pki["leaf"], pki["other_key"], pki["chain"])


@pytest.mark.parametrize(
    ("field", "message"),
    [("certificate", "certificate is not a readable PEM"), ("key", "not a readable PEM")],
)
def test_unreadable_pem_is_a_clear_error(pki: dict[str, Any], field: str, message: str) -> None:
    certificate = b"garbage" if field == "certificate" else pki["leaf"]
    key = b"garbage" if field == "key" else pki["leaf_key"]
    with pytest.raises(SigningError, match=message):
        sign_profile(b"<plist/>", certificate, key)


def test_signer_repr_hides_the_key(pki: dict[str, Any]) -> None:
    assert "PRIVATE" not in repr(Signer(pki["leaf"], pki["leaf_key"]))


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        # an EC key whose algorithm OID nobody knows: UnsupportedAlgorithm on .public_key()
        (bytes.fromhex("2a8648ce3d0201"), bytes.fromhex("2a8648ce3d0209"), "does not match"),
        # X.509 version 8
        (b"\xa0\x03\x02\x01\x02", b"\xa0\x03\x02\x01\x07", "not a readable PEM"),
    ],
    ids=["unknown-key-type", "bad-version"],
)
def test_a_garbled_signing_certificate_is_a_clear_error(
    pki: dict[str, Any], old: bytes, new: bytes, message: str
) -> None:
    der = x509.load_pem_x509_certificate(pki["leaf"]).public_bytes(serialization.Encoding.DER)
    assert old in der
    body = base64.encodebytes(der.replace(old, new, 1)).decode("ascii")
    pem = f"-----BEGIN CERTIFICATE-----\n{body}-----END CERTIFICATE-----\n".encode()
    with pytest.raises(SigningError, match=message):
        sign_profile(b"<plist/>", pem, pki["leaf_key"])
