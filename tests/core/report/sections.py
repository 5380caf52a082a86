"""What every rendering of a report must show: each section's heading and its content, as
strings taken from the model (so a test checks the rendering, not a copy of it)."""

from __future__ import annotations

from mailhop.core.report.sections import HelpdeskReport
from mailhop.core.report.wording import level_shown

HEADINGS = (
    "The three legs",
    "Findings",
    "Where each setting came from",
    "Certificates",
    "Could not be checked",
    "Settings for each mail app",
)


def expected(report: HelpdeskReport) -> list[str]:
    """Every string a person must be able to read in the rendering, section by section."""
    found = [report.report_id, report.address, report.version, report.checked_at]
    found += [report.headline, report.next_step, level_shown(report.level), *HEADINGS]
    for leg in report.legs:
        found += [leg.title, level_shown(leg.level), *leg.lines]
    for finding in report.findings:
        found += [finding.summary, finding.helpdesk, finding.code, *finding.evidence]
    for origin in report.origins:
        found += [origin.title, origin.endpoint, origin.tier, origin.username]
        found += [part for pair in origin.origins for part in pair]
    for cert in report.certificates:
        found += [*cert.endpoints, cert.verified, cert.subject, cert.issuer, cert.pin, cert.dane]
        found += [*cert.chain, *cert.problems]
    for item in report.unchecked:
        found += [item.what, item.why]
    for server in report.servers:
        found += [server.title, server.host, str(server.port), server.security]
        found += [server.authentication, server.username]
    if report.servers:
        for client in report.clients:
            found += [client.client, client.file, client.how]
    return [text for text in found if text]


def squeezed(text: str, *, hyphens: bool = True) -> str:
    """``text`` without any white space: a PDF or a browser wraps lines where it likes.
    Without ``hyphens`` also without "-": pdftotext drops the hyphen a line ends with
    ("user-agent-" + "configuration" reads "user-agentconfiguration")."""
    text = "".join(text.split())
    return text if hyphens else text.replace("-", "")


def missing(report: HelpdeskReport, shown: str, *, hyphens: bool = True) -> list[str]:
    """The expected strings that ``shown`` (a rendering's text) does not hold."""
    whole = squeezed(shown, hyphens=hyphens)
    return [t for t in expected(report) if squeezed(t, hyphens=hyphens) not in whole]
