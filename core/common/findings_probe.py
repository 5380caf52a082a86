"""The words of the findings a probe raises about one server: connecting, STARTTLS and TLS,
the protocol dialogue, and the certificate it shows.

One row per finding code: severity, the person's one line, the helpdesk's explanation
(``finding_text.FindingText``); ``findings.FINDINGS`` joins this table with the others.
DANE, sign-in, the chosen server and the relay leg are in ``findings_servers``.
"""

from __future__ import annotations

from .finding_text import FindingText, Severity
from .i18n import N_

__all__ = ["PROBE_FINDINGS"]

# {endpoint} is "host:port (service, security)" wherever a row names it.
PROBE_FINDINGS: dict[str, FindingText] = {
    "probe-connect": FindingText(
        Severity.ERROR,
        N_("Could not connect to {endpoint}."),
        N_("{detail}. Check that the server runs and that a firewall lets port {port} through."),
    ),
    "probe-timeout": FindingText(
        Severity.ERROR,
        N_("{endpoint} did not answer in time."),
        N_("The server stopped answering ({detail}); mailhop gave up at the deadline."),
    ),
    "probe-not-checked": FindingText(
        Severity.INFO,
        N_("{endpoint} could not be checked."),
        N_(
            "The audit's own limit of connections per server kept the check waiting "
            "({detail}); nothing was learned about this server."
        ),
    ),
    "starttls-missing": FindingText(
        Severity.ERROR,
        N_("{endpoint} does not offer encryption (STARTTLS), so mailhop will not use it."),
        N_(
            "The server's capabilities before TLS lack STARTTLS ({detail}). Either it has no "
            "TLS, or someone on the path removed it (a stripping attack). mailhop never falls "
            "back to plaintext."
        ),
    ),
    "starttls-refused": FindingText(
        Severity.ERROR,
        N_("{endpoint} refused to start encryption."),
        N_(
            "The server answered the STARTTLS command with: {server_said}. mailhop never continues "
            "without TLS."
        ),
    ),
    "preauth": FindingText(
        Severity.ERROR,
        N_("{endpoint} logged in before encryption started; mailhop does not use it."),
        N_(
            "The IMAP greeting was PREAUTH, so STARTTLS cannot be used (RFC 2595); a session "
            "without TLS is never accepted."
        ),
    ),
    "injection": FindingText(
        Severity.ERROR,
        N_("{endpoint} sent unexpected data while starting encryption: possible tampering."),
        N_(
            "Bytes arrived after the STARTTLS reply and before the TLS handshake ({server_said}). "
            "This is how response injection works (CVE-2011-0411); the connection was dropped."
        ),
    ),
    "tls-version": FindingText(
        Severity.ERROR,
        N_("{endpoint} only offers outdated encryption (older than TLS 1.2)."),
        N_("{detail}. TLS 1.0 and 1.1 are retired (RFC 8996); the server needs TLS 1.2 or 1.3."),
    ),
    "tls-handshake": FindingText(
        Severity.ERROR,
        N_("Encryption with {endpoint} could not be set up."),
        N_("The TLS handshake failed: {detail}."),
    ),
    "server-closed": FindingText(
        Severity.ERROR,
        N_("{endpoint} closed the connection unexpectedly."),
        N_("{detail}."),
    ),
    "server-refused": FindingText(
        Severity.ERROR,
        N_("{endpoint} turned the connection away."),
        N_("{detail}. Server said: {server_said}"),
    ),
    "server-flood": FindingText(
        Severity.ERROR,
        N_("{endpoint} sent far more data than a mail server should; mailhop stopped reading."),
        N_("{detail}."),
    ),
    "protocol-error": FindingText(
        Severity.ERROR,
        N_("{endpoint} did not speak the expected mail protocol."),
        N_("{detail}. Server said: {server_said}"),
    ),
    "capabilities-hidden": FindingText(
        Severity.WARN,
        N_("{endpoint} does not list what it supports after encryption started."),
        N_("{detail}. Clients cannot tell which sign-in methods are allowed."),
    ),
    "cert-expired": FindingText(
        Severity.ERROR,
        N_("The certificate of {endpoint} has expired."),
        N_("{detail}. The server's admin must renew it."),
    ),
    "cert-not-yet-valid": FindingText(
        Severity.ERROR,
        N_("The certificate of {endpoint} is not valid yet."),
        N_("{detail}. Check the server's (or this computer's) clock."),
    ),
    "cert-name-mismatch": FindingText(
        Severity.ERROR,
        N_("The certificate of {endpoint} is for a different name."),
        N_(
            "It covers {names}, not {host}. Either the settings name the wrong host or the "
            "server presents the wrong certificate."
        ),
    ),
    "cert-unknown-issuer": FindingText(
        Severity.ERROR,
        N_("The certificate of {endpoint} is not from a trusted authority."),
        N_(
            "{detail}. A self-made or private certificate is accepted only with a matching "
            "DNSSEC-signed TLSA record."
        ),
    ),
    "cert-missing-intermediate": FindingText(
        Severity.ERROR,
        N_("{endpoint} does not send its full certificate chain."),
        N_("{detail}. The server's admin must configure the intermediate certificate(s)."),
    ),
    "cert-untrusted": FindingText(
        Severity.ERROR,
        N_("The certificate of {endpoint} could not be verified."),
        N_("{detail}."),
    ),
    "cert-weak": FindingText(
        Severity.WARN,
        N_("The certificate of {endpoint} uses weak cryptography."),
        N_("{detail}."),
    ),
    "cert-expiring": FindingText(
        Severity.WARN,
        N_("The certificate of {endpoint} expires in {days} days."),
        N_("It is valid until {until}; the server's admin should renew it soon."),
    ),
}
