"""The helpdesk report as plain text: what "Copy for a helpdesk ticket" puts on the clipboard.

The same sections, in the same order, as the HTML page (``render_html``), complete: no
line is cut and nothing is left to "use --json"; a ticket system shows it as typed. The
values were made printable by the model (``common.text.one_line``), so a server's text
cannot forge a line here.
"""

from __future__ import annotations

from ..common.i18n import N_, Labels, _
from .sections import HelpdeskReport
from .wording import level_shown

__all__ = ["render_text", "severity_shown"]

SEVERITY = Labels({"info": N_("info"), "warn": N_("warn"), "error": N_("error")})


def severity_shown(severity: str) -> str:
    return SEVERITY[severity]


def render_text(report: HelpdeskReport) -> str:
    lines = _top(report)
    for section in (_legs, _findings, _origins, _certificates, _unchecked, _settings):
        lines += section(report)
    lines += ["", _("This report holds no password and nothing from the keyring.")]
    return "\n".join(lines) + "\n"


def _top(report: HelpdeskReport) -> list[str]:
    """The title, the report ID and time, and the verdict with its next step."""
    title = _("mailhop report for {address}").format(address=report.address)
    lines = [
        title,
        "=" * len(title),
        _("Report ID: {id}").format(id=report.report_id),
        _("checked {time} (UTC) in {seconds} s by mailhop {version}").format(
            time=report.checked_at, seconds=report.seconds, version=report.version
        ),
    ]
    if report.masked:
        lines.append(_("address masked"))
    # The catalog's "X: Y" (French puts a space before the colon): the level, then its words.
    verdict = _("{title}: {level}").format(title=level_shown(report.level), level=report.headline)
    return [*lines, "", verdict, report.next_step]


def _legs(report: HelpdeskReport) -> list[str]:
    lines = _heading(_("The three legs"))
    for leg in report.legs:
        lines.append(_("{title}: {level}").format(title=leg.title, level=level_shown(leg.level)))
        lines += [f"  {line}" for line in leg.lines]
    return lines


def _findings(report: HelpdeskReport) -> list[str]:
    lines = _heading(_("Findings"))
    for found in report.findings:
        lines.append(f"[{severity_shown(found.severity)}] {found.summary}  ({found.code})")
        lines.append(f"  {found.helpdesk}")
        lines += [f"  - {item}" for item in found.evidence]
    if not report.findings:
        lines.append(_("Nothing to report."))
    return lines


def _origins(report: HelpdeskReport) -> list[str]:
    lines = _heading(_("Where each setting came from"))
    for origin in report.origins:
        lines += [f"{origin.title}: {origin.endpoint}", f"  {origin.tier}"]
        lines.append("  " + _("User name") + f": {origin.username}")
        lines += [f"  {how}: {target}" for how, target in origin.origins]
    if not report.origins:
        lines.append(_("No server was chosen, so no setting was taken."))
    return lines


def _certificates(report: HelpdeskReport) -> list[str]:
    lines = _heading(_("Certificates"))
    for cert in report.certificates:
        lines += [
            *cert.endpoints,
            f"  {cert.verified}",
            "  " + _("Subject") + f": {cert.subject}",
            "  " + _("Issuer") + f": {cert.issuer}",
            "  " + _("Names") + f": {', '.join(cert.names) or '-'}",
            "  " + _("Valid until") + ": " + cert.validity,
            "  " + _("Key") + f": {cert.key}",
            "  " + _("Key pin (SPKI SHA-256)") + f": {cert.pin}",
            "  " + _("Chain (leaf first)") + f": {' <- '.join(cert.chain) or '-'}",
            f"  DANE: {cert.dane}",
        ]
        lines += ["  " + _("Problem") + f": {problem}" for problem in cert.problems]
    if not report.certificates:
        lines.append(_("No server showed a certificate."))
    return lines


def _unchecked(report: HelpdeskReport) -> list[str]:
    lines = _heading(_("Could not be checked"))
    lines += [f"{item.what}: {item.why}" for item in report.unchecked]
    if not report.unchecked:
        lines.append(_("Everything mailhop asked answered."))
    return lines


def _settings(report: HelpdeskReport) -> list[str]:
    """What to type for each server, then each mail app's step (nothing when blocked)."""
    lines = _heading(_("Settings for each mail app"))
    for server in report.servers:
        lines += [
            server.title,
            "  " + _("Server name") + f": {server.host}",
            "  " + _("Port") + f": {server.port}",
            "  " + _("Security") + f": {server.security}",
            "  " + _("Authentication") + f": {server.authentication}",
            "  " + _("User name") + f": {server.username}",
        ]
    if not report.servers:
        return [*lines, _("Nothing to set up: no server passed the checks.")]
    lines.append(_("Each mail app"))
    for client in report.clients:
        file = f"{client.file}: " if client.file else ""
        lines.append(f"  {client.client}: {file}{client.how}")
    return lines


def _heading(title: str) -> list[str]:
    return ["", title, "-" * len(title)]
