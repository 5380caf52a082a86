"""core.export_k9: the .k9s file parses back to the profile, has no password, lints clean."""

from __future__ import annotations

import json
import struct
import xml.etree.ElementTree as ET
import zlib
from dataclasses import replace

import pytest

from mailhop.core.common.model import AuthMethod, Security, Service
from mailhop.core.export.k9 import k9_note, k9_qr_payload, k9_settings_xml, k9_uuid
from mailhop.core.export.lint import Format, lint
from mailhop.core.export.table import Untranslatable
from tests.core.account.test_profile import PROFILE


def _parse(data: bytes) -> ET.Element:
    return ET.fromstring(data)  # noqa: S314 - our own output


def test_parse_back() -> None:
    root = _parse(k9_settings_xml(PROFILE))
    assert root.tag == "k9settings" and root.get("format") == "1"
    account = root.find("accounts/account")
    assert account is not None and account.get("uuid") == k9_uuid(PROFILE)
    for tag, kind, setting in (
        ("incoming-server", "IMAP", PROFILE.incoming),
        ("outgoing-server", "SMTP", PROFILE.outgoing),
    ):
        server = account.find(tag)
        assert server is not None and server.get("type") == kind
        assert server.findtext("host") == setting.host
        assert server.findtext("port") == str(setting.port)
        assert server.findtext("username") == setting.username
        assert (
            server.findtext("connection-security")
            == {
                "implicit-tls": "SSL_TLS_REQUIRED",
                "starttls": "STARTTLS_REQUIRED",
            }[setting.security.value]
        )
        assert server.findtext("authentication-type") in ("PLAIN", "CRAM_MD5", "XOAUTH2")
    assert account.findtext("identities/identity/email") == PROFILE.address
    assert account.findtext("identities/identity/name") == PROFILE.display_name


def test_no_password_and_stable() -> None:
    data = k9_settings_xml(PROFILE)
    assert not _parse(data).findall(".//password")
    assert data == k9_settings_xml(PROFILE)
    other = replace(PROFILE, address="al@example.com")
    assert k9_uuid(other) != k9_uuid(PROFILE)


def test_lints_clean() -> None:
    report = lint(k9_settings_xml(PROFILE), "account.k9s")
    assert report.format is Format.K9S
    assert report.problems == ()


def test_starttls_pop3() -> None:
    profile = replace(
        PROFILE,
        incoming=replace(
            PROFILE.incoming, service=Service.POP3, port=110, security=Security.STARTTLS
        ),
    )
    server = _parse(k9_settings_xml(profile)).find("accounts/account/incoming-server")
    assert server is not None and server.get("type") == "POP3"
    assert server.findtext("connection-security") == "STARTTLS_REQUIRED"


def test_untranslatable_refused() -> None:
    profile = replace(PROFILE, incoming=replace(PROFILE.incoming, auth_method=AuthMethod.NONE))
    with pytest.raises(Untranslatable):
        k9_settings_xml(profile)


def test_lint_catches_k9_problems() -> None:
    data = (
        k9_settings_xml(PROFILE)
        .replace(b"SSL_TLS_REQUIRED", b"NONE", 1)
        .replace(b"</incoming-server>", b"<password>x</password></incoming-server>")
    )
    assert {p.code.value for p in lint(data).problems} == {"socket-plain", "password-inside"}


def test_qr_payload_parses_back() -> None:
    from mailhop.core.export.k9 import k9_qr_payload

    data = json.loads(k9_qr_payload(PROFILE))
    version, misc, incoming, groups = data
    assert version == 1 and misc == [1, 1]
    # [protocol, host, port, security, auth, username]: IMAP, TLS (3), no password field
    assert incoming[:3] == [0, PROFILE.incoming.host, PROFILE.incoming.port]
    assert incoming[3] == {"implicit-tls": 3, "starttls": 2}[PROFILE.incoming.security.value]
    assert incoming[4] in (1, 2, 6) and incoming[5] == PROFILE.incoming.username
    assert len(incoming) == 6
    ((outgoing, identity),) = groups
    assert outgoing[:3] == [0, PROFILE.outgoing.host, PROFILE.outgoing.port]
    assert len(outgoing) == 6
    assert identity == [PROFILE.address, PROFILE.display_name]


def test_qr_images() -> None:
    import segno

    from mailhop.core.export.k9 import k9_qr_payload, k9_qr_png, k9_qr_svg

    svg = k9_qr_svg(PROFILE)
    assert ET.fromstring(svg).tag.endswith("svg")  # noqa: S314 - our own output
    assert k9_qr_png(PROFILE).startswith(b"\x89PNG\r\n\x1a\n")
    # The symbol holds the payload as bytes and stays small enough to scan off a screen.
    symbol = segno.make_qr(k9_qr_payload(PROFILE), error="m", boost_error=False)
    assert symbol.mode == "byte" and symbol.error == "M"
    assert isinstance(symbol.version, int) and symbol.version <= 15


def _paeth(left: int, up: int, corner: int) -> int:
    guess = left + up - corner
    near = min(abs(guess - left), abs(guess - up), abs(guess - corner))
    return left if abs(guess - left) == near else up if abs(guess - up) == near else corner


def _png_grey(data: bytes) -> tuple[bytes, int, int]:
    """The pixels of a 1-bit greyscale PNG as segno writes it, 0 or 255 each."""
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    chunks: dict[bytes, bytes] = {}
    pos = 8
    while pos < len(data):
        (size,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        chunks[kind] = chunks.get(kind, b"") + data[pos + 8 : pos + 8 + size]
        pos += 12 + size
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", chunks[b"IHDR"])
    assert (depth, colour, interlace) == (1, 0, 0), "not the 1-bit greyscale PNG segno writes"
    raw = zlib.decompress(chunks[b"IDAT"])
    stride = (width + 7) // 8
    pixels = bytearray()
    previous = bytes(stride)
    for row in range(height):
        kind, line = raw[row * (stride + 1)], bytearray(raw[row * (stride + 1) + 1 :][:stride])
        for i in range(stride):  # undo the row filter (PNG spec 9.2; one byte per "pixel")
            left, up = line[i - 1] if i else 0, previous[i]
            corner = previous[i - 1] if i else 0
            add = (0, left, up, (left + up) // 2, _paeth(left, up, corner))[kind]
            line[i] = (line[i] + add) & 0xFF
        previous = bytes(line)
        bits = int.from_bytes(line, "big")
        pixels += bytes(255 if bits >> (stride * 8 - 1 - x) & 1 else 0 for x in range(width))
    return bytes(pixels), width, height


def test_the_qr_png_scans_back_to_the_payload() -> None:
    """zxing-cpp, the decoder behind many Android scanners, reads the exported PNG."""
    import zxingcpp

    from mailhop.core.export.k9 import k9_qr_payload, k9_qr_png

    pixels, width, height = _png_grey(k9_qr_png(PROFILE))
    found = zxingcpp.read_barcodes(memoryview(pixels).cast("B", (height, width)))
    assert [(code.format, code.text) for code in found] == [
        (zxingcpp.BarcodeFormat.QRCode, k9_qr_payload(PROFILE))
    ]


def test_an_oauth2_account_is_told_the_format_cannot_name_its_issuer() -> None:
    issuer = "https://login.example.net"
    oauth = replace(
        PROFILE,
        oauth2=True,
        oauth2_issuer=issuer,
        incoming=replace(PROFILE.incoming, auth_method=AuthMethod.OAUTH2),
    )
    data = k9_settings_xml(oauth)
    account = _parse(data).find("accounts/account")
    assert account is not None
    assert account.findtext("incoming-server/authentication-type") == "XOAUTH2"
    assert account.findtext("outgoing-server/authentication-type") == "PLAIN"
    # nowhere in the file or the QR code: the format has no such field
    assert b"login.example.net" not in data and "login.example.net" not in k9_qr_payload(oauth)
    note = k9_note(oauth)
    assert note is not None and issuer in note and "OAuth2 (mail.example.com)" in note
    assert k9_note(PROFILE) is None  # a password account needs no word
