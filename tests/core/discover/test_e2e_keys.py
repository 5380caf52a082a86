"""e2e_keys: whether an address has published OpenPGP or S/MIME keys, per source, in the lab.

    e2ekeys.test (signed)  alice: OPENPGPKEY (v4, gpg), WKD (advanced method), SMIMEA 3 0 0
                           bob:   OPENPGPKEY (RFC 9580's v6 sample); no WKD, no SMIMEA
    unsigned.test          no keys at all, and no DNSSEC

Expected fingerprints are gpg's, RFC 9580's and openssl's (test_parse_e2e_keys.py).
"""

from __future__ import annotations

import asyncio
import json

import pytest

from mailhop.core.cli.check_json import check_to_json
from mailhop.core.cli.render_check import render_check
from mailhop.core.common import i18n
from mailhop.core.common.address import parse_address
from mailhop.core.discover.e2e_keys import KeyAvailability, key_availability
from mailhop.core.discover.parse_e2e_keys import KeyKind
from mailhop.core.discover.report import Auth, Source
from mailhop.core.run.check import CheckReport, check
from tests.core.discover.test_parse_e2e_keys import ALICE_FPR, SMIME_FPR, V6_FPR
from tests.core.run.test_discovery import options, run
from tests.lab.lab import LabInfo


def rows(lab: LabInfo, address: str) -> dict[Source, KeyAvailability]:
    return {row.source: row for row in key_availability(run(lab, address).attempts)}


def test_alice_has_an_openpgp_key_in_dns_and_wkd_and_an_smime_certificate(lab: LabInfo) -> None:
    found = rows(lab, "alice@e2ekeys.test")
    assert list(found) == [Source.OPENPGPKEY, Source.WKD, Source.SMIMEA]
    dns_key, wkd, smime = found[Source.OPENPGPKEY], found[Source.WKD], found[Source.SMIMEA]
    assert (dns_key.published, dns_key.auth, dns_key.authenticated) == (
        True,
        Auth.DNSSEC_SECURE,
        True,
    )
    assert [(k.kind, k.fingerprint, k.form) for k in dns_key.keys] == [
        (KeyKind.OPENPGP, ALICE_FPR, "OpenPGP v4")
    ]
    assert (wkd.published, wkd.auth) == (True, Auth.HTTPS_IN_DOMAIN)
    assert [k.fingerprint for k in wkd.keys] == [ALICE_FPR]
    assert (smime.published, smime.auth, smime.kind) == (True, Auth.DNSSEC_SECURE, KeyKind.SMIME)
    assert [k.fingerprint for k in smime.keys] == [SMIME_FPR]


def test_bob_has_a_v6_key_in_dns_and_nothing_elsewhere(lab: LabInfo) -> None:
    found = rows(lab, "bob@e2ekeys.test")
    assert [k.fingerprint for k in found[Source.OPENPGPKEY].keys] == [V6_FPR]
    assert found[Source.WKD].published is False
    assert found[Source.SMIMEA].published is False
    assert found[Source.SMIMEA].keys == ()


def test_an_unsigned_domain_without_keys_says_none_published(lab: LabInfo) -> None:
    found = rows(lab, "alice@unsigned.test")
    assert [row.published for row in found.values()] == [False, False, False]


@pytest.fixture(scope="module")
def alice_check(lab: LabInfo) -> CheckReport:
    address = parse_address("alice@e2ekeys.test", allow_test_domains=True)
    return asyncio.run(check(address, options(lab)))


def test_the_check_text_shows_each_key_its_source_and_how_it_was_authenticated(
    alice_check: CheckReport,
) -> None:
    text = render_check(alice_check)
    assert "End-to-end encryption keys for alice@e2ekeys.test" in text
    assert "OpenPGP key in DNS (OPENPGPKEY): published, DNSSEC-signed" in text
    assert (
        "OpenPGP key in the Web Key Directory (WKD): published, over HTTPS from the domain" in text
    )
    assert "S/MIME certificate in DNS (SMIMEA): published, DNSSEC-signed" in text
    assert "fingerprint 8E32 112F 29AA A181 403E D0A3 E6E7 E955 758F BFD1 (OpenPGP v4)" in text


def test_the_check_text_says_it_in_german_and_french(alice_check: CheckReport) -> None:
    try:
        i18n.set_language("de")
        assert "OpenPGP-Schlüssel im DNS (OPENPGPKEY): veröffentlicht" in render_check(alice_check)
        i18n.set_language("fr")
        assert "Certificat S/MIME dans le DNS (SMIMEA) : publié" in render_check(alice_check)
    finally:
        i18n.set_language("en")


def test_check_json_lists_the_keys_under_encryption_keys(alice_check: CheckReport) -> None:
    out = json.loads(json.dumps(check_to_json(alice_check)))
    keys = {row["source"]: row for row in out["encryption_keys"]}
    assert keys["openpgpkey"] == {
        "source": "openpgpkey",
        "kind": "openpgp",
        "published": True,
        "auth": "dnssec-secure",
        "authenticated": True,
        "keys": [{"fingerprint": ALICE_FPR, "form": "OpenPGP v4"}],
    }
    assert keys["wkd"]["auth"] == "https-in-domain"
    assert keys["smimea"]["keys"] == [{"fingerprint": SMIME_FPR, "form": "certificate"}]
    wkd_attempt = next(a for a in out["attempts"] if a["source"] == "wkd")
    assert wkd_attempt["facts"] == {"fingerprints": ALICE_FPR}


def test_a_web_page_where_the_key_should_be_is_no_key(lab: LabInfo) -> None:
    # The key directory answers 200 with HTML for carol: before, any 200 counted as "an
    # OpenPGP key for this address is published".
    found = rows(lab, "carol@e2ekeys.test")
    wkd = found[Source.WKD]
    assert (wkd.published, wkd.keys) == (None, ())
    assert "not with an OpenPGP key" in wkd.detail


def test_a_record_whose_contents_are_no_key_says_so() -> None:
    from mailhop.core.discover.e2e_keys import key_lines

    row = KeyAvailability(Source.OPENPGPKEY, KeyKind.OPENPGP, True, Auth.DNSSEC_SECURE, (), "")
    assert key_lines([row]) == [
        "OpenPGP key in DNS (OPENPGPKEY): published, DNSSEC-signed",
        "  no readable key in it",
    ]
