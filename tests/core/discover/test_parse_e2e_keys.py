"""parse_e2e_keys: fingerprints computed independently of mailhop: gpg's own for the lab key,
RFC 9580 appendix A.3's for its v6 sample, openssl's for the S/MIME certificate.

    tests/lab/scenarios/keys/alice.e2ekeys.test.pgp   gpg 2.2 --export (Ed25519, v4, legacy
                                                     packet header)
    tests/data/openpgp/alice-armored.asc             the same key, gpg --armor --export
    tests/data/openpgp/rfc9580-a3-v6.pgp             RFC 9580 A.3 (v6, new packet header)
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import dns.rdata
import dns.rdataclass
import pytest

from mailhop.core.discover.parse_e2e_keys import (
    KeyKind,
    PublishedKey,
    parse_openpgp_key,
    parse_smimea,
)
from tests.lab.scenario import SCENARIO_DIR, load

ROOT = Path(__file__).resolve().parents[3]
ALICE = (SCENARIO_DIR / "keys" / "alice.e2ekeys.test.pgp").read_bytes()
ALICE_FPR = "8E32112F29AAA181403ED0A3E6E7E955758FBFD1"  # gpg --with-colons --fingerprint
V6 = (ROOT / "tests" / "data" / "openpgp" / "rfc9580-a3-v6.pgp").read_bytes()
V6_FPR = "CB186C4F0609A697E4D52DFA6C722B0C1F1E27C18A56708F6525EC27BAD9ACC9"  # RFC 9580 A.3
SMIME_FPR = "F3EEC6D87EE2E31B8DDB42B7933F789183C3F76ED6BD2C8FB10A5B8FB5207471"  # openssl x509


def smimea_cert() -> bytes:
    scenario = load(SCENARIO_DIR / "e2ekeys.test.toml")
    record = next(r for r in scenario.records if r.type == "SMIMEA")
    rdata = dns.rdata.from_text(dns.rdataclass.IN, "SMIMEA", record.value)
    return bytes(rdata.cert)  # type: ignore[attr-defined]


def test_a_v4_key_as_gpg_exports_it_has_gpg_s_fingerprint() -> None:
    assert ALICE[0] == 0x98  # the legacy header gpg writes: tag 6, one-octet length
    assert parse_openpgp_key(ALICE) == PublishedKey(KeyKind.OPENPGP, ALICE_FPR, "OpenPGP v4")


def test_a_v6_key_has_the_fingerprint_rfc_9580_gives() -> None:
    assert V6[0] == 0xC6  # the new header: tag 6
    assert parse_openpgp_key(V6) == PublishedKey(KeyKind.OPENPGP, V6_FPR, "OpenPGP v6")


def test_an_armored_key_is_read_through_its_base64() -> None:
    armored = (ROOT / "tests" / "data" / "openpgp" / "alice-armored.asc").read_bytes()
    found = parse_openpgp_key(armored)
    assert found is not None and found.fingerprint == ALICE_FPR


@pytest.mark.parametrize("header", [bytes([0xC6, 51]), bytes([0xC6, 255, 0, 0, 0, 51])])
def test_a_new_format_header_names_the_same_key(header: bytes) -> None:
    # The same key packet body behind a new-format header, one-octet and five-octet
    # lengths (RFC 9580 section 4.2.1): the fingerprint hashes the body only.
    assert ALICE[1] == 51
    found = parse_openpgp_key(header + ALICE[2:])
    assert found is not None and found.fingerprint == ALICE_FPR


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\x00\x01",
        b"<html>It works!</html>",  # a web server's home page answered for every path
        ALICE[:20],  # cut short
        bytes([0x98, 0x33, 3]) + ALICE[3:],  # a v3 key: MD5, obsolete
        bytes([0xB4]) + ALICE[1:],  # legacy header, tag 13 (user id) first
        bytes([0xC6, 0xE1]) + ALICE[2:],  # a partial body length
        b"-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n!!!!\n-----END PGP PUBLIC KEY BLOCK-----\n",
        b"\x98" * 70_000,
    ],
)
def test_bytes_that_are_no_public_key_give_no_fingerprint(data: bytes) -> None:
    assert parse_openpgp_key(data) is None


def test_an_smimea_certificate_is_named_by_its_sha256_as_openssl_gives_it() -> None:
    cert = smimea_cert()
    assert parse_smimea(0, 0, cert) == PublishedKey(KeyKind.SMIME, SMIME_FPR, "certificate")
    digest = hashlib.sha256(cert).digest()
    assert parse_smimea(0, 1, digest) == PublishedKey(
        KeyKind.SMIME, SMIME_FPR, "certificate SHA-256"
    )


def test_an_smimea_record_without_a_certificate_fingerprint_says_what_it_holds() -> None:
    assert parse_smimea(1, 2, b"\x01" * 64) == PublishedKey(KeyKind.SMIME, "", "public key SHA-512")
    assert parse_smimea(0, 0, b"not a certificate") is None
    assert parse_smimea(0, 1, b"short") == PublishedKey(KeyKind.SMIME, "", "certificate SHA-256")
