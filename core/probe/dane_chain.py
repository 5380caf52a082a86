"""One TLSA record against the presented chain: does its data match, and does it hold?

dane.py's table decides the outcome over all records; this module checks one usable
record (RFC 6698 section 2.1 and RFC 7671 sections 5.1 and 5.2): which certificates its
usage lets it match (the server's own for EE, a CA above it for TA), whether the selected
part hashes to its data, and what else the usage demands once it does (nothing for
DANE-EE, the path to the CA for DANE-TA, PKIX validation for the PKIX usages).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from cryptography import x509

from .cert_read import issued_by, spki_der, spki_from_der, subject_text
from .certinfo import ProblemCode, analyze_chain
from .dane_records import DIGESTS, RecordCheck, Selector, TlsaRecord, Usage

__all__ = ["ChainContext", "count_of", "evaluate"]


@dataclass(frozen=True, slots=True)
class ChainContext:
    """The presented chain, read once, and what every record is checked against."""

    chain: Sequence[bytes]
    certs: Sequence[x509.Certificate | None]
    reference: str
    now: datetime
    pkix_valid: bool


def evaluate(record: TlsaRecord, context: ChainContext) -> RecordCheck:
    usage = Usage(record.usage)
    if not context.chain:
        return RecordCheck(record, True, False, False, None, "has no certificate to match")
    ends = usage in (Usage.DANE_EE, Usage.PKIX_EE)
    # A TA record names a CA above the server's certificate (RFC 6698 2.1.1), never the leaf.
    positions = [0] if ends else list(range(1, len(context.chain)))
    matches = [p for p in positions if _selected(record, context, p) == record.data]
    if not matches:
        if ends:
            what = "the server's certificate" if record.selector == 0 else "the server's key"
            return RecordCheck(record, True, False, False, None, f"does not match {what}")
        if not positions:
            why = "names a CA, but the server sent no CA certificate to match it against"
        else:
            sent = count_of(len(positions), "certificate")
            why = f"matches none of the {sent} the server sent above its own"
        return RecordCheck(record, True, False, False, None, why)
    failure = ""
    for position in matches:
        failure = _requirement(usage, context, position)
        if not failure:
            return RecordCheck(record, True, True, True, position, _matched_words(usage, record))
    return RecordCheck(record, True, True, False, matches[0], failure)


def _selected(record: TlsaRecord, context: ChainContext, position: int) -> bytes | None:
    """The record's digest over the selected part of one presented certificate."""
    if record.selector == Selector.CERT:
        content = bytes(context.chain[position])
    else:
        cert = context.certs[position]
        try:
            # A certificate cryptography refuses still has a key a record may pin.
            der = bytes(context.chain[position])
            content = spki_der(cert) if cert is not None else spki_from_der(der)
        except ValueError:
            return None
    return DIGESTS[record.mtype](content)


def _requirement(usage: Usage, context: ChainContext, position: int) -> str:
    """What else the usage demands once the data matched; empty when it holds."""
    if usage is Usage.DANE_EE:
        return ""
    if usage is Usage.DANE_TA:
        return _ta_failure(context, position)
    if not context.pkix_valid:
        return (
            "matches, but this usage also needs the trusted certificate authorities to accept "
            "the chain, and they do not"
        )
    return ""


def _ta_failure(context: ChainContext, anchor: int) -> str:
    """Why the leaf does not chain up to the matched CA with valid dates and names.

    RFC 7671 section 5.2: with DANE-TA the matched certificate replaces the trust store,
    everything else about the chain is checked as usual. The path is built from the
    presented certificates, so extra or reordered ones do not matter (RFC 8446 4.4.2).
    """
    certs = context.certs
    path = [0]
    current = certs[0]
    while path[-1] != anchor:
        if current is None:
            return "matches a CA, but the server's certificate cannot be read"
        issuer = _issuer_among(current, certs, path, anchor)
        if issuer is None:
            subject = subject_text(current)
            return f"matches a CA, but no presented certificate links {subject} to it"
        path.append(issuer)
        current = certs[issuer]
    report = analyze_chain([context.chain[i] for i in path], context.reference, now=context.now)
    for problem in report.problems:
        if problem.code in _TA_BLOCKERS:
            return f"matches a CA, but {_lower_first(problem.message).rstrip('.')}"
    for info in report.certificates[1:]:
        if not info.is_ca:
            return f"matches, but {info.subject} issued a certificate without being a CA"
    return ""


_TA_BLOCKERS = frozenset(
    {
        ProblemCode.EXPIRED,
        ProblemCode.NOT_YET_VALID,
        ProblemCode.NAME_MISMATCH,
        ProblemCode.UNPARSEABLE,
    }
)


def _issuer_among(
    cert: x509.Certificate,
    certs: Sequence[x509.Certificate | None],
    path: Sequence[int],
    anchor: int,
) -> int | None:
    anchor_cert = certs[anchor]
    if anchor_cert is not None and issued_by(cert, anchor_cert):
        return anchor
    for index, candidate in enumerate(certs):
        if candidate is not None and index not in path and issued_by(cert, candidate):
            return index
    return None


def _matched_words(usage: Usage, record: TlsaRecord) -> str:
    what = "certificate" if record.selector == Selector.CERT else "key"
    if usage is Usage.DANE_EE:
        return f"matches the server's own {what}"
    if usage is Usage.DANE_TA:
        return f"matches the {what} of a CA in the server's chain, and the chain to it holds"
    if usage is Usage.PKIX_EE:
        return f"matches the server's own {what}, which the trusted CAs also accept"
    return f"matches the {what} of a CA in the chain the trusted CAs accept"


def count_of(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]
