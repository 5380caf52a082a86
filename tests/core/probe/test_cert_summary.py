"""The probe record's certificate: the chain's analysis plus OpenSSL's refusal (cert_summary)."""

from __future__ import annotations

import datetime as dt

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from mailhop.core.probe.cert_problems import CertProblem, ProblemCode
from mailhop.core.probe.cert_summary import summarize
from mailhop.core.probe.certinfo import analyze_chain
from mailhop.core.probe.session_report import TlsInfo

NOW = dt.datetime.now(dt.UTC)


def _leaf() -> bytes:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "mail.example.com")])
    leaf = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(NOW - dt.timedelta(days=1))
        .not_valid_after(NOW + dt.timedelta(days=90))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("mail.example.com")]), False)
        .sign(key, hashes.SHA256())
    )
    return leaf.public_bytes(serialization.Encoding.DER)


def _refused(der: bytes, words: str, code: int | None) -> TlsInfo:
    return TlsInfo("TLSv1.3", None, (der,), None, False, words, code, "mail.example.com")


def test_a_refused_certificate_is_named_by_openssl_s_code_not_its_words() -> None:
    # OpenSSL's verify result, in words that name no problem mailhop knows (they change
    # between versions): the X509_V_ERR number says which it is.
    der = _leaf()
    analysis = analyze_chain((der,), "mail.example.com", now=NOW)
    assert ProblemCode.EXPIRED not in analysis.codes
    summary = summarize(
        (der,), "mail.example.com", _refused(der, "Zertifikat abgelaufen", 10), now=NOW
    )
    refusal = CertProblem(
        ProblemCode.EXPIRED, "this computer refused the certificate: Zertifikat abgelaufen"
    )
    assert refusal in summary.problems


def test_a_refusal_the_analysis_explains_already_is_not_said_twice() -> None:
    der = _leaf()  # for mail.example.com, checked as imap.example.com
    tls = _refused(der, "Hostname mismatch", 62)
    summary = summarize((der,), "imap.example.com", tls, now=NOW)
    codes = [p.code for p in summary.problems]
    assert codes.count(ProblemCode.NAME_MISMATCH) == 1
    assert summary.names == ("mail.example.com",) and len(summary.spki_sha256) == 64
