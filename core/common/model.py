"""The data the discovery parsers hand to policy: server candidates, issues, results.

Everything here is a frozen, slotted dataclass or an enum (STYLE.md habit 3). A parser
never raises for a bad remote document: it returns one of the ``...Result`` classes
below with ``error`` set (DESIGN.md section 3), and every entry it dropped or field it
ignored is listed in ``issues`` so the UI can say what the domain published and why
mailhop did not use it.

Plaintext is not representable: ``Security`` has no "none" member, so a
``ServerCandidate`` is always TLS from the first byte or STARTTLS-required
(DESIGN.md section 4, rule 2). A ``plain`` entry in a document becomes an issue.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

__all__ = [
    "STANDARD_PORTS",
    "AuthMethod",
    "AutoconfigResult",
    "AutodiscoverRedirect",
    "AutodiscoverResult",
    "IssueCode",
    "OAuth2Info",
    "PaccResult",
    "ParseIssue",
    "RedirectKind",
    "Security",
    "ServerCandidate",
    "Service",
    "standard_port",
]


class Service(enum.Enum):
    """The legs mailhop configures (DESIGN.md section 1)."""

    SUBMISSION = "submission"  # client -> server, SMTP SUBMIT 465/587 (RFC 8314, RFC 6409)
    IMAP = "imap"
    POP3 = "pop3"
    RELAY = "relay"  # server -> server, SMTP 25 to the MX (MTA-STS, DANE)


class Security(enum.Enum):
    """Transport security of a connection. There is deliberately no plaintext member."""

    IMPLICIT_TLS = "implicit-tls"  # TLS from the first byte (RFC 8314 section 3)
    STARTTLS = "starttls"  # upgrade required: a failed STARTTLS aborts (DESIGN rule 2)


# The standard ports of each protocol a person's client uses, implicit TLS first: IMAP 993
# and 143, POP3 995 and 110, submission 465 and 587 (RFC 8314 sections 3.3 and 7, RFC 6409).
# The one table: a document that names no port, or names a host only with plaintext, is
# read with these (the autoconfig, PACC and Autodiscover parsers).
STANDARD_PORTS: dict[Service, tuple[tuple[int, Security], ...]] = {
    Service.IMAP: ((993, Security.IMPLICIT_TLS), (143, Security.STARTTLS)),
    Service.POP3: ((995, Security.IMPLICIT_TLS), (110, Security.STARTTLS)),
    Service.SUBMISSION: ((465, Security.IMPLICIT_TLS), (587, Security.STARTTLS)),
}


def standard_port(service: Service, security: Security) -> int:
    """The standard port of ``service`` with ``security`` (KeyError for the relay leg)."""
    return next(port for port, kind in STANDARD_PORTS[service] if kind is security)


class AuthMethod(enum.Enum):
    """How a client proves who it is, as a discovery source states it."""

    PASSWORD_CLEARTEXT = "password-cleartext"  # noqa: S105 - SASL PLAIN/LOGIN inside TLS
    PASSWORD_ENCRYPTED = "password-encrypted"  # noqa: S105 - CRAM-MD5, DIGEST-MD5, NTLM
    OAUTH2 = "oauth2"  # SASL XOAUTH2/OAUTHBEARER; no password field (DESIGN section 5)
    CLIENT_CERT = "client-cert"  # TLS client certificate
    NONE = "none"  # no authentication
    UNKNOWN = "unknown"  # a method mailhop does not implement (GSSAPI, NTLM, ...)


class IssueCode(enum.StrEnum):
    """Why a parser dropped an entry, ignored a field or rejected a document."""

    # document level
    TOO_LARGE = "too-large"
    MALFORMED = "malformed"
    FORBIDDEN_XML = "forbidden-xml"  # DTD, entity or external reference
    WRONG_DOCUMENT = "wrong-document"  # well-formed, but not the format expected
    DIGEST_MISMATCH = "digest-mismatch"
    NOT_AUTHENTICATED = "not-authenticated"
    # entry level: the entry is dropped
    PLAINTEXT_REJECTED = "plaintext-rejected"
    BAD_SOCKET_TYPE = "bad-socket-type"
    BAD_HOSTNAME = "bad-hostname"
    BAD_PORT = "bad-port"
    BAD_USERNAME = "bad-username"
    CONTROL_CHARACTER = "control-character"  # CR, LF or NUL in any field
    UNKNOWN_PLACEHOLDER = "unknown-placeholder"
    MISSING_FIELD = "missing-field"
    UNSUPPORTED_TYPE = "unsupported-type"  # jmap, ews, activesync, EXCH, ...
    # field level: the entry is kept, the field is not used
    PASSWORD_IGNORED = "password-ignored"  # noqa: S105 - a code, not a secret
    UNTERMINATED_PLACEHOLDER = "unterminated-placeholder"  # substituted, but reported
    REALNAME_IGNORED = "realname-ignored"
    BAD_FIELD = "bad-field"
    DEFAULTED = "defaulted"  # a missing value was filled in from the protocol's default
    EXTRA_ELEMENT = "extra-element"  # e.g. a second emailProvider, ignored


@dataclass(frozen=True, slots=True)
class ParseIssue:
    """One thing a parser noticed. ``where`` names the place, e.g. ``incomingServer[1]``."""

    code: IssueCode
    message: str
    where: str = ""
    # The whole entry was left out (not one field): consumers decide on this, never on the
    # words of ``message``.
    dropped: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class ServerCandidate:
    """One server a source proposes for one service, every field validated.

    ``hostname`` is an ASCII LDH A-label without a trailing dot (DESIGN rule 7/8).
    ``username`` is after placeholder substitution; None when the source does not say.
    ``auth_methods`` keeps the source's order; empty when the source does not say.
    ``order`` is the entry's position in its document (0-based, counting every server
    entry, dropped or not), the "source's own order" tie-break of DESIGN section 5.
    ``from_plaintext`` marks an endpoint mailhop derived from an entry the source published
    only without TLS: the source vouched for the host, not for the port or the security, so
    mailhop tries the host on the protocol's standard TLS ports instead (plaintext itself is
    still never used).
    """

    service: Service
    hostname: str
    port: int
    security: Security
    username: str | None
    auth_methods: tuple[AuthMethod, ...]
    order: int
    from_plaintext: bool = False

    def __post_init__(self) -> None:
        # Misuse, not remote data: the parsers validate before they construct.
        if not 1 <= self.port <= 65535:
            raise ValueError(f"port out of range: {self.port}")
        if not self.hostname.isascii() or self.hostname != self.hostname.lower():
            raise ValueError(f"hostname is not a lower-case A-label: {self.hostname!r}")

    @property
    def uses_oauth2(self) -> bool:
        return AuthMethod.OAUTH2 in self.auth_methods


@dataclass(frozen=True, slots=True)
class OAuth2Info:
    """OAuth2 endpoints a document names; strings as published (https URLs checked).

    A ``clientSecret`` is never kept: it is not the user's, and nothing needs it.
    """

    issuer: str | None = None
    scope: str | None = None
    auth_url: str | None = None
    token_url: str | None = None


@dataclass(frozen=True, slots=True)
class AutoconfigResult:
    """A Thunderbird clientConfig document (autoconfig, .well-known, ISPDB)."""

    candidates: tuple[ServerCandidate, ...] = ()
    issues: tuple[ParseIssue, ...] = ()
    error: str | None = None
    provider_id: str | None = None
    display_name: str | None = None
    display_short_name: str | None = None
    domains: tuple[str, ...] = ()  # A-labels of <domain>, invalid ones reported
    oauth2: OAuth2Info | None = None  # the <oAuth2> element, if any

    @property
    def uses_oauth2(self) -> bool:
        return self.oauth2 is not None or any(c.uses_oauth2 for c in self.candidates)


@dataclass(frozen=True, slots=True)
class PaccResult:
    """A PACC JSON document (draft-ietf-mailmaint-pacc) and whether its digest held.

    ``digest_verified`` is True only when the SHA-256 of the exact bytes matched the
    ``_ua-auto-config`` TXT record; only then is the document tier A (DESIGN section 4).
    """

    candidates: tuple[ServerCandidate, ...] = ()
    issues: tuple[ParseIssue, ...] = ()
    error: str | None = None
    digest_verified: bool = False
    oauth2: OAuth2Info | None = None  # from authentication."oauth-public"
    password_allowed: bool | None = None  # authentication.password, None if absent
    provider_name: str | None = None
    provider_short_name: str | None = None


class RedirectKind(enum.Enum):
    """Where an Autodiscover answer points: another address, or another URL."""

    ADDRESS = "address"  # Action redirectAddr
    URL = "url"  # Action redirectUrl


@dataclass(frozen=True, slots=True)
class AutodiscoverRedirect:
    """An Autodiscover answer that points elsewhere; the caller follows it (bounded)."""

    kind: RedirectKind
    target: str  # a validated address, or an https URL with a validated host


@dataclass(frozen=True, slots=True)
class AutodiscoverResult:
    """A Microsoft Autodiscover POX response (Outlook response schema 2006a)."""

    candidates: tuple[ServerCandidate, ...] = ()
    issues: tuple[ParseIssue, ...] = ()
    error: str | None = None
    redirect: AutodiscoverRedirect | None = None
    display_name: str | None = None
