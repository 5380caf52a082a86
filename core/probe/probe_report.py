"""What the probe found at each server: plain data for the verdict and the renderers.

The probe module fills these from the TLS session, the certificate analysis and the DANE
match; the verdict reads only these fields, so its table stays pure and testable with
hand-built values. Nothing here can hold a credential: the probe never has one.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..policy.plan import PlanEntry
from .proto_base import ServerAlert

__all__ = ["CertSummary", "EndpointProbe", "RelayProbe"]


@dataclass(frozen=True, slots=True)
class CertSummary:
    """The leaf certificate and chain as the person and the helpdesk see them."""

    subject: str
    issuer: str
    names: tuple[str, ...]  # SAN dNSNames
    not_after: str  # ISO 8601, UTC
    days_left: int
    key: str  # e.g. "EC P-256", "RSA 2048"
    signature: str  # e.g. "ecdsa-with-SHA256"
    spki_sha256: str  # hex: the pin a profile keeps
    chain_subjects: tuple[str, ...]  # as presented, leaf first
    problems: tuple[tuple[str, str], ...]  # (code, words) from the analysis


@dataclass(frozen=True, slots=True)
class EndpointProbe:
    """One candidate endpoint, connected to (or not) without any credential.

    ``failure`` is the session's stable failure code (``starttls-missing``, ``timeout``,
    ...), None when the dialogue completed. ``pkix_valid`` is OpenSSL's verdict with
    mailhop's own context; ``dane`` is the DANE outcome (``matched``, ``mismatch``,
    ``bogus``, ``not-applicable``, ``unusable-records``) or None when no TLSA was asked.
    ``reference`` says where the name checked against the certificate came from.
    """

    entry: PlanEntry
    failure: str | None
    failure_detail: str
    evidence: str  # the server's own words (sanitised), if any
    peer: str | None
    tls_version: str | None
    cipher: str | None
    pkix_valid: bool
    pkix_error: str | None
    cert: CertSummary | None
    dane: str | None
    dane_usage: int | None
    dane_detail: str
    tlsa_name: str
    auth_mechanisms: tuple[str, ...]
    capabilities: tuple[str, ...]
    reference: str
    elapsed: float
    capabilities_hidden: bool = False  # the server would not list capabilities after TLS
    alerts: tuple[ServerAlert, ...] = ()  # IMAP [ALERT]s over TLS: for the person, quoted

    @property
    def endpoint(self) -> str:
        """For a person: the host as U-label (A-label) when it is an IDN (rule 4)."""
        e = self.entry
        return f"{e.name.shown}:{e.port} ({e.service.value}, {e.security.value})"

    @property
    def authenticated_by(self) -> str | None:
        """``dane-ee``, ``dane-ta``, ``pkix`` or None: how the server's key was verified."""
        if self.failure is not None or self.dane in ("mismatch", "bogus"):
            return None
        if self.dane == "matched" and self.dane_usage == 3:
            return "dane-ee"
        if self.dane == "matched" and self.dane_usage == 2:
            return "dane-ta"
        return "pkix" if self.pkix_valid else None


@dataclass(frozen=True, slots=True)
class RelayProbe:
    """One MX host on port 25: STARTTLS, certificate, DANE, and the MTA-STS verdict."""

    host: str
    preference_order: int
    probe: EndpointProbe | None
    mta_sts_mode: str | None  # enforce / testing / none, or None without a policy
    mta_sts_match: bool | None  # the host matches the policy's mx patterns
