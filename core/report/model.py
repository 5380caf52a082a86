"""The helpdesk report, built from one check as typed sections: pure, no I/O.

One model, three renderings (``render_html``, ``render_text``, and the PDF made from the
HTML), so the page, the printout and the "Copy for a helpdesk ticket" text say the same
things in the same order:

    meta (version, time, report ID) -> verdict in plain words -> the three legs ->
    findings (summary, helpdesk text, evidence) -> where each setting came from ->
    certificates (chain, validity, pin, DANE) -> what could not be checked ->
    the settings to type in each mail client

Every value that came from outside (server text, host names, document URLs) is made
printable here with ``common.text.one_line``, once, so no rendering can forget it; the
HTML renderer escapes it again for its own grammar. Nothing here cuts a text: a ticket
gets it whole. No password or keyring content exists in a check, so none can reach a
report; ``mask`` replaces every spelling of the address's local part (the address, its
percent-encoded form in a URL, a user name equal to it) when the person asks.

The report ID is a short hash of the content (``report_id``): the same report gives the
same ID, so a helpdesk can match a pasted text to an attached PDF.
"""

from __future__ import annotations

import dataclasses
import hashlib
from datetime import datetime

from .. import __version__
from ..common.findings import Finding
from ..common.i18n import Words, _
from ..common.lookalike import shown_host
from ..common.text import one_line
from ..discover.report import Status
from ..export.table import SHEET, Untranslatable
from ..probe.probe_report import EndpointProbe, utc_text
from ..run.check import CheckReport
from ..verdict.labels import SECURITY, SOURCE, STATUS, TIER, provenance_label
from ..verdict.relay_mx import MxAnswer
from ..verdict.signin import decide_sign_in
from ..verdict.verdict import Level, RelayVerdict
from ..verdict.words import leg_lines, relay_lines
from .certificates import certificate_sections
from .masking import HIDDEN, masked
from .sections import (
    ClientSteps,
    FindingSection,
    HelpdeskReport,
    LegSection,
    OriginSection,
    ServerValues,
    Unchecked,
)
from .wording import CLIENTS, HEADLINE, NEXT_STEP

# The sections live in sections.py, the fixed words in wording.py, the certificate sections in
# certificates.py and masking in masking.py; this module puts one check's report together.
__all__ = ["HelpdeskReport", "build_report", "report_id"]


def build_report(
    report: CheckReport, checked_at: datetime, *, mask: bool = False
) -> HelpdeskReport:
    """The report for one check, made at ``checked_at`` (UTC); ``mask`` hides the local part."""
    verdict = report.verdict
    address = report.discovery.address
    domain = address.domain_unicode
    level = verdict.level.value  # could-not-check when this computer could not judge
    local = HIDDEN if mask else address.local  # the export files are named after it
    access = verdict.access
    access_name = "IMAP" if access is verdict.imap else "POP3"
    relay = verdict.relay
    legs: tuple[LegSection, ...] = (
        LegSection(
            _("Your device -> outgoing server (sending)"),
            verdict.submission.level.value,
            leg_lines(verdict.submission),
        ),
        LegSection(
            _("Server -> server (mail to {domain})").format(domain=shown_host(address.domain)),
            relay.level.value if _relay_known(relay) else "none",
            relay_lines(relay),
        ),
        LegSection(
            _("Incoming server -> your devices ({name})").format(name=access_name),
            access.level.value,
            leg_lines(access),
        ),
    )
    chosen = [
        (t, p)
        for t, p in (
            (_("Incoming server"), access.chosen),
            (_("Outgoing server"), verdict.submission.chosen),
        )
        if p
    ]
    built = HelpdeskReport(
        address=address.display,
        domain=shown_host(address.domain),
        version=__version__,
        checked_at=utc_text(checked_at),
        seconds=round(report.elapsed, 2),
        level=level,
        headline=HEADLINE[level],
        next_step=NEXT_STEP[level],
        legs=legs,
        findings=tuple(_finding(f) for f in verdict.findings),
        origins=tuple(_origin(title, p, address.ascii, domain) for title, p in chosen),
        certificates=certificate_sections(report),
        unchecked=_unchecked(report),
        servers=_servers(report, address.ascii) if level in ("ok", "warn") else (),
        clients=tuple(_client(name, fmt, local, address.domain) for name, fmt in CLIENTS),
        masked=mask,
    )
    if mask:
        built = masked(built, address.local, (address.ascii, address.display))
    return dataclasses.replace(built, report_id=report_id(built))


def report_id(report: HelpdeskReport) -> str:
    """``MH-XXXX-XXXX``: the first 32 bits of SHA-256 over everything but the ID itself."""
    content = repr(dataclasses.replace(report, report_id="")).encode("utf-8")
    digest = hashlib.sha256(content).hexdigest()[:8].upper()
    return f"MH-{digest[:4]}-{digest[4:]}"


def _relay_known(relay: RelayVerdict) -> bool:
    """Whether the relay leg has a level to show: hosts were probed, or the MX answer itself
    says something (none, a null MX, or no answer: could not check); as the window's card."""
    return (
        bool(relay.hosts) or relay.level is Level.COULD_NOT_CHECK or relay.mx is not MxAnswer.HOSTS
    )


def _finding(found: Finding) -> FindingSection:
    return FindingSection(
        severity=found.severity.value,
        code=found.code,
        summary=one_line(found.shown_summary),
        helpdesk=one_line(found.shown_helpdesk),
        evidence=tuple(one_line(e) for e in found.evidence),
    )


def _origin(title: str, probe: EndpointProbe, address: str, domain: str) -> OriginSection:
    entry = probe.entry
    return OriginSection(
        title=title,
        endpoint=f"{entry.name.shown}:{entry.port} ({SECURITY[entry.security]})",
        tier=TIER[entry.tier],
        origins=tuple(
            (provenance_label(o.source, o.auth, domain), one_line(o.target)) for o in entry.origins
        ),
        username=one_line(entry.username or address),
    )


def _unchecked(report: CheckReport) -> tuple[Unchecked, ...]:
    """Each source that failed or timed out, and each server that could not be probed,
    with the reason: missing evidence is said, never taken as OK (rule 11)."""
    found: list[Unchecked] = []
    vantage = report.verdict.could_not_check
    if vantage is not None:
        found.append(Unchecked(_("this computer"), f"{vantage.summary()} {vantage.advice()}"))
    for attempt in report.discovery.attempts:
        if attempt.status in (Status.FAILED, Status.TIMED_OUT):
            what = f"{SOURCE[attempt.source]}: {one_line(attempt.target)}"
            why = STATUS[attempt.status]
            if attempt.detail:
                why += f": {one_line(attempt.detail)}"
            found.append(Unchecked(what, why))
    for probe in report.probes:
        if probe.failure is not None and probe.connection.peer is None:
            found.append(Unchecked(one_line(probe.endpoint), one_line(probe.failure.detail)))
    if report.stopped_early and all(
        leg.chosen is not None for leg in (report.verdict.submission, report.verdict.access)
    ):
        found.append(
            Unchecked(
                _("servers still answering at the soft deadline"),
                _("not waited for: a verified server had already been found for each leg"),
            )
        )
    return tuple(found)


def _servers(report: CheckReport, address: str) -> tuple[ServerValues, ...]:
    verdict = report.verdict
    values = []
    for title, probe in (
        (_("Incoming mail"), verdict.access.chosen),
        (_("Outgoing mail"), verdict.submission.chosen),
    ):
        if probe is None:
            continue
        entry = probe.entry
        method = decide_sign_in(probe).method
        try:
            auth = SHEET.auth(method)
        except Untranslatable:
            auth = method.value
        values.append(
            ServerValues(
                title=title,
                host=entry.name.shown,
                port=entry.port,
                security=SHEET.security(entry.security),
                authentication=auth,
                username=one_line(entry.username or address),
            )
        )
    return tuple(values)


def _client(name: str, format_name: str, local: str, domain: str) -> ClientSteps:
    """One app's step: the export file it takes, named as ``mailhop export`` names it."""
    from ..export.formats import export_format

    shown = str(Words(name))  # marked in CLIENTS
    if not format_name:
        how = _("type the values above in the app's manual setup (its 'manual configuration')")
        return ClientSteps(shown, "", how)
    chosen = export_format(format_name)
    filename = chosen.filename.format(local=local, domain=domain)
    return ClientSteps(shown, one_line(filename), chosen.shown_what)
