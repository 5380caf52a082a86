"""DANE matching: every usage, selector and matching type; DNSSEC states; SMTP; the lab.

The pure tests use the certificates of test_certinfo.py; the lab tests fetch real TLSA
records through mailhop's own validating resolver and the chain a real server presents.
"""

from __future__ import annotations

import _ssl
import asyncio
import hashlib
import random
import ssl
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import dns.rdata
import dns.rdataclass
import dns.rdatatype
import pytest

from mailhop.core.dns.dnssec import Security, TrustAnchor
from mailhop.core.dns.resolver import Resolver, parse_upstream
from mailhop.core.probe.certinfo import analyze_chain
from mailhop.core.probe.dane import DANE_EE_CERT_NOTE, DANE_EE_NOTE, DaneResult, match_tlsa
from mailhop.core.probe.dane_records import DaneOutcome, TlsaRecord, Usage, tlsa_records
from tests.core.probe.test_certinfo import (
    INTERMEDIATE,
    LEAF,
    NOW,
    OTHER_INTERMEDIATE,
    ROOT,
    Made,
    make,
)
from tests.lab import clients
from tests.lab.lab import LabInfo

CHAIN = [LEAF, INTERMEDIATE]
HASHES = {0: lambda data: data, 1: lambda d: hashlib.sha256(d).digest()}
HASHES[2] = lambda d: hashlib.sha512(d).digest()


def record(usage: int, selector: int, mtype: int, made: Made) -> TlsaRecord:
    content = made.der if selector == 0 else made.spki
    return TlsaRecord(usage, selector, mtype, HASHES[mtype](content))


def check(
    records: list[TlsaRecord],
    chain: list[Made] | list[bytes] = CHAIN,
    *,
    dnssec: Security = Security.SECURE,
    reference: str = "mail.example.com",
    pkix_valid: bool = False,
    smtp: bool = False,
) -> DaneResult:
    ders = [m.der if isinstance(m, Made) else m for m in chain]
    return match_tlsa(
        records,
        ders,
        dnssec=dnssec,
        reference=reference,
        now=NOW,
        pkix_valid=pkix_valid,
        smtp=smtp,
    )


EE = record(3, 1, 1, LEAF)
OTHER_KEY = make("someone-else.example.com")


# -- DNSSEC first ---------------------------------------------------------------------


def test_bogus_tlsa_is_a_failure_never_no_dane() -> None:
    result = check([EE], dnssec=Security.BOGUS, pkix_valid=True)
    assert result.outcome is DaneOutcome.BOGUS and result.blocks and not result.authenticated
    assert "bogus" in result.reason
    assert check([], dnssec=Security.BOGUS).outcome is DaneOutcome.BOGUS


@pytest.mark.parametrize("dnssec", [Security.INSECURE, Security.INDETERMINATE])
def test_unsigned_or_unproven_tlsa_counts_for_nothing(dnssec: Security) -> None:
    result = check([EE], dnssec=dnssec)
    assert result.outcome is DaneOutcome.NOT_APPLICABLE and not result.blocks
    assert "1 TLSA record found and ignored" in result.reason
    wrong = check([record(3, 1, 1, OTHER_KEY)], dnssec=dnssec)
    assert wrong.outcome is DaneOutcome.NOT_APPLICABLE  # not even a mismatch


def test_no_records_on_a_signed_answer() -> None:
    result = check([])
    assert result.outcome is DaneOutcome.NOT_APPLICABLE and "no TLSA" in result.reason


# -- every usage, selector and matching type ------------------------------------------


@pytest.mark.parametrize("mtype", [0, 1, 2])
@pytest.mark.parametrize("selector", [0, 1])
def test_dane_ee_matches_the_leaf(selector: int, mtype: int) -> None:
    result = check([record(3, selector, mtype, LEAF)])
    assert result.outcome is DaneOutcome.MATCHED and result.authenticated
    assert result.usage is Usage.DANE_EE and result.matched_position == 0
    assert result.matched == record(3, selector, mtype, LEAF)
    assert not result.name_checked and not result.expiry_checked
    assert result.note == (DANE_EE_NOTE if selector == 1 else DANE_EE_CERT_NOTE)
    assert "not checked" in result.note


@pytest.mark.parametrize("mtype", [0, 1, 2])
@pytest.mark.parametrize("selector", [0, 1])
def test_dane_ta_matches_the_intermediate(selector: int, mtype: int) -> None:
    result = check([record(2, selector, mtype, INTERMEDIATE)])
    assert result.outcome is DaneOutcome.MATCHED and result.usage is Usage.DANE_TA
    assert result.matched_position == 1 and result.name_checked and result.expiry_checked


def test_dane_ta_on_a_presented_root_through_the_intermediate() -> None:
    result = check([record(2, 0, 1, ROOT)], [LEAF, INTERMEDIATE, ROOT])
    assert result.outcome is DaneOutcome.MATCHED and result.matched_position == 2


def test_dane_ta_builds_the_path_whatever_the_order() -> None:
    """RFC 8446 section 4.4.2: after the leaf, any order, and extra certificates."""
    result = check([record(2, 1, 1, ROOT)], [LEAF, OTHER_INTERMEDIATE, ROOT, INTERMEDIATE])
    assert result.outcome is DaneOutcome.MATCHED and result.matched_position == 2


def test_dane_ta_with_the_wrong_name_fails() -> None:
    result = check([record(2, 1, 1, INTERMEDIATE)], reference="imap.example.com", pkix_valid=True)
    assert result.outcome is DaneOutcome.MISMATCH and result.blocks
    assert "not for imap.example.com" in result.reason
    (only,) = result.checks
    assert only.data_matched and not only.authenticated and only.position == 1


def test_dane_ta_checks_expiry() -> None:
    old = make("mail.example.com", issuer=INTERMEDIATE, not_after=NOW - timedelta(days=1))
    result = check([record(2, 1, 1, INTERMEDIATE)], [old, INTERMEDIATE])
    assert result.outcome is DaneOutcome.MISMATCH and "expired" in result.reason


def test_dane_ta_needs_the_ca_in_the_presented_chain() -> None:
    result = check([record(2, 1, 1, ROOT)], [LEAF, INTERMEDIATE])
    assert result.outcome is DaneOutcome.MISMATCH
    assert check([record(2, 1, 1, INTERMEDIATE)], [LEAF]).outcome is DaneOutcome.MISMATCH


def test_dane_ta_never_matches_the_leaf_itself() -> None:
    assert check([record(2, 1, 1, LEAF)]).outcome is DaneOutcome.MISMATCH


def test_dane_ta_refuses_a_ca_that_did_not_sign() -> None:
    """Same name as the intermediate, another key: the named CA is not the leaf's issuer."""
    impostor = make("Test Intermediate CA", issuer=ROOT, ca=True)
    result = check([record(2, 1, 1, impostor)], [LEAF, impostor])
    assert result.outcome is DaneOutcome.MISMATCH and "links" in result.reason


def test_dane_ta_refuses_a_path_through_a_non_ca() -> None:
    not_a_ca = make("Plain Leaf", issuer=INTERMEDIATE, sans=("plain.example.com",))
    leaf = make("mail.example.com", issuer=not_a_ca)
    result = check([record(2, 1, 1, INTERMEDIATE)], [leaf, not_a_ca, INTERMEDIATE])
    assert result.outcome is DaneOutcome.MISMATCH and "without being a CA" in result.reason


def test_dane_ee_ignores_expiry_and_names_and_says_so() -> None:
    old = make(
        "old.example.org",
        issuer=INTERMEDIATE,
        not_before=NOW - timedelta(days=800),
        not_after=NOW - timedelta(days=400),
    )
    result = check([record(3, 1, 1, old)], [old, INTERMEDIATE], reference="mail.example.com")
    assert result.outcome is DaneOutcome.MATCHED and result.usage is Usage.DANE_EE
    assert not result.name_checked and not result.expiry_checked
    assert result.note.startswith(DANE_EE_NOTE)
    assert "expired" in result.note and "old.example.org" in result.note
    assert "does not matter" in result.note


def test_dane_ee_authenticates_a_self_signed_certificate() -> None:
    own = make("mail.example.com")
    result = check([record(3, 1, 1, own)], [own])
    assert result.outcome is DaneOutcome.MATCHED and result.usage is Usage.DANE_EE


@pytest.mark.parametrize(("usage", "made"), [(1, LEAF), (0, INTERMEDIATE)])
def test_pkix_usages_need_pkix_too(usage: int, made: Made) -> None:
    tlsa = record(usage, 1, 1, made)
    matched = check([tlsa], pkix_valid=True)
    assert matched.outcome is DaneOutcome.MATCHED and matched.usage == usage
    assert matched.name_checked and matched.expiry_checked
    refused = check([tlsa], pkix_valid=False)
    assert refused.outcome is DaneOutcome.MISMATCH and refused.blocks
    assert "certificate authorities" in refused.reason


@pytest.mark.parametrize("pkix_valid", [True, False])
def test_a_mismatch_blocks_whatever_pkix_says(pkix_valid: bool) -> None:
    result = check([record(3, 1, 1, OTHER_KEY)], pkix_valid=pkix_valid)
    assert result.outcome is DaneOutcome.MISMATCH and result.blocks
    assert "does not match the server's key" in result.reason
    (only,) = result.checks
    assert only.usable and not only.data_matched and only.position is None


def test_one_matching_record_among_several_is_enough() -> None:
    records = [record(3, 1, 1, OTHER_KEY), record(2, 1, 1, ROOT), EE]
    result = check(records)
    assert result.outcome is DaneOutcome.MATCHED and result.matched == EE
    assert [c.authenticated for c in result.checks] == [False, False, True]


# -- which records count --------------------------------------------------------------


@pytest.mark.parametrize(
    ("tlsa", "words"),
    [
        (TlsaRecord(4, 1, 1, EE.data), "usage 4"),
        (TlsaRecord(3, 2, 1, EE.data), "selector 2"),
        (TlsaRecord(3, 1, 3, EE.data), "matching type 3"),
        (TlsaRecord(3, 1, 1, EE.data[:20]), "20 bytes instead of 32"),
        (TlsaRecord(3, 1, 2, EE.data), "32 bytes instead of 64"),
        (TlsaRecord(3, 1, 0, b""), "empty"),
    ],
)
def test_unusable_records_count_as_none(tlsa: TlsaRecord, words: str) -> None:
    result = check([tlsa], pkix_valid=True)
    assert result.outcome is DaneOutcome.UNUSABLE_RECORDS and not result.blocks
    assert words in result.reason and "RFC 7671 section 4.1" in result.reason
    assert not result.checks[0].usable


def test_an_unusable_record_beside_a_usable_one_is_ignored() -> None:
    result = check([TlsaRecord(7, 1, 1, b"\x00" * 32), EE])
    assert result.outcome is DaneOutcome.MATCHED
    assert [c.usable for c in result.checks] == [False, True]


def test_smtp_uses_only_usages_2_and_3() -> None:
    """RFC 7672 section 3.1.3: PKIX-TA and PKIX-EE are unusable for SMTP."""
    pkix = [record(1, 1, 1, LEAF), record(0, 1, 1, INTERMEDIATE)]
    result = check(pkix, pkix_valid=True, smtp=True)
    assert result.outcome is DaneOutcome.UNUSABLE_RECORDS and "SMTP" in result.reason
    assert check(pkix, pkix_valid=True).outcome is DaneOutcome.MATCHED  # not for SMTP
    both = check([record(1, 1, 1, LEAF), record(3, 1, 1, OTHER_KEY)], pkix_valid=True, smtp=True)
    assert both.outcome is DaneOutcome.MISMATCH
    assert check([EE], smtp=True).outcome is DaneOutcome.MATCHED
    assert check([record(2, 1, 1, INTERMEDIATE)], smtp=True).outcome is DaneOutcome.MATCHED


def test_only_the_strongest_digest_counts() -> None:
    """RFC 7671 section 9: a SHA-512 record for the same usage and selector supersedes
    the SHA-256 one, so a forged weaker record cannot carry the match."""
    forged_strong = TlsaRecord(3, 1, 2, b"\x01" * 64)
    result = check([EE, forged_strong])
    assert result.outcome is DaneOutcome.MISMATCH
    assert "stronger digest" in result.checks[0].reason and not result.checks[0].usable
    other_selector = check([EE, TlsaRecord(3, 0, 2, b"\x01" * 64)])
    assert other_selector.outcome is DaneOutcome.MATCHED  # different selector: both count
    exact = check([record(3, 1, 0, LEAF), forged_strong])
    assert exact.outcome is DaneOutcome.MATCHED  # exact data is no digest


# -- evidence and bad input -----------------------------------------------------------


def test_the_evidence_lists_every_presented_certificate() -> None:
    result = check([EE])
    leaf, intermediate = result.digests
    assert leaf.position == 0 and intermediate.position == 1
    assert leaf.cert_sha256 == hashlib.sha256(LEAF.der).hexdigest()
    assert leaf.cert_sha512 == hashlib.sha512(LEAF.der).hexdigest()
    assert leaf.spki_sha256 == hashlib.sha256(LEAF.spki).hexdigest() == EE.data.hex()
    assert intermediate.spki_sha512 == hashlib.sha512(INTERMEDIATE.spki).hexdigest()
    assert result.reason.startswith(f"TLSA record {EE.label} (DANE-EE) matches")


def test_garbage_chains_never_raise() -> None:
    for chain in ([], [b"junk"], [LEAF.der[:50], INTERMEDIATE.der]):
        result = check([EE, record(2, 1, 1, INTERMEDIATE)], chain)
        assert result.outcome is DaneOutcome.MISMATCH and result.blocks
    whole = TlsaRecord(3, 0, 1, hashlib.sha256(b"junk").digest())
    assert check([whole], [b"junk"]).outcome is DaneOutcome.MATCHED  # selector 0: the bytes


@pytest.mark.filterwarnings("ignore::cryptography.utils.CryptographyDeprecationWarning")
def test_mangled_certificates_never_raise() -> None:
    """A few hundred random byte flips through both analyses: results, never exceptions."""
    rng = random.Random(7)  # noqa: S311 - reproducible test data, not a secret
    records = [EE, record(2, 1, 1, INTERMEDIATE), record(2, 0, 2, ROOT), record(1, 1, 1, LEAF)]
    for _ in range(400):
        chain = []
        for made in (LEAF, INTERMEDIATE):
            mangled = bytearray(made.der)
            for _ in range(rng.randint(1, 4)):
                mangled[rng.randrange(len(mangled))] = rng.randrange(256)
            chain.append(bytes(mangled))
        analyze_chain(chain, "mail.example.com", now=NOW, anchors=[ROOT.der, chain[1]])
        check(records, chain, pkix_valid=True)


def test_records_from_text_and_from_dnspython() -> None:
    text = f"3 1 1 {EE.data.hex()[:20]} {EE.data.hex()[20:]}"
    assert TlsaRecord.from_text(text) == EE
    assert str(EE) == f"3 1 1 {EE.data.hex()}" and EE.label.endswith("...")
    rdata = dns.rdata.from_text(dns.rdataclass.IN, dns.rdatatype.TLSA, str(EE))
    assert TlsaRecord.from_rdata(rdata) == EE  # type: ignore[arg-type]
    a = dns.rdata.from_text(dns.rdataclass.IN, dns.rdatatype.A, "192.0.2.1")
    assert tlsa_records([rdata, a]) == (EE,)
    for bad in ("3 1 1", "3 1 x ab", "3 1 1 zz", "300 1 1 ab"):
        with pytest.raises(ValueError):
            TlsaRecord.from_text(bad)


def test_an_answer_with_empty_association_data_is_an_unusable_record_not_a_crash() -> None:
    # Legal on the wire, and dnspython writes it as three fields ("3 1 0 "): the check used
    # to re-parse that text strictly and raise out of a remote answer.
    wire = b"\x03\x01\x00"
    rdata = dns.rdata.from_wire(dns.rdataclass.IN, dns.rdatatype.TLSA, wire, 0, len(wire))
    empty = TlsaRecord.from_answer(rdata.to_text())
    assert empty == TlsaRecord(3, 1, 0, b"")
    assert TlsaRecord.from_answer(str(EE)) == EE
    result = check([empty])
    assert result.outcome is DaneOutcome.UNUSABLE_RECORDS and not result.blocks
    with pytest.raises(ValueError):
        TlsaRecord.from_answer("3 1 x")


# -- the lab: real TLSA records, real servers -----------------------------------------


def lab_resolver(lab: LabInfo) -> Resolver:
    anchor = TrustAnchor.from_text(Path(lab.fact("dns", "trust_anchor_file")).read_text())
    upstream = parse_upstream(f"{lab.resolver}:{lab.resolver_port}")
    return Resolver(upstream, anchor, deadline=time.monotonic() + 5)


def presented_chain(tls: ssl.SSLSocket) -> list[bytes]:
    """The chain as sent (leaf first), unverified; public API from Python 3.13 on."""
    public = getattr(tls, "get_unverified_chain", None)
    if public is not None:
        return list(public())
    return [c.public_bytes(_ssl.ENCODING_DER) for c in tls._sslobj.get_unverified_chain()]


def fetch_chain(lab: LabInfo, host: str, address: str, port: int) -> tuple[list[bytes], bool]:
    """The presented chain (no verification) and whether PKIX with the lab root accepts it."""
    unverified = ssl.create_default_context()
    unverified.check_hostname = False
    unverified.verify_mode = ssl.CERT_NONE
    verifying = clients.tls_context(lab.ca_file)
    chains: list[list[bytes]] = []
    verdicts: list[bool] = []
    for context in (unverified, verifying):
        try:
            if port == 25:
                with clients.SMTP(host, address, 25) as smtp:
                    smtp.starttls(context=context)
                    chains.append(presented_chain(smtp.sock))  # type: ignore[arg-type]
            else:
                with clients.tls_connect(context, host, address, port) as tls:
                    chains.append(presented_chain(tls))
            verdicts.append(True)
        except ssl.SSLCertVerificationError:
            verdicts.append(False)
    return chains[0], verdicts[1]


LAB_CASES = [
    # host, port, outcome, usage, PKIX accepts the chain
    ("ee.dane.test", 993, DaneOutcome.MATCHED, Usage.DANE_EE, True),
    ("ta.dane.test", 993, DaneOutcome.MATCHED, Usage.DANE_TA, True),
    ("mismatch.dane.test", 993, DaneOutcome.MISMATCH, None, True),
    ("selfsigned.dane.test", 993, DaneOutcome.MATCHED, Usage.DANE_EE, False),
    ("sha512.dane.test", 993, DaneOutcome.MATCHED, Usage.DANE_EE, True),
    ("unusable.dane.test", 993, DaneOutcome.UNUSABLE_RECORDS, None, True),
    ("ee.dane.test", 25, DaneOutcome.MATCHED, Usage.DANE_EE, True),
    ("ta.dane.test", 25, DaneOutcome.MATCHED, Usage.DANE_TA, True),
    ("mail.bogus.test", 993, DaneOutcome.BOGUS, None, True),
    ("mail.healthy.test", 993, DaneOutcome.MATCHED, Usage.DANE_EE, True),
]


@pytest.mark.parametrize(
    ("host", "port", "outcome", "usage", "pkix"), LAB_CASES, ids=lambda v: str(v)
)
def test_lab_hosts_get_the_dane_outcome_their_scenario_promises(
    lab: LabInfo,
    host: str,
    port: int,
    outcome: DaneOutcome,
    usage: Usage | None,
    pkix: bool,
) -> None:
    domain = host.split(".", 1)[1]
    address = lab.scenario(domain).host(host).address
    answer = asyncio.run(lab_resolver(lab).lookup(f"_{port}._tcp.{host}", "TLSA"))
    chain, pkix_valid = fetch_chain(lab, host, address, port)
    assert pkix_valid is pkix
    result = match_tlsa(
        tlsa_records(answer.records),
        chain,
        dnssec=answer.security,
        reference=host,
        now=datetime.now(UTC),
        pkix_valid=pkix_valid,
        smtp=port == 25,
    )
    assert result.outcome is outcome, result.reason
    assert result.usage is usage
    assert result.blocks is (outcome in (DaneOutcome.MISMATCH, DaneOutcome.BOGUS))
    if outcome is not DaneOutcome.BOGUS:
        assert answer.security is Security.SECURE and answer.records


def test_dane_ee_pins_the_key_of_a_certificate_cryptography_refuses() -> None:
    """DANE-EE looks at the key alone (RFC 7671 section 5.1). A subjectAltName entry with a
    tag no GeneralName has makes the certificate unreadable to cryptography (and to
    certinfo's strict reader), yet its key is in the bytes and a 3 1 x record pins it."""
    garbled = LEAF.der.replace(b"\x82\x10mail.example.com", b"\x8f\x10mail.example.com", 1)
    assert garbled != LEAF.der
    result = check([EE], [garbled])
    assert result.outcome is DaneOutcome.MATCHED and result.matched_position == 0
    assert check([record(3, 1, 1, OTHER_KEY)], [garbled]).outcome is DaneOutcome.MISMATCH
