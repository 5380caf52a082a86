"""The stable JSON form of a check (``mailhop check --json``), schema ``mailhop.check/1``.

A superset of ``mailhop.discover/1`` (see discovery_json.py): every field of it, with
``schema`` changed, plus:

    "verdict": {
      "level": "ok" | "warn" | "block",          # the account: worse of sending/receiving
      "submission": <leg>, "access": <leg>,      # access: IMAP, or POP3 if only it works
      "relay": {"level", "hosts": [{"host", "mta_sts_mode", "mta_sts_match",
                                     "probe": <probe> | null}], "findings": [...],
                "tls_rpt": "mailto:..." | null}
    },
    "probes": [<probe>, ...],                    # every client-side candidate probed
    "check_elapsed": 0.52, "stopped_early": false

    <leg>   = {"service", "level", "chosen": <probe> | null, "findings": [<finding>]}
    <probe> = {"service", "host", "host_unicode", "port", "security", "tier",
               "needs_approval": bool, "failure": code | null,
               "failure_detail", "server_said", "alerts": [{"protocol", "host",
               "text"}] (IMAP [ALERT]s read over TLS: the server's words, sanitised),
               "peer", "tls_version", "cipher",
               "pkix_valid", "pkix_error", "authenticated_by": "dane-ee" | "dane-ta" |
               "pkix" | null, "dane": "matched" | "mismatch" | "bogus" | null,
               "dane_usage", "dane_detail", "tlsa_name", "reference",
               "auth_mechanisms": [...], "capabilities": [...], "elapsed",
               "certificate": null | {"subject", "issuer", "names", "not_after",
                                      "days_left", "key", "signature", "spki_sha256",
                                      "chain": [...], "problems": [{"code", "message"}]}}
"""

from __future__ import annotations

from typing import Any

from ..common.findings import Finding
from ..probe.probe_report import EndpointProbe
from ..run.check import CheckReport
from ..verdict.verdict import ServiceVerdict
from .discovery_json import report_to_json

__all__ = ["SCHEMA", "check_to_json"]

SCHEMA = "mailhop.check/1"


def check_to_json(report: CheckReport) -> dict[str, Any]:
    out = report_to_json(report.discovery)
    out["schema"] = SCHEMA
    verdict = report.verdict
    out["verdict"] = {
        "level": verdict.level.value,
        "submission": _leg(verdict.submission),
        "access": _leg(verdict.access),
        "relay": {
            "level": verdict.relay.level.value,
            "hosts": [
                {
                    "host": relay.host,
                    "mta_sts_mode": relay.mta_sts_mode,
                    "mta_sts_match": relay.mta_sts_match,
                    "probe": _probe(relay.probe) if relay.probe else None,
                }
                for relay in verdict.relay.hosts
            ],
            "findings": [_finding(f) for f in verdict.relay.findings],
            "tls_rpt": report.tls_rpt,
        },
    }
    out["probes"] = [_probe(p) for p in report.probes]
    out["check_elapsed"] = round(report.elapsed, 4)
    out["stopped_early"] = report.stopped_early
    return out


def _leg(leg: ServiceVerdict) -> dict[str, Any]:
    return {
        "service": leg.service.value,
        "level": leg.level.value,
        "chosen": _probe(leg.chosen) if leg.chosen else None,
        "findings": [_finding(f) for f in leg.findings],
    }


def _finding(found: Finding) -> dict[str, Any]:
    return {
        "code": found.code,
        "severity": found.severity.value,
        "summary": found.summary,
        "helpdesk": found.helpdesk,
        "evidence": list(found.evidence),
    }


def _probe(probe: EndpointProbe) -> dict[str, Any]:
    entry, cert = probe.entry, probe.cert
    return {
        "service": entry.service.value,
        "host": entry.hostname,
        "host_unicode": entry.name.ulabel,
        "port": entry.port,
        "security": entry.security.value,
        "tier": entry.tier.value,
        "needs_approval": entry.needs_approval,
        "failure": probe.failure,
        "failure_detail": probe.failure_detail,
        "server_said": probe.evidence,
        "alerts": [
            {"protocol": alert.protocol, "host": alert.host, "text": alert.text}
            for alert in probe.alerts
        ],
        "peer": probe.peer,
        "tls_version": probe.tls_version,
        "cipher": probe.cipher,
        "pkix_valid": probe.pkix_valid,
        "pkix_error": probe.pkix_error,
        "authenticated_by": probe.authenticated_by,
        "dane": probe.dane,
        "dane_usage": probe.dane_usage,
        "dane_detail": probe.dane_detail,
        "tlsa_name": probe.tlsa_name,
        "reference": probe.reference,
        "auth_mechanisms": list(probe.auth_mechanisms),
        "capabilities": list(probe.capabilities),
        "elapsed": round(probe.elapsed, 4),
        "certificate": None
        if cert is None
        else {
            "subject": cert.subject,
            "issuer": cert.issuer,
            "names": list(cert.names),
            "not_after": cert.not_after,
            "days_left": cert.days_left,
            "key": cert.key,
            "signature": cert.signature,
            "spki_sha256": cert.spki_sha256,
            "chain": list(cert.chain_subjects),
            "problems": [{"code": c, "message": m} for c, m in cert.problems],
        },
    }
