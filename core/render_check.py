"""Plain-text rendering of a check: the three legs, how each was verified, the findings."""

from __future__ import annotations

from .check import CheckReport
from .labels import HOW_VERIFIED, LEVEL_WORDS, SECURITY
from .lookalike import shown_host
from .probe_report import EndpointProbe
from .render_text import safe
from .verdict import RelayVerdict, ServiceVerdict

__all__ = ["render_check"]


def render_check(report: CheckReport) -> str:
    verdict = report.verdict
    address = report.discovery.address
    lines = [
        f"mailhop check {address.display}  ({report.elapsed:.2f} s, no password used)",
        "",
        f"Verdict: {LEVEL_WORDS[verdict.level]}",
        "",
    ]
    lines += _leg("Your device -> outgoing server (submission)", verdict.submission)
    lines += _relay(f"Server -> server (mail to {shown_host(address.domain)})", verdict.relay)
    rua = report.tls_rpt
    if rua:
        lines.insert(-1, f"  TLS failure reports (TLS-RPT) go to {safe(rua)}")
    access = verdict.access
    name = "IMAP" if access is verdict.imap else "POP3"
    lines += _leg(f"Incoming server -> your devices (access, {name})", access)
    findings = [
        *verdict.discovery_findings,
        *verdict.submission.findings,
        *access.findings,
        *verdict.relay.findings,
    ]
    if findings:
        lines.append("Findings")
        for found in findings:
            lines.append(f"  {found.severity.value:5}  {safe(found.summary)}  [{found.code}]")
        lines.append("")
    lines.append("Use --json for the certificates, every source and every probe.")
    return "\n".join(lines) + "\n"


def _leg(title: str, verdict: ServiceVerdict) -> list[str]:
    lines = [f"{title}: {LEVEL_WORDS[verdict.level]}"]
    chosen = verdict.chosen
    if chosen is None:
        tried = len(verdict.probes)
        lines.append(f"  no server passed the checks ({tried} tried)" if tried else "  none found")
    else:
        lines += _endpoint(chosen)
    return [*lines, ""]


def _endpoint(probe: EndpointProbe) -> list[str]:
    entry = probe.entry
    security = SECURITY[entry.security]
    host = entry.name.shown  # U-label (A-label) for an IDN, never only one of them
    lines = [f"  {host}:{entry.port}  {security}, {probe.tls_version or 'no TLS'}"]
    how = probe.authenticated_by
    if how is not None:
        lines.append(f"  verified by {HOW_VERIFIED[how]}")
        if how != "pkix" and probe.pkix_valid:
            lines.append("  the certificate also verifies with this computer's trust store")
    if probe.cert is not None:
        cert = probe.cert
        lines.append(
            f"  certificate: {safe(cert.subject)}, issued by {safe(cert.issuer)}, "
            f"valid until {cert.not_after[:10]} ({cert.days_left} days), {cert.key}"
        )
        lines.append(f"  key pin (SPKI SHA-256): {cert.spki_sha256}")
    lines.append(f"  name checked: {host}, {probe.reference}")
    if probe.auth_mechanisms:
        lines.append(f"  sign-in methods offered: {safe(' '.join(probe.auth_mechanisms))}")
    # RFC 3501 section 7.1: the person must see an [ALERT]; as the server's quoted words.
    lines += [f"  alert: {safe(alert.said())}" for alert in probe.alerts]
    return lines


def _relay(title: str, verdict: RelayVerdict) -> list[str]:
    lines = [f"{title}: {LEVEL_WORDS[verdict.level]}"]
    if not verdict.hosts:
        lines.append("  no MX host found")
    for relay in verdict.hosts:
        probe = relay.probe
        state = "not probed"
        if probe is not None:
            if probe.failure is not None:
                state = f"failed: {safe(probe.failure_detail)}"
            else:
                state = f"STARTTLS, {probe.tls_version}"
                if probe.dane == "matched":
                    state += ", DANE matched"
        policy = ""
        if relay.mta_sts_mode is not None:
            listed = "listed" if relay.mta_sts_match else "NOT listed"
            policy = f"; MTA-STS {relay.mta_sts_mode}, {listed}"
        lines.append(f"  {shown_host(relay.host)}:25  {state}{policy}")
    return [*lines, ""]
