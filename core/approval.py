"""Approval: the person says yes, by name, before a credential goes to a host nobody vouched for.

DESIGN.md section 4, rule 4: a host learned from an unauthenticated source (tier C), or a
host outside the address's registrable domain that no authenticated source named, is not a
reference identity until the person approves it. The request shows each registrable domain
in full, as an A-label and as a U-label (``xn--fa-hia.de`` / ``faß.de``), never truncated,
so a look-alike cannot hide in an ellipsis.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import idna

from .policy import PlanEntry, Tier

__all__ = ["Approval", "ApprovalRequest", "approvals_needed", "is_approved", "unicode_domain"]


@dataclass(frozen=True, slots=True)
class ApprovalRequest:
    """One registrable domain that needs a yes, with the hosts and why."""

    registrable: str  # A-label
    unicode: str  # U-label form, for the person to read
    hosts: tuple[str, ...]
    reasons: tuple[str, ...]

    def question(self) -> str:
        """The words of the question, with both forms of the domain in full."""
        same = self.unicode == self.registrable
        name = self.registrable if same else f"{self.unicode} (written {self.registrable})"
        return (
            f"Send your password to {', '.join(self.hosts)} in the domain {name}? "
            f"Nothing the domain authenticated vouches for it: {'; '.join(self.reasons)}."
        )


@dataclass(frozen=True, slots=True)
class Approval:
    """A yes, as kept in the profile."""

    registrable: str
    unicode: str
    hosts: tuple[str, ...]
    approved_at: str  # ISO 8601 UTC

    @classmethod
    def grant(cls, request: ApprovalRequest, now: datetime | None = None) -> Approval:
        when = (now or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
        return cls(request.registrable, request.unicode, request.hosts, when)


def unicode_domain(domain: str) -> str:
    try:
        return str(idna.decode(domain))
    except idna.IDNAError:
        return domain


def _why(entry: PlanEntry) -> str | None:
    sources = ", ".join(sorted({o.source.value for o in entry.origins}))
    if entry.tier is Tier.C:
        return f"{entry.hostname} came only from unauthenticated sources ({sources})"
    vouched = any(o.tier in (Tier.A, Tier.B) for o in entry.origins)
    if not entry.inside_domain and not vouched:
        return f"{entry.hostname} is outside the address's domain and no signed source named it"
    return None


def approvals_needed(entries: Iterable[PlanEntry]) -> tuple[ApprovalRequest, ...]:
    """The approvals the chosen endpoints need, one per registrable domain, in a stable order."""
    grouped: dict[str, tuple[list[str], list[str]]] = {}
    for entry in entries:
        why = _why(entry)
        if why is None:
            continue
        hosts, reasons = grouped.setdefault(entry.registrable, ([], []))
        if entry.hostname not in hosts:
            hosts.append(entry.hostname)
        if why not in reasons:
            reasons.append(why)
    return tuple(
        ApprovalRequest(domain, unicode_domain(domain), tuple(hosts), tuple(reasons))
        for domain, (hosts, reasons) in sorted(grouped.items())
    )


def is_approved(entry: PlanEntry, approvals: Sequence[Approval]) -> bool:
    """True when the entry needs no approval, or an approval names its domain and host."""
    if _why(entry) is None:
        return True
    return any(a.registrable == entry.registrable and entry.hostname in a.hosts for a in approvals)
