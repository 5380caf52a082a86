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
characters are escaped before it reaches a message (DESIGN rule 10). Every certificate is
read through untrusted.py (``read_certificate``, ``public_key_of``, ``signature_hash_of``):
cryptography parses lazily, so a garbled name, version or extension is found there, once,
and never raises later from a property read here.
"""

from __future__ import annotations

import enum
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa
from cryptography.x509.oid import SignatureAlgorithmOID

from ..common.untrusted import (
    UntrustedDataError,
    public_key_of,
    read_certificate,
    signature_hash_of,
)

__all__ = [
    "CertInfo",
    "CertProblem",
    "ChainReport",
    "ProblemCode",
    "analyze_chain",
    "issued_by",
    "load_certificate",
    "match_name",
    "spki_der",
    "spki_from_der",
    "subject_text",
    "untrusted_text",
]

MIN_RSA_BITS = 2048  # NIST SP 800-131A; the CA/Browser Forum minimum since 2014
MIN_EC_BITS = 224
MAX_TEXT = 300  # a subject longer than this is cut for display


# Signature algorithms broken by collisions: a CA signature made with them can be forged.
_WEAK_SIGNATURES = {
    "1.2.840.113549.1.1.2": "MD2",
    "1.2.840.113549.1.1.3": "MD4",
    "1.2.840.113549.1.1.4": "MD5",
    "1.2.840.113549.1.1.5": "SHA-1",
    "1.3.14.3.2.29": "SHA-1",
    "1.2.840.10045.4.1": "SHA-1",
    "1.2.840.10040.4.3": "SHA-1",
}
_HASH_NAMES = {"sha1": "SHA-1", "sha224": "SHA-224", "sha256": "SHA-256"}
_HASH_NAMES |= {"sha384": "SHA-384", "sha512": "SHA-512", "md5": "MD5"}
_SIGNATURE_NAMES = {
    oid.dotted_string: name.lower().replace("_", "-")
    for name, oid in vars(SignatureAlgorithmOID).items()
    if isinstance(oid, x509.ObjectIdentifier)
}


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


@dataclass(frozen=True, slots=True)
class CertInfo:
    """One presented certificate, read. Strings from the certificate are untrusted text.

    ``days_left`` is the whole days from the analysis time to ``not_after``, rounded
    towards zero (0 in the last day either side, -1 a day after expiry). ``key_bits`` is
    the RSA/DSA modulus or the curve size; ``key_curve`` the curve name for EC keys.
    ``signature_hash`` is None for algorithms without a separate hash (Ed25519).
    ``self_signed`` means subject equals issuer *and* the certificate's own key verifies
    its signature (or the signature uses SHA-1/MD5, which cryptography cannot check).
    Hashes are lower-case hex over the exact DER.
    """

    position: int
    subject: str
    issuer: str
    serial: str
    not_before: datetime
    not_after: datetime
    days_left: int
    key_type: str
    key_bits: int | None
    key_curve: str | None
    signature_algorithm: str
    signature_hash: str | None
    weak_signature: bool
    dns_names: tuple[str, ...]
    is_ca: bool
    self_signed: bool
    spki_sha256: str
    cert_sha256: str

    @property
    def key(self) -> str:
        """The key for a person: ``RSA 2048 bits``, ``EC secp256r1 (256 bits)``, ``Ed25519``."""
        if self.key_curve:
            return f"{self.key_type} {self.key_curve} ({self.key_bits} bits)"
        if self.key_bits:
            return f"{self.key_type} {self.key_bits} bits"
        return self.key_type


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
        cert, info, failure = _read(bytes(der), position, now)
        parsed.append(cert)
        if info is None:
            problems.append(CertProblem(ProblemCode.UNPARSEABLE, failure, position))
            continue
        infos.append(info)
        problems += _own_problems(info, now)
    if not chain:
        problems.append(CertProblem(ProblemCode.UNPARSEABLE, "The server sent no certificate."))
    trusted = [cert for cert in (load_certificate(der) for der in anchors) if cert is not None]
    leaf = infos[0] if infos and infos[0].position == 0 else None
    matched = match_name(reference, leaf.dns_names) if leaf else None
    if leaf is not None and matched is None:
        problems.append(_name_problem(reference, leaf))
    leaf_cert = parsed[0] if parsed else None
    if leaf and leaf.self_signed and leaf_cert and not _is_anchor(leaf_cert, trusted):
        problems.append(
            CertProblem(
                ProblemCode.SELF_SIGNED,
                "The server's certificate is self-signed: it vouches only for itself, so "
                "nothing outside it (a trusted CA or a DANE record) says it is genuine.",
                0,
            )
        )
    order = _order_problems(parsed, infos)
    problems += order
    end = _end_problems(parsed, infos, trusted)
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


def spki_der(cert: x509.Certificate) -> bytes:
    """The SubjectPublicKeyInfo exactly as encoded in `cert` (what TLSA selector 1 hashes).

    Read from the TBSCertificate bytes rather than re-encoded from the parsed key, so a
    key cryptography cannot load, or an unusual but valid encoding (a compressed EC
    point), still hashes to what the domain published. ValueError when there is no key
    to be found at all.
    """
    try:
        return _spki_from_tbs(cert.tbs_certificate_bytes)
    except (ValueError, IndexError):
        pass
    key = public_key_of(cert)
    if key is None:
        raise ValueError("no readable public key")
    return key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def spki_from_der(der: bytes) -> bytes:
    """The SubjectPublicKeyInfo of a DER certificate, read from the bytes alone.

    For a certificate ``load_certificate`` refuses (say, an extension cryptography cannot
    parse) whose key a TLSA record may still pin: DANE-EE looks at nothing but the key
    (RFC 7671 section 5.1). ValueError when the bytes are not shaped like a certificate.
    """
    try:
        start, _ = _header(der, 0)
        if der[0] != 0x30 or der[start] != 0x30:
            raise ValueError("not a DER certificate")
        return _spki_from_tbs(der[start : _next(der, start)])
    except IndexError as exc:
        raise ValueError("a DER certificate cut short") from exc


def issued_by(child: x509.Certificate, parent: x509.Certificate) -> bool:
    """True when `parent`'s subject is `child`'s issuer and `parent`'s key signed `child`.

    A signature cryptography cannot check (SHA-1, MD5, an unknown algorithm) is False:
    this is the strict form, for decisions such as the DANE-TA path.
    """
    return _signed_by(child, parent) is True


def _signed_by(child: x509.Certificate, parent: x509.Certificate) -> bool | None:
    """True/False when the signature was checked, None when it cannot be (SHA-1, MD5)."""
    try:
        if child.issuer != parent.subject:
            return False
        child.verify_directly_issued_by(parent)
    except (InvalidSignature, TypeError):
        return False
    except (ValueError, UnsupportedAlgorithm):
        return None  # cryptography verifies no SHA-1/MD5 signatures at all
    return True


def _linked(child: x509.Certificate, parent: x509.Certificate) -> bool:
    """For explaining a chain: issued by, or at least named so when the signature
    algorithm is too old to check (that weakness is reported on its own)."""
    return _signed_by(child, parent) is not False


# -- one certificate -----------------------------------------------------------------


def load_certificate(der: bytes) -> x509.Certificate | None:
    """A DER certificate, or None when the bytes are not one cryptography can read."""
    try:
        return read_certificate(der)
    except UntrustedDataError:
        return None


def _read(
    der: bytes, position: int, now: datetime
) -> tuple[x509.Certificate | None, CertInfo | None, str]:
    """The certificate and what it says, or why it cannot be read."""
    where = _ordinal(position)
    try:
        cert = read_certificate(der)
    except UntrustedDataError as exc:
        why = untrusted_text(str(exc))
        return None, None, f"The {where} the server sent is not a readable certificate ({why})."
    return cert, _describe(cert, der, position, now), ""


def _describe(cert: x509.Certificate, der: bytes, position: int, now: datetime) -> CertInfo:
    key_type, key_bits, key_curve = _key_of(cert)
    oid = cert.signature_algorithm_oid.dotted_string
    not_after = cert.not_valid_after_utc
    return CertInfo(
        position=position,
        subject=untrusted_text(cert.subject.rfc4514_string()),
        issuer=untrusted_text(cert.issuer.rfc4514_string()),
        serial=format(cert.serial_number, "x"),
        not_before=cert.not_valid_before_utc,
        not_after=not_after,
        days_left=int((not_after - now) / timedelta(days=1)),  # -1: a day ago
        key_type=key_type,
        key_bits=key_bits,
        key_curve=key_curve,
        signature_algorithm=_SIGNATURE_NAMES.get(oid, oid),
        signature_hash=_WEAK_SIGNATURES.get(oid) or _hash_name(cert),
        weak_signature=oid in _WEAK_SIGNATURES,
        dns_names=tuple(untrusted_text(name) for name in _san_dns_names(cert)),
        is_ca=_is_ca(cert),
        self_signed=_linked(cert, cert),
        spki_sha256=hashlib.sha256(spki_der(cert)).hexdigest(),
        cert_sha256=hashlib.sha256(der).hexdigest(),
    )


def _hash_name(cert: x509.Certificate) -> str | None:
    algorithm = signature_hash_of(cert)
    if algorithm is None:
        return None  # Ed25519/Ed448 sign the message itself, or an unknown algorithm
    return _HASH_NAMES.get(algorithm.name, algorithm.name)


def _key_of(cert: x509.Certificate) -> tuple[str, int | None, str | None]:
    key = public_key_of(cert)
    if key is None:
        return f"unknown ({cert.public_key_algorithm_oid.dotted_string})", None, None
    if isinstance(key, rsa.RSAPublicKey):
        return "RSA", key.key_size, None
    if isinstance(key, ec.EllipticCurvePublicKey):
        return "EC", key.curve.key_size, key.curve.name
    if isinstance(key, ed25519.Ed25519PublicKey):
        return "Ed25519", None, None
    if isinstance(key, ed448.Ed448PublicKey):
        return "Ed448", None, None
    if isinstance(key, dsa.DSAPublicKey):
        return "DSA", key.key_size, None
    return type(key).__name__, None, None


def _san_dns_names(cert: x509.Certificate) -> list[str]:
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName)
    except x509.ExtensionNotFound:
        return []
    return list(san.value.get_values_for_type(x509.DNSName))


def _is_ca(cert: x509.Certificate) -> bool:
    try:
        return cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    except x509.ExtensionNotFound:
        return False


def _own_problems(info: CertInfo, now: datetime) -> list[CertProblem]:
    """What is wrong with one certificate by itself: dates, key size, signature hash."""
    found: list[CertProblem] = []
    who = f"The {_ordinal(info.position)} ({_short(info.subject)})"
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


def _name_problem(reference: str, leaf: CertInfo) -> CertProblem:
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


# -- the chain -----------------------------------------------------------------------


def _order_problems(
    parsed: Sequence[x509.Certificate | None], infos: Sequence[CertInfo]
) -> list[CertProblem]:
    """Each certificate must be issued by the one after it (RFC 5246 section 7.4.2)."""
    by_position = {info.position: info for info in infos}
    found: list[CertProblem] = []
    for position in range(len(parsed) - 1):
        child, parent = parsed[position], parsed[position + 1]
        if child is None or parent is None or _linked(child, parent):
            continue
        if by_position[position].self_signed:
            # A self-signed certificate ends any chain; what follows it is extra.
            where = f"The {_ordinal(position)} is self-signed, yet the server sent more after it."
            found.append(CertProblem(ProblemCode.WRONG_ORDER, where, position))
            continue
        elsewhere = [
            other
            for other, candidate in enumerate(parsed)
            if candidate is not None and other not in (position, position + 1)
            if _linked(child, candidate)
        ]
        next_subject = _short(by_position[position + 1].subject)
        what = f"The {_ordinal(position)} ({_short(by_position[position].subject)})"
        if elsewhere:
            message = (
                f"{what} is followed by {next_subject}, but its issuer is the "
                f"{_ordinal(elsewhere[0])}: the server sends its chain in the wrong order."
            )
        else:
            message = (
                f"{what} is followed by {next_subject}, which did not issue it: the server "
                "sends a certificate that does not belong in this chain."
            )
        found.append(CertProblem(ProblemCode.WRONG_ORDER, message, position))
    return found


def _end_problems(
    parsed: Sequence[x509.Certificate | None],
    infos: Sequence[CertInfo],
    anchors: Sequence[x509.Certificate],
) -> list[CertProblem]:
    """Where the chain ends: at a trusted root, an unknown one, or short of any CA."""
    if not parsed or parsed[-1] is None:
        return []
    last_cert, last = parsed[-1], infos[-1]
    if any(_linked(last_cert, anchor) for anchor in anchors):
        return []
    if last.self_signed:
        if last.position == 0 or _is_anchor(last_cert, anchors):
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


def _is_anchor(cert: x509.Certificate, anchors: Sequence[x509.Certificate]) -> bool:
    try:
        spki = spki_der(cert)
        return any(a.subject == cert.subject and spki_der(a) == spki for a in anchors)
    except ValueError:
        return False


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


# -- DER, just enough to find the SubjectPublicKeyInfo --------------------------------


def _spki_from_tbs(tbs: bytes) -> bytes:
    """TBSCertificate ::= SEQUENCE { [0] version OPTIONAL, serial, signature, issuer,
    validity, subject, subjectPublicKeyInfo, ... } (RFC 5280 section 4.1)."""
    body_start, _ = _header(tbs, 0)
    offset = body_start
    if tbs[offset] == 0xA0:  # the explicit version tag
        offset = _next(tbs, offset)
    for _ in range(5):  # serial, signature, issuer, validity, subject
        offset = _next(tbs, offset)
    if tbs[offset] != 0x30:
        raise ValueError("no SubjectPublicKeyInfo where RFC 5280 puts it")
    return tbs[offset : _next(tbs, offset)]


def _header(data: bytes, offset: int) -> tuple[int, int]:
    """(start of contents, length) of the DER element at `offset` (single-byte tags)."""
    length = data[offset + 1]
    if length < 0x80:
        return offset + 2, length
    count = length & 0x7F
    if not 1 <= count <= 4:
        raise ValueError("unsupported DER length")
    value = int.from_bytes(data[offset + 2 : offset + 2 + count], "big")
    return offset + 2 + count, value


def _next(data: bytes, offset: int) -> int:
    start, length = _header(data, offset)
    end = start + length
    if end > len(data):
        raise ValueError("DER element runs past the end")
    return end


# -- words ---------------------------------------------------------------------------


def _aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def subject_text(cert: x509.Certificate) -> str:
    """The subject as RFC 4514 text, made safe to show."""
    return untrusted_text(cert.subject.rfc4514_string())  # read once in read_certificate


def untrusted_text(text: str) -> str:
    """Text from a certificate made safe to show: control characters escaped, length capped."""
    safe = "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in text)
    return safe if len(safe) <= MAX_TEXT else safe[: MAX_TEXT - 3] + "..."


def _short(subject: str) -> str:
    """The CN alone when there is one (what people recognise), else the whole name."""
    for part in subject.split(","):
        if part.startswith("CN="):
            return part[3:]
    return subject or "(empty name)"


def _ordinal(position: int) -> str:
    if position == 0:
        return "server's certificate"
    return f"certificate #{position + 1} of the chain"


def _date(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d")


def _days(count: int) -> str:
    return "less than a day" if count < 1 else f"{count} day{'s' if count != 1 else ''}"
