"""What a plan is: per service, ranked entries, each merged over the sources that named it.

An entry keeps every origin (which source said so, how it was authenticated, its tier), so
a person can be told where each field came from (DESIGN.md section 5), and says itself
whether a person must approve its host before a password goes there (rule 4).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from ..common.findings import Finding
from ..common.lookalike import HostName, classify_host
from ..common.model import AuthMethod, OAuth2Info, Security, Service
from ..discover.report import Auth, Source
from .tiers import Tier

__all__ = ["ApprovalReason", "Origin", "Plan", "PlanEntry", "ServicePlan"]


class ApprovalReason(enum.StrEnum):
    """Why a person must approve a host before a password goes to it (DESIGN.md rule 4)."""

    UNAUTHENTICATED = "unauthenticated"  # tier C: no authenticated source named it
    LOOKALIKE = "lookalike"  # a look-alike name (UTS #39) outside the registrable domain


@dataclass(frozen=True, slots=True)
class Origin:
    """Where one plan entry came from: one attempt's say-so, with its tier."""

    source: Source
    tier: Tier
    auth: Auth
    target: str
    via: str
    order: int
    username: str | None
    from_plaintext: bool = False  # the source listed the host only without TLS


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanEntry:
    """One endpoint for one service, merged over every source that named it (twelve
    fields: built by keyword only, so no two same-typed ones can trade places)."""

    service: Service
    hostname: str
    port: int
    security: Security
    tier: Tier  # the best tier among the origins
    username: str | None  # from the best-tier origin that states one
    auth_methods: tuple[AuthMethod, ...]
    oauth2: bool
    registrable: str  # the host's registrable domain (A-label), shown in approvals
    inside_domain: bool  # same registrable domain as the address
    dane: bool  # a DNSSEC-secure TLSA record exists for this host and port
    origins: tuple[Origin, ...]
    # An OAuth2 issuer is known for this host: a source that named it published OAuth2
    # endpoints (autoconfig <oAuth2>, PACC oauth-public), or it is a known provider host.
    oauth2_issuer: bool = False

    @property
    def from_plaintext(self) -> bool:
        """Every source that named this endpoint listed its host only without TLS."""
        return all(origin.from_plaintext for origin in self.origins)

    @property
    def agreement(self) -> int:
        return len({origin.source for origin in self.origins})

    @property
    def name(self) -> HostName:
        """The host name in both forms, with its look-alike labels (UTS #39)."""
        return classify_host(self.hostname)

    @property
    def approval_reasons(self) -> tuple[ApprovalReason, ...]:
        """Rule 4: tier C (the best tier is C only when no A or B source named the host, so
        this covers "outside the domain and nobody vouching"), and a look-alike name outside
        the address's registrable domain whatever its tier: a signed record vouches that the
        domain named the host, not that the person can tell the name from the one it mimics.
        Never for the relay (MX) leg: approval is about where a password goes, and no
        password goes to a domain's MX host."""
        if self.service is Service.RELAY:
            return ()
        reasons = []
        if self.tier is Tier.C:
            reasons.append(ApprovalReason.UNAUTHENTICATED)
        if not self.inside_domain and self.name.lookalike:
            reasons.append(ApprovalReason.LOOKALIKE)
        return tuple(reasons)

    @property
    def needs_approval(self) -> bool:
        return bool(self.approval_reasons)


@dataclass(frozen=True, slots=True)
class ServicePlan:
    service: Service
    entries: tuple[PlanEntry, ...]  # best first

    @property
    def best(self) -> PlanEntry | None:
        return self.entries[0] if self.entries else None


@dataclass(frozen=True, slots=True)
class Plan:
    address: str
    domain: str
    registrable: str
    services: tuple[ServicePlan, ...]
    findings: tuple[Finding, ...]
    oauth2: OAuth2Info | None
    uses_oauth2: bool

    def for_service(self, service: Service) -> ServicePlan:
        return next(plan for plan in self.services if plan.service is service)

    @property
    def access(self) -> tuple[PlanEntry, ...]:
        """Incoming mail, IMAP before POP3."""
        return self.for_service(Service.IMAP).entries + self.for_service(Service.POP3).entries
