"""Plain-text rendering of a check: the three legs, how each was verified, the findings."""

from __future__ import annotations

from ..common.i18n import _, ngettext
from ..common.lookalike import shown_host
from ..common.text import one_line
from ..discover.e2e_keys import key_section
from ..probe.probe_report import EndpointProbe, reference_words, utc_text
from ..run.check import CheckReport
from ..verdict.labels import LEVEL_WORDS
from ..verdict.verdict import RelayVerdict, ServiceVerdict
from ..verdict.words import leg_lines, relay_lines

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
    if verdict.could_not_check is not None:  # this computer's side, said before the domain
        why = verdict.could_not_check
        lines += [str(why.summary()), "  " + str(why.advice())]
        lines += ["  " + _("evidence: {detail}").format(detail=one_line(why.detail)), ""]
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
    lines += _encryption_keys(report)
    lines.append(_("Use --json for the certificates, every source and every probe."))
    return "\n".join(lines) + "\n"


def _encryption_keys(report: CheckReport) -> list[str]:
    """Whether the address has published OpenPGP or S/MIME keys (information only)."""
    lines = key_section(report.discovery.address.display, report.discovery.attempts)
    return [*lines, ""] if lines else []


def _leg(title: str, verdict: ServiceVerdict) -> list[str]:
    lines = [_("{title}: {level}").format(title=title, level=LEVEL_WORDS[verdict.level])]
    lines += ["  " + line for line in leg_lines(verdict)]  # the window's card says the same
    if verdict.chosen is not None:
        lines += ["  " + line for line in _details(verdict.chosen)]
    return [*lines, ""]


def _details(probe: EndpointProbe) -> list[str]:
    """What the terminal adds below the card's lines: the certificate, the name checked and
    the sign-in methods offered (the window shows these in its certificate view)."""
    lines = []
    if probe.cert is not None:
        cert = probe.cert
        days = ngettext(
            "certificate: {subject}, issued by {issuer}, valid until {until} ({days} day), {key}",
            "certificate: {subject}, issued by {issuer}, valid until {until} ({days} days), {key}",
            cert.days_left,
        )
        lines.append(
            days.format(
                subject=one_line(cert.subject),
                issuer=one_line(cert.issuer),
                until=utc_text(cert.not_after)[:10],
                days=cert.days_left,
                key=cert.key,
            )
        )
        lines.append(_("key pin (SPKI SHA-256): {pin}").format(pin=cert.spki_sha256))
    entry = probe.entry
    lines.append(
        _("name checked: {host}, {reference}").format(
            host=entry.name.shown, reference=reference_words(entry)
        )
    )
    if probe.dialogue.auth_mechanisms:
        offered = one_line(" ".join(probe.dialogue.auth_mechanisms))
        lines.append(_("sign-in methods offered: {methods}").format(methods=offered))
    return lines


def _relay(title: str, verdict: RelayVerdict) -> list[str]:
    lines = [_("{title}: {level}").format(title=title, level=LEVEL_WORDS[verdict.level])]
    lines += ["  " + line for line in relay_lines(verdict)]
    return [*lines, ""]
