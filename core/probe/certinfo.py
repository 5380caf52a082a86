"""Certificate analysis: what a server's chain says, in words a person can act on.

mailhop's SSL context (OpenSSL with the OS trust store, DESIGN.md section 4, rule 3)
decides whether a chain is trusted. This module decides nothing: it reads the chain
exactly as the server presented it and explains it -- which names it covers, when it
expires, which keys and signatures it uses -- and, when OpenSSL refused the chain, names
the likely reason in plain words (expired, made for another name, an intermediate left
out, the wrong order, a CA nobody trusts, self-signed). Bytes that are no certificate
become an ``unparseable`` problem; ``analyze_chain`` never raises for remote data.

Name matching (RFC 6125 section 6.4, as RFC 9525 and the CA/Browser Forum tightened it):

* only subjectAltName dNSName entries count; the subject Common Name is never a fallback
  (RFC 9525 section 6.3 removed it; browsers stopped long ago);
* a wildcard is ``*`` as the whole left-most label and stands for exactly one label:
  ``*.example.com`` covers ``a.example.com`` but neither ``example.com`` nor
  ``a.b.example.com``; ``a*.example.com``, ``*.*.example.com`` and ``*.com`` match nothing
  (RFC 6125 sections 6.4.3 and 7.2);
* names compare as A-labels, ASCII case-insensitively (RFC 6125 section 6.4.2). The
  reference identity must already be the A-label the policy chose (DESIGN rule 8): a
  U-label never matches.

Everything taken from a certificate (subject, issuer, names) is untrusted text: control
characters are escaped before it reaches a message (DESIGN rule 10).

The work is split by job: cert_read.py reads bytes (load, key, issuer, safe text),
cert_facts.py describes one certificate, cert_problems.py finds what is wrong, one rule
at a time; this module runs them over a chain and matches names.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from cryptography import x509

from .cert_facts import CertInfo, read_info
from .cert_problems import (
    WEAK_CODES,
    CertProblem,
    ProblemCode,
    end_problems,
    name_problem,
    order_problems,
    own_problems,
)
from .cert_read import is_anchor, load_certificate

__all__ = [
    "CertInfo",
    "CertProblem",
    "ChainReport",
    "ProblemCode",
    "analyze_chain",
    "match_name",
]


@dataclass(frozen=True, slots=True)
class ChainReport:
    """The presented chain explained. It says what is wrong, not whether to trust it.

    ``certificates`` holds the readable certificates in presented order (a garbled one is
    missing here and shows up as an ``unparseable`` problem). ``matched_name`` is the SAN
    entry that covers ``reference``. ``order_ok`` is True when each certificate is issued
    by the next (issuer name and signature). ``missing_intermediate`` is True when the
    chain ends at a leaf that a CA outside the chain issued, so no client can link it to
    a root without fetching something.
    """

    reference: str
    presented: int
    certificates: tuple[CertInfo, ...]
    problems: tuple[CertProblem, ...]
    name_matches: bool
    matched_name: str | None
    order_ok: bool
    missing_intermediate: bool
    expired: bool
    not_yet_valid: bool

    @property
    def leaf(self) -> CertInfo | None:
        first = self.certificates[0] if self.certificates else None
        return first if first is not None and first.position == 0 else None

    @property
    def weak(self) -> tuple[CertProblem, ...]:
        return tuple(p for p in self.problems if p.code in WEAK_CODES)

    @property
    def codes(self) -> tuple[ProblemCode, ...]:
        """Every problem code once, in the order first found."""
        return tuple(dict.fromkeys(p.code for p in self.problems))


def analyze_chain(
    chain: Sequence[bytes],
    reference: str,
    *,
    now: datetime,
    anchors: Sequence[bytes] = (),
) -> ChainReport:
    """Explain `chain` (DER, leaf first, as presented) for the host name `reference`.

    `anchors` are the DER roots the verifying context trusts. Without them the analysis
    cannot tell a trusted root from an unknown one, so it reports ``unknown-issuer`` only
    when anchors are given; a chain that ends at a leaf is ``missing-intermediate`` either
    way (servers that send their certificate alone are the common case of that mistake).
    """
    now = _aware(now)
    reference = reference.rstrip(".").lower()
    problems: list[CertProblem] = []
    parsed: list[x509.Certificate | None] = []
    infos: list[CertInfo] = []
    for position, der in enumerate(chain):
        cert, info, failure = read_info(bytes(der), position, now)
        parsed.append(cert)
        if info is None:
            problems.append(CertProblem(ProblemCode.UNPARSEABLE, failure, position))
            continue
        infos.append(info)
        problems += own_problems(info, now)
    if not chain:
        problems.append(CertProblem(ProblemCode.UNPARSEABLE, "The server sent no certificate."))
    trusted = [cert for cert in (load_certificate(der) for der in anchors) if cert is not None]
    leaf = infos[0] if infos and infos[0].position == 0 else None
    matched = match_name(reference, leaf.dns_names) if leaf else None
    if leaf is not None and matched is None:
        problems.append(name_problem(reference, leaf))
    leaf_cert = parsed[0] if parsed else None
    if leaf and leaf.self_signed and leaf_cert and not is_anchor(leaf_cert, trusted):
        problems.append(
            CertProblem(
                ProblemCode.SELF_SIGNED,
                "The server's certificate is self-signed: it vouches only for itself, so "
                "nothing outside it (a trusted CA or a DANE record) says it is genuine.",
                0,
            )
        )
    order = order_problems(parsed, infos)
    problems += order
    end = end_problems(parsed, infos, trusted)
    problems += end
    return ChainReport(
        reference=reference,
        presented=len(chain),
        certificates=tuple(infos),
        problems=tuple(problems),
        name_matches=matched is not None,
        matched_name=matched,
        order_ok=bool(chain) and all(c is not None for c in parsed) and not order,
        missing_intermediate=any(p.code is ProblemCode.MISSING_INTERMEDIATE for p in end),
        expired=any(p.code is ProblemCode.EXPIRED for p in problems),
        not_yet_valid=any(p.code is ProblemCode.NOT_YET_VALID for p in problems),
    )


def match_name(reference: str, presented: Iterable[str]) -> str | None:
    """The first presented dNSName that covers `reference` (RFC 6125 6.4), or None."""
    wanted = reference.rstrip(".").lower()
    if not wanted or not wanted.isascii() or "*" in wanted:
        return None
    for name in presented:
        if _covers(name.rstrip(".").lower(), wanted):
            return name
    return None


def _covers(presented: str, reference: str) -> bool:
    if not presented.isascii() or not presented:
        return False
    if "*" not in presented:
        return presented == reference
    labels = presented.split(".")
    # The wildcard must be the whole left-most label, alone, above at least two labels
    # (so never "*.com"), and it stands for exactly one non-empty label.
    if labels[0] != "*" or len(labels) < 3 or any("*" in label for label in labels[1:]):
        return False
    wanted = reference.split(".")
    return len(wanted) == len(labels) and wanted[0] != "" and wanted[1:] == labels[1:]


def _aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
