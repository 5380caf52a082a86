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

from .lookalike import HostName, Problem

__all__ = ["FINDINGS", "LOOKALIKE_CONSEQUENCE", "Finding", "Severity", "finding", "lookalike_words"]


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
    # {host} is "U-label (A-label)"; {details} from lookalike_words (UTS #39, lookalike.py)
    "lookalike-host": _Text(
        Severity.WARN,
        "The server name {host} could pass for another name: {short}.",
        "{details}. Names like this imitate another domain (Unicode UTS #39 look-alikes); "
        "it is written {alabel} in DNS and in its certificate. {consequence}",
    ),
    "lookalike-address": _Text(
        Severity.WARN,
        "The domain of your address, {domain}, could pass for another name: {short}.",
        "{details}. Check that this is the address your provider gave you, typed by hand "
        "rather than copied from a message; mailhop goes on because it is your own input.",
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
    # -- probe and verdict (issue 4): {endpoint} is "host:port (service, security)" ------
    "probe-connect": _Text(
        Severity.ERROR,
        "Could not connect to {endpoint}.",
        "{detail}. Check that the server runs and that a firewall lets port {port} through.",
    ),
    "probe-timeout": _Text(
        Severity.ERROR,
        "{endpoint} did not answer in time.",
        "The server stopped answering ({detail}); mailhop gave up at the deadline.",
    ),
    "starttls-missing": _Text(
        Severity.ERROR,
        "{endpoint} does not offer encryption (STARTTLS), so mailhop will not use it.",
        "The server's capabilities before TLS lack STARTTLS ({detail}). Either it has no "
        "TLS, or someone on the path removed it (a stripping attack). mailhop never falls "
        "back to plaintext.",
    ),
    "starttls-refused": _Text(
        Severity.ERROR,
        "{endpoint} refused to start encryption.",
        "The server answered the STARTTLS command with: {server_said}. mailhop never continues "
        "without TLS.",
    ),
    "preauth": _Text(
        Severity.ERROR,
        "{endpoint} logged in before encryption started; mailhop does not use it.",
        "The IMAP greeting was PREAUTH, so STARTTLS cannot be used (RFC 2595); a session "
        "without TLS is never accepted.",
    ),
    "injection": _Text(
        Severity.ERROR,
        "{endpoint} sent unexpected data while starting encryption: possible tampering.",
        "Bytes arrived after the STARTTLS reply and before the TLS handshake ({server_said}). "
        "This is how response injection works (CVE-2011-0411); the connection was dropped.",
    ),
    "tls-version": _Text(
        Severity.ERROR,
        "{endpoint} only offers outdated encryption (older than TLS 1.2).",
        "{detail}. TLS 1.0 and 1.1 are retired (RFC 8996); the server needs TLS 1.2 or 1.3.",
    ),
    "tls-handshake": _Text(
        Severity.ERROR,
        "Encryption with {endpoint} could not be set up.",
        "The TLS handshake failed: {detail}.",
    ),
    "server-closed": _Text(
        Severity.ERROR,
        "{endpoint} closed the connection unexpectedly.",
        "{detail}.",
    ),
    "server-refused": _Text(
        Severity.ERROR,
        "{endpoint} turned the connection away.",
        "{detail}. Server said: {server_said}",
    ),
    "server-flood": _Text(
        Severity.ERROR,
        "{endpoint} sent far more data than a mail server should; mailhop stopped reading.",
        "{detail}.",
    ),
    "protocol-error": _Text(
        Severity.ERROR,
        "{endpoint} did not speak the expected mail protocol.",
        "{detail}. Server said: {server_said}",
    ),
    "capabilities-hidden": _Text(
        Severity.WARN,
        "{endpoint} does not list what it supports after encryption started.",
        "{detail}. Clients cannot tell which sign-in methods are allowed.",
    ),
    "cert-expired": _Text(
        Severity.ERROR,
        "The certificate of {endpoint} has expired.",
        "{detail}. The server's admin must renew it.",
    ),
    "cert-not-yet-valid": _Text(
        Severity.ERROR,
        "The certificate of {endpoint} is not valid yet.",
        "{detail}. Check the server's (or this computer's) clock.",
    ),
    "cert-name-mismatch": _Text(
        Severity.ERROR,
        "The certificate of {endpoint} is for a different name.",
        "It covers {names}, not {host}. Either the settings name the wrong host or the "
        "server presents the wrong certificate.",
    ),
    "cert-unknown-issuer": _Text(
        Severity.ERROR,
        "The certificate of {endpoint} is not from a trusted authority.",
        "{detail}. A self-made or private certificate is accepted only with a matching "
        "DNSSEC-signed TLSA record.",
    ),
    "cert-missing-intermediate": _Text(
        Severity.ERROR,
        "{endpoint} does not send its full certificate chain.",
        "{detail}. The server's admin must configure the intermediate certificate(s).",
    ),
    "cert-untrusted": _Text(
        Severity.ERROR,
        "The certificate of {endpoint} could not be verified.",
        "{detail}.",
    ),
    "cert-weak": _Text(
        Severity.WARN,
        "The certificate of {endpoint} uses weak cryptography.",
        "{detail}.",
    ),
    "cert-expiring": _Text(
        Severity.WARN,
        "The certificate of {endpoint} expires in {days} days.",
        "It is valid until {until}; the server's admin should renew it soon.",
    ),
    "dane-mismatch": _Text(
        Severity.ERROR,
        "{endpoint} presents a key the domain did not publish (DANE mismatch).",
        "The DNSSEC-signed TLSA records at {tlsa} match none of the presented certificates "
        "({detail}). This blocks the server whatever the certificate authority says: "
        "either the key was changed without updating DNS, or the connection is intercepted.",
    ),
    "dane-bogus": _Text(
        Severity.ERROR,
        "The DANE records for {endpoint} failed their DNSSEC check.",
        "{detail}. Bogus DNSSEC is a failure, never 'no DANE'.",
    ),
    "dane-ee": _Text(
        Severity.INFO,
        "{endpoint} is authenticated by the key the domain pinned in DNS (DANE).",
        "TLSA usage 3 (DANE-EE) matched: the exact key is vouched for by DNSSEC; the "
        "certificate's names and dates are deliberately not checked (RFC 7671).",
    ),
    "dane-ta": _Text(
        Severity.INFO,
        "{endpoint} is authenticated through the authority the domain pinned in DNS (DANE).",
        "TLSA usage 2 (DANE-TA) matched a certificate in the chain; names and dates are "
        "checked against it.",
    ),
    "no-auth-mechanism": _Text(
        Severity.WARN,
        "{endpoint} offers no sign-in method after encryption.",
        "After TLS the server lists no AUTH mechanism (or LOGIN is disabled).",
    ),
    # The sign-in method: what the documents allow and the server offers (signin.py).
    "signin-oauth2-not-offered": _Text(
        Severity.INFO,
        "{endpoint} offers no OAuth2 sign-in, so mailhop uses your password there.",
        "{sources} name OAuth2 for it, but after TLS the server offers {offered} (no "
        "OAUTHBEARER or XOAUTH2): a mail client set up for OAuth2 could not sign in. The "
        "password method the server offers is used; the documents should be corrected.",
    ),
    "signin-encrypted-not-offered": _Text(
        Severity.INFO,
        "{endpoint} takes the password as PLAIN inside TLS, not as 'encrypted password'.",
        "{sources} say password-encrypted (CRAM-MD5 and the like), but after TLS the server "
        "offers {offered}: a client set to CRAM-MD5 would fail. Inside verified TLS, PLAIN "
        "is as safe; the documents should say password-cleartext.",
    ),
    "signin-method-not-offered": _Text(
        Severity.WARN,
        "{endpoint} does not list the sign-in method mailhop will use ({method}).",
        "{sources} allow {allowed}; after TLS the server offers {offered}, which has none "
        "of them. mailhop keeps {method}; the documents or the server need correcting.",
    ),
    # A host a source published only without TLS, used with TLS (parse_autoconfig.py).
    "plaintext-upgraded": _Text(
        Severity.INFO,
        "{service}: the settings named {host} without encryption; mailhop uses {endpoint}.",
        "{sources} list {host} for {service} only with plaintext (socketType plain). The "
        "source vouches for the host, not for plaintext: mailhop tried it with TLS on the "
        "standard ports and verified {endpoint}; the published entry should be corrected.",
    ),
    "better-endpoint-failed": _Text(
        Severity.WARN,
        "The preferred server {endpoint} failed; a lower-ranked one is used instead.",
        "{detail}",
    ),
    "needs-approval": _Text(
        Severity.WARN,
        "{endpoint} comes from an unauthenticated source: approve {registrable} to use it.",
        "The host was learned from {sources}, which could have been forged (tier C). "
        "Before any password is sent, the person must approve {registrable} "
        "({registrable_unicode}).",
    ),
    "lookalike-needs-approval": _Text(
        Severity.WARN,
        "{endpoint} has a look-alike name outside your address's domain: approve "
        "{registrable} to use it.",
        "{details}. Although {sources} named it, a host outside the address's registrable "
        "domain with such a name is used only after the person approves {registrable} "
        "({registrable_unicode}) by name (DESIGN.md section 4, rule 4).",
    ),
    "no-working-server": _Text(
        Severity.ERROR,
        "No {service} server passed the checks.",
        "Every candidate failed (see the findings above); nothing will be configured for "
        "{service} until the domain fixes them.",
    ),
    "relay-no-starttls": _Text(
        Severity.WARN,
        "Mail to {domain} can travel unencrypted between servers: {host} does not offer TLS.",
        "{detail}",
    ),
    "relay-unreachable": _Text(
        Severity.WARN,
        "The mail server {host} of {domain} could not be checked from here.",
        "{detail}. Port 25 is often blocked for home and office connections; the result "
        "says nothing about the server itself.",
    ),
    "relay-dane": _Text(
        Severity.INFO,
        "Mail servers sending to {domain} can verify {host} with DANE.",
        "DNSSEC-signed TLSA records for {host} port 25 match its key ({detail}).",
    ),
    "relay-no-policy": _Text(
        Severity.INFO,
        "{domain} publishes neither MTA-STS nor DANE for incoming mail.",
        "Sending servers encrypt opportunistically and can be downgraded by an attacker; "
        "publishing an MTA-STS policy or TLSA records closes that gap.",
    ),
}


# The last sentence of a lookalike-host finding, by where the host is and what it is for.
LOOKALIKE_CONSEQUENCE = {
    "outside": "It is outside {domain}, so no password goes to it until the person approves "
    "{registrable} by name, even though {sources} named it.",
    "inside": "It is inside {domain}, the address's own domain, so it is a warning for the "
    "domain's admin and needs no approval.",
    "relay": "Other mail servers deliver mail for {domain} to it; no password goes to it.",
}

_PROBLEM_WORDS = {
    Problem.MIXED_SCRIPT: "'{label}' mixes {scripts} letters",
    Problem.WHOLE_SCRIPT: "'{label}' is all {scripts} letters that look like Latin ones",
    Problem.CONFUSABLE: "{chars}",
}


def lookalike_words(name: HostName) -> tuple[str, str]:
    """(short, details) about a look-alike host name, for a person and for a helpdesk: for
    paypal spelt with a Cyrillic a (shown here as [a]), ("it mixes Cyrillic and Latin
    letters", "'p[a]ypal' mixes Cyrillic and Latin letters; [a] (U+0430 CYRILLIC SMALL
    LETTER A) looks like a")."""
    details = []
    for label in name.suspects:
        scripts = " and ".join(label.scripts)
        chars = ", ".join(
            f"{c.char} ({c.codepoint}) looks like {c.looks_like}" for c in label.confusables
        )
        for problem in label.problems:
            details.append(
                _PROBLEM_WORDS[problem].format(label=label.ulabel, scripts=scripts, chars=chars)
            )
    kinds = set(name.problems)
    scripts = " and ".join(name.scripts)
    if Problem.MIXED_SCRIPT in kinds:
        short = f"it mixes {scripts} letters"
    elif Problem.WHOLE_SCRIPT in kinds:
        short = f"its {scripts} letters look like Latin ones"
    else:
        short = "it has letters that look like others"
    return short, "; ".join(details)


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
