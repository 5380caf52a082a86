"""The facts of a TLS session as the server made it: version, cipher, the presented chain.

Read from asyncio's SSL transport once the handshake is done (``tls_info``), or merged
with the verifying context's refusal when the chain was read by a diagnostic session
(``refused_tls``). The chain is kept exactly as presented, not as OpenSSL would build it.
"""

from __future__ import annotations

import _ssl  # ENCODING_DER, for the private chain of Python 3.11 and 3.12
import asyncio
import hashlib
import ssl

from .cert_read import load_certificate, spki_der
from .session_report import TlsInfo

__all__ = ["presented_chain", "refused_tls", "spki_sha256", "tls_info"]


def tls_info(transport: asyncio.Transport, context: ssl.SSLContext, host: str) -> TlsInfo:
    ssl_object = transport.get_extra_info("ssl_object")
    if not isinstance(ssl_object, ssl.SSLObject):
        raise RuntimeError("a TLS transport without its SSLObject")
    chain = presented_chain(ssl_object)
    cipher = ssl_object.cipher()
    verifying = context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    return TlsInfo(
        version=ssl_object.version(),
        cipher=cipher[0] if cipher else None,
        chain=chain,
        spki_sha256=spki_sha256(chain[0]) if chain else None,
        verified=verifying,
        verify_error=None if verifying else "not verified (diagnostic context)",
        verify_code=None,
        server_hostname=host,
    )


def refused_tls(
    tls: TlsInfo | None, host: str, verify_error: str, verify_code: int | None
) -> TlsInfo:
    """The diagnostic session's TLS facts with the verifying context's refusal."""
    return TlsInfo(
        version=tls.version if tls else None,
        cipher=tls.cipher if tls else None,
        chain=tls.chain if tls else (),
        spki_sha256=tls.spki_sha256 if tls else None,
        verified=False,
        verify_error=verify_error,
        verify_code=verify_code,
        server_hostname=host,
    )


def presented_chain(ssl_object: ssl.SSLObject) -> tuple[bytes, ...]:
    """The certificates as the server sent them, DER, leaf first.

    Python 3.13 made ``get_unverified_chain`` public (it returns DER bytes); 3.11 and 3.12
    have it only on the private ``_sslobj`` (returning certificate objects). Without
    either, the leaf alone.
    """
    public = getattr(ssl_object, "get_unverified_chain", None)
    if public is not None:
        return tuple(bytes(item) for item in public() or ())
    inner = getattr(ssl_object, "_sslobj", None)
    private = getattr(inner, "get_unverified_chain", None)
    if private is not None:
        return tuple(bytes(item.public_bytes(_ssl.ENCODING_DER)) for item in private() or ())
    leaf = ssl_object.getpeercert(binary_form=True)
    return (leaf,) if leaf else ()


def spki_sha256(der: bytes) -> str | None:
    """As certinfo and login_wire compute it (through the untrusted-bytes boundary, the
    key as encoded), so equal keys compare equal; None for bytes that are no certificate."""
    cert = load_certificate(der)
    if cert is None:
        return None
    try:
        return hashlib.sha256(spki_der(cert)).hexdigest()
    except ValueError:  # no key to be found at all
        return None
