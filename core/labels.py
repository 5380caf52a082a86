"""Words for the enums a person sees: sources, how data was authenticated, services.

One table per enum, shared by the CLI and the GUI, kept next to ``findings`` so all
user-facing wording can be reviewed and translated in two small files.
"""

from __future__ import annotations

from .lookalike import shown_host
from .model import Security, Service
from .report import Auth, Source, Status
from .verdict import Level

__all__ = [
    "AUTH",
    "HOW_VERIFIED",
    "LEVEL_WORDS",
    "SECURITY",
    "SERVICE",
    "SOURCE",
    "STATUS",
    "TIER",
    "auth_label",
    "provenance_label",
]

SERVICE = {
    Service.SUBMISSION: "Outgoing mail (submission)",
    Service.IMAP: "Incoming mail (IMAP)",
    Service.POP3: "Incoming mail (POP3)",
    Service.RELAY: "Server to server (MX relay)",
}

SECURITY = {
    Security.IMPLICIT_TLS: "TLS",
    Security.STARTTLS: "STARTTLS (required)",
}

TIER = {
    "A": "published by the domain, authenticated",
    "B": "from a provider database or the mail host's domain",
    "C": "unauthenticated: needs your approval",
}

SOURCE = {
    Source.SRV: "DNS SRV record",
    Source.MX: "DNS MX record",
    Source.TLSA: "DANE TLSA record",
    Source.MTA_STS: "MTA-STS policy",
    Source.TLS_RPT: "TLS-RPT record",
    Source.AUTOCONFIG: "autoconfig file",
    Source.WELL_KNOWN: "autoconfig file (.well-known)",
    Source.ISPDB: "provider database",
    Source.MX_AUTOCONFIG: "autoconfig of the mail host's domain",
    Source.MX_ISPDB: "provider database entry of the mail host's domain",
    Source.PACC: "PACC configuration",
    Source.AUTODISCOVER: "Autodiscover",
    Source.WKD: "OpenPGP Web Key Directory",
    Source.OPENPGPKEY: "OpenPGP key in DNS",
    Source.SMIMEA: "S/MIME certificate in DNS",
    Source.HTTP_AUTOCONFIG: "autoconfig file over plain HTTP",
    Source.GUESS: "guess from common host names",
}

AUTH = {
    Auth.DNSSEC_SECURE: "DNSSEC-signed",
    Auth.DNSSEC_INSECURE: "not DNSSEC-signed",
    Auth.DNSSEC_INDETERMINATE: "DNSSEC state unknown",
    Auth.DNSSEC_BOGUS: "DNSSEC check failed",
    Auth.HTTPS_IN_DOMAIN: "over HTTPS from {domain}",
    Auth.HTTPS_OTHER_DOMAIN: "over HTTPS, via another domain",
    Auth.HTTPS_PROVIDER: "over HTTPS from the provider database",
    Auth.DIGEST_MATCHED: "digest matches the domain's DNS record",
    Auth.PLAIN_HTTP: "over plain HTTP, unverified",
    Auth.GUESSED: "guessed, unverified",
    Auth.NONE: "nothing received",
}

STATUS = {
    Status.FOUND: "found",
    Status.NOTHING: "nothing published",
    Status.FAILED: "failed",
    Status.TIMED_OUT: "timed out",
    Status.SKIPPED: "skipped",
}


LEVEL_WORDS = {
    Level.OK: "OK",
    Level.WARN: "WARNING",
    Level.BLOCK: "BLOCKED",
}

HOW_VERIFIED = {
    "dane-ee": "the key the domain pinned in DNSSEC-signed DNS (DANE-EE; names and dates not "
    "checked)",
    "dane-ta": "the authority the domain pinned in DNSSEC-signed DNS (DANE-TA)",
    "pkix": "a certificate from an authority this computer trusts",
}


def auth_label(auth: Auth, domain: str) -> str:
    return AUTH[auth].format(domain=shown_host(domain))


def provenance_label(source: Source, auth: Auth, domain: str) -> str:
    """Where one setting came from and how it was authenticated, as a badge says it:
    "published by example.com (DNS SRV record), DNSSEC-signed". An IDN domain (A-label or
    U-label) is shown as "faß.de (xn--fa-hia.de)"."""
    domain = shown_host(domain)
    if auth is Auth.DNSSEC_SECURE:
        return f"published by {domain} ({SOURCE[source]}), DNSSEC-signed"
    if auth is Auth.HTTPS_IN_DOMAIN:
        return f"published by {domain} ({SOURCE[source]}), over HTTPS"
    if auth is Auth.HTTPS_PROVIDER:
        return "from the provider database, over HTTPS"
    if auth is Auth.GUESSED:
        return "guessed, unverified"
    return f"{SOURCE[source]}, {auth_label(auth, domain)}"
