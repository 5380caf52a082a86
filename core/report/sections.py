"""The helpdesk report's typed sections (``HelpdeskReport`` and its parts): plain data that
``model.build_report`` fills and the renderers read; every string is already printable."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "CertificateSection",
    "ClientSteps",
    "FindingSection",
    "HelpdeskReport",
    "LegSection",
    "OriginSection",
    "ServerValues",
    "Unchecked",
]


@dataclass(frozen=True, slots=True)
class LegSection:
    title: str
    level: str  # ok / warn / block / none
    lines: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class FindingSection:
    severity: str  # info / warn / error
    code: str
    summary: str
    helpdesk: str
    evidence: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class OriginSection:
    title: str  # incoming or outgoing server
    endpoint: str  # host:port (security)
    tier: str
    origins: tuple[tuple[str, str], ...]  # (how it was authenticated, what was asked)
    username: str


@dataclass(frozen=True, slots=True)
class CertificateSection:
    endpoints: tuple[str, ...]  # every server that showed this certificate, the same way
    verified: str  # how the key was verified, or why not
    subject: str
    issuer: str
    names: tuple[str, ...]
    valid_until: str
    days_left: int
    validity: str  # valid until, and the days left, in words
    key: str
    pin: str  # SPKI SHA-256, hex
    chain: tuple[str, ...]  # as presented, leaf first
    dane: str
    problems: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Unchecked:
    what: str
    why: str


@dataclass(frozen=True, slots=True)
class ServerValues:
    """What to type for one server, in the settings sheet's words (export/table.SHEET)."""

    title: str
    host: str
    port: int
    security: str
    authentication: str
    username: str


@dataclass(frozen=True, slots=True)
class ClientSteps:
    client: str
    file: str  # the export file this app takes ("" when the values are typed)
    how: str  # one line: what to do with it


@dataclass(frozen=True, slots=True)
class HelpdeskReport:
    address: str  # as shown; masked on request
    domain: str
    version: str
    checked_at: str  # ISO 8601 UTC
    seconds: float
    level: str  # ok / warn / block / could-not-check
    headline: str
    next_step: str
    legs: tuple[LegSection, ...]
    findings: tuple[FindingSection, ...]
    origins: tuple[OriginSection, ...]
    certificates: tuple[CertificateSection, ...]
    unchecked: tuple[Unchecked, ...]
    servers: tuple[ServerValues, ...]  # empty when blocked: nothing to type
    clients: tuple[ClientSteps, ...]
    masked: bool
    report_id: str = ""
