"""What one probed endpoint tells a person: its failure, certificate, DANE and sign-in list.

Pure, and table-driven: the session's failure code and the certificate's problem codes map
to finding codes by the two tables below. A DANE mismatch or bogus TLSA is said whatever
PKIX says (rule 5); certificate problems are said only when nothing verified the key,
since a DANE-EE pin vouches for a key whatever its certificate's names and dates.
"""

from __future__ import annotations

from dataclasses import replace

from ..common.domains import unicode_domain
from ..common.findings import Finding, Severity, finding, lookalike_words
from ..common.i18n import Words
from ..common.model import Service
from ..policy.plan import ApprovalReason
from ..probe.cert_problems import ProblemCode
from ..probe.dane_records import DaneOutcome
from ..probe.probe_report import EndpointProbe, VerifiedBy, utc_text
from ..probe.proto_types import FailureCode, quote_server

__all__ = [
    "CERT_FINDINGS",
    "EXPIRY_WARNING_DAYS",
    "FAILURE_FINDINGS",
    "approval_finding",
    "at_most",
    "endpoint_findings",
    "most_severe",
]

EXPIRY_WARNING_DAYS = 21

# Session failure code -> finding code.
FAILURE_FINDINGS = {
    FailureCode.CONNECT: "probe-connect",
    FailureCode.TIMEOUT: "probe-timeout",
    FailureCode.STARTTLS_MISSING: "starttls-missing",
    FailureCode.STARTTLS_REFUSED: "starttls-refused",
    FailureCode.PREAUTH: "preauth",
    FailureCode.INJECTION: "injection",
    FailureCode.TLS_VERSION: "tls-version",
    FailureCode.TLS_HANDSHAKE: "tls-handshake",
    FailureCode.CLOSED: "server-closed",
    FailureCode.REFUSED: "server-refused",
    FailureCode.FLOOD: "server-flood",
    FailureCode.PROTOCOL: "protocol-error",
    FailureCode.NOT_CHECKED: "probe-not-checked",  # INFO: nothing said against the server
}

# Certificate problem code (certinfo) -> finding code; wrong order and unparseable have
# none of their own (they show as cert-untrusted when OpenSSL refused the chain).
CERT_FINDINGS = {
    ProblemCode.EXPIRED: "cert-expired",
    ProblemCode.NOT_YET_VALID: "cert-not-yet-valid",
    ProblemCode.NAME_MISMATCH: "cert-name-mismatch",
    ProblemCode.UNKNOWN_ISSUER: "cert-unknown-issuer",
    ProblemCode.SELF_SIGNED: "cert-unknown-issuer",
    ProblemCode.MISSING_INTERMEDIATE: "cert-missing-intermediate",
    ProblemCode.WEAK_KEY: "cert-weak",
    ProblemCode.WEAK_SIGNATURE: "cert-weak",
}
_BLOCKING_CERT = {"cert-expired", "cert-not-yet-valid", "cert-name-mismatch"} | {
    "cert-unknown-issuer",
    "cert-missing-intermediate",
}
_DANE_BLOCKS = (DaneOutcome.MISMATCH, DaneOutcome.BOGUS)
_SEVERITY_ORDER = [Severity.INFO, Severity.WARN, Severity.ERROR]


def endpoint_findings(
    probe: EndpointProbe, where: str | Words | None = None, ports: str | Words | None = None
) -> list[Finding]:
    """What one probed endpoint tells a person, from its failure, certificate and DANE.
    ``where`` and ``ports`` name the endpoint (default: the probe's own host and port), so
    that one finding can speak for the same host seen on several ports."""
    where = where or probe.endpoint
    if probe.failure is not None:
        found = [_failure(probe, where, ports or str(probe.entry.port))]
    else:
        found = [*_dane(probe, where), *_certificate(probe, where), *_dialogue(probe, where)]
    entry = probe.entry
    return [
        replace(f, evidence=_evidence(probe), host=entry.hostname, port=entry.port) for f in found
    ]


def _failure(probe: EndpointProbe, where: str | Words, port: str | Words) -> Finding:
    assert probe.failure is not None
    failure = probe.failure
    return finding(
        FAILURE_FINDINGS.get(failure.code, "protocol-error"),
        endpoint=where,
        port=port,
        detail=failure.detail,
        # The server's words, quoted so they never read as mailhop's (rule 10).
        server_said=quote_server(failure.evidence) if failure.evidence else "(nothing)",
    )


def _dane(probe: EndpointProbe, where: str | Words) -> list[Finding]:
    dane = probe.dane
    out: list[Finding] = []
    if dane.outcome is DaneOutcome.MISMATCH:
        out.append(
            finding("dane-mismatch", endpoint=where, tlsa=probe.tlsa_name, detail=dane.detail)
        )
    elif dane.outcome is DaneOutcome.BOGUS:
        out.append(finding("dane-bogus", endpoint=where, detail=dane.detail))
    how = probe.authenticated_by
    if how is VerifiedBy.DANE_EE:
        out.append(finding("dane-ee", endpoint=where))
    elif how is VerifiedBy.DANE_TA:
        out.append(finding("dane-ta", endpoint=where))
    return out


def _certificate(probe: EndpointProbe, where: str | Words) -> list[Finding]:
    cert, how = probe.cert, probe.authenticated_by
    out: list[Finding] = []
    if how is None and probe.dane.outcome not in _DANE_BLOCKS:
        problems = [(CERT_FINDINGS.get(p.code), p.message) for p in (cert.problems if cert else ())]
        blocking = [(c, w) for c, w in problems if c in _BLOCKING_CERT]
        names = ", ".join(cert.names) if cert else "(none)"
        for code, words in blocking or [("cert-untrusted", probe.pkix.error or "not verified")]:
            out.append(
                finding(
                    code or "cert-untrusted",
                    endpoint=where,
                    detail=words,
                    names=names,
                    host=probe.entry.name.shown,
                )
            )
    if cert is None:
        return out
    weak = [p.message for p in cert.problems if CERT_FINDINGS.get(p.code) == "cert-weak"]
    if weak:
        out.append(finding("cert-weak", endpoint=where, detail="; ".join(weak)))
    checks_dates = how in (VerifiedBy.PKIX, VerifiedBy.DANE_TA)
    if checks_dates and 0 <= cert.days_left < EXPIRY_WARNING_DAYS:
        out.append(
            finding(
                "cert-expiring", endpoint=where, days=cert.days_left, until=utc_text(cert.not_after)
            )
        )
    return out


def _dialogue(probe: EndpointProbe, where: str | Words) -> list[Finding]:
    if probe.dialogue.capabilities_hidden:
        return [
            finding("capabilities-hidden", endpoint=where, detail="no capability list after TLS")
        ]
    relay = probe.entry.service is Service.RELAY
    if probe.authenticated_by is not None and not relay and not probe.dialogue.auth_mechanisms:
        return [finding("no-auth-mechanism", endpoint=where)]
    return []


def _evidence(probe: EndpointProbe) -> tuple[str, ...]:
    """Where the endpoint came from and what it presented, for the helpdesk view."""
    found = [f"named by {o.source.value}: {o.target} ({o.auth.value})" for o in probe.entry.origins]
    connection = probe.connection
    if connection.peer:
        found.append(f"connected to {connection.peer}, {connection.tls_version or 'no TLS'}")
    cert = probe.cert
    if cert is not None:
        found.append(
            f"certificate: subject {cert.subject}; issuer {cert.issuer}; names "
            f"{', '.join(cert.names) or '(none)'}; not after {utc_text(cert.not_after)}; "
            f"SPKI SHA-256 {cert.spki_sha256}"
        )
    if probe.pkix.error:
        found.append(f"this computer's verification: {probe.pkix.error}")
    if probe.dane.outcome:
        found.append(f"TLSA {probe.tlsa_name}: {probe.dane.outcome.value} ({probe.dane.detail})")
    return tuple(found)


def approval_finding(chosen: EndpointProbe, where: str | Words | None = None) -> Finding:
    """The chosen endpoint needs the person's yes (rule 4); ``where`` as in endpoint_findings."""
    entry = chosen.entry
    lookalike = entry.approval_reasons == (ApprovalReason.LOOKALIKE,)  # tier C says the rest
    found = finding(
        "lookalike-needs-approval" if lookalike else "needs-approval",
        endpoint=where or chosen.endpoint,
        registrable=entry.registrable,
        registrable_unicode=unicode_domain(entry.registrable),
        sources=", ".join(sorted({o.source.value for o in entry.origins})),
        details=lookalike_words(entry.name)[1],
    )
    return replace(found, host=entry.hostname, port=entry.port)


def at_most(found: Finding, severity: Severity) -> Finding:
    """The finding, lowered to `severity` if it is more severe."""
    if _SEVERITY_ORDER.index(found.severity) <= _SEVERITY_ORDER.index(severity):
        return found
    return replace(found, severity=severity)


def most_severe(found: list[Finding]) -> Severity:
    return max((f.severity for f in found), key=_SEVERITY_ORDER.index)
