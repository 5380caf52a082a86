"""Plain-text rendering of a discovery report, for the terminal and helpdesk tickets.

Server- and document-supplied text is printed as data (``common.text.one_line``): control
characters are shown escaped so a hostile document cannot move the cursor or fake lines
(DESIGN rule 10).
"""

from __future__ import annotations

from collections import Counter

from ..common.i18n import _
from ..common.lookalike import shown_host
from ..common.text import one_line
from ..policy.plan import PlanEntry
from ..policy.tiers import Tier
from ..run.discovery import DiscoveryReport
from ..verdict.labels import SECURITY, SERVICE, SOURCE, STATUS, auth_label, tier_label

__all__ = ["render_discovery"]


def render_discovery(report: DiscoveryReport) -> str:
    plan = report.plan
    domain = report.address.domain
    lines = [
        _("mailhop discover {address}").format(address=report.address.display),
        "  "
        + _(
            "domain {domain} (registrable domain {registrable}), resolver {resolver}, "
            "{seconds:.2f} s"
        ).format(
            domain=shown_host(report.address.domain),
            registrable=shown_host(report.registrable),
            resolver=report.resolver,
            seconds=report.elapsed,
        )
        + (", " + _("phase 2 used") if report.phase2 else ""),
        "",
    ]
    for service in plan.services:
        lines.append(SERVICE[service.service])
        if not service.entries:
            lines.append("  " + _("(nothing found)"))
        for rank, entry in enumerate(service.entries, 1):
            lines += _entry_lines(rank, entry, domain)
        lines.append("")
    if plan.uses_oauth2:
        # Not "the account signs in with OAuth2": discovery has not asked any server yet, and
        # the method is chosen per server from what it offers (verdict/signin.py). A document
        # listing OAuth2 next to a password, or for one server only, said "no password here".
        oauth2 = _(
            "Sign-in: the documents name OAuth2 for the servers marked OAuth2; `mailhop check` "
            "decides for each server, from what it offers after TLS, whether it takes OAuth2 "
            "or your password"
        )
        lines += [oauth2, ""]
    if plan.findings:
        lines.append(_("Findings"))
        for found in plan.findings:
            summary = one_line(found.shown_summary)
            lines.append(f"  {found.severity.value:5}  {summary}  [{found.code}]")
        lines.append("")
    counts = Counter(a.status for a in report.attempts)
    summary = ", ".join(f"{n} {STATUS[s]}" for s, n in sorted(counts.items()))
    lines.append(
        _("Sources: {count} asked: {summary}. Use --json for every detail.").format(
            count=len(report.attempts), summary=summary
        )
    )
    return "\n".join(lines) + "\n"


def _entry_lines(rank: int, entry: PlanEntry, domain: str) -> list[str]:
    flags = [SECURITY[entry.security], _("tier {tier}").format(tier=entry.tier.value)]
    if entry.dane:
        flags.append("DANE")
    if entry.oauth2:
        flags.append("OAuth2")
    if entry.name.lookalike:
        flags.append(_("look-alike name"))
    if entry.needs_approval and entry.tier is not Tier.C:  # tier C's own line says it
        flags.append(_("needs your approval"))
    lines = [f"  {rank}. {entry.name.shown}:{entry.port}  " + ", ".join(flags)]
    # Tier C asks for approval, except on the relay leg, where no password goes.
    relay = entry.tier is Tier.C and not entry.needs_approval
    lines.append(f"     {tier_label(entry.tier, relay=relay)}")
    if not entry.inside_domain:
        outside = _("host is outside {domain}: in {registrable}").format(
            domain=shown_host(domain), registrable=shown_host(entry.registrable)
        )
        lines.append(f"     {outside}")
    for origin in entry.origins:
        origin_words = _("from {source}, {how}: {target}").format(
            source=SOURCE[origin.source],
            how=auth_label(origin.auth, domain),
            target=one_line(origin.target),
        )
        lines.append(f"     {origin_words}")
    if entry.username:
        user = _("user name: {username}").format(username=one_line(entry.username))
        lines.append(f"     {user}")
    return lines
