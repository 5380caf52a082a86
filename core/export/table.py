"""The one table from mailhop's canonical settings to each export format's words.

Why a table: a saved profile stores one canonical value per setting (``implicit-tls`` or
``starttls``; ``password-cleartext``, ``password-encrypted`` or ``oauth2``), and every client
spells it differently. Known peer bug: one stored value cannot serve every client. Tools that
keep the client's word instead of a canonical one (for example a socket type or auth word that
Apple's profile wants) break Thunderbird for Android, which aborts the whole autoconfig file
on a value it does not know (``plain``, ``TLS``). So each format is one ``Column``, and every
exporter translates through its column at the last moment.

A new format is a new ``Column`` here; nothing else changes. A canonical value a column has
no word for raises ``Untranslatable``: the exporter then refuses, instead of writing a file
the client rejects or misreads.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TypeVar

from ..common.errors import ExportError
from ..common.i18n import N_
from ..common.model import AuthMethod, Security

__all__ = [
    "AERC",
    "AUTH_METHODS",
    "EVOLUTION",
    "K9_QR",
    "K9_SETTINGS",
    "MBSYNC",
    "MSMTP",
    "NEOMUTT",
    "NEOMUTT_POP",
    "OUTLOOK_AUTODISCOVER",
    "SECURITIES",
    "SHEET",
    "THUNDERBIRD_AUTOCONFIG",
    "THUNDERBIRD_FORM",
    "THUNDERBIRD_PREFS",
    "Column",
    "Untranslatable",
]

# The canonical rows: the enums AccountProfile/EndpointSetting store (core/common/model.py).
SECURITIES = (Security.IMPLICIT_TLS, Security.STARTTLS)
AUTH_METHODS = (
    AuthMethod.PASSWORD_CLEARTEXT,
    AuthMethod.PASSWORD_ENCRYPTED,
    AuthMethod.OAUTH2,
)


K = TypeVar("K", Security, AuthMethod)


class Untranslatable(ExportError, ValueError):
    """A canonical value the format cannot express; the message names both."""


@dataclass(frozen=True, slots=True)
class Column:
    """One format's words for the canonical rows. Numbers (prefs) are kept as their text."""

    name: str
    security_words: Mapping[Security, str]
    auth_words: Mapping[AuthMethod, str]

    def security(self, canonical: Security) -> str:
        return self._word(self.security_words, "security", canonical)

    def auth(self, canonical: AuthMethod) -> str:
        return self._word(self.auth_words, "authentication", canonical)

    def _word(self, words: Mapping[K, str], what: str, canonical: K) -> str:
        try:
            return words[canonical]
        except KeyError:
            # The message names the profile's spelling: it is person-facing text.
            known = ", ".join(sorted(key.value for key in words)) or "none"
            raise Untranslatable(
                f"{self.name} has no {what} setting for {canonical.value!r}; it knows {known}"
            ) from None


def _frozen(words: dict[K, str]) -> Mapping[K, str]:
    return MappingProxyType(words)


# Thunderbird's autoconfig clientConfig 1.1, restricted to what Thunderbird for Android also
# accepts: it rejects the whole file on "plain" or an authentication word it does not know.
THUNDERBIRD_AUTOCONFIG = Column(
    "Thunderbird autoconfig",
    _frozen({Security.IMPLICIT_TLS: "SSL", Security.STARTTLS: "STARTTLS"}),
    _frozen(
        {
            AuthMethod.PASSWORD_CLEARTEXT: "password-cleartext",
            AuthMethod.PASSWORD_ENCRYPTED: "password-encrypted",
            AuthMethod.OAUTH2: "OAuth2",
        }
    ),
)

# Thunderbird's prefs (user.js / prefs.js): nsMsgSocketType (2 = alwaysSTARTTLS, 3 = SSL) and
# nsMsgAuthMethod (3 = passwordCleartext, 4 = passwordEncrypted, 10 = OAuth2). For SMTP the
# socket type pref is called ``try_ssl`` but takes the same numbers.
THUNDERBIRD_PREFS = Column(
    "Thunderbird prefs",
    _frozen({Security.IMPLICIT_TLS: "3", Security.STARTTLS: "2"}),
    _frozen(
        {
            AuthMethod.PASSWORD_CLEARTEXT: "3",
            AuthMethod.PASSWORD_ENCRYPTED: "4",
            AuthMethod.OAUTH2: "10",
        }
    ),
)

# Thunderbird's own "Configure manually" form: its drop-down words, as N_ msgids so that a
# German or French window shows what a German or French Thunderbird shows (translated where
# shown, core/export/manual_values.py).
THUNDERBIRD_FORM = Column(
    "Thunderbird's manual form",
    _frozen({Security.IMPLICIT_TLS: N_("SSL/TLS"), Security.STARTTLS: N_("STARTTLS")}),
    _frozen(
        {
            AuthMethod.PASSWORD_CLEARTEXT: N_("Normal password"),
            AuthMethod.PASSWORD_ENCRYPTED: N_("Encrypted password"),
            AuthMethod.OAUTH2: N_("OAuth2"),
        }
    ),
)

# The printable settings sheet: the words most clients' forms use, with a hint for the rest.
SHEET = Column(
    "settings sheet",
    _frozen(
        {
            Security.IMPLICIT_TLS: "SSL/TLS (TLS from the first byte; sometimes called 'SSL')",
            Security.STARTTLS: "STARTTLS (required; never 'if available')",
        }
    ),
    _frozen(
        {
            AuthMethod.PASSWORD_CLEARTEXT: "Normal password (PLAIN/LOGIN, inside TLS)",
            AuthMethod.PASSWORD_ENCRYPTED: "Encrypted password (CRAM-MD5)",
            AuthMethod.OAUTH2: "OAuth2 (sign in through the provider's web page; no password)",
        }
    ),
)

# Outlook's Autodiscover POX ``Encryption`` (SSL = TLS from the first byte, TLS = STARTTLS) and
# its ``SPA`` switch. SPA on means NTLM, not CRAM-MD5, so an encrypted password has no word;
# OAuth2 keeps SPA off (Outlook signs in with OAuth2 only for providers it knows).
OUTLOOK_AUTODISCOVER = Column(
    "Outlook Autodiscover",
    _frozen({Security.IMPLICIT_TLS: "SSL", Security.STARTTLS: "TLS"}),
    _frozen({AuthMethod.PASSWORD_CLEARTEXT: "off", AuthMethod.OAUTH2: "off"}),
)

# aerc URL schemes (imaps:// and smtps:// are TLS from the first byte; imap:// and smtp:// use
# STARTTLS, which aerc requires unless "+insecure" is given) and its "+mechanism" suffixes.
AERC = Column(
    "aerc",
    _frozen({Security.IMPLICIT_TLS: "s", Security.STARTTLS: ""}),
    _frozen({AuthMethod.PASSWORD_CLEARTEXT: "plain"}),
)

# neomutt: URL scheme suffix as for aerc, and the *_authenticators words, which differ by
# protocol: IMAP and SMTP take SASL-style names, POP3 its own (user, apop). CRAM-MD5 is a word
# only in builds with Cyrus SASL (Debian's neomutt has GNU SASL and refuses it: "cram-md5 is
# not a valid authenticator"), so password-encrypted has no word: the export then sets no
# list and neomutt tries the methods it has, inside TLS. Checked against the installed
# neomutt in tests/core/export/test_real_clients.py.
NEOMUTT = Column(
    "neomutt",
    _frozen({Security.IMPLICIT_TLS: "s", Security.STARTTLS: ""}),
    _frozen({AuthMethod.PASSWORD_CLEARTEXT: "plain:login"}),
)
NEOMUTT_POP = Column(
    "neomutt (POP3)",
    _frozen({Security.IMPLICIT_TLS: "s", Security.STARTTLS: ""}),
    _frozen({AuthMethod.PASSWORD_CLEARTEXT: "user"}),
)

# isync/mbsync 1.5: TLSType (1.4 called it SSLType with the same words) and AuthMechs.
MBSYNC = Column(
    "mbsync",
    _frozen({Security.IMPLICIT_TLS: "IMAPS", Security.STARTTLS: "STARTTLS"}),
    _frozen(
        {AuthMethod.PASSWORD_CLEARTEXT: "PLAIN LOGIN", AuthMethod.PASSWORD_ENCRYPTED: "CRAM-MD5"}
    ),
)

# msmtp: tls_starttls (off = TLS from the first byte) and the auth method ("on" lets msmtp pick
# the best password method the server offers, inside TLS).
MSMTP = Column(
    "msmtp",
    _frozen({Security.IMPLICIT_TLS: "off", Security.STARTTLS: "on"}),
    _frozen({AuthMethod.PASSWORD_CLEARTEXT: "on", AuthMethod.PASSWORD_ENCRYPTED: "cram-md5"}),
)

# Evolution's ESource files: [Security] Method (CamelNetworkSecurityMethod nicks) and the
# [Authentication] Method (a SASL mechanism name Camel knows).
EVOLUTION = Column(
    "Evolution",
    _frozen(
        {
            Security.IMPLICIT_TLS: "ssl-on-alternate-port",
            Security.STARTTLS: "starttls-on-standard-port",
        }
    ),
    _frozen({AuthMethod.PASSWORD_CLEARTEXT: "PLAIN", AuthMethod.PASSWORD_ENCRYPTED: "CRAM-MD5"}),
)

# Thunderbird for Android (K-9 Mail) settings file: its ConnectionSecurity and AuthType enum
# names (com.fsck.k9.mail). PLAIN is K-9's name for a password sent inside TLS (SASL PLAIN or
# LOGIN), CRAM_MD5 for the "encrypted password". The importer drops an account with a word it
# does not know.
K9_SETTINGS = Column(
    "Thunderbird for Android settings file",
    _frozen({Security.IMPLICIT_TLS: "SSL_TLS_REQUIRED", Security.STARTTLS: "STARTTLS_REQUIRED"}),
    _frozen(
        {
            AuthMethod.PASSWORD_CLEARTEXT: "PLAIN",
            AuthMethod.PASSWORD_ENCRYPTED: "CRAM_MD5",
            AuthMethod.OAUTH2: "XOAUTH2",
        }
    ),
)

# Thunderbird for Android's "import from Thunderbird" QR code: the numbers its
# QrCodePayloadMapper reads (toConnectionSecurity / toAuthenticationType).
K9_QR = Column(
    "Thunderbird for Android QR code",
    _frozen({Security.IMPLICIT_TLS: "3", Security.STARTTLS: "2"}),
    _frozen(
        {
            AuthMethod.PASSWORD_CLEARTEXT: "1",
            AuthMethod.PASSWORD_ENCRYPTED: "2",
            AuthMethod.OAUTH2: "6",
        }
    ),
)
