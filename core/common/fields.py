"""Validation of untrusted fields and documents, shared by every discovery parser.

DESIGN.md section 4, rule 7: every field is validated after placeholder substitution.
The rules, decided once here so that autoconfig, PACC and Autodiscover agree:

* Control characters: CR, LF, NUL (and every other C0/C1 control and U+2028/U+2029)
  anywhere in a server entry drop that entry. They are how header/command injection
  and log forging start; no legitimate host, port or user name contains one.
* Hostnames: exactly ONE IDNA 2008 conversion (``idna`` with UTS 46 mapping, non-
  transitional, STD3 rules), then the result must be ASCII LDH: labels 1-63 octets,
  total <= 253, no leading/trailing hyphen, at least two labels, a top-level label
  that is not all digits, nor "localhost" or "invalid" (RFC 6761). One trailing
  dot (the DNS root) is removed; anything else empty ("a..b", "..") is rejected.
  Wildcards and underscores are rejected (not host names, RFC 952/1123). IP
  literals are rejected: a discovery document naming an address gives no name to
  check a certificate against (DESIGN rules 3 and 4).
* Ports: ASCII decimal digits only, no sign, no spaces, no leading zero, 1-65535.
  "0993" is refused rather than guessed: some tools read a leading zero as octal.
* Socket types: SSL and TLS -> implicit TLS, STARTTLS -> STARTTLS (case-insensitive);
  plain/none/empty -> rejected with its own issue code; anything else -> rejected.
* Placeholders (autoconfig): %EMAILADDRESS%, %EMAILLOCALPART%, %EMAILDOMAIN% and
  %REALNAME% (replaced by nothing: mailhop does not ask for a name) are replaced in
  ONE left-to-right pass, so a local part that itself reads "%EMAILADDRESS%" is
  inserted literally and never expanded again. A known name missing its closing "%"
  (a real ISPDB quirk, e.g. "%EMAILLOCALPART@x") is substituted as its author
  evidently meant, and reported. An unknown "%NAME%" drops the field. A "%" not
  followed by an upper-case name stays literal ("user%example.com" logins exist).
"""

from __future__ import annotations

import enum
import ipaddress
import re
import unicodedata
from collections.abc import Sequence
from urllib.parse import urlsplit, urlunsplit
from xml.etree.ElementTree import Element

import idna

from .errors import MailhopError
from .failure import Failure
from .model import IssueCode, ParseIssue, Security
from .untrusted import (
    MAX_DOCUMENT_BYTES,
    DocumentTooLarge,
    ForbiddenXmlError,
    UntrustedDataError,
    read_xml,
)

__all__ = [
    "MAX_DOCUMENT_BYTES",
    "PLACEHOLDER_NAMES",
    "PLACEHOLDER_PATTERN",
    "FieldError",
    "Placeholder",
    "has_control",
    "join_txt",
    "load_xml",
    "socket_security",
    "substitute_placeholders",
    "validate_hostname",
    "validate_https_url",
    "validate_port",
    "validate_port_value",
    "validate_text",
    "validate_username",
]

MAX_HOSTNAME_INPUT = 1024  # bounds the IDNA work before any conversion
MAX_USERNAME = 512
MAX_TEXT = 1024

_LDH_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?", re.ASCII)
_PORT = re.compile(r"[1-9][0-9]{0,4}", re.ASCII)
_NEVER_REMOTE = frozenset({"localhost", "invalid"})


class Placeholder(enum.StrEnum):
    """The autoconfig placeholders (Thunderbird's replaceVariables): the one list, for the
    parser that fills them in, lint that checks them and the export that writes them."""

    ADDRESS = "EMAILADDRESS"
    LOCAL_PART = "EMAILLOCALPART"
    DOMAIN = "EMAILDOMAIN"
    REAL_NAME = "REALNAME"

    @property
    def token(self) -> str:
        """As a document spells it: ``%EMAILADDRESS%``."""
        return f"%{self.value}%"


PLACEHOLDER_NAMES = frozenset(p.value for p in Placeholder)
# A placeholder as written, closed or not ("%EMAILLOCALPART@x" is a real ISPDB quirk).
PLACEHOLDER_PATTERN = re.compile(r"%([A-Z][A-Z0-9_]*)(%?)", re.ASCII)


class FieldError(MailhopError):
    """A field failed validation. Raised and caught inside the parsers, never beyond."""

    def __init__(self, code: IssueCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def has_control(text: str) -> bool:
    """True if ``text`` holds a C0/C1 control (CR, LF, NUL, ...) or a line separator."""
    return any(unicodedata.category(ch) == "Cc" or ch in "\u2028\u2029" for ch in text)


def _no_control(text: str, what: str) -> None:
    if has_control(text):
        raise FieldError(IssueCode.CONTROL_CHARACTER, f"{what} contains a control character")


def validate_hostname(text: str, *, what: str = "hostname") -> str:
    """Return the lower-case A-label of ``text``, or raise FieldError (module docstring)."""
    _no_control(text, what)
    bad = IssueCode.BAD_HOSTNAME
    if not text:
        raise FieldError(bad, f"{what} is empty")
    if len(text) > MAX_HOSTNAME_INPUT:
        raise FieldError(bad, f"{what} is too long")
    if any(ch.isspace() for ch in text):
        raise FieldError(bad, f"{what} contains white space")
    if "*" in text:
        raise FieldError(bad, f"{what} is a wildcard, not a host name")
    if "_" in text:
        raise FieldError(bad, f"{what} contains an underscore")
    name = text[:-1] if text.endswith(".") else text
    if _is_ip_literal(name):
        raise FieldError(bad, f"{what} is an IP address literal, which has no name to verify")
    if not name or name.startswith(".") or ".." in name or name.endswith("."):
        raise FieldError(bad, f"{what} has an empty label")
    try:
        # The one IDNA 2008 conversion (DESIGN rule 8). Not Python's "idna" codec.
        alabel = idna.encode(name, uts46=True, std3_rules=True, transitional=False)
    except (idna.IDNAError, UnicodeError, ValueError) as exc:
        raise FieldError(bad, f"{what} is not a valid IDNA 2008 name: {exc}") from exc
    host = alabel.decode("ascii")
    labels = host.split(".")
    if len(host) > 253:
        raise FieldError(bad, f"{what} is longer than 253 octets")
    if not all(_LDH_LABEL.fullmatch(label) for label in labels):
        raise FieldError(bad, f"{what} is not letters, digits and hyphens after IDNA")
    if len(labels) < 2:
        # A dotless name resolves through search domains: never a discovery answer.
        raise FieldError(bad, f"{what} has a single label")
    if labels[-1].isdigit():
        raise FieldError(bad, f"{what} ends in an all-numeric label (an address?)")
    if labels[-1] in _NEVER_REMOTE:
        # RFC 6761 section 6.3/6.4: loopback or guaranteed not to exist; a document
        # pointing there aims the client at this machine. (".test" stays: the lab.)
        raise FieldError(bad, f"{what} is a special-use name (.{labels[-1]})")
    return host


def _is_ip_literal(name: str) -> bool:
    if name.startswith("[") or ":" in name:
        return True
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def validate_port(text: str) -> int:
    """Strict decimal port 1-65535 from text (no sign, spaces, exponent, leading zero)."""
    _no_control(text, "port")
    if not _PORT.fullmatch(text) or int(text) > 65535:
        raise FieldError(IssueCode.BAD_PORT, f"port {text[:16]!r} is not a number 1-65535")
    return int(text)


def validate_port_value(value: object) -> int:
    """A port from JSON: an integer (not a bool, not a float), 1-65535."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 65535:
        raise FieldError(IssueCode.BAD_PORT, f"port {str(value)[:16]!r} is not an integer 1-65535")
    return value


def socket_security(text: str) -> Security:
    """Map an autoconfig ``socketType`` to ``Security``; plaintext raises."""
    _no_control(text, "socketType")
    value = text.upper()
    if value in ("SSL", "TLS"):
        return Security.IMPLICIT_TLS
    if value == "STARTTLS":
        return Security.STARTTLS
    if value in ("PLAIN", "NONE", ""):
        raise FieldError(IssueCode.PLAINTEXT_REJECTED, "plaintext socket type rejected")
    raise FieldError(IssueCode.BAD_SOCKET_TYPE, f"unknown socket type {text[:32]!r}")


def validate_username(text: str) -> str:
    """A user name as the server will receive it: non-empty, no controls, bounded."""
    _no_control(text, "username")
    if not text or len(text) > MAX_USERNAME:
        raise FieldError(IssueCode.BAD_USERNAME, "username is empty or too long")
    return text


def validate_text(text: str, what: str) -> str:
    """A display string (names, scopes): no controls, bounded. Shown as untrusted text."""
    _no_control(text, what)
    if len(text) > MAX_TEXT:
        raise FieldError(IssueCode.BAD_FIELD, f"{what} is too long")
    return text


def validate_https_url(text: str, what: str = "URL") -> str:
    """An absolute https URL whose host passes ``validate_hostname``; rebuilt with the
    A-label host, without user info or fragment."""
    _no_control(text, what)
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise FieldError(IssueCode.BAD_FIELD, f"{what} is not a URL") from exc
    if port == 0:
        raise FieldError(IssueCode.BAD_FIELD, f"{what} has port 0")
    if parts.scheme.lower() != "https":
        raise FieldError(IssueCode.BAD_FIELD, f"{what} is not https")
    if parts.username is not None or parts.password is not None:
        raise FieldError(IssueCode.BAD_FIELD, f"{what} carries user information")
    host = validate_hostname(parts.hostname or "", what=f"{what} host")
    netloc = host if port is None else f"{host}:{port}"
    return urlunsplit(("https", netloc, parts.path, parts.query, ""))


def substitute_placeholders(
    template: str, *, local_part: str, domain: str, where: str = ""
) -> tuple[str, tuple[ParseIssue, ...]]:
    """Replace autoconfig placeholders in one pass; see the module docstring."""
    values = {
        Placeholder.ADDRESS: f"{local_part}@{domain}",
        Placeholder.LOCAL_PART: local_part,
        Placeholder.DOMAIN: domain,
        Placeholder.REAL_NAME: "",
    }
    issues: list[ParseIssue] = []

    def replace(match: re.Match[str]) -> str:
        name, closing = match.group(1), match.group(2)
        if name not in PLACEHOLDER_NAMES:
            raise FieldError(IssueCode.UNKNOWN_PLACEHOLDER, f"unknown placeholder %{name}%")
        if not closing:
            issues.append(
                ParseIssue(
                    IssueCode.UNTERMINATED_PLACEHOLDER,
                    f"placeholder %{name} has no closing '%'; substituted as %{name}%",
                    where,
                )
            )
        if name == Placeholder.REAL_NAME:
            issues.append(ParseIssue(IssueCode.REALNAME_IGNORED, "%REALNAME% left empty", where))
        return values[Placeholder(name)]

    # re.sub never rescans replacement text: this is what makes the pass single.
    return PLACEHOLDER_PATTERN.sub(replace, template), tuple(issues)


def join_txt(record: str | bytes | Sequence[bytes]) -> str | None:
    """One TXT record as text. A sequence of character-strings is concatenated without
    separator (RFC 7208 section 3.3, RFC 6376 section 3.6.2.2). Non-ASCII -> None."""
    if isinstance(record, str):
        raw = record.encode("utf-8", "surrogatepass")
    elif isinstance(record, bytes):
        raw = record
    else:
        raw = b"".join(record)
    try:
        return raw.decode("ascii")
    except UnicodeDecodeError:
        return None


def load_xml(data: bytes, max_bytes: int = MAX_DOCUMENT_BYTES) -> Element | Failure[IssueCode]:
    """Parse untrusted XML through the one XML boundary (untrusted.read_xml: size cap,
    defusedxml with DTDs, entities and external references forbidden, a depth limit).
    Returns the root, or why not: the code by the refusal's class, never by its words."""
    try:
        return read_xml(data, max_bytes=max_bytes)
    except UntrustedDataError as exc:
        code = IssueCode.MALFORMED
        if isinstance(exc, ForbiddenXmlError):
            code = IssueCode.FORBIDDEN_XML
        elif isinstance(exc, DocumentTooLarge):
            code = IssueCode.TOO_LARGE
        return Failure(code=code, message=str(exc))
