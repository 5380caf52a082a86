"""The words of the findings the verdict raises about servers: DANE, sign-in methods, the
chosen server, the relay (MX) leg, and a recheck weaker than setup.

One row per finding code: severity, the person's one line, the helpdesk's explanation
(``finding_text.FindingText``); ``findings.FINDINGS`` joins this table with the others.
What a probe finds connecting, over TLS and in a certificate is in ``findings_probe``.
"""

from __future__ import annotations

from .finding_text import FindingText, Severity
from .i18n import N_

__all__ = ["SERVER_FINDINGS"]

# {endpoint} is "host:port (service, security)" wherever a row names it.
SERVER_FINDINGS: dict[str, FindingText] = {
    "dane-mismatch": FindingText(
        Severity.ERROR,
        N_("{endpoint} presents a key the domain did not publish (DANE mismatch)."),
        N_(
            "The DNSSEC-signed TLSA records at {tlsa} match none of the presented certificates "
            "({detail}). This blocks the server whatever the certificate authority says: "
            "either the key was changed without updating DNS, or the connection is intercepted."
        ),
    ),
    "dane-bogus": FindingText(
        Severity.ERROR,
        N_("The DANE records for {endpoint} failed their DNSSEC check."),
        N_("{detail}. Bogus DNSSEC is a failure, never 'no DANE'."),
    ),
    "dane-ee": FindingText(
        Severity.INFO,
        N_("{endpoint} is authenticated by the key the domain pinned in DNS (DANE)."),
        N_(
            "TLSA usage 3 (DANE-EE) matched: the exact key is vouched for by DNSSEC; the "
            "certificate's names and dates are deliberately not checked (RFC 7671)."
        ),
    ),
    "dane-ta": FindingText(
        Severity.INFO,
        N_("{endpoint} is authenticated through the authority the domain pinned in DNS (DANE)."),
        N_(
            "TLSA usage 2 (DANE-TA) matched a certificate in the chain; names and dates are "
            "checked against it."
        ),
    ),
    "no-auth-mechanism": FindingText(
        Severity.WARN,
        N_("{endpoint} offers no sign-in method after encryption."),
        N_("After TLS the server lists no AUTH mechanism (or LOGIN is disabled)."),
    ),
    # The sign-in method: what the documents allow and the server offers (signin.py).
    "signin-oauth2-not-offered": FindingText(
        Severity.INFO,
        N_("{endpoint} offers no OAuth2 sign-in, so mailhop uses your password there."),
        N_(
            "{sources} name OAuth2 for it, but after TLS the server offers {offered} (no "
            "OAUTHBEARER or XOAUTH2): a mail client set up for OAuth2 could not sign in. The "
            "password method the server offers is used; the documents should be corrected."
        ),
    ),
    "signin-oauth2-no-setup": FindingText(
        Severity.INFO,
        N_("{endpoint} offers OAuth2 and a password; mailhop uses your password there."),
        N_(
            "{sources} name OAuth2 for it and the server offers {offered}, but no document names "
            "an OAuth2 issuer for this host and it is no provider mail clients know: nobody "
            "could issue the token, so a client set up for OAuth2 could not sign in. The "
            "password method the server offers is used."
        ),
    ),
    "signin-encrypted-not-offered": FindingText(
        Severity.INFO,
        N_("{endpoint} takes the password as PLAIN inside TLS, not as 'encrypted password'."),
        N_(
            "{sources} say password-encrypted (CRAM-MD5 and the like), but after TLS the server "
            "offers {offered}: a client set to CRAM-MD5 would fail. Inside verified TLS, PLAIN "
            "is as safe; the documents should say password-cleartext."
        ),
    ),
    # A server taking only OAuth2 where no document said so (signin.py, issue 20).
    "signin-oauth2-server-only": FindingText(
        Severity.INFO,
        N_("{endpoint} takes only OAuth2: mailhop signs in there with OAuth2."),
        N_(
            "{sources} allow {allowed}; after TLS the server offers {offered} and no password "
            "mechanism, so a password cannot work there. mailhop signs in with OAuth2 and asks "
            "the server which service issues the token."
        ),
    ),
    "signin-method-not-offered": FindingText(
        Severity.WARN,
        N_("{endpoint} does not list the sign-in method mailhop will use ({method})."),
        N_(
            "{sources} allow {allowed}; after TLS the server offers {offered}, which has none "
            "of them. mailhop keeps {method}; the documents or the server need correcting."
        ),
    ),
    # A host a source published only without TLS, used with TLS (parse_autoconfig.py).
    "plaintext-upgraded": FindingText(
        Severity.INFO,
        N_("{service}: the settings named {host} without encryption; mailhop uses {endpoint}."),
        N_(
            "{sources} list {host} for {service} only with plaintext (socketType plain). The "
            "source vouches for the host, not for plaintext: mailhop tried it with TLS on the "
            "standard ports and verified {endpoint}; the published entry should be corrected."
        ),
    ),
    "better-endpoint-failed": FindingText(
        Severity.WARN,
        N_("The preferred server {endpoint} failed; a lower-ranked one is used instead."),
        N_("{detail}"),
    ),
    "needs-approval": FindingText(
        Severity.WARN,
        N_("{endpoint} comes from an unauthenticated source: approve {registrable} to use it."),
        N_(
            "The host was learned from {sources}, which could have been forged (tier C). "
            "Before any password is sent, the person must approve {registrable} "
            "({registrable_unicode})."
        ),
    ),
    "lookalike-needs-approval": FindingText(
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
    "no-working-server": FindingText(
        Severity.ERROR,
        N_("No {service} server passed the checks."),
        N_(
            "Every candidate failed (see the findings above); nothing will be configured for "
            "{service} until the domain fixes them."
        ),
    ),
    "relay-no-starttls": FindingText(
        Severity.WARN,
        N_("Mail to {domain} can travel unencrypted between servers: {host} does not offer TLS."),
        N_("{detail}"),
    ),
    "relay-unreachable": FindingText(
        Severity.WARN,
        N_("The mail server {host} of {domain} could not be checked from here."),
        N_(
            "{detail}. Port 25 is often blocked for home and office connections; the result "
            "says nothing about the server itself."
        ),
    ),
    "relay-dane": FindingText(
        Severity.INFO,
        N_("Mail servers sending to {domain} can verify {host} with DANE."),
        N_("DNSSEC-signed TLSA records for {host} port 25 match its key ({detail})."),
    ),
    "relay-no-policy": FindingText(
        Severity.INFO,
        N_("{domain} publishes neither MTA-STS nor DANE for incoming mail."),
        N_(
            "Sending servers encrypt opportunistically and can be downgraded by an attacker; "
            "publishing an MTA-STS policy or TLSA records closes that gap."
        ),
    ),
    # recheck: weaker than the state remembered at setup (account/security_state.py)
    "downgrade-mta-sts": FindingText(
        Severity.WARN,
        N_("{domain}'s MTA-STS policy is weaker than at setup: {old} before, {new} now."),
        N_(
            "The profile remembers mode {old}; the domain now publishes {new}. Sending "
            "servers no longer insist on verified TLS to its mail servers, so an attacker on "
            "the path could read mail to {domain}. Ask the domain's administrator whether "
            "this was intended."
        ),
    ),
    "downgrade-dane": FindingText(
        Severity.WARN,
        N_("{domain}'s mail servers no longer have DANE records (at setup: {hosts})."),
        N_(
            "At setup, DNSSEC-signed TLSA records let sending servers verify {hosts}; now no "
            "mail server of {domain} has any. Ask the domain's administrator whether this "
            "was intended."
        ),
    ),
    "downgrade-tlsa": FindingText(
        Severity.WARN,
        N_("{host} port {port} no longer has the DANE records it had at setup."),
        N_(
            "At setup, DNSSEC-signed TLSA records pinned the key of {host} port {port}; "
            "they are gone, so the server is now verified by its certificate alone. Ask "
            "the provider whether this was intended before typing the password again."
        ),
    ),
}
