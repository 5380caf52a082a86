"""The helpdesk report as typed sections, built from one check: pure, no I/O.

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
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

from .. import __version__
from ..common.findings import Finding
from ..common.i18n import N_, Labels, Words, _, ngettext
from ..common.lookalike import shown_host
from ..common.text import one_line
from ..discover.report import Status
from ..export.table import SHEET, Untranslatable
from ..probe.dane_records import DaneOutcome
from ..probe.probe_report import EndpointProbe, utc_text
from ..run.check import CheckReport
from ..verdict.labels import HOW_VERIFIED, SECURITY, SOURCE, STATUS, TIER, provenance_label
from ..verdict.relay_mx import MxAnswer
from ..verdict.signin import decide_sign_in
from ..verdict.verdict import Level, RelayVerdict
from ..verdict.words import leg_lines, relay_lines

__all__ = [
    "CertificateSection",
    "ClientSteps",
    "FindingSection",
    "HelpdeskReport",
    "LegSection",
    "OriginSection",
    "ServerValues",
    "Unchecked",
    "build_report",
]

# The report's own level: the verdict's three, and "could not check" (DESIGN.md section 3:
# this computer's side failed, which says nothing against the domain).
COULD_NOT_CHECK = Level.COULD_NOT_CHECK.value

HEADLINE = Labels(
    {
        "ok": N_("The domain's mail settings were found and verified: this account can be set up."),
        "warn": N_(
            "The account can be set up, but mailhop found problems the domain's administrator "
            "should look at."
        ),
        "block": N_(
            "This account cannot be set up safely: the domain's servers failed the checks."
        ),
        COULD_NOT_CHECK: N_(
            "The domain could not be checked from this computer: nothing was learned about it."
        ),
    }
)
NEXT_STEP = Labels(
    {
        "ok": N_("Next: set up the mail app with the values below."),
        "warn": N_(
            "Next: read the warnings among the findings; the values below work, and the "
            "findings say what the domain's administrator can fix."
        ),
        "block": N_(
            "Next: send this report to the domain's administrator or helpdesk; do not type the "
            "password into a mail app until the errors among the findings are fixed."
        ),
        COULD_NOT_CHECK: N_(
            "Next: try another network (or fix what 'Could not be checked' names), then "
            "check again."
        ),
    }
)
LEVEL_SHOWN = Labels(
    {
        "ok": N_("OK"),
        "warn": N_("Warning"),
        "block": N_("Blocked"),
        "none": N_("None found"),
        COULD_NOT_CHECK: N_("Could not check"),
    }
)
DANE_SHOWN = Labels(
    {
        DaneOutcome.MATCHED: N_("matched"),
        DaneOutcome.MISMATCH: N_("MISMATCH: the key does not match the TLSA records"),
        DaneOutcome.BOGUS: N_("the TLSA records failed the DNSSEC check"),
        DaneOutcome.NOT_APPLICABLE: N_("does not apply (no DNSSEC-signed TLSA records)"),
        DaneOutcome.UNUSABLE_RECORDS: N_("the TLSA records are unusable"),
    }
)

_HIDDEN = "***"  # a masked local part

# The mail apps a person may use, and which export file each takes (core/export/formats.py);
# "" when the app takes no file and the values are typed.
CLIENTS = (
    ("Thunderbird", "thunderbird"),
    (N_("Apple Mail (Mac, iPhone, iPad)"), "apple"),
    (N_("Outlook for Windows (classic)"), "outlook-reg"),
    (N_("New Outlook, Outlook for Mac"), ""),
    (N_("Thunderbird for Android, K-9 Mail"), "k9-qr-png"),
    ("Evolution", "evolution"),
    ("aerc, NeoMutt, isync, msmtp", "neomutt"),
    (N_("Any other mail app"), ""),
)


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


def build_report(
    report: CheckReport, checked_at: datetime, *, mask: bool = False
) -> HelpdeskReport:
    """The report for one check, made at ``checked_at`` (UTC); ``mask`` hides the local part."""
    verdict = report.verdict
    address = report.discovery.address
    domain = address.domain_unicode
    level = verdict.level.value  # could-not-check when this computer could not judge
    local = _HIDDEN if mask else address.local  # the export files are named after it
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
        certificates=_certificates(report),
        unchecked=_unchecked(report),
        servers=_servers(report, address.ascii) if level in ("ok", "warn") else (),
        clients=tuple(_client(name, fmt, local, address.domain) for name, fmt in CLIENTS),
        masked=mask,
    )
    if mask:
        built = _masked(built, address.local, (address.ascii, address.display))
    return dataclasses.replace(built, report_id=report_id(built))


def report_id(report: HelpdeskReport) -> str:
    """``MH-XXXX-XXXX``: the first 32 bits of SHA-256 over everything but the ID itself."""
    content = repr(dataclasses.replace(report, report_id="")).encode("utf-8")
    digest = hashlib.sha256(content).hexdigest()[:8].upper()
    return f"MH-{digest[:4]}-{digest[4:]}"


def level_shown(level: str) -> str:
    return LEVEL_SHOWN[level]


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


def _probed(report: CheckReport) -> list[EndpointProbe]:
    """Every server that showed a certificate: the chosen ones first, then the rest once."""
    verdict = report.verdict
    seen: dict[tuple[str, int], EndpointProbe] = {}
    first = [verdict.access.chosen, verdict.submission.chosen]
    rest = [*report.probes, *(r.probe for r in report.relay)]
    for probe in (*first, *rest):
        if probe is not None and probe.cert is not None:
            seen.setdefault((probe.entry.hostname, probe.entry.port), probe)
    return list(seen.values())


def _certificates(report: CheckReport) -> tuple[CertificateSection, ...]:
    """One section per certificate and outcome: a host showing the same certificate on
    seven ports, verified the same way, is one section naming the seven."""
    grouped: dict[CertificateSection, list[str]] = {}
    for probe in _probed(report):
        section = _certificate(probe)
        key = dataclasses.replace(section, endpoints=())
        grouped.setdefault(key, []).extend(section.endpoints)
    return tuple(dataclasses.replace(k, endpoints=tuple(v)) for k, v in grouped.items())


def _certificate(probe: EndpointProbe) -> CertificateSection:
    cert = probe.cert
    assert cert is not None  # _probed keeps only these
    if probe.authenticated_by is not None:
        verified = _("verified by {how}").format(how=HOW_VERIFIED[probe.authenticated_by])
    else:
        verified = _("not verified: {why}").format(
            why=one_line(probe.pkix.error or (probe.failure.detail if probe.failure else "-"))
        )
    dane = (
        DANE_SHOWN[probe.dane.outcome]
        if probe.dane.outcome
        else DANE_SHOWN[DaneOutcome.NOT_APPLICABLE]
    )
    if probe.dane.detail:
        dane += f" ({one_line(probe.dane.detail)})"
    return CertificateSection(
        endpoints=(one_line(probe.endpoint),),
        verified=verified,
        subject=one_line(cert.subject),
        issuer=one_line(cert.issuer),
        names=tuple(one_line(n) for n in cert.names),
        valid_until=(until := utc_text(cert.not_after) if cert.not_after else "-"),
        validity=ngettext(
            "{until} ({days} day left)", "{until} ({days} days left)", cert.days_left
        ).format(until=until, days=cert.days_left),
        days_left=cert.days_left,
        key=one_line(cert.key),
        pin=cert.spki_sha256,
        chain=tuple(one_line(s) for s in cert.chain_subjects),
        dane=dane,
        problems=tuple(one_line(p.message) for p in cert.problems),
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
        method = decide_sign_in(probe).method.value
        try:
            auth = SHEET.auth(method)
        except Untranslatable:
            auth = method
        values.append(
            ServerValues(
                title=title,
                host=entry.name.shown,
                port=entry.port,
                security=SHEET.security(entry.security.value),
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


def _masked(report: HelpdeskReport, local: str, forms: tuple[str, ...]) -> HelpdeskReport:
    """Every string of the report with the address's local part hidden."""
    hidden = _HIDDEN
    pairs = [(form, hidden + "@" + form.rpartition("@")[2]) for form in forms]
    pairs += [
        (quote(form, safe=""), quote(hidden, safe="") + "%40" + form.rpartition("@")[2])
        for form in forms
    ]

    def scrub(value: object) -> object:
        if isinstance(value, str):
            if value == local:
                return hidden
            for old, new in pairs:
                value = value.replace(old, new)
            return value
        if isinstance(value, tuple):
            return tuple(scrub(v) for v in value)
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            changes = {f.name: scrub(getattr(value, f.name)) for f in dataclasses.fields(value)}
            return dataclasses.replace(value, **changes)
        return value

    result = scrub(report)
    assert isinstance(result, HelpdeskReport)
    return result
