"""X.509 certificates from bytes mailhop did not write, read inside the boundary of
untrusted.py (whose docstring says why): cryptography parses a certificate lazily, so
``load_der_x509_certificate`` succeeds and ``.version``, ``.subject``, ``.extensions`` or
``.public_key()`` raise later. Each reader here touches every lazily parsed part while still
inside it, and turns any failure of the library call into ``UntrustedDataError``.
"""

from __future__ import annotations

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.types import CertificatePublicKeyTypes

from .errors import UntrustedDataError
from .text import error_words

__all__ = [
    "public_key_of",
    "read_certificate",
    "read_pem_certificates",
    "signature_hash_of",
    "signature_verifies",
]


def read_certificate(der: bytes) -> x509.Certificate:
    """A DER certificate whose every lazily parsed part has been read once, so that later
    reads of ``version``, ``subject``, ``issuer``, validity, ``extensions`` and the
    signature cannot raise. The key and the signature's hash may use an algorithm
    cryptography does not know: read those with ``public_key_of``/``signature_hash_of``."""
    try:
        cert = x509.load_der_x509_certificate(bytes(der))
        _touch(cert)
    except Exception as exc:  # cryptography's real surface: see the module docstring
        raise UntrustedDataError(f"not a readable certificate: {error_words(exc)}") from exc
    return cert


def read_pem_certificates(pem: bytes) -> list[x509.Certificate]:
    """Every certificate of a PEM bundle (at least one), each read as ``read_certificate``."""
    try:
        certs = x509.load_pem_x509_certificates(bytes(pem))
        for cert in certs:
            _touch(cert)
    except Exception as exc:  # cryptography's real surface: see the module docstring
        raise UntrustedDataError(f"not readable PEM certificates: {error_words(exc)}") from exc
    return certs


def _touch(cert: x509.Certificate) -> None:
    _ = cert.version, cert.serial_number, cert.signature_algorithm_oid
    _ = cert.public_key_algorithm_oid
    _ = cert.subject.rfc4514_string(), cert.issuer.rfc4514_string()
    _ = cert.subject.public_bytes(), cert.issuer.public_bytes()
    _ = cert.not_valid_before_utc, cert.not_valid_after_utc
    _ = cert.tbs_certificate_bytes, cert.signature, cert.fingerprint(hashes.SHA256())
    for extension in cert.extensions:
        _ = extension.value


def public_key_of(cert: x509.Certificate) -> CertificatePublicKeyTypes | None:
    """The certificate's key, or None when cryptography cannot read it (an algorithm or
    curve it does not know, or a garbled key)."""
    try:
        return cert.public_key()
    except Exception:  # cryptography's real surface: see the module docstring
        return None


def signature_hash_of(cert: x509.Certificate) -> hashes.HashAlgorithm | None:
    """The hash the issuer's signature uses; None for Ed25519/Ed448 (no separate hash)
    and for an algorithm cryptography does not know."""
    try:
        return cert.signature_hash_algorithm
    except Exception:  # cryptography's real surface: see the module docstring
        return None


def signature_verifies(
    key: rsa.RSAPublicKey | ec.EllipticCurvePublicKey,
    signature: bytes,
    signed: bytes,
    algorithm: hashes.HashAlgorithm,
) -> bool:
    """True when ``signature`` (PKCS #1 v1.5 for RSA, ECDSA for EC) covers ``signed``.
    A signature too garbled to check (wrong length, not DER) is simply not a match."""
    try:
        if isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, signed, padding.PKCS1v15(), algorithm)
        else:
            key.verify(signature, signed, ec.ECDSA(algorithm))
    except Exception:  # InvalidSignature, and cryptography's real surface besides
        return False
    return True
