"""The boundary between untrusted bytes and the parsing libraries: every failure is one
error type, and the work is bounded before a library can recurse."""

from __future__ import annotations

import datetime as dt
import json
import plistlib
import time

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from mailhop.core.common.untrusted import (
    MAX_DEPTH,
    ForbiddenXmlError,
    UntrustedDataError,
    public_key_of,
    read_certificate,
    read_json,
    read_pem_certificates,
    read_plist,
    read_xml,
    signature_hash_of,
)


def _bplist(containers: list[list[int]]) -> bytes:
    """A binary plist whose object i is an array of the objects listed (Apple's layout:
    header, objects, offset table, 32-byte trailer); object 0 is the top."""
    body, offsets = bytearray(b"bplist00"), []
    for refs in containers:
        offsets.append(len(body))
        body += bytes([0xA0 | len(refs)]) + b"".join(r.to_bytes(2, "big") for r in refs)
    table = len(body)
    for offset in offsets:
        body += offset.to_bytes(4, "big")
    body += bytes(6) + bytes([4, 2]) + len(containers).to_bytes(8, "big") + bytes(8)
    return bytes(body + table.to_bytes(8, "big"))


# -- JSON --------------------------------------------------------------------------------


def test_json_nesting_is_bounded_before_json_recurses() -> None:
    fits = b"[" * MAX_DEPTH + b"]" * MAX_DEPTH
    assert read_json(fits) is not None
    with pytest.raises(UntrustedDataError, match="nested more than"):
        read_json(b"[" + fits + b"]")
    with pytest.raises(UntrustedDataError, match="nested more than"):
        read_json(b'{"a":' * 10_000)  # json alone: RecursionError
    # Brackets inside strings (escaped quotes too) are text, not nesting.
    text = json.dumps({"k": "[" * 500 + '\\"{' * 500})
    assert read_json(text.encode())["k"].startswith("[[[")


def test_the_json_depth_scan_is_linear_on_escaped_quotes() -> None:
    # A string never closed, full of escaped quotes: a string pattern that can fail was
    # retried from each of them, 32,000 scans of the rest (seconds for 64 KB).
    data = b'"' + b'\\"' * 32_000
    started = time.perf_counter()
    with pytest.raises(UntrustedDataError, match="Unterminated"):
        read_json(data)
    assert time.perf_counter() - started < 1.0


@pytest.mark.parametrize("number", [b"1e999", b"-1e999", b"NaN", b"Infinity", b"-Infinity"])
def test_json_numbers_must_be_finite(number: bytes) -> None:
    with pytest.raises(UntrustedDataError):
        read_json(b'{"port": ' + number + b"}")


@pytest.mark.parametrize(
    "data",
    [b"", b"{", b"\xff\xfe{}", b'"\xed\xa0\x80"', b"1" * 5000, b"\xef\xbb\xbf{}", b"{} x"],
    ids=["empty", "open", "utf-16-bom", "surrogate", "huge-int", "utf-8-bom", "trailing"],
)
def test_json_garbage_is_one_error_type(data: bytes) -> None:
    with pytest.raises(UntrustedDataError):
        read_json(data)


def test_json_hook_errors_and_size() -> None:
    def no_duplicates(pairs: list[tuple[str, object]]) -> dict[str, object]:
        if len({k for k, _ in pairs}) != len(pairs):
            raise ValueError("duplicate key")
        return dict(pairs)

    with pytest.raises(UntrustedDataError, match="duplicate"):
        read_json(b'{"a": 1, "a": 2}', object_pairs_hook=no_duplicates)
    with pytest.raises(UntrustedDataError, match="byte limit"):
        read_json(b" " * 70_000 + b"{}")


# -- property lists ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        b"<plist><dict>",  # ExpatError
        b'<plist version="1.0"><key>a</key></plist>',  # IndexError
        b'<?xml version="1.0" encoding="x-nope"?><plist/>',  # LookupError
        b"<plist><date>x</date></plist>",  # AttributeError
        b"<plist></dict></plist>",
        b"bplist00",
        b"bplist00" + bytes(40),
    ],
)
def test_plist_garbage_is_one_error_type(data: bytes) -> None:
    with pytest.raises(UntrustedDataError):
        read_plist(data)


def test_binary_plist_depth_cycles_and_sharing() -> None:
    chain = [[i + 1] for i in range(MAX_DEPTH - 1)] + [[]]
    assert read_plist(_bplist(chain)) is not None
    too_deep = [[i + 1] for i in range(MAX_DEPTH)] + [[]]
    with pytest.raises(UntrustedDataError, match="nested more than"):
        read_plist(_bplist(too_deep))
    with pytest.raises(UntrustedDataError, match="nested more than"):
        read_plist(_bplist([[i + 1] for i in range(3000)] + [[]]))  # plistlib: RecursionError
    with pytest.raises(UntrustedDataError, match="contains itself"):
        read_plist(_bplist([[1], [2], [0]]))
    with pytest.raises(UntrustedDataError, match="not there"):
        read_plist(_bplist([[7]]))
    # 40 levels, each holding the next twice: 2**40 paths, walked once per object.
    shared = [[i + 1, i + 1] for i in range(40)] + [[]]
    assert read_plist(_bplist(shared)) is not None


def test_xml_plist_depth_and_real_profiles() -> None:
    deep = b"<plist>" + b"<array>" * (MAX_DEPTH + 1) + b"</array>" * (MAX_DEPTH + 1) + b"</plist>"
    with pytest.raises(UntrustedDataError, match="nested more than"):
        read_plist(deep)
    value = {"PayloadContent": [{"Port": 993, "Data": b"\x00"}], "PayloadType": "Configuration"}
    for fmt in (plistlib.FMT_XML, plistlib.FMT_BINARY):
        assert read_plist(plistlib.dumps(value, fmt=fmt)) == value


def test_plist_entities_are_refused() -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE plist [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><plist><string>&b;</string></plist>'
    )
    with pytest.raises(UntrustedDataError, match="entity"):
        read_plist(bomb)


# -- XML -----------------------------------------------------------------------------------


def test_xml_depth_encoding_and_forbidden_constructs() -> None:
    assert read_xml(b"<a>" * MAX_DEPTH + b"</a>" * MAX_DEPTH).tag == "a"
    with pytest.raises(UntrustedDataError, match="nested more than"):
        read_xml(b"<a>" * (MAX_DEPTH + 1) + b"</a>" * (MAX_DEPTH + 1))
    with pytest.raises(UntrustedDataError, match="unknown encoding"):
        read_xml(b'<?xml version="1.0" encoding="x-nope"?><a/>')
    with pytest.raises(ForbiddenXmlError):
        read_xml(b'<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>')
    with pytest.raises(ForbiddenXmlError):
        read_xml(b'<!DOCTYPE a SYSTEM "http://example.com/a.dtd"><a/>')
    with pytest.raises(UntrustedDataError, match="malformed"):
        read_xml(b"<a><b></a>")


# -- certificates ------------------------------------------------------------------------


def _certificate() -> bytes:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "SIGNERNAME")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(4242)
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("mail.example.com")]), False)
        .sign(key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.DER)


@pytest.mark.parametrize(
    ("old", "new", "why"),
    [
        (b"\xa0\x03\x02\x01\x02", b"\xa0\x03\x02\x01\x07", "version"),  # InvalidVersion
        (b"\x0c\x0aSIGNERNAME", b"\x0c\x0a" + b"\xff" * 10, "asn1"),  # name not UTF-8
        (b"\x82\x10mail.example.com", b"\x8f\x10mail.example.com", "asn1"),  # SAN [15]
    ],
    ids=["version", "name", "san"],
)
def test_a_certificate_is_read_whole_inside_the_boundary(old: bytes, new: bytes, why: str) -> None:
    der = _certificate()
    assert old in der
    broken = der.replace(old, new)
    if why == "asn1":  # cryptography loads these and raises later, on .subject/.extensions
        x509.load_der_x509_certificate(broken)
    with pytest.raises(UntrustedDataError, match=why):
        read_certificate(broken)


def test_an_unknown_key_algorithm_is_a_readable_certificate_without_a_key() -> None:
    der = _certificate().replace(bytes.fromhex("2a8648ce3d0201"), bytes.fromhex("2a8648ce3d0209"))
    cert = read_certificate(der)
    assert public_key_of(cert) is None
    assert cert.subject.rfc4514_string() == "CN=SIGNERNAME"
    assert signature_hash_of(cert) is not None


def test_pem_certificates() -> None:
    cert = x509.load_der_x509_certificate(_certificate())
    pem = cert.public_bytes(serialization.Encoding.PEM)
    assert read_pem_certificates(pem + pem) == [cert, cert]
    for garbage in (b"", b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"):
        with pytest.raises(UntrustedDataError):
            read_pem_certificates(garbage)
