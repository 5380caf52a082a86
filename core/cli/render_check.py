"""Plain-text rendering of a check: the three legs, how each was verified, the findings."""

from __future__ import annotations

from ..common.i18n import _, ngettext
from ..common.lookalike import shown_host
from ..common.text import one_line
from ..probe.dane_records import DaneOutcome
from ..probe.probe_report import EndpointProbe, VerifiedBy, reference_words
from ..run.check import CheckReport
from ..verdict.labels import HOW_VERIFIED, LEVEL_WORDS, SECURITY
from ..verdict.verdict import RelayVerdict, ServiceVerdict

__all__ = ["render_check"]


def render_check(report: CheckReport) -> str:
    verdict = report.verdict
    address = report.discovery.address
    lines = [
        _("mailhop check {address}  ({seconds:.2f} s, no password used)").format(
            address=address.display, seconds=report.elapsed
        ),
        "",
        _("Verdict: {level}").format(level=LEVEL_WORDS[verdict.level]),
        "",
    ]
    lines += _leg(_("Your device -> outgoing server (submission)"), verdict.submission)
    lines += _relay(
        _("Server -> server (mail to {domain})").format(domain=shown_host(address.domain)),
        verdict.relay,
    )
    rua = report.tls_rpt
    if rua:
        lines.insert(
            -1, "  " + _("TLS failure reports (TLS-RPT) go to {rua}").format(rua=one_line(rua))
        )
    access = verdict.access
    name = "IMAP" if access is verdict.imap else "POP3"
    lines += _leg(_("Incoming server -> your devices (access, {name})").format(name=name), access)
    findings = verdict.findings  # the same finding for the same host once (verdict.py)
    if findings:
        lines.append(_("Findings"))
        for found in findings:
            summary = one_line(found.shown_summary)
            lines.append(f"  {found.severity.value:5}  {summary}  [{found.code}]")
        lines.append("")
    lines.append(_("Use --json for the certificates, every source and every probe."))
    return "\n".join(lines) + "\n"


def _leg(title: str, verdict: ServiceVerdict) -> list[str]:
    lines = [_("{title}: {level}").format(title=title, level=LEVEL_WORDS[verdict.level])]
    chosen = verdict.chosen
    if chosen is None:
        tried = len(verdict.probes)
        none = ngettext(
            "no server passed the checks ({count} tried)",
            "no server passed the checks ({count} tried)",
            tried,
        )
        lines.append("  " + (none.format(count=tried) if tried else _("none found")))
    else:
        lines += _endpoint(chosen)
    return [*lines, ""]


def _endpoint(probe: EndpointProbe) -> list[str]:
    entry = probe.entry
    security = SECURITY[entry.security]
    host = entry.name.shown  # U-label (A-label) for an IDN, never only one of them
    tls_version = probe.connection.tls_version
    lines = [f"  {host}:{entry.port}  {security}, {tls_version or _('no TLS')}"]
    how = probe.authenticated_by
    if how is not None:
        lines.append("  " + _("verified by {how}").format(how=HOW_VERIFIED[how]))
        if how is not VerifiedBy.PKIX and probe.pkix.valid:
            lines.append("  " + _("the certificate also verifies with this computer's trust store"))
    if probe.cert is not None:
        cert = probe.cert
        days = ngettext(
            "certificate: {subject}, issued by {issuer}, valid until {until} ({days} day), {key}",
            "certificate: {subject}, issued by {issuer}, valid until {until} ({days} days), {key}",
            cert.days_left,
        )
        lines.append(
            "  "
            + days.format(
                subject=one_line(cert.subject),
                issuer=one_line(cert.issuer),
                until=cert.not_after[:10],
                days=cert.days_left,
                key=cert.key,
            )
        )
        lines.append("  " + _("key pin (SPKI SHA-256): {pin}").format(pin=cert.spki_sha256))
    lines.append(
        "  "
        + _("name checked: {host}, {reference}").format(host=host, reference=reference_words(entry))
    )
    if probe.dialogue.auth_mechanisms:
        offered = one_line(" ".join(probe.dialogue.auth_mechanisms))
        lines.append("  " + _("sign-in methods offered: {methods}").format(methods=offered))
    # RFC 3501 section 7.1: the person must see an [ALERT]; as the server's quoted words.
    alerts = probe.dialogue.alerts
    lines += ["  " + _("alert: {said}").format(said=one_line(alert.said())) for alert in alerts]
    return lines


def _relay(title: str, verdict: RelayVerdict) -> list[str]:
    lines = [_("{title}: {level}").format(title=title, level=LEVEL_WORDS[verdict.level])]
    if not verdict.hosts:
        lines.append("  " + _("no MX host found"))
    for relay in verdict.hosts:
        probe = relay.probe
        state = _("not probed")
        if probe is not None:
            if probe.failure is not None:
                state = _("failed: {detail}").format(detail=one_line(probe.failure.detail))
            else:
                state = f"STARTTLS, {probe.connection.tls_version}"
                if probe.dane.outcome is DaneOutcome.MATCHED:
                    state += ", " + _("DANE matched")
        policy = ""
        if relay.mta_sts_mode is not None:
            listed = _("listed") if relay.mta_sts_match else _("NOT listed")
            policy = f"; MTA-STS {relay.mta_sts_mode.value}, {listed}"
        lines.append(f"  {shown_host(relay.host)}:25  {state}{policy}")
    return [*lines, ""]
