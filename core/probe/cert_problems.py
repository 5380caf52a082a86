"""What can be wrong with a presented chain, found one rule at a time, in plain words.

Each function looks at one thing -- one certificate's dates, key and signature; the leaf's
names; the order of the chain; where it ends -- and returns ``CertProblem``s, each with one
sentence a person can act on. certinfo.py runs them all; nothing here decides trust.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from cryptography import x509

from .cert_facts import CertInfo, ordinal
from .cert_read import is_anchor, linked

__all__ = [
    "MIN_EC_BITS",
    "MIN_RSA_BITS",
    "WEAK_CODES",
    "CertProblem",
    "ProblemCode",
    "end_problems",
    "name_problem",
    "order_problems",
    "own_problems",
]

MIN_RSA_BITS = 2048  # NIST SP 800-131A; the CA/Browser Forum minimum since 2014
MIN_EC_BITS = 224


class ProblemCode(enum.StrEnum):
    """What can be wrong with a presented chain; the codes are stable (JSON, findings)."""

    EXPIRED = "expired"
    NOT_YET_VALID = "not-yet-valid"
    NAME_MISMATCH = "name-mismatch"
    UNKNOWN_ISSUER = "unknown-issuer"
    MISSING_INTERMEDIATE = "missing-intermediate"
    WRONG_ORDER = "wrong-order"
    SELF_SIGNED = "self-signed"
    WEAK_KEY = "weak-key"
    WEAK_SIGNATURE = "weak-signature"
    UNPARSEABLE = "unparseable"


WEAK_CODES = frozenset({ProblemCode.WEAK_KEY, ProblemCode.WEAK_SIGNATURE})


@dataclass(frozen=True, slots=True)
class CertProblem:
    """One thing wrong; ``position`` is the certificate's index as presented (0 = leaf),
    None for the chain as a whole. ``message`` is one plain sentence for a person."""

    code: ProblemCode
    message: str
    position: int | None = None


def own_problems(info: CertInfo, now: datetime) -> list[CertProblem]:
    """What is wrong with one certificate by itself: dates, key size, signature hash."""
    found: list[CertProblem] = []
    who = f"The {ordinal(info.position)} ({_short(info.subject)})"
    if info.not_after < now:
        ago = _days(-info.days_left)
        found.append(
            CertProblem(
                ProblemCode.EXPIRED,
                f"{who} expired on {_date(info.not_after)}, {ago} ago.",
                info.position,
            )
        )
    if info.not_before > now:
        found.append(
            CertProblem(
                ProblemCode.NOT_YET_VALID,
                f"{who} is not valid before {_date(info.not_before)}; "
                "either it is brand new or this computer's clock is wrong.",
                info.position,
            )
        )
    small = (info.key_type in ("RSA", "DSA") and (info.key_bits or 0) < MIN_RSA_BITS) or (
        info.key_type == "EC" and (info.key_bits or 0) < MIN_EC_BITS
    )
    if small:
        found.append(
            CertProblem(
                ProblemCode.WEAK_KEY,
                f"{who} uses a {info.key_bits}-bit {info.key_type} key, which is too small "
                f"to be safe (at least {MIN_RSA_BITS} bits for RSA).",
                info.position,
            )
        )
    # A root's signature on itself protects nothing: it is trusted because it is in the
    # store, not because of that signature (CA/Browser Forum, and every browser).
    if info.weak_signature and not info.self_signed:
        found.append(
            CertProblem(
                ProblemCode.WEAK_SIGNATURE,
                f"{who} is signed with {info.signature_hash}, which can be forged.",
                info.position,
            )
        )
    return found


def name_problem(reference: str, leaf: CertInfo) -> CertProblem:
    if not leaf.dns_names:
        message = (
            f"The server's certificate names no host at all in its Subject Alternative "
            f"Name (its subject is {_short(leaf.subject)}; that field is not used for "
            f"names), so it cannot prove it is {reference}."
        )
    else:
        shown = ", ".join(leaf.dns_names[:5]) + (", ..." if len(leaf.dns_names) > 5 else "")
        message = f"The server's certificate is for {shown}, not for {reference}."
    return CertProblem(ProblemCode.NAME_MISMATCH, message, 0)


def order_problems(
    parsed: Sequence[x509.Certificate | None], infos: Sequence[CertInfo]
) -> list[CertProblem]:
    """Each certificate must be issued by the one after it (RFC 5246 section 7.4.2)."""
    by_position = {info.position: info for info in infos}
    found: list[CertProblem] = []
    for position in range(len(parsed) - 1):
        child, parent = parsed[position], parsed[position + 1]
        if child is None or parent is None or linked(child, parent):
            continue
        if by_position[position].self_signed:
            # A self-signed certificate ends any chain; what follows it is extra.
            where = f"The {ordinal(position)} is self-signed, yet the server sent more after it."
            found.append(CertProblem(ProblemCode.WRONG_ORDER, where, position))
            continue
        elsewhere = [
            other
            for other, candidate in enumerate(parsed)
            if candidate is not None and other not in (position, position + 1)
            if linked(child, candidate)
        ]
        next_subject = _short(by_position[position + 1].subject)
        what = f"The {ordinal(position)} ({_short(by_position[position].subject)})"
        if elsewhere:
            message = (
                f"{what} is followed by {next_subject}, but its issuer is the "
                f"{ordinal(elsewhere[0])}: the server sends its chain in the wrong order."
            )
        else:
            message = (
                f"{what} is followed by {next_subject}, which did not issue it: the server "
                "sends a certificate that does not belong in this chain."
            )
        found.append(CertProblem(ProblemCode.WRONG_ORDER, message, position))
    return found


def end_problems(
    parsed: Sequence[x509.Certificate | None],
    infos: Sequence[CertInfo],
    anchors: Sequence[x509.Certificate],
) -> list[CertProblem]:
    """Where the chain ends: at a trusted root, an unknown one, or short of any CA."""
    if not parsed or parsed[-1] is None:
        return []
    last_cert, last = parsed[-1], infos[-1]
    if any(linked(last_cert, anchor) for anchor in anchors):
        return []
    if last.self_signed:
        if last.position == 0 or is_anchor(last_cert, anchors):
            return []  # a self-signed leaf is its own problem, reported above
        if anchors:
            message = (
                f"The chain ends at the root {_short(last.subject)}, which is not among the "
                "trusted certificate authorities."
            )
            return [CertProblem(ProblemCode.UNKNOWN_ISSUER, message, last.position)]
        return []
    issuer = _short(last.issuer)
    if not last.is_ca:
        what = (
            "its certificate" if last.position == 0 else "a chain that ends at a server certificate"
        )
        message = (
            f"The server sends {what} without the intermediate certificate of {issuer} "
            "that links it to a trusted root: the server's configuration must include "
            "the full chain."
        )
        return [CertProblem(ProblemCode.MISSING_INTERMEDIATE, message, last.position)]
    if anchors:
        message = (
            f"The chain leads to {issuer}, which is not a trusted certificate authority "
            "(or the server left out a further intermediate certificate)."
        )
        return [CertProblem(ProblemCode.UNKNOWN_ISSUER, message, last.position)]
    return []


# -- words ---------------------------------------------------------------------------


def _short(subject: str) -> str:
    """The CN alone when there is one (what people recognise), else the whole name."""
    for part in subject.split(","):
        if part.startswith("CN="):
            return part[3:]
    return subject or "(empty name)"


def _date(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d")


def _days(count: int) -> str:
    return "less than a day" if count < 1 else f"{count} day{'s' if count != 1 else ''}"
