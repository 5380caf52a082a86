"""Plain-text rendering of a discovery report, for the terminal and helpdesk tickets.

Server- and document-supplied text is printed as data: control characters are shown
escaped so a hostile document cannot move the cursor or fake lines (DESIGN rule 10).
"""

from __future__ import annotations

from collections import Counter

from .discovery import DiscoveryReport
from .labels import SECURITY, SERVICE, SOURCE, STATUS, TIER, auth_label
from .lookalike import shown_host
from .policy import PlanEntry

__all__ = ["render_discovery", "safe"]


def safe(text: str) -> str:
    """Escape control characters (C0, C1, DEL) so untrusted text stays on its line."""
    return "".join(
        ch if ch.isprintable() or ch == " " else ch.encode("unicode_escape").decode("ascii")
        for ch in text
    )


def render_discovery(report: DiscoveryReport) -> str:
    plan = report.plan
    domain = report.address.domain
    lines = [
        f"mailhop discover {report.address.display}",
        f"  domain {shown_host(report.address.domain)} (registrable domain "
        f"{shown_host(report.registrable)}), "
        f"resolver {report.resolver}, {report.elapsed:.2f} s"
        + (", phase 2 used" if report.phase2 else ""),
        "",
    ]
    for service in plan.services:
        lines.append(SERVICE[service.service])
        if not service.entries:
            lines.append("  (nothing found)")
        for rank, entry in enumerate(service.entries, 1):
            lines += _entry_lines(rank, entry, domain)
        lines.append("")
    if plan.uses_oauth2:
        lines += ["Sign-in: OAuth2 (your mail client asks the provider; no password here)", ""]
    if plan.findings:
        lines.append("Findings")
        for found in plan.findings:
            lines.append(f"  {found.severity.value:5}  {safe(found.summary)}  [{found.code}]")
        lines.append("")
    counts = Counter(a.status for a in report.attempts)
    summary = ", ".join(f"{n} {STATUS[s]}" for s, n in sorted(counts.items()))
    lines.append(f"Sources: {len(report.attempts)} asked: {summary}. Use --json for every detail.")
    return "\n".join(lines) + "\n"


def _entry_lines(rank: int, entry: PlanEntry, domain: str) -> list[str]:
    flags = [SECURITY[entry.security], f"tier {entry.tier.value}"]
    if entry.dane:
        flags.append("DANE")
    if entry.oauth2:
        flags.append("OAuth2")
    if entry.name.lookalike:
        flags.append("look-alike name")
    if entry.needs_approval and entry.tier.value != "C":  # tier C's own line says it
        flags.append("needs your approval")
    lines = [f"  {rank}. {entry.name.shown}:{entry.port}  " + ", ".join(flags)]
    lines.append(f"     {TIER[entry.tier.value]}")
    if not entry.inside_domain:
        lines.append(
            f"     host is outside {shown_host(domain)}: in {shown_host(entry.registrable)}"
        )
    for origin in entry.origins:
        lines.append(
            f"     from {SOURCE[origin.source]}, {auth_label(origin.auth, domain)}: "
            f"{safe(origin.target)}"
        )
    if entry.username:
        lines.append(f"     user name: {safe(entry.username)}")
    return lines
