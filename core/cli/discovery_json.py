"""The stable JSON form of a discovery report (``mailhop discover --json``).

Schema ``mailhop.discover/1``. Fields are only ever added within a schema version;
renaming or removing one bumps the version. Times are seconds (floats).

    {
      "schema": "mailhop.discover/1",
      "address": "jo@xn--fa-hia.de",          # local part @ A-label
      "address_unicode": "jo@faß.de",
      "domain": "xn--fa-hia.de", "registrable_domain": "xn--fa-hia.de",
      "resolver": "127.0.0.53:53",
      "elapsed": 0.41, "phase2": false, "stopped_early": false,
      "uses_oauth2": false,
      "oauth2": null | {"issuer", "scope", "auth_url", "token_url"},
      "services": {                              # keys: submission, imap, pop3, relay
        "imap": [                                # best first
          {"host": "mail.example.com", "port": 993, "security": "implicit-tls" | "starttls",
           "host_unicode": "mail.example.com",   # the U-label form, for display
           "tier": "A" | "B" | "C", "needs_approval": bool,
           "approval_reasons": ["unauthenticated" | "lookalike", ...],
           "lookalike": [{"ulabel", "alabel", "scripts": ["Cyrillic", "Latin"],
                          "problems": ["mixed-script" | "whole-script-confusable" |
                                       "confusable-characters", ...],
                          "confusables": [{"char", "codepoint", "script", "looks_like"}]}],
                                                 # UTS #39 look-alike labels; [] when none
           "registrable_domain": "example.com", "inside_domain": bool,
           "dane": bool,                         # a DNSSEC-secure TLSA record exists
           "username": "jo@example.com" | null,
           "auth_methods": ["password-cleartext", ...], "oauth2": bool,
           "sources": [{"source": "srv", "tier": "A", "auth": "dnssec-secure",
                        "target": "_imaps._tcp.example.com SRV", "via": "DNS via ...",
                        "order": 0, "username": null}]}
        ], ...
      },
      "findings": [{"code", "severity": "info"|"warn"|"error", "summary", "helpdesk",
                    "evidence": [...]}],
      "attempts": [{"source", "target", "status": "found"|"nothing"|"failed"|"timed-out"|
                    "skipped", "auth", "detail", "started", "elapsed", "via", "hops": [...],
                    "candidates": <count>, "issues": [{"code", "message", "where"}],
                    "records": [{"name", "type", "records": [...], "dnssec":
                                 "secure"|"insecure"|"bogus"|"indeterminate",
                                 "absence_proven": bool, "reason",
                                 "clock": "plausible"|"behind"|"ahead"}],
                    "facts": {...}}],      # MTA-STS from the cache adds "cached_at" and
                                           # "cached_until"; keys add "fingerprints"
      "encryption_keys": [{"source": "openpgpkey" | "wkd" | "smimea",
                           "kind": "openpgp" | "smime",
                           "published": true | false | null,   # null: could not be checked
                           "auth": "dnssec-secure" | "https-in-domain" | ...,
                           "authenticated": bool,   # DNSSEC-secure, or HTTPS from the domain
                           "keys": [{"fingerprint": "8E32...BFD1" | "", "form": "OpenPGP v4"}]}]
    }
"""

from __future__ import annotations

from typing import Any

from ..common.findings import Finding
from ..discover.e2e_keys import KeyAvailability, key_availability
from ..discover.report import (
    Attempt,
    MtaSts,
    Payload,
    ProviderKey,
    PublishedKeys,
    RefusedRedirect,
    TlsaQuestion,
    TlsReporting,
)
from ..policy.plan import PlanEntry
from ..run.discovery import DiscoveryReport

__all__ = ["SCHEMA", "finding_to_json", "report_to_json"]

SCHEMA = "mailhop.discover/1"


def report_to_json(report: DiscoveryReport) -> dict[str, Any]:
    plan = report.plan
    oauth = plan.oauth2
    return {
        "schema": SCHEMA,
        "address": report.address.ascii,
        "address_unicode": report.address.display,
        "domain": report.address.domain,
        "registrable_domain": report.registrable,
        "resolver": report.resolver,
        "elapsed": round(report.elapsed, 4),
        "phase2": report.phase2,
        "stopped_early": report.stopped_early,
        "uses_oauth2": plan.uses_oauth2,
        "oauth2": None
        if oauth is None
        else {
            "issuer": oauth.issuer,
            "scope": oauth.scope,
            "auth_url": oauth.auth_url,
            "token_url": oauth.token_url,
        },
        "services": {
            service.service.value: [_entry(e) for e in service.entries] for service in plan.services
        },
        "findings": [finding_to_json(f) for f in plan.findings],
        "attempts": [_attempt(a) for a in report.attempts],
        "encryption_keys": [_keys(row) for row in key_availability(report.attempts)],
    }


def _keys(row: KeyAvailability) -> dict[str, Any]:
    return {
        "source": row.source.value,
        "kind": row.kind.value,
        "published": row.published,
        "auth": row.auth.value,
        "authenticated": row.authenticated,
        "keys": [{"fingerprint": k.fingerprint, "form": k.form} for k in row.keys],
    }


def finding_to_json(found: Finding) -> dict[str, Any]:
    """One finding as both schemas write it (discover/1, and check/1 for the verdict's):
    English words, whatever the person's language, so that a ticket reads the same."""
    return {
        "code": found.code,
        "severity": found.severity.value,
        "summary": found.summary,
        "helpdesk": found.helpdesk,
        "evidence": list(found.evidence),
    }


def _entry(entry: PlanEntry) -> dict[str, Any]:
    return {
        "host": entry.hostname,
        "host_unicode": entry.name.ulabel,
        "port": entry.port,
        "security": entry.security.value,
        "tier": entry.tier.value,
        "needs_approval": entry.needs_approval,
        "approval_reasons": [r.value for r in entry.approval_reasons],
        "lookalike": [
            {
                "ulabel": label.ulabel,
                "alabel": label.alabel,
                "scripts": list(label.scripts),
                "problems": [p.value for p in label.problems],
                "confusables": [
                    {
                        "char": c.char,
                        "codepoint": c.codepoint,
                        "script": c.script,
                        "looks_like": c.looks_like,
                    }
                    for c in label.confusables
                ],
            }
            for label in entry.name.suspects
        ],
        "registrable_domain": entry.registrable,
        "inside_domain": entry.inside_domain,
        "dane": entry.dane,
        "username": entry.username,
        "auth_methods": [m.value for m in entry.auth_methods],
        "oauth2": entry.oauth2,
        "sources": [
            {
                "source": o.source.value,
                "tier": o.tier.value,
                "auth": o.auth.value,
                "target": o.target,
                "via": o.via,
                "order": o.order,
                "username": o.username,
            }
            for o in entry.origins
        ],
    }


def _attempt(attempt: Attempt) -> dict[str, Any]:
    return {
        "source": attempt.source.value,
        "target": attempt.target,
        "status": attempt.status.value,
        "auth": attempt.auth.value,
        "detail": attempt.detail,
        "started": round(attempt.started, 4),
        "elapsed": round(attempt.elapsed, 4),
        "via": attempt.via,
        "hops": list(attempt.hops),
        "candidates": len(attempt.candidates),
        "issues": [
            {"code": i.code.value, "message": i.message, "where": i.where} for i in attempt.issues
        ],
        "records": [
            {
                "name": r.name,
                "type": r.rdtype,
                "records": list(r.records),
                "dnssec": r.dnssec.value,
                "absence_proven": r.absence_proven,
                "reason": r.reason,
                "clock": r.clock.value,
            }
            for r in attempt.records
        ],
        "facts": payload_facts(attempt.payload),
    }


def payload_facts(payload: Payload | None) -> dict[str, str]:
    """An attempt's payload as the string "facts" of schema 1 (names and order unchanged)."""
    match payload:
        case TlsaQuestion(host=host, port=port):
            return {"host": host, "port": str(port)}
        case MtaSts(record_id=record_id, policy=policy, from_cache=cached):
            if policy is None:
                return {"id": record_id}
            mode, mx, max_age = policy.mode.value, " ".join(policy.mx), str(policy.max_age)
            facts = {"id": record_id, "mode": mode, "mx": mx, "max_age": max_age}
            if cached is not None:
                facts |= {"cached_at": cached.fetched_text(), "cached_until": cached.expires_text()}
            return facts
        case PublishedKeys(keys=keys):
            return {"fingerprints": " ".join(k.fingerprint for k in keys if k.fingerprint)}
        case ProviderKey(domain=domain):
            return {"key": domain}
        case TlsReporting(rua=rua):
            return {"rua": rua}
        case RefusedRedirect(target=target):
            return {"redirect": target}
    return {}
