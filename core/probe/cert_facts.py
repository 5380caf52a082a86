"""One presented certificate, read: its names, dates, key and signature (``CertInfo``).

``read_info`` never raises for remote data: bytes that are no certificate come back as
the words of an ``unparseable`` problem (certinfo.py). Strings taken from the certificate
are untrusted text, escaped by ``untrusted_text``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa
from cryptography.x509.oid import SignatureAlgorithmOID

from ..common.untrusted import (
    UntrustedDataError,
    public_key_of,
    read_certificate,
    signature_hash_of,
)
from .cert_read import linked, spki_der, untrusted_text

__all__ = ["CertInfo", "ordinal", "read_info"]


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


def read_info(
    der: bytes, position: int, now: datetime
) -> tuple[x509.Certificate | None, CertInfo | None, str]:
    """The certificate and what it says, or why it cannot be read."""
    where = ordinal(position)
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
        self_signed=linked(cert, cert),
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


def ordinal(position: int) -> str:
    """A certificate's place for a person: the server's own, or its number in the chain."""
    if position == 0:
        return "server's certificate"
    return f"certificate #{position + 1} of the chain"
