"""Microsoft Autodiscover POX response -> ``AutodiscoverResult``. No following here.

Format: [MS-OXDSCLI] / "Autodiscover for Exchange" POX, the response the Outlook
request schema gets::

    <Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006">
      <Response xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a">
        <User><DisplayName>Alice</DisplayName></User>
        <Account>
          <AccountType>email</AccountType>
          <Action>settings</Action>            <!-- or redirectAddr / redirectUrl -->
          <Protocol>
            <Type>IMAP</Type> <Server>imap.example.com</Server> <Port>993</Port>
            <LoginName>alice@example.com</LoginName> <SPA>off</SPA>
            <SSL>on</SSL> <Encryption>SSL</Encryption> <AuthRequired>on</AuthRequired>
          </Protocol>
        </Account>
      </Response>
    </Autodiscover>

The root must be ``Autodiscover`` in the 2006 response namespace (or none); below it
elements are matched by local name, because deployed servers are inconsistent about
namespaces. A ``Response`` carrying ``Error`` is an error result. ``Action``
``redirectAddr``/``redirectUrl`` yields ``redirect`` (a validated address, or an https
URL with a validated host) for the caller to follow with its own bound and trust check
(DESIGN rule 6; Autodiscover is tier C and never gets credentials, rule 1).

Security of a ``Protocol``: ``Encryption`` (SSL, TLS, None, Auto) overrides ``SSL``
(on/off, default on). SSL -> implicit TLS; TLS -> STARTTLS; Auto, or SSL on without
Encryption -> implicit TLS on 993/995/465 and STARTTLS on any other port (the way Outlook
and Thunderbird read it; a wrong guess fails the TLS probe, it never downgrades). None, or
SSL off without Encryption -> plaintext, never used; the host is kept and tried with TLS
on the protocol's standard ports instead (``model.STANDARD_PORTS``, marked
``from_plaintext``; the plaintext is still reported): the document vouched for the host,
not for plaintext. A missing ``Port`` takes
the implicit-TLS default, reported. ``SPA on`` -> PASSWORD_ENCRYPTED (NTLM), otherwise
PASSWORD_CLEARTEXT; ``AuthRequired off`` adds NONE. ``EXCH``/``EXPR``/``WEB`` and
other types are reported as unsupported.
"""

from __future__ import annotations

from xml.etree.ElementTree import Element

from ..common.failure import Failure
from ..common.fields import (
    MAX_DOCUMENT_BYTES,
    FieldError,
    has_control,
    load_xml,
    validate_hostname,
    validate_https_url,
    validate_port,
    validate_text,
    validate_username,
)
from ..common.model import (
    AuthMethod,
    AutodiscoverRedirect,
    AutodiscoverResult,
    IssueCode,
    ParseIssue,
    RedirectKind,
    Security,
    ServerCandidate,
    Service,
    standard_port,
)
from .candidates import entry_candidates, without_repeats

__all__ = ["OUTLOOK_NS", "RESPONSE_NS", "parse_autodiscover"]

RESPONSE_NS = "http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006"
OUTLOOK_NS = "http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a"

_SERVICES = {"IMAP": Service.IMAP, "POP3": Service.POP3, "SMTP": Service.SUBMISSION}
_FIELDS = ("Type", "Server", "Port", "LoginName", "SPA", "SSL", "Encryption", "AuthRequired")


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _namespace(tag: str) -> str:
    return tag[1:].partition("}")[0] if tag.startswith("{") else ""


def _children(element: Element, name: str) -> list[Element]:
    return [child for child in element if _local(child.tag) == name]


def _text(element: Element, name: str) -> str | None:
    """The text of the one child ``name``; None if absent; FieldError if repeated."""
    found = _children(element, name)
    if len(found) > 1:
        raise FieldError(IssueCode.BAD_FIELD, f"<{name}> is given {len(found)} times")
    if not found:
        return None
    if len(found[0]):
        raise FieldError(IssueCode.BAD_FIELD, f"<{name}> has child elements")
    return found[0].text or ""


def parse_autodiscover(data: bytes, *, max_bytes: int = MAX_DOCUMENT_BYTES) -> AutodiscoverResult:
    """Parse one Autodiscover response body. Never raises for bad input."""
    root = load_xml(data, max_bytes)
    if isinstance(root, Failure):
        return AutodiscoverResult(error=root.message)
    if _local(root.tag) != "Autodiscover" or _namespace(root.tag) not in (RESPONSE_NS, ""):
        return AutodiscoverResult(error=f"root element is {root.tag[:96]!r}, not Autodiscover")
    responses = _children(root, "Response")
    if not responses:
        return AutodiscoverResult(error="Autodiscover has no Response")
    response = responses[0]
    for error in _children(response, "Error"):
        try:
            code = validate_text(_text(error, "ErrorCode") or "?", "ErrorCode")
            message = validate_text(_text(error, "Message") or "", "Message")
        except FieldError:
            code, message = "?", "(unreadable)"
        return AutodiscoverResult(error=f"server returned error {code[:16]}: {message[:200]}")
    if _namespace(response.tag) not in (OUTLOOK_NS, ""):
        # e.g. the mobilesync (ActiveSync) schema: no IMAP/POP3/SMTP settings in it
        return AutodiscoverResult(
            error=f"Response is not the Outlook schema: {response.tag[:96]!r}"
        )
    issues: list[ParseIssue] = []
    display_name = None
    for user in _children(response, "User")[:1]:
        try:
            name = _text(user, "DisplayName")
            display_name = None if name is None else validate_text(name, "DisplayName")
        except FieldError as exc:
            issues.append(ParseIssue(exc.code, f"DisplayName ignored: {exc.message}", "User"))
    accounts = _children(response, "Account")
    if not accounts:
        return AutodiscoverResult(error="Response has no Account", display_name=display_name)
    if len(accounts) > 1:
        issues.append(ParseIssue(IssueCode.EXTRA_ELEMENT, "only the first Account is used", ""))
    return _account(accounts[0], issues, display_name)


def _account(
    account: Element, issues: list[ParseIssue], display_name: str | None
) -> AutodiscoverResult:
    try:
        action = _text(account, "Action") or "settings"
        if action == "redirectAddr":
            target = _redirect_address(_text(account, "RedirectAddr") or "")
            redirect = AutodiscoverRedirect(kind=RedirectKind.ADDRESS, target=target)
        elif action == "redirectUrl":
            url = validate_https_url(_text(account, "RedirectUrl") or "", "RedirectUrl")
            redirect = AutodiscoverRedirect(kind=RedirectKind.URL, target=url)
        elif action == "settings":
            redirect = None
        else:
            raise FieldError(IssueCode.WRONG_DOCUMENT, f"unknown Action {action[:32]!r}")
    except FieldError as exc:
        return AutodiscoverResult(error=f"unusable Account: {exc.message}", issues=tuple(issues))
    if redirect is not None:
        return AutodiscoverResult(
            issues=tuple(issues), redirect=redirect, display_name=display_name
        )
    candidates: list[ServerCandidate] = []
    for order, protocol in enumerate(_children(account, "Protocol")):
        where = f"Protocol[{order}]"
        try:
            candidates += _protocol(protocol, order, where, issues)
        except FieldError as exc:
            issues.append(
                ParseIssue(exc.code, f"entry dropped: {exc.message}", where, dropped=True)
            )
    return AutodiscoverResult(
        candidates=tuple(without_repeats(candidates)),
        issues=tuple(issues),
        display_name=display_name,
    )


def _redirect_address(text: str) -> str:
    local, at, domain = text.rpartition("@")
    if has_control(text) or not at or not local or any(ch.isspace() for ch in local):
        raise FieldError(IssueCode.BAD_FIELD, "RedirectAddr is not an address")
    return f"{local}@{validate_hostname(domain, what='RedirectAddr domain')}"


def _protocol(
    protocol: Element, order: int, where: str, issues: list[ParseIssue]
) -> list[ServerCandidate]:
    values = {name: _text(protocol, name) for name in _FIELDS}
    kind = values["Type"] if values["Type"] is not None else protocol.get("Type", "")
    if any(has_control(value) for value in (kind, *values.values()) if value is not None):
        raise FieldError(IssueCode.CONTROL_CHARACTER, "a field contains CR, LF or NUL")
    service = _SERVICES.get(kind.upper())
    if service is None:
        raise FieldError(IssueCode.UNSUPPORTED_TYPE, f"protocol type {kind[:32]!r} not used")
    port_text = values["Port"]
    port = (
        standard_port(service, Security.IMPLICIT_TLS)
        if port_text is None
        else validate_port(port_text)
    )
    plaintext = None
    try:
        security = _security(values["Encryption"], values["SSL"], port, service)
    except FieldError as exc:
        if exc.code is not IssueCode.PLAINTEXT_REJECTED:
            raise
        plaintext, security = exc, Security.IMPLICIT_TLS
    if values["Server"] is None:
        raise FieldError(IssueCode.MISSING_FIELD, "<Server> is missing")
    hostname = validate_hostname(values["Server"])
    if port_text is None:
        issues.append(ParseIssue(IssueCode.DEFAULTED, f"no Port: using {port}", where))
    login = values["LoginName"]
    methods = [
        AuthMethod.PASSWORD_ENCRYPTED
        if (values["SPA"] or "").lower() == "on"
        else AuthMethod.PASSWORD_CLEARTEXT
    ]
    if (values["AuthRequired"] or "").lower() == "off":
        methods.append(AuthMethod.NONE)
    username = None if login is None else validate_username(login)
    if plaintext is not None:
        message = f"{plaintext.message}: {hostname} port {port} is tried with TLS instead"
        issues.append(ParseIssue(IssueCode.PLAINTEXT_REJECTED, message, where))
    return entry_candidates(
        service,
        hostname,
        port,
        security,
        plaintext=plaintext is not None,
        username=username,
        auth_methods=methods,
        order=order,
    )


def _security(encryption: str | None, ssl: str | None, port: int, service: Service) -> Security:
    by_port = (
        Security.IMPLICIT_TLS
        if port == standard_port(service, Security.IMPLICIT_TLS)
        else Security.STARTTLS
    )
    if encryption is not None:
        word = encryption.lower()
        if word == "ssl":
            return Security.IMPLICIT_TLS
        if word == "tls":
            return Security.STARTTLS
        if word == "auto":
            return by_port
        if word == "none":
            raise FieldError(IssueCode.PLAINTEXT_REJECTED, "Encryption None rejected")
        raise FieldError(IssueCode.BAD_SOCKET_TYPE, f"unknown Encryption {encryption[:24]!r}")
    if ssl is None or ssl.lower() == "on":
        return by_port
    if ssl.lower() == "off":
        raise FieldError(IssueCode.PLAINTEXT_REJECTED, "SSL off (plaintext) rejected")
    raise FieldError(IssueCode.BAD_SOCKET_TYPE, f"unknown SSL value {ssl[:24]!r}")
