"""The words of the findings discovery and policy raise: DNS and DNSSEC, the documents a
domain publishes, where sources disagree, look-alike names, MTA-STS and redirects.

One row per finding code: severity, the person's one line, the helpdesk's explanation
(``finding_text.FindingText``); ``findings.FINDINGS`` joins this table with the servers'.
"""

from __future__ import annotations

from .finding_text import FindingText, Severity
from .i18n import N_

__all__ = ["DISCOVERY_FINDINGS"]

DISCOVERY_FINDINGS: dict[str, FindingText] = {
    "dnssec-bogus": FindingText(
        Severity.ERROR,
        N_("DNS answers for {name} failed their DNSSEC check and were not used."),
        N_(
            "The signatures on {name} {rdtype} do not validate ({reason}). Either the zone's "
            "DNSSEC is broken (the domain's DNS admin must re-sign or fix the DS record) or "
            "someone on the path is forging answers."
        ),
    ),
    "dnssec-unproven": FindingText(
        Severity.WARN,
        N_("Could not tell whether {name} is DNSSEC-signed."),
        N_(
            "{reason}. Without a validated proof an absence counts as unproven, not as "
            "'unsigned'; check the resolver ({server}) passes DNSSEC records through."
        ),
    ),
    "unsigned-dns": FindingText(
        Severity.INFO,
        N_("{domain} is not DNSSEC-signed, so its DNS records could be forged on the way."),
        N_(
            "Settings taken from DNS alone (SRV, MX) are unauthenticated (tier C). Signing the "
            "zone and publishing TLSA records lets clients verify them."
        ),
    ),
    "srv-other-domain-unsigned": FindingText(
        Severity.WARN,
        N_("An unsigned DNS record sends {service} to {host}, outside {domain}."),
        N_(
            "{record} points to {host} ({registrable}), but the answer is not DNSSEC-signed: "
            "anyone on the path can forge such a record. It is used only after the person "
            "approves {registrable} by name."
        ),
    ),
    # {host} is "U-label (A-label)"; {details} from lookalike_words (UTS #39, lookalike.py)
    "lookalike-host": FindingText(
        Severity.WARN,
        N_("The server name {host} could pass for another name: {short}."),
        N_(
            "{details}. Names like this imitate another domain (Unicode UTS #39 look-alikes); "
            "it is written {alabel} in DNS and in its certificate. {consequence}"
        ),
    ),
    "lookalike-address": FindingText(
        Severity.WARN,
        N_("The domain of your address, {domain}, could pass for another name: {short}."),
        N_(
            "{details}. Check that this is the address your provider gave you, typed by hand "
            "rather than copied from a message; mailhop goes on because it is your own input."
        ),
    ),
    "sources-disagree": FindingText(
        Severity.WARN,
        N_("{domain} publishes different {service} settings in different places."),
        N_(
            "Authenticated sources disagree for {service}: {claims}. The domain's admin should "
            "make them agree; mailhop ranks them as DESIGN.md section 5 says."
        ),
    ),
    "usernames-disagree": FindingText(
        Severity.WARN,
        N_("{domain} names different user names for {service} in different places."),
        N_("Authenticated sources give different user names for {host}: {claims}."),
    ),
    "only-unauthenticated": FindingText(
        Severity.WARN,
        N_("The only {service} settings found could not be authenticated; you must approve them."),
        N_(
            "No DNSSEC-signed record, HTTPS document on {domain} or provider database gave "
            "{service} settings; what was found ({sources}) could have been forged."
        ),
    ),
    "no-settings": FindingText(
        Severity.ERROR,
        N_("No {service} settings were found for {domain}."),
        N_(
            "No source published {service} settings for {domain}; enter them by hand or ask "
            "the provider to publish SRV records (RFC 6186) or an autoconfig file."
        ),
    ),
    "starttls-only": FindingText(
        Severity.INFO,
        N_("{service} is offered only with STARTTLS, not with TLS from the first byte."),
        N_(
            "RFC 8314 recommends implicit TLS (ports 465, 993, 995). STARTTLS is used only as "
            "'required': a missing or refused upgrade aborts the connection."
        ),
    ),
    "plaintext-offered": FindingText(
        Severity.INFO,
        N_(
            "A settings document offered an unencrypted server; mailhop tries that host with "
            "encryption instead."
        ),
        N_(
            "{source} listed a server without TLS ({where}); mailhop never uses plaintext, and "
            "tries that host with TLS on the standard ports instead."
        ),
    ),
    "password-in-document": FindingText(
        Severity.WARN,
        N_("A settings document contained a password; it was ignored."),
        N_("{source} carries a <password> element ({where}); passwords must never be published."),
    ),
    "entries-dropped": FindingText(
        Severity.INFO,
        N_("Some entries in {source} were not usable and were left out."),
        N_("{count} entr(ies) dropped: {examples}."),
    ),
    "document-refused": FindingText(
        Severity.WARN,
        N_("{source} could not be used: {reason}"),
        N_("{target}: {reason}"),
    ),
    "mx-entry-superseded": FindingText(
        Severity.INFO,
        N_(
            "The settings for {broad} were set aside: those for {deep} describe this "
            "domain's mail host more closely."
        ),
        N_(
            "{source} answered for {broad} ({target}) and for the deeper {deep}. A provider "
            "keys its business service on the suffix its customers' MX hosts share and its "
            "consumer service on its own domain, so the most specific answer is used, as "
            "Thunderbird does."
        ),
    ),
    "redirect-other-domain": FindingText(
        Severity.WARN,
        N_("{source} was redirected to another domain, so it is treated as unauthenticated."),
        N_(
            "The fetch of {target} went through {hops}; a hop outside {domain} makes the "
            "document tier C."
        ),
    ),
    "autodiscover-redirect-refused": FindingText(
        Severity.INFO,
        N_("Autodiscover pointed outside {domain}; mailhop did not follow it."),
        N_("{reason}"),
    ),
    "mta-sts-broken": FindingText(
        Severity.WARN,
        N_("The domain's MTA-STS policy is published incorrectly."),
        N_("{reason}. Sending servers that enforce MTA-STS may fail to deliver to {domain}."),
    ),
    "mta-sts-mx-mismatch": FindingText(
        Severity.WARN,
        N_("The mail server {host} is not listed in the domain's MTA-STS policy."),
        N_(
            "MX host {host} matches none of the MTA-STS mx patterns ({patterns}); in enforce "
            "mode, senders refuse to deliver to it."
        ),
    ),
    "mta-sts-cached": FindingText(
        Severity.WARN,
        N_(
            "The MTA-STS policy of {domain} could not be fetched now; the copy saved on "
            "{fetched} is in force until {expires}."
        ),
        N_(
            "{reason}. Sending servers that cached the policy keep applying it until it "
            "expires (RFC 8461 section 5.1), then deliver as if {domain} published no MTA-STS: "
            "the web server mta-sts.{domain} must serve the policy again."
        ),
    ),
    "oauth2": FindingText(
        Severity.INFO,
        N_(
            "This account signs in with OAuth2 in your mail client; mailhop will not ask for a "
            "password."
        ),
        N_(
            "OAuth2 was detected from {sources}; exports carry the OAuth2 method and the mail "
            "client runs the sign-in flow."
        ),
    ),
    "plain-http-used": FindingText(
        Severity.WARN,
        N_("Settings came from an unencrypted web page and could have been altered."),
        N_(
            "Phase 2 fetched {target} over plain HTTP (without the address); the result is "
            "tier C and needs approval."
        ),
    ),
    "guessed": FindingText(
        Severity.WARN,
        N_("Some servers were guessed (common host names, or the domain's MX host)."),
        N_(
            "Guessed: {hosts}. Nothing the domain published names them as servers for mail "
            "clients (tier C)."
        ),
    ),
}
