"""Words for the enums a person sees: sources, how data was authenticated, services.

One table per enum, shared by the CLI and the GUI, kept next to ``findings`` so all
user-facing wording can be reviewed and translated in two small files.
"""

from __future__ import annotations

from ..common.i18n import N_, Labels, _
from ..common.lookalike import shown_host
from ..common.model import Security, Service
from ..discover.report import Auth, Source, Status
from ..policy.tiers import Tier
from ..probe.probe_report import VerifiedBy
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
    "tier_label",
]

SERVICE = Labels(
    {
        Service.SUBMISSION: N_("Outgoing mail (submission)"),
        Service.IMAP: N_("Incoming mail (IMAP)"),
        Service.POP3: N_("Incoming mail (POP3)"),
        Service.RELAY: N_("Server to server (MX relay)"),
    }
)

SECURITY = Labels(
    {
        Security.IMPLICIT_TLS: N_("TLS"),
        Security.STARTTLS: N_("STARTTLS (required)"),
    }
)

TIER = Labels(
    {
        Tier.A: N_("published by the domain, authenticated"),
        Tier.B: N_("from a provider database or the mail host's domain"),
        Tier.C: N_("unauthenticated: needs your approval"),
    }
)

SOURCE = Labels(
    {
        Source.SRV: N_("DNS SRV record"),
        Source.MX: N_("DNS MX record"),
        Source.TLSA: N_("DANE TLSA record"),
        Source.MTA_STS: N_("MTA-STS policy"),
        Source.TLS_RPT: N_("TLS-RPT record"),
        Source.AUTOCONFIG: N_("autoconfig file"),
        Source.WELL_KNOWN: N_("autoconfig file (.well-known)"),
        Source.ISPDB: N_("provider database"),
        Source.MX_AUTOCONFIG: N_("autoconfig of the mail host's domain"),
        Source.MX_ISPDB: N_("provider database entry of the mail host's domain"),
        Source.PACC: N_("PACC configuration"),
        Source.AUTODISCOVER: N_("Autodiscover"),
        Source.WKD: N_("OpenPGP Web Key Directory"),
        Source.OPENPGPKEY: N_("OpenPGP key in DNS"),
        Source.SMIMEA: N_("S/MIME certificate in DNS"),
        Source.HTTP_AUTOCONFIG: N_("autoconfig file over plain HTTP"),
        Source.GUESS: N_("guessed (a common host name or the MX host)"),
        Source.MANUAL: N_("entered by you"),
    }
)

AUTH = Labels(
    {
        Auth.DNSSEC_SECURE: N_("DNSSEC-signed"),
        Auth.DNSSEC_INSECURE: N_("not DNSSEC-signed"),
        Auth.DNSSEC_INDETERMINATE: N_("DNSSEC state unknown"),
        Auth.DNSSEC_BOGUS: N_("DNSSEC check failed"),
        Auth.HTTPS_IN_DOMAIN: N_("over HTTPS from {domain}"),
        Auth.HTTPS_OTHER_DOMAIN: N_("over HTTPS, via another domain"),
        Auth.HTTPS_PROVIDER: N_("over HTTPS from the provider database"),
        Auth.DIGEST_MATCHED: N_("digest matches the domain's DNS record"),
        Auth.PLAIN_HTTP: N_("over plain HTTP, unverified"),
        Auth.GUESSED: N_("guessed, unverified"),
        Auth.ENTERED: N_("typed in by you, unverified"),
        Auth.NONE: N_("nothing received"),
    }
)

STATUS = Labels(
    {
        Status.FOUND: N_("found"),
        Status.NOTHING: N_("nothing published"),
        Status.FAILED: N_("failed"),
        Status.TIMED_OUT: N_("timed out"),
        Status.SKIPPED: N_("skipped"),
    }
)


LEVEL_WORDS = Labels(
    {
        Level.OK: N_("OK"),
        Level.WARN: N_("WARNING"),
        Level.BLOCK: N_("BLOCKED"),
        Level.COULD_NOT_CHECK: N_("COULD NOT CHECK"),
    }
)

HOW_VERIFIED = Labels(
    {
        VerifiedBy.DANE_EE: N_(
            "the key the domain pinned in DNSSEC-signed DNS (DANE-EE; names and dates not checked)"
        ),
        VerifiedBy.DANE_TA: N_("the authority the domain pinned in DNSSEC-signed DNS (DANE-TA)"),
        VerifiedBy.PKIX: N_("a certificate from an authority this computer trusts"),
    }
)


def tier_label(tier: Tier, *, relay: bool = False) -> str:
    """A tier in words; a relay host's tier C needs no approval, and says so."""
    if relay and tier is Tier.C:  # a relay (MX) host gets no password: it needs no approval
        return _("unauthenticated (a relay: no password goes to it, no approval)")
    return TIER[tier]


def auth_label(auth: Auth, domain: str) -> str:
    return AUTH[auth].format(domain=shown_host(domain))


def provenance_label(source: Source, auth: Auth, domain: str) -> str:
    """Where one setting came from and how it was authenticated, as a badge says it:
    "published by example.com (DNS SRV record), DNSSEC-signed". An IDN domain (A-label or
    U-label) is shown as "faß.de (xn--fa-hia.de)"."""
    shown = shown_host(domain)
    if auth is Auth.DNSSEC_SECURE:
        return _("published by {domain} ({source}), DNSSEC-signed").format(
            domain=shown, source=SOURCE[source]
        )
    if auth is Auth.HTTPS_IN_DOMAIN:
        return _("published by {domain} ({source}), over HTTPS").format(
            domain=shown, source=SOURCE[source]
        )
    if auth is Auth.HTTPS_PROVIDER:
        return _("from the provider database, over HTTPS")
    if auth is Auth.GUESSED:
        return _("guessed, unverified")
    if auth is Auth.ENTERED:
        return _("entered by you")
    return _("{source}, {how}").format(source=SOURCE[source], how=auth_label(auth, domain))
