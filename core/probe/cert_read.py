"""Reading certificate bytes: load one, find its key, tell who issued it, quote its text.

The small, sharp tools the analysis (certinfo.py), DANE (dane.py) and the login test share.
Every certificate is read through untrusted.py (``read_certificate``, ``public_key_of``):
cryptography parses lazily, so a garbled name, version or extension is found there, once.
The SubjectPublicKeyInfo is taken from the DER itself (RFC 5280 section 4.1), so a key
cryptography cannot load still hashes to what a TLSA record pins. Text taken from a
certificate is untrusted: ``untrusted_text`` escapes control characters (DESIGN rule 10).
"""

from __future__ import annotations

from collections.abc import Sequence

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization

from ..common.text import server_text
from ..common.untrusted import UntrustedDataError, public_key_of, read_certificate

__all__ = [
    "MAX_TEXT",
    "is_anchor",
    "issued_by",
    "linked",
    "load_certificate",
    "signed_by",
    "spki_der",
    "spki_from_der",
    "subject_text",
    "untrusted_text",
]

MAX_TEXT = 300  # a subject longer than this is cut for display


def load_certificate(der: bytes) -> x509.Certificate | None:
    """A DER certificate, or None when the bytes are not one cryptography can read."""
    try:
        return read_certificate(der)
    except UntrustedDataError:
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
    return signed_by(child, parent) is True


def signed_by(child: x509.Certificate, parent: x509.Certificate) -> bool | None:
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


def linked(child: x509.Certificate, parent: x509.Certificate) -> bool:
    """For explaining a chain: issued by, or at least named so when the signature
    algorithm is too old to check (that weakness is reported on its own)."""
    return signed_by(child, parent) is not False


def is_anchor(cert: x509.Certificate, anchors: Sequence[x509.Certificate]) -> bool:
    try:
        spki = spki_der(cert)
        return any(a.subject == cert.subject and spki_der(a) == spki for a in anchors)
    except ValueError:
        return False


def subject_text(cert: x509.Certificate) -> str:
    """The subject as RFC 4514 text, made safe to show."""
    return untrusted_text(cert.subject.rfc4514_string())  # read once in read_certificate


def untrusted_text(text: str) -> str:
    """Text from a certificate made safe to show (``common.text.server_text``: control,
    format and separator characters escaped, cut at ``MAX_TEXT`` with an ellipsis)."""
    return server_text(text, MAX_TEXT)


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
