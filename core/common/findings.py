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

from .i18n import N_, Joined, Words, english
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
        N_("DNS answers for {name} failed their DNSSEC check and were not used."),
        N_(
            "The signatures on {name} {rdtype} do not validate ({reason}). Either the zone's "
            "DNSSEC is broken (the domain's DNS admin must re-sign or fix the DS record) or "
            "someone on the path is forging answers."
        ),
    ),
    "dnssec-unproven": _Text(
        Severity.WARN,
        N_("Could not tell whether {name} is DNSSEC-signed."),
        N_(
            "{reason}. Without a validated proof an absence counts as unproven, not as "
            "'unsigned'; check the resolver ({server}) passes DNSSEC records through."
        ),
    ),
    "unsigned-dns": _Text(
        Severity.INFO,
        N_("{domain} is not DNSSEC-signed, so its DNS records could be forged on the way."),
        N_(
            "Settings taken from DNS alone (SRV, MX) are unauthenticated (tier C). Signing the "
            "zone and publishing TLSA records lets clients verify them."
        ),
    ),
    "srv-other-domain-unsigned": _Text(
        Severity.WARN,
        N_("An unsigned DNS record sends {service} to {host}, outside {domain}."),
        N_(
            "{record} points to {host} ({registrable}), but the answer is not DNSSEC-signed: "
            "anyone on the path can forge such a record. It is used only after the person "
            "approves {registrable} by name."
        ),
    ),
    # {host} is "U-label (A-label)"; {details} from lookalike_words (UTS #39, lookalike.py)
    "lookalike-host": _Text(
        Severity.WARN,
        N_("The server name {host} could pass for another name: {short}."),
        N_(
            "{details}. Names like this imitate another domain (Unicode UTS #39 look-alikes); "
            "it is written {alabel} in DNS and in its certificate. {consequence}"
        ),
    ),
    "lookalike-address": _Text(
        Severity.WARN,
        N_("The domain of your address, {domain}, could pass for another name: {short}."),
        N_(
            "{details}. Check that this is the address your provider gave you, typed by hand "
            "rather than copied from a message; mailhop goes on because it is your own input."
        ),
    ),
    "sources-disagree": _Text(
        Severity.WARN,
        N_("{domain} publishes different {service} settings in different places."),
        N_(
            "Authenticated sources disagree for {service}: {claims}. The domain's admin should "
            "make them agree; mailhop ranks them as DESIGN.md section 5 says."
        ),
    ),
    "usernames-disagree": _Text(
        Severity.WARN,
        N_("{domain} names different user names for {service} in different places."),
        N_("Authenticated sources give different user names for {host}: {claims}."),
    ),
    "only-unauthenticated": _Text(
        Severity.WARN,
        N_("The only {service} settings found could not be authenticated; you must approve them."),
        N_(
            "No DNSSEC-signed record, HTTPS document on {domain} or provider database gave "
            "{service} settings; what was found ({sources}) could have been forged."
        ),
    ),
    "no-settings": _Text(
        Severity.ERROR,
        N_("No {service} settings were found for {domain}."),
        N_(
            "No source published {service} settings for {domain}; enter them by hand or ask "
            "the provider to publish SRV records (RFC 6186) or an autoconfig file."
        ),
    ),
    "starttls-only": _Text(
        Severity.INFO,
        N_("{service} is offered only with STARTTLS, not with TLS from the first byte."),
        N_(
            "RFC 8314 recommends implicit TLS (ports 465, 993, 995). STARTTLS is used only as "
            "'required': a missing or refused upgrade aborts the connection."
        ),
    ),
    "plaintext-offered": _Text(
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
    "password-in-document": _Text(
        Severity.WARN,
        N_("A settings document contained a password; it was ignored."),
        N_("{source} carries a <password> element ({where}); passwords must never be published."),
    ),
    "entries-dropped": _Text(
        Severity.INFO,
        N_("Some entries in {source} were not usable and were left out."),
        N_("{count} entr(ies) dropped: {examples}."),
    ),
    "document-refused": _Text(
        Severity.WARN,
        N_("{source} could not be used: {reason}"),
        N_("{target}: {reason}"),
    ),
    "mx-entry-superseded": _Text(
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
    "redirect-other-domain": _Text(
        Severity.WARN,
        N_("{source} was redirected to another domain, so it is treated as unauthenticated."),
        N_(
            "The fetch of {target} went through {hops}; a hop outside {domain} makes the "
            "document tier C."
        ),
    ),
    "autodiscover-redirect-refused": _Text(
        Severity.INFO,
        N_("Autodiscover pointed outside {domain}; mailhop did not follow it."),
        N_("{reason}"),
    ),
    "mta-sts-broken": _Text(
        Severity.WARN,
        N_("The domain's MTA-STS policy is published incorrectly."),
        N_("{reason}. Sending servers that enforce MTA-STS may fail to deliver to {domain}."),
    ),
    "mta-sts-mx-mismatch": _Text(
        Severity.WARN,
        N_("The mail server {host} is not listed in the domain's MTA-STS policy."),
        N_(
            "MX host {host} matches none of the MTA-STS mx patterns ({patterns}); in enforce "
            "mode, senders refuse to deliver to it."
        ),
    ),
    "oauth2": _Text(
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
    "plain-http-used": _Text(
        Severity.WARN,
        N_("Settings came from an unencrypted web page and could have been altered."),
        N_(
            "Phase 2 fetched {target} over plain HTTP (without the address); the result is "
            "tier C and needs approval."
        ),
    ),
    "guessed": _Text(
        Severity.WARN,
        N_("Some servers were guessed (common host names, or the domain's MX host)."),
        N_(
            "Guessed: {hosts}. Nothing the domain published names them as servers for mail "
            "clients (tier C)."
        ),
    ),
    # -- probe and verdict (issue 4): {endpoint} is "host:port (service, security)" ------
    "probe-connect": _Text(
        Severity.ERROR,
        N_("Could not connect to {endpoint}."),
        N_("{detail}. Check that the server runs and that a firewall lets port {port} through."),
    ),
    "probe-timeout": _Text(
        Severity.ERROR,
        N_("{endpoint} did not answer in time."),
        N_("The server stopped answering ({detail}); mailhop gave up at the deadline."),
    ),
    "starttls-missing": _Text(
        Severity.ERROR,
        N_("{endpoint} does not offer encryption (STARTTLS), so mailhop will not use it."),
        N_(
            "The server's capabilities before TLS lack STARTTLS ({detail}). Either it has no "
            "TLS, or someone on the path removed it (a stripping attack). mailhop never falls "
            "back to plaintext."
        ),
    ),
    "starttls-refused": _Text(
        Severity.ERROR,
        N_("{endpoint} refused to start encryption."),
        N_(
            "The server answered the STARTTLS command with: {server_said}. mailhop never continues "
            "without TLS."
        ),
    ),
    "preauth": _Text(
        Severity.ERROR,
        N_("{endpoint} logged in before encryption started; mailhop does not use it."),
        N_(
            "The IMAP greeting was PREAUTH, so STARTTLS cannot be used (RFC 2595); a session "
            "without TLS is never accepted."
        ),
    ),
    "injection": _Text(
        Severity.ERROR,
        N_("{endpoint} sent unexpected data while starting encryption: possible tampering."),
        N_(
            "Bytes arrived after the STARTTLS reply and before the TLS handshake ({server_said}). "
            "This is how response injection works (CVE-2011-0411); the connection was dropped."
        ),
    ),
    "tls-version": _Text(
        Severity.ERROR,
        N_("{endpoint} only offers outdated encryption (older than TLS 1.2)."),
        N_("{detail}. TLS 1.0 and 1.1 are retired (RFC 8996); the server needs TLS 1.2 or 1.3."),
    ),
    "tls-handshake": _Text(
        Severity.ERROR,
        N_("Encryption with {endpoint} could not be set up."),
        N_("The TLS handshake failed: {detail}."),
    ),
    "server-closed": _Text(
        Severity.ERROR,
        N_("{endpoint} closed the connection unexpectedly."),
        N_("{detail}."),
    ),
    "server-refused": _Text(
        Severity.ERROR,
        N_("{endpoint} turned the connection away."),
        N_("{detail}. Server said: {server_said}"),
    ),
    "server-flood": _Text(
        Severity.ERROR,
        N_("{endpoint} sent far more data than a mail server should; mailhop stopped reading."),
        N_("{detail}."),
    ),
    "protocol-error": _Text(
        Severity.ERROR,
        N_("{endpoint} did not speak the expected mail protocol."),
        N_("{detail}. Server said: {server_said}"),
    ),
    "capabilities-hidden": _Text(
        Severity.WARN,
        N_("{endpoint} does not list what it supports after encryption started."),
        N_("{detail}. Clients cannot tell which sign-in methods are allowed."),
    ),
    "cert-expired": _Text(
        Severity.ERROR,
        N_("The certificate of {endpoint} has expired."),
        N_("{detail}. The server's admin must renew it."),
    ),
    "cert-not-yet-valid": _Text(
        Severity.ERROR,
        N_("The certificate of {endpoint} is not valid yet."),
        N_("{detail}. Check the server's (or this computer's) clock."),
    ),
    "cert-name-mismatch": _Text(
        Severity.ERROR,
        N_("The certificate of {endpoint} is for a different name."),
        N_(
            "It covers {names}, not {host}. Either the settings name the wrong host or the "
            "server presents the wrong certificate."
        ),
    ),
    "cert-unknown-issuer": _Text(
        Severity.ERROR,
        N_("The certificate of {endpoint} is not from a trusted authority."),
        N_(
            "{detail}. A self-made or private certificate is accepted only with a matching "
            "DNSSEC-signed TLSA record."
        ),
    ),
    "cert-missing-intermediate": _Text(
        Severity.ERROR,
        N_("{endpoint} does not send its full certificate chain."),
        N_("{detail}. The server's admin must configure the intermediate certificate(s)."),
    ),
    "cert-untrusted": _Text(
        Severity.ERROR,
        N_("The certificate of {endpoint} could not be verified."),
        N_("{detail}."),
    ),
    "cert-weak": _Text(
        Severity.WARN,
        N_("The certificate of {endpoint} uses weak cryptography."),
        N_("{detail}."),
    ),
    "cert-expiring": _Text(
        Severity.WARN,
        N_("The certificate of {endpoint} expires in {days} days."),
        N_("It is valid until {until}; the server's admin should renew it soon."),
    ),
    "dane-mismatch": _Text(
        Severity.ERROR,
        N_("{endpoint} presents a key the domain did not publish (DANE mismatch)."),
        N_(
            "The DNSSEC-signed TLSA records at {tlsa} match none of the presented certificates "
            "({detail}). This blocks the server whatever the certificate authority says: "
            "either the key was changed without updating DNS, or the connection is intercepted."
        ),
    ),
    "dane-bogus": _Text(
        Severity.ERROR,
        N_("The DANE records for {endpoint} failed their DNSSEC check."),
        N_("{detail}. Bogus DNSSEC is a failure, never 'no DANE'."),
    ),
    "dane-ee": _Text(
        Severity.INFO,
        N_("{endpoint} is authenticated by the key the domain pinned in DNS (DANE)."),
        N_(
            "TLSA usage 3 (DANE-EE) matched: the exact key is vouched for by DNSSEC; the "
            "certificate's names and dates are deliberately not checked (RFC 7671)."
        ),
    ),
    "dane-ta": _Text(
        Severity.INFO,
        N_("{endpoint} is authenticated through the authority the domain pinned in DNS (DANE)."),
        N_(
            "TLSA usage 2 (DANE-TA) matched a certificate in the chain; names and dates are "
            "checked against it."
        ),
    ),
    "no-auth-mechanism": _Text(
        Severity.WARN,
        N_("{endpoint} offers no sign-in method after encryption."),
        N_("After TLS the server lists no AUTH mechanism (or LOGIN is disabled)."),
    ),
    # The sign-in method: what the documents allow and the server offers (signin.py).
    "signin-oauth2-not-offered": _Text(
        Severity.INFO,
        N_("{endpoint} offers no OAuth2 sign-in, so mailhop uses your password there."),
        N_(
            "{sources} name OAuth2 for it, but after TLS the server offers {offered} (no "
            "OAUTHBEARER or XOAUTH2): a mail client set up for OAuth2 could not sign in. The "
            "password method the server offers is used; the documents should be corrected."
        ),
    ),
    "signin-encrypted-not-offered": _Text(
        Severity.INFO,
        N_("{endpoint} takes the password as PLAIN inside TLS, not as 'encrypted password'."),
        N_(
            "{sources} say password-encrypted (CRAM-MD5 and the like), but after TLS the server "
            "offers {offered}: a client set to CRAM-MD5 would fail. Inside verified TLS, PLAIN "
            "is as safe; the documents should say password-cleartext."
        ),
    ),
    "signin-method-not-offered": _Text(
        Severity.WARN,
        N_("{endpoint} does not list the sign-in method mailhop will use ({method})."),
        N_(
            "{sources} allow {allowed}; after TLS the server offers {offered}, which has none "
            "of them. mailhop keeps {method}; the documents or the server need correcting."
        ),
    ),
    # A host a source published only without TLS, used with TLS (parse_autoconfig.py).
    "plaintext-upgraded": _Text(
        Severity.INFO,
        N_("{service}: the settings named {host} without encryption; mailhop uses {endpoint}."),
        N_(
            "{sources} list {host} for {service} only with plaintext (socketType plain). The "
            "source vouches for the host, not for plaintext: mailhop tried it with TLS on the "
            "standard ports and verified {endpoint}; the published entry should be corrected."
        ),
    ),
    "better-endpoint-failed": _Text(
        Severity.WARN,
        N_("The preferred server {endpoint} failed; a lower-ranked one is used instead."),
        N_("{detail}"),
    ),
    "needs-approval": _Text(
        Severity.WARN,
        N_("{endpoint} comes from an unauthenticated source: approve {registrable} to use it."),
        N_(
            "The host was learned from {sources}, which could have been forged (tier C). "
            "Before any password is sent, the person must approve {registrable} "
            "({registrable_unicode})."
        ),
    ),
    "lookalike-needs-approval": _Text(
        Severity.WARN,
        N_(
            "{endpoint} has a look-alike name outside your address's domain: approve "
            "{registrable} to use it."
        ),
        N_(
            "{details}. Although {sources} named it, a host outside the address's registrable "
            "domain with such a name is used only after the person approves {registrable} "
            "({registrable_unicode}) by name (DESIGN.md section 4, rule 4)."
        ),
    ),
    "no-working-server": _Text(
        Severity.ERROR,
        N_("No {service} server passed the checks."),
        N_(
            "Every candidate failed (see the findings above); nothing will be configured for "
            "{service} until the domain fixes them."
        ),
    ),
    "relay-no-starttls": _Text(
        Severity.WARN,
        N_("Mail to {domain} can travel unencrypted between servers: {host} does not offer TLS."),
        N_("{detail}"),
    ),
    "relay-unreachable": _Text(
        Severity.WARN,
        N_("The mail server {host} of {domain} could not be checked from here."),
        N_(
            "{detail}. Port 25 is often blocked for home and office connections; the result "
            "says nothing about the server itself."
        ),
    ),
    "relay-dane": _Text(
        Severity.INFO,
        N_("Mail servers sending to {domain} can verify {host} with DANE."),
        N_("DNSSEC-signed TLSA records for {host} port 25 match its key ({detail})."),
    ),
    "relay-no-policy": _Text(
        Severity.INFO,
        N_("{domain} publishes neither MTA-STS nor DANE for incoming mail."),
        N_(
            "Sending servers encrypt opportunistically and can be downgraded by an attacker; "
            "publishing an MTA-STS policy or TLSA records closes that gap."
        ),
    ),
}


# The last sentence of a lookalike-host finding, by where the host is and what it is for.
LOOKALIKE_CONSEQUENCE = {
    "outside": N_(
        "It is outside {domain}, so no password goes to it until the person approves "
        "{registrable} by name, even though {sources} named it."
    ),
    "inside": N_(
        "It is inside {domain}, the address's own domain, so it is a warning for the "
        "domain's admin and needs no approval."
    ),
    "relay": N_("Other mail servers deliver mail for {domain} to it; no password goes to it."),
}

_PROBLEM_WORDS = {
    Problem.MIXED_SCRIPT: N_("'{label}' mixes {scripts} letters"),
    Problem.WHOLE_SCRIPT: N_("'{label}' is all {scripts} letters that look like Latin ones"),
    Problem.CONFUSABLE: N_("{chars}"),
}


def lookalike_words(name: HostName) -> tuple[Words, Joined]:
    """(short, details) about a look-alike host name, for a person and for a helpdesk: for
    paypal spelt with a Cyrillic a (shown here as [a]), ("it mixes Cyrillic and Latin
    letters", "'p[a]ypal' mixes Cyrillic and Latin letters; [a] (U+0430 CYRILLIC SMALL
    LETTER A) looks like a"). Words, put into the person's language when shown; script and
    Unicode character names stay as Unicode gives them."""
    details = []
    for label in name.suspects:
        scripts = Joined.of(_AND, label.scripts)
        chars = Joined.of(
            ", ",
            (
                Words(
                    N_("{char} ({codepoint}) looks like {looks_like}"),
                    (
                        ("char", c.char),
                        ("codepoint", c.codepoint),
                        ("looks_like", c.looks_like),
                    ),
                )
                for c in label.confusables
            ),
        )
        for problem in label.problems:
            values = (("label", label.ulabel), ("scripts", scripts), ("chars", chars))
            details.append(Words(_PROBLEM_WORDS[problem], values))
    kinds = set(name.problems)
    scripts = Joined.of(_AND, name.scripts)
    if Problem.MIXED_SCRIPT in kinds:
        short = Words(N_("it mixes {scripts} letters"), (("scripts", scripts),))
    elif Problem.WHOLE_SCRIPT in kinds:
        short = Words(N_("its {scripts} letters look like Latin ones"), (("scripts", scripts),))
    else:
        short = Words(N_("it has letters that look like others"))
    return short, Joined.of("; ", details)


# Between script names (Unicode's own names, "Cyrillic and Latin"); Joined translates it.
_AND = N_(" and ")


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing mailhop wants a person or a helpdesk to know, with its evidence."""

    code: str
    severity: Severity
    summary: str  # English, as JSON and files carry it
    helpdesk: str  # English
    evidence: tuple[str, ...] = ()
    values: tuple[tuple[str, object], ...] = ()  # what the table's templates are filled with
    # The endpoint it is about (host A-label, port), so that the verdict can say the same
    # finding for the same host once, with every port (verdict.py).
    host: str | None = None
    port: int | None = None

    def summary_words(self) -> Words:
        """The summary as Words: in the person's language when shown (``str``)."""
        return self._words(0)

    def helpdesk_words(self) -> Words:
        return self._words(1)

    @property
    def shown_summary(self) -> str:
        """The summary in the language chosen (i18n.set_language), for the screen."""
        return str(self.summary_words())

    @property
    def shown_helpdesk(self) -> str:
        return str(self.helpdesk_words())

    def _words(self, which: int) -> Words:
        text = FINDINGS.get(self.code)
        if text is None:  # not from the table: its words are as given
            return Words("{text}", (("text", (self.summary, self.helpdesk)[which]),))
        return Words((text.summary, text.helpdesk)[which], self.values)


def finding(code: str, *, evidence: tuple[str, ...] = (), **values: object) -> Finding:
    """Build a finding from the table; a missing value is a programming error."""
    text = FINDINGS[code]
    words = {key: english(value) for key, value in values.items()}
    return Finding(
        code,
        text.severity,
        text.summary.format(**words),
        text.helpdesk.format(**words),
        evidence,
        tuple(values.items()),
    )
