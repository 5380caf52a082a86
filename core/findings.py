"""Findings: stable codes, a severity, and the words a person and a helpdesk read.

All finding text lives in this one table so it can be reviewed and translated in one
place. ``summary`` is one line for the person at the screen; ``helpdesk`` says what is
wrong and who can fix it. Both are ``str.format`` templates over the finding's
``values``; server- or document-supplied text only ever enters through ``values`` and is
shown as plain text (DESIGN.md section 4, rule 10).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

__all__ = ["FINDINGS", "Finding", "Severity", "finding"]


class Severity(enum.StrEnum):
    INFO = "info"
    WARN = "warn"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class _Text:
    severity: Severity
    summary: str
    helpdesk: str


FINDINGS: dict[str, _Text] = {
    "dnssec-bogus": _Text(
        Severity.ERROR,
        "DNS answers for {name} failed their DNSSEC check and were not used.",
        "The signatures on {name} {rdtype} do not validate ({reason}). Either the zone's "
        "DNSSEC is broken (the domain's DNS admin must re-sign or fix the DS record) or "
        "someone on the path is forging answers.",
    ),
    "dnssec-unproven": _Text(
        Severity.WARN,
        "Could not tell whether {name} is DNSSEC-signed.",
        "{reason}. Without a validated proof an absence counts as unproven, not as "
        "'unsigned'; check the resolver ({server}) passes DNSSEC records through.",
    ),
    "unsigned-dns": _Text(
        Severity.INFO,
        "{domain} is not DNSSEC-signed, so its DNS records could be forged on the way.",
        "Settings taken from DNS alone (SRV, MX) are unauthenticated (tier C). Signing the "
        "zone and publishing TLSA records lets clients verify them.",
    ),
    "srv-other-domain-unsigned": _Text(
        Severity.WARN,
        "An unsigned DNS record sends {service} to {host}, outside {domain}.",
        "{record} points to {host} ({registrable}), but the answer is not DNSSEC-signed: "
        "anyone on the path can forge such a record. It is used only after the person "
        "approves {registrable} by name.",
    ),
    "sources-disagree": _Text(
        Severity.WARN,
        "{domain} publishes different {service} settings in different places.",
        "Authenticated sources disagree for {service}: {claims}. The domain's admin should "
        "make them agree; mailhop ranks them as DESIGN.md section 5 says.",
    ),
    "usernames-disagree": _Text(
        Severity.WARN,
        "{domain} names different user names for {service} in different places.",
        "Authenticated sources give different user names for {host}: {claims}.",
    ),
    "only-unauthenticated": _Text(
        Severity.WARN,
        "The only {service} settings found could not be authenticated; you must approve them.",
        "No DNSSEC-signed record, HTTPS document on {domain} or provider database gave "
        "{service} settings; what was found ({sources}) could have been forged.",
    ),
    "no-settings": _Text(
        Severity.ERROR,
        "No {service} settings were found for {domain}.",
        "No source published {service} settings for {domain}; enter them by hand or ask "
        "the provider to publish SRV records (RFC 6186) or an autoconfig file.",
    ),
    "starttls-only": _Text(
        Severity.INFO,
        "{service} is offered only with STARTTLS, not with TLS from the first byte.",
        "RFC 8314 recommends implicit TLS (ports 465, 993, 995). STARTTLS is used only as "
        "'required': a missing or refused upgrade aborts the connection.",
    ),
    "plaintext-offered": _Text(
        Severity.INFO,
        "A settings document offered an unencrypted server; it was ignored.",
        "{source} listed a server without TLS ({where}); mailhop never uses plaintext.",
    ),
    "password-in-document": _Text(
        Severity.WARN,
        "A settings document contained a password; it was ignored.",
        "{source} carries a <password> element ({where}); passwords must never be published.",
    ),
    "entries-dropped": _Text(
        Severity.INFO,
        "Some entries in {source} were not usable and were left out.",
        "{count} entr(ies) dropped: {examples}.",
    ),
    "document-refused": _Text(
        Severity.WARN,
        "{source} could not be used: {reason}",
        "{target}: {reason}",
    ),
    "redirect-other-domain": _Text(
        Severity.WARN,
        "{source} was redirected to another domain, so it is treated as unauthenticated.",
        "The fetch of {target} went through {hops}; a hop outside {domain} makes the "
        "document tier C.",
    ),
    "autodiscover-redirect-refused": _Text(
        Severity.INFO,
        "Autodiscover pointed outside {domain}; mailhop did not follow it.",
        "{reason}",
    ),
    "mta-sts-broken": _Text(
        Severity.WARN,
        "The domain's MTA-STS policy is published incorrectly.",
        "{reason}. Sending servers that enforce MTA-STS may fail to deliver to {domain}.",
    ),
    "mta-sts-mx-mismatch": _Text(
        Severity.WARN,
        "The mail server {host} is not listed in the domain's MTA-STS policy.",
        "MX host {host} matches none of the MTA-STS mx patterns ({patterns}); in enforce "
        "mode, senders refuse to deliver to it.",
    ),
    "oauth2": _Text(
        Severity.INFO,
        "This account signs in with OAuth2 in your mail client; mailhop will not ask for a "
        "password.",
        "OAuth2 was detected from {sources}; exports carry the OAuth2 method and the mail "
        "client runs the sign-in flow.",
    ),
    "plain-http-used": _Text(
        Severity.WARN,
        "Settings came from an unencrypted web page and could have been altered.",
        "Phase 2 fetched {target} over plain HTTP (without the address); the result is "
        "tier C and needs approval.",
    ),
    "guessed": _Text(
        Severity.WARN,
        "Some servers were guessed from common host names.",
        "Guessed: {hosts}. Nothing the domain published confirms them (tier C).",
    ),
}


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing mailhop wants a person or a helpdesk to know, with its evidence."""

    code: str
    severity: Severity
    summary: str
    helpdesk: str
    evidence: tuple[str, ...] = ()


def finding(code: str, *, evidence: tuple[str, ...] = (), **values: object) -> Finding:
    """Build a finding from the table; a missing value is a programming error."""
    text = FINDINGS[code]
    shown = {key: str(value) for key, value in values.items()}
    return Finding(
        code,
        text.severity,
        text.summary.format(**shown),
        text.helpdesk.format(**shown),
        evidence,
    )
