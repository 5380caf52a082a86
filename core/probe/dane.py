"""DANE: does the presented chain match the TLSA records the domain signed?

Theory of operation
-------------------
A TLSA record (RFC 6698 section 2.1) says "the server's certificate, or a CA above it,
is this one" as four fields: usage, selector, matching type, association data. mailhop
decides in this order; the first rule that applies gives the outcome:

    DNSSEC of the TLSA answer    outcome          why
    bogus                        bogus            a failure, never "no DANE" (DESIGN rule 5)
    insecure / indeterminate     not-applicable   unsigned records prove nothing (RFC 6698 4.1)
    secure, no records           not-applicable   the domain publishes no DANE here
    secure, none usable          unusable-records as if there were none (RFC 7671 section 4.1)
    secure, one authenticates    matched          which record, which certificate, and how
    secure, none authenticates   mismatch         blocks, whatever PKIX says (DESIGN rule 5)

A usable record has a known usage (0-3; for SMTP only 2 and 3, RFC 7672 section 3.1.3),
selector (0 whole certificate, 1 SubjectPublicKeyInfo), matching type (0 exact, 1 SHA-256,
2 SHA-512) and data of the right length for its digest. Where one usage and selector are
published with several digests, only the strongest counts (digest algorithm agility,
RFC 7671 section 9), so a forged weaker record cannot downgrade the check.

What a matching record proves depends on its usage:

    usage         matches against               also required
    3 DANE-EE     the server's own certificate  nothing: no name and no expiry check
                                                (RFC 7671 section 5.1), and the result says so
    2 DANE-TA     any presented certificate     the path from the leaf up to it verifies
                                                (issuer names, signatures, CA flags, validity)
                                                and the leaf names the reference host
                                                (RFC 7671 section 5.2)
    1 PKIX-EE     the server's own certificate  PKIX validation succeeded (RFC 6698 2.1.1)
    0 PKIX-TA     any presented certificate     PKIX validation succeeded

For PKIX-TA mailhop only sees the presented chain, not the path OpenSSL built, so a CA
that OpenSSL took from the trust store but the server did not send cannot match.

Pure: the caller fetches the records (``resolver.Resolver``) and the chain (the probe)
and passes PKIX's verdict in.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from cryptography import x509

from ..dns.dnssec import Security
from .cert_read import load_certificate, spki_der, spki_from_der
from .certinfo import ProblemCode, analyze_chain
from .dane_chain import ChainContext, count_of, evaluate
from .dane_records import DaneOutcome, RecordCheck, Selector, TlsaRecord, Usage, unusable_records

__all__ = [
    "DANE_EE_CERT_NOTE",
    "DANE_EE_NOTE",
    "CertDigests",
    "DaneResult",
    "match_tlsa",
]

DANE_EE_NOTE = (
    "The domain pinned this exact key in DNSSEC-signed DNS; the certificate's names and "
    "expiry date are not checked (RFC 7671 section 5.1)."
)
DANE_EE_CERT_NOTE = DANE_EE_NOTE.replace("exact key", "exact certificate")


@dataclass(frozen=True, slots=True)
class CertDigests:
    """The digests of one presented certificate, lower-case hex, the evidence for a match.

    The SPKI ones are empty when the certificate could not be read.
    """

    position: int
    cert_sha256: str
    cert_sha512: str
    spki_sha256: str
    spki_sha512: str


@dataclass(frozen=True, slots=True)
class DaneResult:
    """The DANE verdict on one connection, with its evidence.

    ``reason`` is one sentence for a person. For a match, ``matched``/``usage`` name the
    record and ``matched_position`` the certificate; ``name_checked``/``expiry_checked``
    say what the match covered, and ``note`` says it in words (for DANE-EE, that names
    and expiry were not checked). ``checks`` covers every record, ``digests`` every
    presented certificate.
    """

    outcome: DaneOutcome
    reason: str
    dnssec: Security
    reference: str
    smtp: bool
    matched: TlsaRecord | None = None
    usage: Usage | None = None
    matched_position: int | None = None
    name_checked: bool = False
    expiry_checked: bool = False
    note: str = ""
    checks: tuple[RecordCheck, ...] = ()
    digests: tuple[CertDigests, ...] = ()

    @property
    def authenticated(self) -> bool:
        return self.outcome is DaneOutcome.MATCHED

    @property
    def blocks(self) -> bool:
        """True when the connection must not be used, whatever PKIX says."""
        return self.outcome in (DaneOutcome.MISMATCH, DaneOutcome.BOGUS)


def match_tlsa(
    records: Sequence[TlsaRecord],
    chain: Sequence[bytes],
    *,
    dnssec: Security,
    reference: str,
    now: datetime,
    pkix_valid: bool,
    smtp: bool = False,
) -> DaneResult:
    """Check `chain` (DER, leaf first, as presented) against the TLSA `records`.

    `dnssec` is how mailhop validated the TLSA answer; `reference` the A-label host name
    the policy chose; `pkix_valid` whether OpenSSL's PKIX check with mailhop's context
    passed; `smtp` applies RFC 7672 (usages 0 and 1 unusable). Empty `records` with a
    SECURE `dnssec` must mean a validated denial (``DnsAnswer.absence_proven``); pass an
    unproven absence as INDETERMINATE. Never raises for remote data.
    """
    reference = reference.rstrip(".").lower()
    result = DaneResult(DaneOutcome.NOT_APPLICABLE, "", dnssec, reference, smtp)
    unsigned = _without_secure_records(result, len(records))
    if unsigned is not None:
        return unsigned
    certs = [load_certificate(der) for der in chain]
    digests = tuple(
        _digests(position, bytes(der), cert)
        for position, (der, cert) in enumerate(zip(chain, certs, strict=True))
    )
    result = replace(result, digests=digests)
    rejected = unusable_records(records, smtp)
    if len(rejected) == len(records):
        checks = tuple(rejected[index] for index in range(len(records)))
        reasons = "; ".join(dict.fromkeys(check.reason for check in checks))
        why = (
            f"None of the {count_of(len(records), 'TLSA record')} can be used: {reasons}. "
            "They count as if there were none (RFC 7671 section 4.1)."
        )
        return replace(result, outcome=DaneOutcome.UNUSABLE_RECORDS, reason=why, checks=checks)
    context = ChainContext(chain, certs, reference, now, pkix_valid)
    checks = tuple(
        rejected[index] if index in rejected else evaluate(record, context)
        for index, record in enumerate(records)
    )
    return _decided(replace(result, checks=checks), context)


def _without_secure_records(result: DaneResult, count: int) -> DaneResult | None:
    """The outcome when the DNSSEC state or an empty answer decides it (the first three
    rows of the module's table), None when there are signed records to match."""
    if result.dnssec is Security.BOGUS:
        why = (
            "The TLSA records failed their DNSSEC check (bogus): the zone is broken or the "
            "answer was forged, so DANE cannot vouch for this server and the connection "
            "must not be trusted."
        )
        return replace(result, outcome=DaneOutcome.BOGUS, reason=why)
    if result.dnssec is not Security.SECURE:
        if result.dnssec is Security.INSECURE:
            why = "the zone is provably unsigned, so TLSA records there prove nothing"
        else:
            why = "their DNSSEC status could not be established, so they prove nothing"
        found = (
            f"{count_of(count, 'TLSA record')} found and ignored: "
            if count
            else "No TLSA records were used: "
        )
        return replace(result, reason=f"{found}{why}.")
    if not count:
        why = "The domain publishes no TLSA records for this server (a DNSSEC-signed answer)."
        return replace(result, reason=why)
    return None


def _decided(result: DaneResult, context: ChainContext) -> DaneResult:
    """MATCHED by the first record that authenticates, else MISMATCH (the last two rows)."""
    winner = next((check for check in result.checks if check.authenticated), None)
    if winner is None:
        return replace(result, outcome=DaneOutcome.MISMATCH, reason=_mismatch_reason(result.checks))
    usage = Usage(winner.record.usage)
    return replace(
        result,
        outcome=DaneOutcome.MATCHED,
        reason=f"TLSA record {winner.record.label} ({usage.label}) {winner.reason}.",
        matched=winner.record,
        usage=usage,
        matched_position=winner.position or 0,
        name_checked=usage is not Usage.DANE_EE,
        expiry_checked=usage is not Usage.DANE_EE,
        note=_note(winner.record, context),
    )


# -- words and evidence --------------------------------------------------------------


def _note(record: TlsaRecord, context: ChainContext) -> str:
    usage = Usage(record.usage)
    if usage is not Usage.DANE_EE:
        what = "names the CA" if usage in (Usage.DANE_TA, Usage.PKIX_TA) else "names the key"
        return (
            f"The domain {what} in DNSSEC-signed DNS; the chain, the host name and the "
            "expiry dates were checked as well."
        )
    report = analyze_chain(context.chain[:1], context.reference, now=context.now)
    facts = [
        problem.message
        for problem in report.problems
        if problem.code in (ProblemCode.EXPIRED, ProblemCode.NAME_MISMATCH)
    ]
    pinned = "key" if record.selector == Selector.SPKI else "certificate"
    note = DANE_EE_NOTE if pinned == "key" else DANE_EE_CERT_NOTE
    if not facts:
        return note
    return f"{note} {' '.join(facts)} With a pinned {pinned} this does not matter."


def _mismatch_reason(checks: Sequence[RecordCheck]) -> str:
    usable = [check for check in checks if check.usable]
    closest = next((check for check in usable if check.data_matched), usable[0])
    return (
        "The server's certificate does not satisfy the domain's DNSSEC-signed TLSA records: "
        f"record {closest.record.label} {closest.reason}. A DANE mismatch means an "
        "impostor, or a server whose key changed without its DNS: do not connect."
    )


def _digests(position: int, der: bytes, cert: x509.Certificate | None) -> CertDigests:
    try:
        spki = spki_der(cert) if cert is not None else spki_from_der(der)
    except ValueError:
        spki = b""
    return CertDigests(
        position=position,
        cert_sha256=hashlib.sha256(der).hexdigest(),
        cert_sha512=hashlib.sha512(der).hexdigest(),
        spki_sha256=hashlib.sha256(spki).hexdigest() if spki else "",
        spki_sha512=hashlib.sha512(spki).hexdigest() if spki else "",
    )
