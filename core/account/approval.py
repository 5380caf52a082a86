"""Approval: the person says yes, by name, before a credential goes to a host nobody vouched for.

DESIGN.md section 4, rule 4: a host learned from an unauthenticated source (tier C), or a
host outside the address's registrable domain that no authenticated source named, is not a
reference identity until the person approves it; nor is a host outside that domain whose
name could pass for another (mixed scripts or confusable letters, UTS #39), whatever source
named it. Which entries need a yes is the plan's one rule (``PlanEntry.approval_reasons``);
this module groups them per registrable domain and words the question. The request shows
each registrable domain and host in full, as a U-label and an A-label (``faß.de
(xn--fa-hia.de)``), never truncated, so a look-alike cannot hide in an ellipsis.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from ..common.domains import unicode_domain
from ..common.i18n import _
from ..common.lookalike import shown_host
from ..common.lookalike_words import lookalike_words
from ..policy.plan import ApprovalReason, PlanEntry
from ..verdict.labels import SOURCE

__all__ = ["Approval", "ApprovalRequest", "approvals_needed", "is_approved"]


@dataclass(frozen=True, slots=True)
class ApprovalRequest:
    """One registrable domain that needs a yes, with the hosts and why."""

    registrable: str  # A-label
    unicode: str  # U-label form, for the person to read
    hosts: tuple[str, ...]  # A-labels
    reasons: tuple[str, ...]  # one sentence each, in the language of the moment they were made

    @property
    def domain_shown(self) -> str:
        """``U-label (A-label)`` for an IDN, else the domain: both forms, in full."""
        same = self.unicode == self.registrable
        return self.registrable if same else f"{self.unicode} ({self.registrable})"

    def question(self) -> str:
        """The words of the question, with both forms of the domain and hosts in full."""
        hosts = ", ".join(shown_host(host) for host in self.hosts)
        asked = _("Send your password to {hosts} in the domain {domain}?").format(
            hosts=hosts, domain=self.domain_shown
        )
        return " ".join((asked, *self.reasons))


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


def _why(entry: PlanEntry) -> list[str]:
    """One sentence per reason the entry needs a yes (none: it needs none)."""
    host = entry.name.shown
    sources = ", ".join(sorted({o.source.value for o in entry.origins}))
    words = []
    for reason in entry.approval_reasons:
        if reason is ApprovalReason.UNAUTHENTICATED:
            words.append(
                _(
                    "Nothing the domain authenticated vouches for {host}: it came only from "
                    "unauthenticated sources ({sources})."
                ).format(host=host, sources=sources)
            )
        elif reason is ApprovalReason.LOOKALIKE:
            details = lookalike_words(entry.name)[1]
            named = ", ".join(dict.fromkeys(SOURCE[o.source] for o in entry.origins))
            words.append(
                _(
                    "The name {host} could pass for another: {details}. It is outside your "
                    "address's domain, so being named by the {named} is not enough."
                ).format(host=host, details=details, named=named)
            )
    return words


def approvals_needed(entries: Iterable[PlanEntry]) -> tuple[ApprovalRequest, ...]:
    """The approvals the chosen endpoints need, one per registrable domain, in a stable order."""
    grouped: dict[str, tuple[list[str], list[str]]] = {}
    for entry in entries:
        why = _why(entry)
        if not why:
            continue
        hosts, reasons = grouped.setdefault(entry.registrable, ([], []))
        if entry.hostname not in hosts:
            hosts.append(entry.hostname)
        reasons += [sentence for sentence in why if sentence not in reasons]
    return tuple(
        ApprovalRequest(domain, unicode_domain(domain), tuple(hosts), tuple(reasons))
        for domain, (hosts, reasons) in sorted(grouped.items())
    )


def is_approved(entry: PlanEntry, approvals: Sequence[Approval]) -> bool:
    """True when the entry needs no approval, or an approval names its domain and host."""
    if not entry.needs_approval:
        return True
    return any(a.registrable == entry.registrable and entry.hostname in a.hosts for a in approvals)
