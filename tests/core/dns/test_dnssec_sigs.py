"""dnssec_sigs: the memo of signatures that verified (``Verified``) never vouches for other
records, another signature or other keys than the ones it saw verify."""

from __future__ import annotations

import time

import dns.dnssec
import dns.name
import dns.rdata
import dns.rdatatype
import dns.rrset
from cryptography.hazmat.primitives.asymmetric import ec
from dns.rdtypes.ANY.RRSIG import RRSIG

from mailhop.core.dns.dnssec_result import Security, ZoneState
from mailhop.core.dns.dnssec_sigs import SignatureCheck, Verified

T = dns.rdatatype.RdataType
NOW = int(time.time())
APEX = dns.name.from_text("signed.test.")
ALGORITHM = dns.dnssec.Algorithm.ECDSAP256SHA256


def zone_keys() -> tuple[ec.EllipticCurvePrivateKey, ZoneState]:
    private = ec.generate_private_key(ec.SECP256R1())
    dnskey = dns.dnssec.make_dnskey(private.public_key(), ALGORITHM, flags=257)
    keys = dns.rrset.from_rdata(APEX, 3600, dnskey)
    return private, ZoneState(Security.SECURE, APEX, keys, "test keys")


def a_records(*addresses: str) -> dns.rrset.RRset:
    return dns.rrset.from_text("mail.signed.test.", 300, "IN", "A", *addresses)


def signed(rrset: dns.rrset.RRset, private: ec.EllipticCurvePrivateKey, zone: ZoneState) -> RRSIG:
    assert zone.keys is not None
    return dns.dnssec.sign(rrset, private, APEX, zone.keys[0], NOW - 60, NOW + 86400)


def test_a_signature_is_verified_once_and_then_remembered() -> None:
    private, zone = zone_keys()
    records = a_records("192.0.2.25")
    sig = signed(records, private, zone)
    memo = Verified()
    assert memo.verifies(records, sig, zone) and memo.hits == 0
    # The same records parsed again (another message, other objects) hit the memo.
    assert memo.verifies(a_records("192.0.2.25"), sig, zone) and memo.hits == 1


def test_the_memo_never_vouches_for_other_records_under_a_seen_signature() -> None:
    private, zone = zone_keys()
    sig = signed(a_records("192.0.2.25"), private, zone)
    memo = Verified()
    assert memo.verifies(a_records("192.0.2.25"), sig, zone)
    assert not memo.verifies(a_records("203.0.113.66"), sig, zone)
    assert not memo.verifies(a_records("192.0.2.25", "203.0.113.66"), sig, zone)
    moved = dns.rrset.from_text("www.signed.test.", 300, "IN", "A", "192.0.2.25")
    assert not memo.verifies(moved, sig, zone)
    assert memo.hits == 0


def test_the_memo_never_vouches_for_a_signature_with_other_fields() -> None:
    """The signed fields (validity, covered type, labels...) are part of the key: a genuine
    signature's bytes with a later expiration must be checked, and fail."""
    private, zone = zone_keys()
    records = a_records("192.0.2.25")
    sig = signed(records, private, zone)
    memo = Verified()
    assert memo.verifies(records, sig, zone)
    stretched = sig.replace(expiration=sig.expiration + 365 * 86400)
    assert not memo.verifies(records, stretched, zone) and memo.hits == 0


def test_the_memo_never_vouches_under_other_keys() -> None:
    private, zone = zone_keys()
    records = a_records("192.0.2.25")
    sig = signed(records, private, zone)
    memo = Verified()
    assert memo.verifies(records, sig, zone)
    _, other = zone_keys()  # another key set for the same zone name
    assert not memo.verifies(records, sig, other) and memo.hits == 0


def test_a_signature_check_shares_the_memo_it_is_given() -> None:
    private, zone = zone_keys()
    records = a_records("192.0.2.25")
    sig = signed(records, private, zone)
    answer = dns.rrset.from_rdata(records.name, 300, sig)
    memo = Verified()
    first, second = SignatureCheck(time.time, memo), SignatureCheck(time.time, memo)
    assert first.check(records, [records, answer], zone).sig is not None
    assert second.check(records, [records, answer], zone).sig is not None
    assert memo.hits == 1


def test_the_time_is_judged_on_every_check_not_remembered() -> None:
    private, zone = zone_keys()
    records = a_records("192.0.2.25")
    sig = signed(records, private, zone)
    section = [records, dns.rrset.from_rdata(records.name, 300, sig)]
    memo = Verified()
    assert SignatureCheck(time.time, memo).check(records, section, zone).sig is not None
    late = SignatureCheck(lambda: NOW + 400 * 86400.0, memo).check(records, section, zone)
    assert late.sig is None and "expired" in late.problem and memo.hits == 1


def test_the_memo_stays_within_its_size() -> None:
    private, zone = zone_keys()
    memo = Verified(size=4)
    for last in range(10):
        records = a_records(f"192.0.2.{last}")
        assert memo.verifies(records, signed(records, private, zone), zone)
    assert len(memo) == 4
