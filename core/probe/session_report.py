"""What one probe session found: the TLS session, why a dialogue failed, the result.

Plain frozen records (mailsession.py fills them; the probe stage, stage.py, reads them).
Server text in them is untrusted and sanitised (DESIGN rule 10).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..common.model import Security, Service
from .proto_types import FailureCode, Phase

__all__ = ["SessionFailure", "SessionResult", "TlsInfo"]


@dataclass(frozen=True, slots=True)
class TlsInfo:
    """The TLS session as the server made it.

    ``chain`` is DER, leaf first, exactly as presented (not as OpenSSL would build it).
    ``verified`` is OpenSSL's verdict with mailhop's verifying context (PKIX and the name);
    when it is False, ``verify_error`` and ``verify_code`` (X509_V_ERR_*) say why, and the
    rest comes from the diagnostic session. ``version`` and ``cipher`` are None only when
    that second session did not get as far as TLS.
    """

    version: str | None
    cipher: str | None
    chain: tuple[bytes, ...]
    spki_sha256: str | None  # hex SHA-256 of the leaf's SubjectPublicKeyInfo (DANE 3 1 1)
    verified: bool
    verify_error: str | None
    verify_code: int | None
    server_hostname: str


@dataclass(frozen=True, slots=True)
class SessionFailure:
    """Why the dialogue did not complete: a stable ``code``, the ``phase`` it happened in,
    plain words for a person, and the server's own text (sanitised) as evidence."""

    code: FailureCode
    phase: Phase
    message: str
    evidence: str = ""


@dataclass(frozen=True, slots=True)
class SessionResult:
    """What one probe session found. Server text is untrusted and sanitised (rule 10).

    ``greeting`` and ``capabilities_before`` come from before TLS for STARTTLS and are for
    the report only; ``capabilities`` and ``auth_mechanisms`` were read over TLS.
    ``failure`` None means the dialogue completed, not that the server is authenticated:
    see ``verified``. Times are seconds since the probe began.
    """

    service: Service
    host: str
    port: int
    security: Security
    peer: str | None
    greeting: str
    capabilities_before: tuple[str, ...]
    capabilities: tuple[str, ...]
    auth_mechanisms: tuple[str, ...]
    capabilities_hidden: bool  # the server would not list its capabilities over TLS
    tls: TlsInfo | None
    failure: SessionFailure | None
    elapsed: float
    elapsed_connect: float | None = None
    elapsed_tls: float | None = None
    alerts: tuple[str, ...] = ()  # IMAP [ALERT] texts read over TLS, sanitised

    @property
    def verified(self) -> bool:
        """The dialogue completed over TLS that OpenSSL verified with mailhop's context."""
        return self.failure is None and self.tls is not None and self.tls.verified
