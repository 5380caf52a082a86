"""The stable JSON form of a check (``mailhop check --json``), schema ``mailhop.check/1``.

A superset of ``mailhop.discover/1`` (see discovery_json.py): every field of it, with
``schema`` changed, plus:

    "verdict": {
      "level": "ok" | "warn" | "block" | "could-not-check",   # the account: worse of
                                                 # sending/receiving, or could-not-check
      "could_not_check": null | {"cause", "summary", "advice", "detail",
                                 "clock": "plausible" | "behind" | "ahead",
                                 "clock_off_hours": 3.2 | null},   # this computer's side
      "relay": {..., "mx": "hosts" | "no-mx" | "null-mx" | "unknown"},
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

from ..probe.probe_report import CertSummary, EndpointProbe, utc_text
from ..run.check import CheckReport
from ..verdict.could_not_check import CouldNotCheck
from ..verdict.verdict import ServiceVerdict
from .discovery_json import finding_to_json, report_to_json

__all__ = ["SCHEMA", "check_to_json"]

SCHEMA = "mailhop.check/1"


def check_to_json(report: CheckReport) -> dict[str, Any]:
    out = report_to_json(report.discovery)
    out["schema"] = SCHEMA
    verdict = report.verdict
    out["verdict"] = {
        "level": verdict.level.value,
        "could_not_check": _could_not_check(verdict.could_not_check),
        "submission": _leg(verdict.submission),
        "access": _leg(verdict.access),
        "relay": {
            "level": verdict.relay.level.value,
            "hosts": [
                {
                    "host": relay.host,
                    "mta_sts_mode": relay.mta_sts_mode.value if relay.mta_sts_mode else None,
                    "mta_sts_match": relay.mta_sts_match,
                    "probe": _probe(relay.probe) if relay.probe else None,
                }
                for relay in verdict.relay.hosts
            ],
            "findings": [finding_to_json(f) for f in verdict.relay.findings],
            "tls_rpt": report.tls_rpt,
            "mx": verdict.relay.mx.value,
        },
    }
    out["probes"] = [_probe(p) for p in report.probes]
    out["check_elapsed"] = round(report.elapsed, 4)
    out["stopped_early"] = report.stopped_early
    return out


def _could_not_check(why: CouldNotCheck | None) -> dict[str, Any] | None:
    if why is None:
        return None
    hours = why.clock_off_hours
    return {
        "cause": why.cause.value,
        "summary": why.summary().english(),
        "advice": why.advice().english(),
        "detail": why.detail,
        "clock": why.clock.value,
        "clock_off_hours": round(hours, 2) if hours is not None else None,
    }


def _leg(leg: ServiceVerdict) -> dict[str, Any]:
    return {
        "service": leg.service.value,
        "level": leg.level.value,
        "chosen": _probe(leg.chosen) if leg.chosen else None,
        "findings": [finding_to_json(f) for f in leg.findings],
    }


def _probe(probe: EndpointProbe) -> dict[str, Any]:
    entry, cert, failure, connection = probe.entry, probe.cert, probe.failure, probe.connection
    dane, dialogue, how = probe.dane, probe.dialogue, probe.authenticated_by
    return {
        "service": entry.service.value,
        "host": entry.hostname,
        "host_unicode": entry.name.ulabel,
        "port": entry.port,
        "security": entry.security.value,
        "tier": entry.tier.value,
        "needs_approval": entry.needs_approval,
        "failure": failure.code.value if failure else None,
        "failure_detail": failure.detail if failure else "",
        "server_said": failure.evidence if failure else "",
        "alerts": [
            {"protocol": alert.protocol, "host": alert.host, "text": alert.text}
            for alert in dialogue.alerts
        ],
        "peer": connection.peer,
        "tls_version": connection.tls_version,
        "cipher": connection.cipher,
        "pkix_valid": probe.pkix.valid,
        "pkix_error": probe.pkix.error,
        "authenticated_by": how.value if how else None,
        "dane": dane.outcome.value if dane.outcome else None,
        "dane_usage": int(dane.usage) if dane.usage is not None else None,
        "dane_detail": dane.detail,
        "tlsa_name": probe.tlsa_name,
        "reference": probe.reference,
        "auth_mechanisms": list(dialogue.auth_mechanisms),
        "capabilities": list(dialogue.capabilities),
        "elapsed": round(connection.elapsed, 4),
        "certificate": None if cert is None else _certificate(cert),
    }


def _certificate(cert: CertSummary) -> dict[str, Any]:
    return {
        "subject": cert.subject,
        "issuer": cert.issuer,
        "names": list(cert.names),
        "not_after": utc_text(cert.not_after),
        "days_left": cert.days_left,
        "key": cert.key,
        "signature": cert.signature,
        "spki_sha256": cert.spki_sha256,
        "chain": list(cert.chain_subjects),
        "problems": [{"code": p.code.value, "message": p.message} for p in cert.problems],
    }
