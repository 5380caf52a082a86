"""The vocabulary of ``mailhop lint`` (formats, severities, stable codes, findings), shared by
lint.py and its per-format checkers (lint_autoconfig, lint_apple, lint_other)."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any
from xml.etree.ElementTree import Element

from ..common.untrusted import ForbiddenXmlError, UntrustedDataError, read_xml

__all__ = [
    "Format",
    "LintReport",
    "Problem",
    "RuleCode",
    "Severity",
    "err",
    "info",
    "load",
    "warn",
]


class Format(enum.StrEnum):
    AUTOCONFIG = "autoconfig"
    MOBILECONFIG = "mobileconfig"
    MOBILECONFIG_SIGNED = "mobileconfig-signed"
    AUTODISCOVER = "autodiscover"
    PACC = "pacc"
    MTA_STS = "mta-sts"
    K9S = "k9s"
    UNKNOWN = "unknown"


class Severity(enum.StrEnum):
    ERROR = "error"
    WARN = "warn"
    INFO = "info"


class RuleCode(enum.StrEnum):
    """Stable finding codes. Never renumber or rename: scripts match on them."""

    # document
    TOO_LARGE = "too-large"
    MALFORMED = "malformed"
    FORBIDDEN_XML = "forbidden-xml"
    UNKNOWN_FORMAT = "unknown-format"
    SIGNED_NOT_CHECKED = "signed-not-checked"
    # autoconfig
    SOCKET_PLAIN = "socket-plain"
    BAD_SOCKET_TYPE = "bad-socket-type"
    BAD_PORT = "bad-port"
    UNTERMINATED_PLACEHOLDER = "unterminated-placeholder"
    UNKNOWN_PLACEHOLDER = "unknown-placeholder"
    PASSWORD_INSIDE = "password-inside"  # noqa: S105 - a code, not a secret
    OAUTH2_UNKNOWN_HOST = "oauth2-unknown-host"
    MISSING_USERNAME = "missing-username"
    MISSING_OUTGOING = "missing-outgoing"
    MISSING_FIELD = "missing-field"
    NO_EMAIL_PROVIDER = "no-email-provider"
    UNSUPPORTED_TYPE = "unsupported-type"
    # apple
    EMPTY_INTEGER = "empty-integer"
    MISSING_KEY = "missing-key"
    # autodiscover
    SPA_ON = "spa-on"
    SSL_OFF = "ssl-off"
    # autoconfig, with parse_autoconfig's own checks (fields.validate_*)
    BAD_HOSTNAME = "bad-hostname"
    BAD_USERNAME = "bad-username"
    DUPLICATE_FIELD = "duplicate-field"
    CONTROL_CHARACTER = "control-character"
    # autoconfig, as each client reads it (discover.autoconfig_rules names the client)
    PROVIDER_ID = "provider-id"
    NO_DOMAIN = "no-domain"
    NO_INCOMING = "no-incoming"
    NO_AUTHENTICATION = "no-authentication"
    UNKNOWN_AUTHENTICATION = "unknown-authentication"
    NOT_TEXT = "not-text"
    BLANKS_AROUND_VALUE = "blanks-around-value"
    # signed .mobileconfig
    SIGNED_BY = "signed-by"
    BAD_SIGNATURE = "bad-signature"
    # PACC (the parser's own IssueCode is in the message)
    PACC_INVALID = "pacc-invalid"
    PACC_PLAINTEXT = "pacc-plaintext"
    PACC_ENTRY_DROPPED = "pacc-entry-dropped"
    PACC_FIELD_IGNORED = "pacc-field-ignored"
    PACC_DIGEST_NOT_CHECKED = "pacc-digest-not-checked"
    # MTA-STS policy
    MTA_STS_INVALID = "mta-sts-invalid"
    MTA_STS_MX_IGNORED = "mta-sts-mx-ignored"
    MTA_STS_SYNTAX = "mta-sts-syntax"  # outside RFC 8461's grammar, read anyway
    # Kept for scripts that match on them; no longer reported (PACC and MTA-STS findings
    # have their own codes above since the linter learned to tell them apart).
    PARSE_ISSUE = "parse-issue"
    PARSE_ERROR = "parse-error"


@dataclass(frozen=True, slots=True)
class Problem:
    code: RuleCode
    severity: Severity
    message: str
    where: str = ""  # element path like "incomingServer[0]/port", a key, or "line 3"
    # The client whose rule this is ("Thunderbird", "Thunderbird for Android", "Outlook") and
    # what it does ("rejects the file", "drops the entry", ...); empty for mailhop's own rules.
    client: str = ""
    effect: str = ""

    def to_json(self) -> dict[str, str]:
        found = {
            "code": str(self.code),
            "severity": str(self.severity),
            "message": self.message,
            "where": self.where,
        }
        if self.client:
            found |= {"client": self.client, "effect": self.effect}
        return found


@dataclass(frozen=True, slots=True)
class LintReport:
    format: Format
    problems: tuple[Problem, ...] = field(default=())

    @property
    def ok(self) -> bool:
        """True if no client would reject the file (warnings and info allowed)."""
        return not any(p.severity is Severity.ERROR for p in self.problems)

    @property
    def codes(self) -> frozenset[RuleCode]:
        return frozenset(p.code for p in self.problems)

    def to_json(self) -> dict[str, Any]:
        return {
            "format": str(self.format),
            "ok": self.ok,
            "problems": [p.to_json() for p in self.problems],
        }


def err(code: RuleCode, message: str, where: str = "") -> Problem:
    return Problem(code, Severity.ERROR, message, where)


def warn(code: RuleCode, message: str, where: str = "") -> Problem:
    return Problem(code, Severity.WARN, message, where)


def info(code: RuleCode, message: str, where: str = "") -> Problem:
    return Problem(code, Severity.INFO, message, where)


def load(data: bytes, problems: list[Problem]) -> Element | None:
    try:
        return read_xml(data)
    except ForbiddenXmlError as exc:
        problems.append(err(RuleCode.FORBIDDEN_XML, str(exc)))
    except UntrustedDataError as exc:
        problems.append(err(RuleCode.MALFORMED, str(exc)))
    return None
