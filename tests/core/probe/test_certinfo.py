"""Certificate analysis: every problem code, RFC 6125 name matching, and no exceptions.

The certificates are made here with `cryptography` (``make``), so each test states the
one thing that is wrong. test_dane.py uses the same helpers.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from mailhop.core.probe.cert_read import spki_der
from mailhop.core.probe.certinfo import ProblemCode, analyze_chain, match_name

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
PrivateKey = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey


@dataclass(frozen=True)
class Made:
    cert: x509.Certificate
    key: PrivateKey

    @property
    def der(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.DER)

    @property
    def spki(self) -> bytes:
        return self.cert.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )


def make(
    cn: str,
    *,
    issuer: Made | None = None,
    key: PrivateKey | None = None,
    sans: tuple[str, ...] | None = None,
    ca: bool = False,
    not_before: datetime = NOW - timedelta(days=30),
    not_after: datetime = NOW + timedelta(days=60),
    subject: x509.Name | None = None,
) -> Made:
    """A certificate for `cn` issued by `issuer` (self-signed without one).

    A leaf gets `sans` (default: its CN) as dNSNames; a CA gets none unless asked.
    """
    key = key or ec.generate_private_key(ec.SECP256R1())
    name = subject or x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])
    signer = issuer.key if issuer else key
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(issuer.cert.subject if issuer else name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(signer.public_key()), False
        )
    )
    if ca:
        builder = builder.add_extension(
            x509.KeyUsage(True, False, False, False, False, True, True, False, False), True
        ).add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
    else:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), False
        )
    names = (cn,) if sans is None and not ca else (sans or ())
    if names:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.DNSName(n) for n in names]), False
        )
    algorithm = None if isinstance(signer, ed25519.Ed25519PrivateKey) else hashes.SHA256()
    return Made(builder.sign(signer, algorithm), key)


ROOT = make("Test Root CA", ca=True)
INTERMEDIATE = make("Test Intermediate CA", issuer=ROOT, ca=True)
LEAF = make("mail.example.com", issuer=INTERMEDIATE)
OTHER_ROOT = make("Unknown Root CA", ca=True)
OTHER_INTERMEDIATE = make("Unknown Intermediate CA", issuer=OTHER_ROOT, ca=True)


def analyze(chain: list[Made], reference: str = "mail.example.com", **kwargs: object):
    kwargs.setdefault("anchors", [ROOT.der])
    return analyze_chain([m.der for m in chain], reference, now=NOW, **kwargs)  # type: ignore[arg-type]


# -- a good chain, read ---------------------------------------------------------------


def test_a_good_chain_has_no_problems_and_every_field_is_read() -> None:
    report = analyze([LEAF, INTERMEDIATE])
    assert report.problems == () and report.codes == ()
    assert report.name_matches and report.matched_name == "mail.example.com"
    assert report.order_ok and not report.missing_intermediate
    assert not report.expired and not report.not_yet_valid and report.weak == ()
    leaf, intermediate = report.certificates
    assert report.leaf == leaf and report.presented == 2
    assert leaf.subject == "CN=mail.example.com"
    assert leaf.issuer == "CN=Test Intermediate CA"
    assert leaf.serial == format(LEAF.cert.serial_number, "x")
    assert leaf.days_left == 60 and leaf.not_after == NOW + timedelta(days=60)
    assert (leaf.key_type, leaf.key_bits, leaf.key_curve) == ("EC", 256, "secp256r1")
    assert leaf.key == "EC secp256r1 (256 bits)"
    assert leaf.signature_algorithm == "ecdsa-with-sha256" and leaf.signature_hash == "SHA-256"
    assert leaf.dns_names == ("mail.example.com",)
    assert not leaf.is_ca and not leaf.self_signed and intermediate.is_ca
    assert leaf.spki_sha256 == hashlib.sha256(LEAF.spki).hexdigest()
    assert leaf.cert_sha256 == hashlib.sha256(LEAF.der).hexdigest()


def test_a_chain_that_includes_its_trusted_root_is_fine() -> None:
    assert analyze([LEAF, INTERMEDIATE, ROOT]).problems == ()


def test_rsa_and_ed25519_keys_are_described() -> None:
    rsa_leaf = make(
        "rsa.example.com", issuer=INTERMEDIATE, key=rsa.generate_private_key(65537, 2048)
    )
    ed_root = make("Ed Root", ca=True, key=ed25519.Ed25519PrivateKey.generate())
    report = analyze([rsa_leaf, INTERMEDIATE], "rsa.example.com")
    assert report.certificates[0].key == "RSA 2048 bits" and report.problems == ()
    ed = analyze([ed_root], "x.example.com", anchors=[]).certificates[0]
    assert ed.key == "Ed25519" and ed.signature_hash is None and ed.self_signed


def test_spki_is_taken_from_the_certificate_bytes() -> None:
    assert spki_der(LEAF.cert) == LEAF.spki
    rsa_leaf = make("rsa.example.com", issuer=ROOT, key=rsa.generate_private_key(65537, 2048))
    assert spki_der(rsa_leaf.cert) == rsa_leaf.spki


# -- each problem code ----------------------------------------------------------------


def test_expired() -> None:
    old = make("mail.example.com", issuer=INTERMEDIATE, not_after=NOW - timedelta(days=3))
    report = analyze([old, INTERMEDIATE])
    assert report.codes == (ProblemCode.EXPIRED,) and report.expired
    (problem,) = report.problems
    assert problem.position == 0 and "3 days ago" in problem.message
    assert report.certificates[0].days_left == -3


def test_an_expired_intermediate_is_named_by_position() -> None:
    old_ca = make("Old Intermediate", issuer=ROOT, ca=True, not_after=NOW - timedelta(hours=2))
    leaf = make("mail.example.com", issuer=old_ca)
    (problem,) = analyze([leaf, old_ca]).problems
    assert problem.code is ProblemCode.EXPIRED and problem.position == 1
    assert "Old Intermediate" in problem.message and "less than a day ago" in problem.message


def test_not_yet_valid() -> None:
    early = make("mail.example.com", issuer=INTERMEDIATE, not_before=NOW + timedelta(days=2))
    report = analyze([early, INTERMEDIATE])
    assert report.codes == (ProblemCode.NOT_YET_VALID,) and report.not_yet_valid
    assert "clock" in report.problems[0].message


def test_name_mismatch_lists_the_names_the_certificate_has() -> None:
    report = analyze([LEAF, INTERMEDIATE], "imap.example.com")
    assert report.codes == (ProblemCode.NAME_MISMATCH,) and not report.name_matches
    assert report.matched_name is None
    message = report.problems[0].message
    assert "mail.example.com" in message and "imap.example.com" in message


def test_the_common_name_is_never_a_fallback() -> None:
    """RFC 9525 section 6.3: a certificate without dNSName SANs names no host."""
    cn_only = make("mail.example.com", issuer=INTERMEDIATE, sans=())
    report = analyze([cn_only, INTERMEDIATE])
    assert report.codes == (ProblemCode.NAME_MISMATCH,)
    assert "Subject Alternative Name" in report.problems[0].message


def test_unknown_issuer_when_the_chain_leads_to_a_root_nobody_trusts() -> None:
    leaf = make("mail.example.com", issuer=OTHER_INTERMEDIATE)
    report = analyze([leaf, OTHER_INTERMEDIATE])
    assert report.codes == (ProblemCode.UNKNOWN_ISSUER,)
    assert report.problems[0].position == 1 and not report.missing_intermediate
    with_root = analyze([leaf, OTHER_INTERMEDIATE, OTHER_ROOT])
    assert with_root.codes == (ProblemCode.UNKNOWN_ISSUER,)
    assert "Unknown Root CA" in with_root.problems[0].message


def test_without_anchors_an_unknown_root_cannot_be_told_from_a_trusted_one() -> None:
    leaf = make("mail.example.com", issuer=OTHER_INTERMEDIATE)
    assert analyze([leaf, OTHER_INTERMEDIATE], anchors=[]).problems == ()


@pytest.mark.parametrize("anchors", [[ROOT.der], []], ids=["anchors", "no-anchors"])
def test_missing_intermediate_when_the_server_sends_its_certificate_alone(
    anchors: list[bytes],
) -> None:
    report = analyze([LEAF], anchors=anchors)
    assert report.codes == (ProblemCode.MISSING_INTERMEDIATE,) and report.missing_intermediate
    assert "Test Intermediate CA" in report.problems[0].message
    assert report.order_ok  # one certificate is in order by itself


def test_a_leaf_issued_directly_by_a_trusted_root_needs_no_intermediate() -> None:
    direct = make("mail.example.com", issuer=ROOT)
    assert analyze([direct]).problems == ()


def test_wrong_order_when_the_issuer_comes_later() -> None:
    report = analyze([LEAF, ROOT, INTERMEDIATE])
    assert ProblemCode.WRONG_ORDER in report.codes and not report.order_ok
    assert "wrong order" in report.problems[0].message
    assert report.problems[0].position == 0


def test_wrong_order_when_an_unrelated_certificate_follows() -> None:
    report = analyze([LEAF, OTHER_INTERMEDIATE])
    assert report.codes[0] is ProblemCode.WRONG_ORDER and not report.order_ok
    assert "does not belong" in report.problems[0].message


def test_a_name_match_without_the_signature_is_not_an_issuer() -> None:
    """Same issuer name, another key: order needs the signature to verify too."""
    impostor = make("Test Intermediate CA", issuer=ROOT, ca=True)
    report = analyze([LEAF, impostor])
    assert ProblemCode.WRONG_ORDER in report.codes and not report.order_ok


def test_self_signed() -> None:
    own = make("mail.example.com")
    report = analyze([own])
    assert report.codes == (ProblemCode.SELF_SIGNED,)
    assert report.certificates[0].self_signed and report.name_matches
    assert not report.missing_intermediate
    assert analyze([own], anchors=[own.der]).problems == ()  # a configured anchor


def test_weak_key() -> None:
    small_key = rsa.generate_private_key(65537, 1024)  # noqa: S505 - the point of the test
    small = make("mail.example.com", issuer=INTERMEDIATE, key=small_key)
    report = analyze([small, INTERMEDIATE])
    assert report.codes == (ProblemCode.WEAK_KEY,) and report.weak == report.problems
    assert "1024-bit RSA" in report.problems[0].message


RSA_CA_KEY = rsa.generate_private_key(65537, 2048)
RSA_ROOT = make("RSA Root", ca=True, key=RSA_CA_KEY)
SHA256_RSA = bytes.fromhex("06092a864886f70d01010b")  # sha256WithRSAEncryption
SHA1_RSA = bytes.fromhex("06092a864886f70d010105")
MD5_RSA = bytes.fromhex("06092a864886f70d010104")


def _der(tag: int, body: bytes) -> bytes:
    size = len(body)
    if size < 0x80:
        return bytes([tag, size]) + body
    length = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(length)]) + length + body


def sha1_signed(made: Made, signer: rsa.RSAPrivateKey) -> bytes:
    """`made` re-signed with SHA-1 by hand (OpenSSL refuses to make SHA-1 certificates)."""
    tbs = made.cert.tbs_certificate_bytes.replace(SHA256_RSA, SHA1_RSA)
    signature = signer.sign(tbs, padding.PKCS1v15(), hashes.SHA1())  # noqa: S303 - the point
    algorithm = _der(0x30, SHA1_RSA + b"\x05\x00")
    return _der(0x30, tbs + algorithm + _der(0x03, b"\x00" + signature))


def test_weak_signature_on_a_leaf_but_not_on_a_root() -> None:
    leaf = make("mail.example.com", issuer=RSA_ROOT)
    sha1_leaf = sha1_signed(leaf, RSA_CA_KEY)
    report = analyze_chain([sha1_leaf], "mail.example.com", now=NOW, anchors=[RSA_ROOT.der])
    assert report.codes == (ProblemCode.WEAK_SIGNATURE,), report.problems
    assert report.certificates[0].signature_hash == "SHA-1"
    assert "SHA-1" in report.problems[0].message
    sha1_root = sha1_signed(RSA_ROOT, RSA_CA_KEY)
    (root,) = analyze_chain([sha1_root], "x", now=NOW, anchors=[sha1_root]).certificates
    assert root.self_signed and root.weak_signature
    assert analyze_chain([sha1_root], "x", now=NOW, anchors=[sha1_root]).weak == ()


def test_md5_is_weak_too() -> None:
    leaf = make("mail.example.com", issuer=RSA_ROOT)
    md5 = leaf.der.replace(SHA256_RSA, MD5_RSA)  # the signature no longer verifies: no matter
    report = analyze_chain([md5], "mail.example.com", now=NOW)
    assert ProblemCode.WEAK_SIGNATURE in report.codes
    assert report.certificates[0].signature_hash == "MD5"


@pytest.mark.parametrize(
    "chain",
    [[], [b"garbage"], [b""], [LEAF.der[:100]], [LEAF.der, b"\x30\x03\x02\x01\x01"]],
    ids=["empty", "garbage", "no-bytes", "truncated", "bad-second"],
)
def test_unparseable_input_is_a_problem_not_an_exception(chain: list[bytes]) -> None:
    report = analyze_chain(chain, "mail.example.com", now=NOW, anchors=[ROOT.der, b"junk"])
    assert ProblemCode.UNPARSEABLE in report.codes and not report.order_ok
    bad = [p for p in report.problems if p.code is ProblemCode.UNPARSEABLE]
    assert all(p.message for p in bad)
    if len(chain) == 2:
        assert bad[0].position == 1 and report.name_matches


def test_every_truncation_of_a_real_chain_is_survived() -> None:
    for cut in range(0, len(LEAF.der), 7):
        analyze_chain([LEAF.der[:cut], INTERMEDIATE.der[cut:]], "a", now=NOW)


def test_certificate_text_is_untrusted_and_escaped() -> None:
    sneaky = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "evil\nOK login accepted")])
    leaf = make("x", issuer=INTERMEDIATE, subject=sneaky, sans=("bad\x1bname.example.com",))
    report = analyze([leaf, INTERMEDIATE], "mail.example.com")
    assert "\n" not in report.certificates[0].subject
    assert "evil\\nOK login accepted" in report.certificates[0].subject  # common.text spelling
    assert report.certificates[0].dns_names == ("bad\\x1bname.example.com",)
    assert all("\x1b" not in p.message and "\n" not in p.message for p in report.problems)


def test_a_naive_time_counts_as_utc() -> None:
    report = analyze_chain([LEAF.der], "mail.example.com", now=NOW.replace(tzinfo=None))
    assert report.certificates[0].days_left == 60


# -- RFC 6125 name matching -----------------------------------------------------------


@pytest.mark.parametrize(
    ("presented", "reference", "matches"),
    [
        ("mail.example.com", "mail.example.com", True),
        ("MAIL.Example.COM", "mail.example.com", True),
        ("mail.example.com.", "mail.example.com", True),
        ("mail.example.com", "MAIL.EXAMPLE.COM.", True),
        ("*.example.com", "a.example.com", True),
        ("*.example.com", "example.com", False),
        ("*.example.com", "a.b.example.com", False),
        ("*.example.com", ".example.com", False),
        ("a*.example.com", "ab.example.com", False),
        ("*a.example.com", "ba.example.com", False),
        ("a.*.example.com", "a.b.example.com", False),
        ("*.*.example.com", "a.b.example.com", False),
        ("*", "com", False),
        ("*.com", "example.com", False),
        ("*.example.com", "*.example.com", False),
        ("example.com", "mail.example.com", False),
        ("xn--fa-hia.test", "XN--FA-HIA.test", True),
        ("*.xn--fa-hia.test", "mail.xn--fa-hia.test", True),
        ("*.example.com", "xn--bcher-kva.example.com", True),
        ("xn--fa-hia.test", "faß.test", False),
        ("fass.test", "faß.test", False),
        ("", "example.com", False),
    ],
)
def test_rfc6125_name_matching(presented: str, reference: str, matches: bool) -> None:
    assert (match_name(reference, [presented]) == presented) is matches


def test_the_first_covering_name_is_reported() -> None:
    names = ["other.example.org", "*.example.com", "mail.example.com"]
    assert match_name("mail.example.com", names) == "*.example.com"
    wildcard_leaf = make("w", issuer=INTERMEDIATE, sans=("*.example.com",))
    report = analyze([wildcard_leaf, INTERMEDIATE], "imap.example.com")
    assert report.name_matches and report.matched_name == "*.example.com"
    assert analyze([wildcard_leaf, INTERMEDIATE], "example.com").codes == (
        ProblemCode.NAME_MISMATCH,
    )


def test_the_spki_is_read_from_the_bytes_alone() -> None:
    from mailhop.core.probe.cert_read import spki_from_der

    assert spki_from_der(LEAF.der) == LEAF.spki
    for garbage in (b"", b"\x30", b"\x04\x03abc", LEAF.der[:40]):
        with pytest.raises(ValueError):
            spki_from_der(garbage)
