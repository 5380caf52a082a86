"""The certificate as the probe record keeps it: the analysis, plus OpenSSL's refusal.

certinfo.py explains the presented chain; when OpenSSL refused it for a reason the chain
alone cannot show (an issuer unknown to this computer's trust store), the refusal is added
as a problem of its own, so the verdict and the person see why.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from .cert_problems import CertProblem, ProblemCode
from .certinfo import analyze_chain
from .probe_report import CertSummary
from .session_report import TlsInfo

__all__ = ["VERIFY_CODES", "summarize"]

# OpenSSL's verify result (X509_V_ERR_*, ssl.SSLCertVerificationError.verify_code) -> the
# analysis's problem codes. The number, not the words: the words change between OpenSSL
# versions ("self signed" / "self-signed").
VERIFY_CODES = {
    2: ProblemCode.MISSING_INTERMEDIATE,  # X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT
    9: ProblemCode.NOT_YET_VALID,  # X509_V_ERR_CERT_NOT_YET_VALID
    10: ProblemCode.EXPIRED,  # X509_V_ERR_CERT_HAS_EXPIRED
    18: ProblemCode.UNKNOWN_ISSUER,  # X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT
    19: ProblemCode.UNKNOWN_ISSUER,  # X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN
    20: ProblemCode.UNKNOWN_ISSUER,  # X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY
    62: ProblemCode.NAME_MISMATCH,  # X509_V_ERR_HOSTNAME_MISMATCH
}


def summarize(
    chain: Sequence[bytes], reference: str, tls: TlsInfo | None, *, now: datetime
) -> CertSummary:
    """The presented `chain` (DER, leaf first) explained for the A-label `reference`."""
    analysis = analyze_chain(chain, reference, now=now)
    problems = list(analysis.problems) + _refusal(tls, {p.code for p in analysis.problems})
    leaf = analysis.leaf
    if leaf is None:
        return CertSummary(problems=tuple(problems))
    return CertSummary(
        subject=leaf.subject,
        issuer=leaf.issuer,
        names=leaf.dns_names,
        not_after=leaf.not_after.astimezone(UTC),
        days_left=leaf.days_left,
        key=leaf.key,
        signature=leaf.signature_algorithm,
        spki_sha256=leaf.spki_sha256,
        chain_subjects=tuple(c.subject for c in analysis.certificates),
        problems=tuple(problems),
    )


def _refusal(tls: TlsInfo | None, known: set[ProblemCode]) -> list[CertProblem]:
    """OpenSSL's refusal as a problem, when the analysis did not already find its reason."""
    if tls is None or not tls.verify_error or tls.verify_code is None:
        return []
    code = VERIFY_CODES.get(tls.verify_code)
    if code is None or code in known:
        return []
    return [CertProblem(code, f"this computer refused the certificate: {tls.verify_error}")]
