"""Lint a published mail-client configuration file by the rules of the clients that read it.

Admins run this before publishing; mailhop's own exports must lint clean (issue 6).

Theory of operation
-------------------
1. ``detect_format`` looks only at the bytes (and the file name as a tie-breaker): a DER
   CMS envelope, a binary or XML plist, XML by its root element, JSON, MTA-STS text.
2. Every document is read through untrusted.py, the one boundary per parsing library
   (XML, plists, JSON, certificates): nothing in a file can raise out of ``lint``; it
   becomes a ``malformed`` finding. XML gets the hardened loader the discovery parsers
   use (``untrusted.read_xml``): a DTD, entity or external reference is an error finding and is
   never expanded; anything over the 64 KiB cap is refused before parsing.
3. Per format, a short list of rules, each with a stable code (``RuleCode``) and a
   severity: ``error`` means a client rejects the file or it leaks a secret, ``warn``
   means a client may misbehave, ``info`` is worth knowing. ``LintReport.ok`` is "no
   errors". PACC and MTA-STS reuse mailhop's parsers; their findings get codes of their
   own (``pacc-*``, ``mta-sts-*``) with the parser's ``IssueCode`` in the message.
4. Autoconfig rules are written directly against the XML rather than through
   ``parse_autoconfig``, because the linter must see what that parser deliberately
   drops or repairs (a ``plain`` entry, a missing ``%``) and say *where* it is. Host
   names and user names then get the very checks that parser makes (``fields.
   validate_hostname``/``validate_username``, placeholders filled in for a sample
   address of the file's first domain), so a file lints clean only if mailhop would use it.
5. A signed ``.mobileconfig`` (CMS SignedData, DER or BER) is unwrapped by cms_signed.py,
   without shelling out: the signer is named (``signed-by``), the signature
   is checked against the content and the signer's certificate (``bad-signature``; the
   chain of trust is each device's business), and the plist inside is linted as usual.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from typing import Any
from xml.etree.ElementTree import Element

from ..common.fields import (
    MAX_DOCUMENT_BYTES,
    FieldError,
    has_control,
    substitute_placeholders,
    validate_hostname,
    validate_username,
)
from ..common.model import IssueCode
from ..common.untrusted import (
    ForbiddenXmlError,
    UntrustedDataError,
    read_json,
    read_plist,
    read_xml,
)
from ..discover.parse_mtasts import parse_mtasts_policy
from ..discover.parse_pacc import parse_pacc
from .cms_signed import unwrap_signed
from .table import K9_SETTINGS

__all__ = [
    "OAUTH2_KNOWN_DOMAINS",
    "Format",
    "LintReport",
    "Problem",
    "RuleCode",
    "Severity",
    "detect_format",
    "lint",
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

    def to_json(self) -> dict[str, str]:
        return {
            "code": str(self.code),
            "severity": str(self.severity),
            "message": self.message,
            "where": self.where,
        }


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


# Hosts whose OAuth2 settings Thunderbird (desktop and Android) ships built in
# (OAuth2Providers.sys.mjs / thunderbird-android OAuthConfigurations): for any other
# host, OAuth2 without an <oAuth2> block leaves the client with no way to sign in.
OAUTH2_KNOWN_DOMAINS = frozenset(
    {
        "gmail.com", "googlemail.com", "google.com",
        "outlook.com", "office365.com", "hotmail.com", "live.com",
        "yahoo.com", "aol.com", "yandex.com", "yandex.ru", "yandex.net",
        "mail.ru", "fastmail.com", "comcast.net", "t-online.de",
    }
)  # fmt: skip
KNOWN_PLACEHOLDERS = frozenset({"EMAILADDRESS", "EMAILLOCALPART", "EMAILDOMAIN", "REALNAME"})
_PLACEHOLDER = re.compile(r"%([A-Z][A-Z0-9_]*)(%?)", re.ASCII)
_PORT = re.compile(r"[1-9][0-9]{0,4}", re.ASCII)
# Where clients substitute placeholders (Thunderbird's accountConfig sanitizer); URLs
# elsewhere are full of "%E3%81"-style escapes, which are not placeholders.
_SUBSTITUTED = frozenset({"hostname", "username", "displayName", "displayShortName"})
_SECURE_SOCKETS = frozenset({"ssl", "tls", "starttls"})
_PLAIN_SOCKETS = frozenset({"plain", "none", ""})
_SERVER_TYPES = {"incomingServer": ("imap", "pop3"), "outgoingServer": ("smtp",)}
_CMS_SIGNED_DATA_OID = bytes.fromhex("06092a864886f70d010702")  # 1.2.840.113549.1.7.2


def detect_format(data: bytes, filename: str = "") -> Format:
    """Guess the format from content first; the file name only breaks ties."""
    head = data.lstrip()[:4096]
    if data[:1] == b"\x30" and _CMS_SIGNED_DATA_OID in data[:64]:
        return Format.MOBILECONFIG_SIGNED
    if data.startswith(b"bplist") or b"<plist" in head or b"<!DOCTYPE plist" in head:
        return Format.MOBILECONFIG
    if head.startswith(b"<"):
        for needle, fmt in (
            (b"<clientConfig", Format.AUTOCONFIG),
            (b"<Autodiscover", Format.AUTODISCOVER),
            (b"<k9settings", Format.K9S),
        ):
            if needle in data[:MAX_DOCUMENT_BYTES]:
                return fmt
        name = filename.lower()
        if name.endswith(".k9s"):
            return Format.K9S
        if name.endswith(".mobileconfig"):
            return Format.MOBILECONFIG
        return Format.AUTOCONFIG
    if head.startswith(b"{"):
        return Format.PACC
    if b"version:" in head.lower() and b"mode:" in head.lower():
        return Format.MTA_STS
    return Format.UNKNOWN


def lint(data: bytes, filename: str = "") -> LintReport:
    """Report every problem in ``data`` by the rules of the clients that read its format."""
    fmt = detect_format(data, filename)
    problems: list[Problem] = []
    if len(data) > MAX_DOCUMENT_BYTES:
        problems.append(
            _err(RuleCode.TOO_LARGE, f"{len(data)} bytes; clients and mailhop stop at 64 KiB")
        )
        return LintReport(fmt, tuple(problems))
    checker = _CHECKERS.get(fmt)
    if checker is None:
        problems.append(_err(RuleCode.UNKNOWN_FORMAT, "not a mail configuration format I know"))
    else:
        checker(data, problems)
    return LintReport(fmt, tuple(problems))


def _err(code: RuleCode, message: str, where: str = "") -> Problem:
    return Problem(code, Severity.ERROR, message, where)


def _warn(code: RuleCode, message: str, where: str = "") -> Problem:
    return Problem(code, Severity.WARN, message, where)


def _info(code: RuleCode, message: str, where: str = "") -> Problem:
    return Problem(code, Severity.INFO, message, where)


def _load(data: bytes, problems: list[Problem]) -> Element | None:
    try:
        return read_xml(data)
    except ForbiddenXmlError as exc:
        problems.append(_err(RuleCode.FORBIDDEN_XML, str(exc)))
    except UntrustedDataError as exc:
        problems.append(_err(RuleCode.MALFORMED, str(exc)))
    return None


# --- autoconfig -------------------------------------------------------------------------


def _autoconfig(data: bytes, problems: list[Problem]) -> None:
    root = _load(data, problems)
    if root is None:
        return
    provider = root.find("emailProvider")
    if root.tag != "clientConfig" or provider is None:
        problems.append(_err(RuleCode.NO_EMAIL_PROVIDER, "no clientConfig/emailProvider"))
        return
    has_oauth_block = root.find("oAuth2") is not None or provider.find("oAuth2") is not None
    domains = {(d.text or "").strip().lower() for d in provider.findall("domain")}
    has_smtp = False
    counts = {"incomingServer": 0, "outgoingServer": 0}
    for entry in provider:
        if entry.tag not in _SERVER_TYPES:
            continue
        where = f"emailProvider/{entry.tag}[{counts[entry.tag]}]"
        counts[entry.tag] += 1
        kind = entry.get("type", "").lower()
        if kind not in _SERVER_TYPES[entry.tag]:
            # Clients skip these (exchange, jmap, ews...): worth knowing, not wrong.
            problems.append(_info(RuleCode.UNSUPPORTED_TYPE, f"type {kind!r} is skipped", where))
            continue
        has_smtp = has_smtp or kind == "smtp"
        _autoconfig_server(entry, where, problems)
        _autoconfig_values(entry, where, sorted(domains - {""}), problems)
        hosts = {(h.text or "").strip().lower() for h in entry.findall("hostname")}
        oauth = any(
            (a.text or "").strip().lower() == "oauth2" for a in entry.findall("authentication")
        )
        if oauth and not has_oauth_block and not _oauth_known(hosts | domains):
            problems.append(
                _warn(
                    RuleCode.OAUTH2_UNKNOWN_HOST,
                    "OAuth2 with no <oAuth2> block, for a host no client has built-in settings for",
                    where,
                )
            )
    if not has_smtp:
        problems.append(
            _err(RuleCode.MISSING_OUTGOING, 'no outgoingServer type="smtp": clients cannot send')
        )
    for element in provider:
        if element.tag in _SUBSTITUTED:
            _placeholders(element, f"emailProvider/{element.tag}", problems)


def _placeholders(element: Element, where: str, problems: list[Problem]) -> None:
    for name, closing in _PLACEHOLDER.findall(element.text or ""):
        _placeholder(name, closing, where, problems)


def _oauth_known(names: set[str]) -> bool:
    return any(
        name == known or name.endswith("." + known)
        for name in names
        for known in OAUTH2_KNOWN_DOMAINS
    )


def _placeholder(name: str, closing: str, where: str, problems: list[Problem]) -> None:
    known = any(name.startswith(k) for k in KNOWN_PLACEHOLDERS)
    if closing and name not in KNOWN_PLACEHOLDERS:
        problems.append(_err(RuleCode.UNKNOWN_PLACEHOLDER, f"unknown placeholder %{name}%", where))
    elif not closing and known:
        problems.append(
            _warn(
                RuleCode.UNTERMINATED_PLACEHOLDER,
                f"%{name} has no closing %: some clients insert it literally",
                where,
            )
        )


def _autoconfig_server(entry: Element, where: str, problems: list[Problem]) -> None:
    if entry.find("password") is not None:
        problems.append(
            _err(RuleCode.PASSWORD_INSIDE, "a <password> element: never publish one", where)
        )
    for tag in ("hostname", "port", "socketType"):
        if entry.find(tag) is None:
            problems.append(_err(RuleCode.MISSING_FIELD, f"<{tag}> is missing", where))
    socket = entry.find("socketType")
    if socket is not None:
        value = (socket.text or "").strip().lower()
        if value in _PLAIN_SOCKETS:
            problems.append(
                _err(
                    RuleCode.SOCKET_PLAIN,
                    f"socketType {value or 'empty'!r}: no TLS, and Thunderbird for Android "
                    "aborts the whole file",
                    where + "/socketType",
                )
            )
        elif value not in _SECURE_SOCKETS:
            problems.append(
                _err(
                    RuleCode.BAD_SOCKET_TYPE, f"unknown socketType {value!r}", where + "/socketType"
                )
            )
    port = entry.find("port")
    if port is not None:
        text = (port.text or "").strip()
        if not _PORT.fullmatch(text) or not 1 <= int(text) <= 65535:
            problems.append(
                _err(RuleCode.BAD_PORT, f"port {text[:16]!r} is not 1-65535", where + "/port")
            )
    for child in entry:
        if child.tag in _SUBSTITUTED:
            _placeholders(child, f"{where}/{child.tag}", problems)
    if entry.find("username") is None:
        problems.append(
            _warn(
                RuleCode.MISSING_USERNAME,
                "no <username>: Thunderbird for Android refuses an entry without one",
                where,
            )
        )


_USED_FIELDS = ("hostname", "port", "socketType", "username", "authentication")


def _autoconfig_values(
    entry: Element, where: str, domains: list[str], problems: list[Problem]
) -> None:
    """The checks parse_autoconfig makes before it uses an entry (fields.validate_*), with
    the placeholders filled in for a sample address of the file's first domain: a client
    that makes the same checks drops the entry."""
    for tag in _USED_FIELDS:
        found = entry.findall(tag)
        if len(found) > 1 and tag != "authentication":
            problems.append(
                _err(
                    RuleCode.DUPLICATE_FIELD,
                    f"<{tag}> is given {len(found)} times: which one a client uses is undefined",
                    f"{where}/{tag}",
                )
            )
        for element in found:
            if has_control(element.text or "") or len(element):
                problems.append(
                    _err(
                        RuleCode.CONTROL_CHARACTER,
                        f"<{tag}> holds a line break, another control character or elements",
                        f"{where}/{tag}",
                    )
                )
                return
    domain = domains[0] if domains else "example.com"
    checks = (
        ("hostname", RuleCode.BAD_HOSTNAME, validate_hostname),
        ("username", RuleCode.BAD_USERNAME, validate_username),
    )
    for tag, code, validate in checks:
        value = entry.find(tag)
        if value is None:
            continue
        try:
            # Clients trim white space around a host name (Thunderbird's sanitizer does).
            text, _ = substitute_placeholders(
                (value.text or "").strip() if tag == "hostname" else value.text or "",
                local_part="user",
                domain=domain,
            )
            validate(text)
        except FieldError as exc:
            if exc.code is not IssueCode.UNKNOWN_PLACEHOLDER:  # reported by _placeholders
                problems.append(_err(code, exc.message, f"{where}/{tag}"))


# --- Apple .mobileconfig ----------------------------------------------------------------

_EMPTY_INTEGER = re.compile(rb"<integer\s*/>|<integer>\s*</integer>")
_TOP_KEYS = ("PayloadType", "PayloadVersion", "PayloadIdentifier", "PayloadUUID", "PayloadContent")
_MAIL_KEYS = (
    "PayloadType", "PayloadVersion", "PayloadIdentifier", "PayloadUUID",
    "EmailAccountType", "IncomingMailServerHostName", "IncomingMailServerAuthentication",
    "OutgoingMailServerHostName", "OutgoingMailServerAuthentication",
)  # fmt: skip
_PASSWORD_KEYS = ("IncomingPassword", "OutgoingPassword")


def _mobileconfig(data: bytes, problems: list[Problem]) -> None:
    if not data.startswith(b"bplist"):
        # Apple's own plists carry the standard DOCTYPE, so the shared loader (which
        # refuses every DTD) cannot be used; plistlib refuses entity declarations.
        if b"<!ENTITY" in data:
            problems.append(_err(RuleCode.FORBIDDEN_XML, "entity declaration in a plist"))
            return
        for match in _EMPTY_INTEGER.finditer(data):
            line = data.count(b"\n", 0, match.start()) + 1
            problems.append(
                _err(
                    RuleCode.EMPTY_INTEGER,
                    "empty <integer/>: iOS refuses the profile",
                    f"line {line}",
                )
            )
        if problems:
            return
    try:
        top = read_plist(data)
    except UntrustedDataError as exc:
        problems.append(_err(RuleCode.MALFORMED, f"not a property list: {exc}"))
        return
    if not isinstance(top, dict):
        problems.append(_err(RuleCode.MALFORMED, "top level is not a dictionary"))
        return
    _keys(top, _TOP_KEYS, "", problems)
    content = top.get("PayloadContent")
    for index, payload in enumerate(content if isinstance(content, list) else []):
        if not isinstance(payload, dict) or payload.get("PayloadType") != "com.apple.mail.managed":
            continue
        where = f"PayloadContent[{index}]"
        _keys(payload, _MAIL_KEYS, where, problems)
        for key in _PASSWORD_KEYS:
            if key in payload:
                problems.append(
                    _err(RuleCode.PASSWORD_INSIDE, f"{key} puts a password in the profile", where)
                )


def _keys(
    values: dict[str, Any], required: tuple[str, ...], where: str, problems: list[Problem]
) -> None:
    for key in required:
        if key not in values:
            problems.append(_err(RuleCode.MISSING_KEY, f"required key {key} is missing", where))


def _signed(data: bytes, problems: list[Problem]) -> None:
    """A CMS SignedData envelope (RFC 5652): name the signer, check that the signature
    covers the content, then lint the plist inside like an unsigned profile. Whether a
    device trusts the signer's certificate is its own trust store's business: not checked."""
    try:
        envelope = unwrap_signed(data)
    except UntrustedDataError as exc:
        problems.append(_err(RuleCode.MALFORMED, f"not a readable CMS SignedData: {exc}"))
        return
    signer = envelope.signer
    if signer is None:
        problems.append(
            _info(
                RuleCode.SIGNED_NOT_CHECKED,
                "the signer's certificate is not inside the envelope: signature not checked",
            )
        )
    else:
        problems.append(
            _info(
                RuleCode.SIGNED_BY,
                f"signed by {signer.subject.rfc4514_string()}, issued by "
                f"{signer.issuer.rfc4514_string()}, valid until "
                f"{signer.not_valid_after_utc:%Y-%m-%d}; whether a device trusts it is not "
                "checked here",
            )
        )
        if envelope.failure:
            problems.append(_err(RuleCode.BAD_SIGNATURE, envelope.failure))
    if envelope.content is None:
        problems.append(_err(RuleCode.MALFORMED, "the envelope holds no profile (detached)"))
        return
    inner: list[Problem] = []  # _mobileconfig stops early when it finds problems itself
    _mobileconfig(envelope.content, inner)
    problems.extend(inner)


# --- Autodiscover POX -------------------------------------------------------------------


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _autodiscover(data: bytes, problems: list[Problem]) -> None:
    root = _load(data, problems)
    if root is None:
        return
    protocols = [e for e in root.iter() if _local(e.tag) == "Protocol"]
    for index, protocol in enumerate(protocols):
        where = f"Protocol[{index}]"
        values = {_local(c.tag): (c.text or "").strip() for c in protocol}
        if values.get("SPA", "").lower() == "on":
            problems.append(
                _warn(
                    RuleCode.SPA_ON, "SPA on: Outlook tries NTLM and fails on most servers", where
                )
            )
        if values.get("SSL", "").lower() == "off":
            problems.append(_err(RuleCode.SSL_OFF, "SSL off: the password goes in clear", where))
        port = values.get("Port")
        if port is not None and (not _PORT.fullmatch(port) or int(port) > 65535):
            problems.append(_err(RuleCode.BAD_PORT, f"port {port[:16]!r} is not 1-65535", where))


# --- PACC, MTA-STS, K-9 -----------------------------------------------------------------


def _pacc(data: bytes, problems: list[Problem]) -> None:
    try:
        read_json(data)
    except UntrustedDataError as exc:
        problems.append(_err(RuleCode.MALFORMED, f"not JSON: {exc}"))
        return
    result = parse_pacc(data, local_part="user", domain="example.com", record=None)
    if result.error:
        problems.append(_err(RuleCode.PACC_INVALID, result.error))
    for issue in result.issues:
        message = f"{issue.code}: {issue.message}"
        if issue.code is IssueCode.NOT_AUTHENTICATED:
            # A file on its own has no _ua-auto-config TXT record to check its digest with.
            problems.append(
                _info(
                    RuleCode.PACC_DIGEST_NOT_CHECKED,
                    "the SHA-256 digest in the domain's _ua-auto-config TXT record is not "
                    "checked here: publish it, or clients refuse the document",
                    issue.where,
                )
            )
        elif issue.code is IssueCode.PLAINTEXT_REJECTED:
            problems.append(_err(RuleCode.PACC_PLAINTEXT, message, issue.where))
        elif issue.dropped:
            problems.append(_warn(RuleCode.PACC_ENTRY_DROPPED, message, issue.where))
        else:
            problems.append(_warn(RuleCode.PACC_FIELD_IGNORED, message, issue.where))


def _mta_sts(data: bytes, problems: list[Problem]) -> None:
    result = parse_mtasts_policy(data)
    if result.error:
        problems.append(_err(RuleCode.MTA_STS_INVALID, result.error))
    for issue in result.issues:
        problems.append(
            _warn(RuleCode.MTA_STS_MX_IGNORED, f"{issue.code}: {issue.message}", issue.where)
        )


def _k9s(data: bytes, problems: list[Problem]) -> None:
    root = _load(data, problems)
    if root is None:
        return
    for server in root.iter():
        if server.tag not in ("incoming-server", "outgoing-server"):
            continue
        where = server.tag
        if server.find("password") is not None:
            problems.append(_err(RuleCode.PASSWORD_INSIDE, "a <password> element", where))
        security = (server.findtext("connection-security") or "").strip()
        if security in ("NONE", ""):
            problems.append(_err(RuleCode.SOCKET_PLAIN, "connection-security NONE", where))
        elif security not in K9_SETTINGS.security_words.values():
            # K-9's ConnectionSecurity enum: the importer drops an account with another word.
            problems.append(
                _err(RuleCode.BAD_SOCKET_TYPE, f"connection-security {security[:32]!r}", where)
            )
        port = (server.findtext("port") or "").strip()
        if not _PORT.fullmatch(port) or int(port) > 65535:
            problems.append(_err(RuleCode.BAD_PORT, f"port {port[:16]!r} is not 1-65535", where))


_CHECKERS = {
    Format.AUTOCONFIG: _autoconfig,
    Format.MOBILECONFIG: _mobileconfig,
    Format.MOBILECONFIG_SIGNED: _signed,
    Format.AUTODISCOVER: _autodiscover,
    Format.PACC: _pacc,
    Format.MTA_STS: _mta_sts,
    Format.K9S: _k9s,
}
