"""Fuzzes certificate analysis (core/probe/certinfo.py) with chains as a server presents them:
the bytes are split into DER elements (a seed is one certificate or a whole chain, DER
concatenated), or read as a PEM bundle when they start like one.

analyze_chain documents that it never raises for remote data (a garbled certificate is an
``unparseable`` problem); load_certificate returns None. So CONTRACT is empty; spki_der's
documented ValueError ("no key at all") and read_pem_certificates' UntrustedDataError are
caught where they are called. Safety rules (asserts): one CertInfo per readable
certificate, and every problem names a certificate of the chain or the whole chain.
"""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime

from cryptography.hazmat.primitives.serialization import Encoding

from mailhop.core.common.untrusted import UntrustedDataError, read_pem_certificates
from mailhop.core.probe.cert_read import issued_by, load_certificate, spki_der
from mailhop.core.probe.certinfo import analyze_chain

CONTRACT: tuple[type[BaseException], ...] = ()

NOW = datetime(2026, 6, 1, tzinfo=UTC)


def _split_der(data: bytes) -> list[bytes]:
    """Top-level DER elements; what does not parse as one is the last piece, as is."""
    pieces: list[bytes] = []
    at = 0
    while at < len(data) and len(pieces) < 8:
        if at + 2 > len(data):
            break
        length, start = data[at + 1], at + 2
        if length & 0x80:
            count = length & 0x7F
            if not 1 <= count <= 3 or start + count > len(data):
                break
            length, start = int.from_bytes(data[start : start + count], "big"), start + count
        if start + length > len(data):
            break
        pieces.append(data[at : start + length])
        at = start + length
    if at < len(data):
        pieces.append(data[at:])
    return pieces


def one_input(data: bytes) -> None:
    if data.startswith(b"-----BEGIN"):
        try:
            chain = [c.public_bytes(Encoding.DER) for c in read_pem_certificates(data)]
        except UntrustedDataError:
            return
    else:
        chain = _split_der(data)
    report = analyze_chain(chain, "mail.example.com", now=NOW, anchors=chain[-1:])
    assert len(report.certificates) <= len(chain)
    for problem in report.problems:
        assert problem.position is None or 0 <= problem.position < len(chain)
    certs = [load_certificate(der) for der in chain]
    for cert in certs:
        if cert is not None:
            with contextlib.suppress(ValueError):
                spki_der(cert)
            issued_by(cert, cert)
