"""Thunderbird autoconfig ``clientConfig`` XML -> ``AutoconfigResult``.

Format: the clientConfig 1.1 file Thunderbird reads from ``autoconfig.<domain>``,
``<domain>/.well-known/autoconfig/`` and the ISPDB, now draft-ietf-mailmaint-autoconfig
(schema and sample in shared/specs/autoconfig/).

Theory of operation
-------------------
1. ``load_xml`` refuses anything over the byte cap *before* parsing, then parses with
   defusedxml with DTDs, entities and external references forbidden: a billion-laughs
   or XXE document is an error result, never expanded (DESIGN.md section 4, rule 6).
2. The root must be ``clientConfig`` with an ``emailProvider`` (the first is used).
3. Every ``incomingServer``/``outgoingServer`` is read on its own: a bad entry becomes
   one ``ParseIssue`` and is dropped, the rest of the file is kept (rule 7). Entries
   keep their XML order in ``ServerCandidate.order``, so a ``plain`` entry listed first
   does not push out the secure entries after it.
4. Within an entry, in this order: control characters in any field the entry uses
   (type, hostname, port, socketType, username, authentication) drop it; the
   ``type`` must be imap/pop3 (incoming) or smtp (outgoing), others (jmap, ews, ...)
   are reported as unsupported; placeholders are substituted, then hostname, port and
   username are validated (``fields``). ``socketType`` plain is never used, but the host
   is: the source vouched for the host name, not for plaintext, so the entry becomes the
   protocol's two standard TLS endpoints on that host (implicit TLS and required STARTTLS,
   e.g. 993 and 143 for IMAP), marked ``from_plaintext``, and the plaintext is still
   reported (``PLAINTEXT_REJECTED``). Without this, a provider database entry that is
   only out of date on its socket type left nothing but guessed host names (tier C).
   A field given twice (two hostnames) is ambiguous and drops the entry. A
   ``<password>`` is never read, only reported. Unknown elements are ignored (the
   schema's must-ignore rule); their content is not even looked at.
5. ``oAuth2`` is read where the draft puts it (under ``clientConfig``) and where files
   have it in practice (under ``emailProvider``). ``clientSecret`` is not kept.
"""

from __future__ import annotations

from xml.etree.ElementTree import Element

from ..common.failure import Failure
from ..common.fields import (
    MAX_DOCUMENT_BYTES,
    FieldError,
    has_control,
    load_xml,
    socket_security,
    substitute_placeholders,
    validate_hostname,
    validate_https_url,
    validate_port,
    validate_text,
    validate_username,
)
from ..common.model import (
    AuthMethod,
    AutoconfigResult,
    IssueCode,
    OAuth2Info,
    ParseIssue,
    Security,
    ServerCandidate,
    Service,
)
from .candidates import entry_candidates, without_repeats

__all__ = ["parse_autoconfig"]

_SERVICES = {
    "incomingServer": {"imap": Service.IMAP, "pop3": Service.POP3},
    "outgoingServer": {"smtp": Service.SUBMISSION},
}
# Values from the draft's list; "plain"/"secure" are the pre-3.1 Thunderbird spellings.
_AUTH = {
    "password-cleartext": AuthMethod.PASSWORD_CLEARTEXT,
    "plain": AuthMethod.PASSWORD_CLEARTEXT,
    "password-encrypted": AuthMethod.PASSWORD_ENCRYPTED,
    "secure": AuthMethod.PASSWORD_ENCRYPTED,
    "oauth2": AuthMethod.OAUTH2,
    "tls-client-cert": AuthMethod.CLIENT_CERT,
    "none": AuthMethod.NONE,
    # Thunderbird's outgoing words for "no authentication" (readFromXML)
    "client-ip-address": AuthMethod.NONE,
    "smtp-after-pop": AuthMethod.NONE,
}
_USED_FIELDS = ("hostname", "port", "socketType", "username", "authentication")
# The ISPDB has files with the two words swapped; Thunderbird shows either.
_SHORT_NAME_TAGS = frozenset({"displayshortname", "displaynameshort"})
_OAUTH2_FIELDS = {
    "issuer": "issuer",
    "scope": "scope",
    "authURL": "auth_url",
    "tokenURL": "token_url",
}


def parse_autoconfig(
    data: bytes, *, local_part: str, domain: str, max_bytes: int = MAX_DOCUMENT_BYTES
) -> AutoconfigResult:
    """Parse one clientConfig document for the address ``local_part@domain``.

    ``domain`` should be the address's A-label (it is substituted into host names).
    Never raises for bad input: a document that cannot be used has ``error`` set.
    """
    root = load_xml(data, max_bytes)
    if isinstance(root, Failure):
        return AutoconfigResult(error=root.message)
    if root.tag != "clientConfig":
        return AutoconfigResult(error=f"root element is {root.tag[:64]!r}, not clientConfig")
    providers = [child for child in root if child.tag == "emailProvider"]
    if not providers:
        return AutoconfigResult(error="clientConfig has no emailProvider")
    provider = providers[0]
    issues: list[ParseIssue] = []
    if len(providers) > 1:
        issues.append(
            ParseIssue(IssueCode.EXTRA_ELEMENT, "only the first emailProvider is used", "")
        )

    candidates: list[ServerCandidate] = []
    order = 0
    counts = dict.fromkeys(_SERVICES, 0)  # "where" numbers each tag, as lint does
    for child in provider:
        if child.tag in _SERVICES:
            where = f"{child.tag}[{counts[child.tag]}]"
            candidates += _server(child, order, where, local_part, domain, issues)
            order += 1
            counts[child.tag] += 1
    candidates = without_repeats(candidates)

    def display(tags: frozenset[str]) -> str | None:
        for child in provider:
            if child.tag.lower() in tags:
                return _display_text(child, local_part, domain, issues)
        return None

    # Each helper below may add to ``issues``: evaluate them before freezing it.
    provider_id = _optional_text(provider.get("id"), "emailProvider id", issues)
    display_name = display(frozenset({"displayname"}))
    display_short_name = display(_SHORT_NAME_TAGS)
    domains = _domains(provider, local_part, domain, issues)
    oauth2 = _oauth2(root, provider, issues)
    return AutoconfigResult(
        candidates=tuple(candidates),
        issues=tuple(issues),
        provider_id=provider_id,
        display_name=display_name,
        display_short_name=display_short_name,
        domains=domains,
        oauth2=oauth2,
    )


def _leaf_text(element: Element) -> str:
    if len(element):
        raise FieldError(IssueCode.BAD_FIELD, f"<{element.tag}> has child elements")
    return element.text or ""


def _single(entry: Element, tag: str) -> Element | None:
    found = entry.findall(tag)
    if len(found) > 1:
        raise FieldError(IssueCode.BAD_FIELD, f"<{tag}> is given {len(found)} times")
    return found[0] if found else None


def _required(entry: Element, tag: str) -> str:
    element = _single(entry, tag)
    if element is None:
        raise FieldError(IssueCode.MISSING_FIELD, f"<{tag}> is missing")
    return _leaf_text(element)


def _server(
    entry: Element,
    order: int,
    where: str,
    local_part: str,
    domain: str,
    issues: list[ParseIssue],
) -> list[ServerCandidate]:
    kind = entry.get("type", "")
    try:
        if has_control(kind) or any(
            has_control(child.text or "") for child in entry if child.tag in _USED_FIELDS
        ):
            raise FieldError(IssueCode.CONTROL_CHARACTER, "a field contains CR, LF or NUL")
        service = _SERVICES[entry.tag].get(kind.lower())
        if service is None:
            raise FieldError(IssueCode.UNSUPPORTED_TYPE, f"server type {kind[:32]!r} not used")
        if entry.find("password") is not None:
            issues.append(
                ParseIssue(IssueCode.PASSWORD_IGNORED, "provider-supplied password ignored", where)
            )
        plaintext, security = _socket_type(entry)
        # Blanks around a host name or port are trimmed, as Thunderbird does (Thunderbird for
        # Android rejects the file for them: lint says so).
        raw_host, found = substitute_placeholders(
            _required(entry, "hostname").strip(), local_part=local_part, domain=domain, where=where
        )
        hostname = validate_hostname(raw_host)
        port = validate_port(_required(entry, "port").strip())
        username, more = _username(entry, local_part, domain, where)
        found += more
        methods = _auth_methods(entry)
    except FieldError as exc:
        issues.append(ParseIssue(exc.code, f"entry dropped: {exc.message}", where, dropped=True))
        return []
    issues.extend(found)
    if plaintext is not None:
        issues.append(
            ParseIssue(
                IssueCode.PLAINTEXT_REJECTED,
                f"{plaintext.message}: {hostname} port {port} is tried with TLS on the "
                "standard ports instead",
                where,
            )
        )
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


def _username(
    entry: Element, local_part: str, domain: str, where: str
) -> tuple[str | None, tuple[ParseIssue, ...]]:
    """The entry's user name with the placeholders filled in, or None when it gives none."""
    element = _single(entry, "username")
    if element is None:
        return None, ()
    raw, found = substitute_placeholders(
        _leaf_text(element), local_part=local_part, domain=domain, where=where
    )
    return validate_username(raw), found


def _socket_type(entry: Element) -> tuple[FieldError | None, Security]:
    """Repeated socketTypes are ordered fallbacks, as Thunderbird reads them: the first one
    mailhop knows decides. Plaintext is known (and never used: the caller tries TLS)."""
    values = [_leaf_text(element) for element in entry.findall("socketType")]
    if not values:
        raise FieldError(IssueCode.MISSING_FIELD, "<socketType> is missing")
    for value in values:
        try:
            return None, socket_security(value)
        except FieldError as exc:
            if exc.code is IssueCode.PLAINTEXT_REJECTED:
                return exc, Security.IMPLICIT_TLS
            if exc.code is not IssueCode.BAD_SOCKET_TYPE:
                raise
    raise FieldError(IssueCode.BAD_SOCKET_TYPE, f"no socket type mailhop knows in {values[:4]!r}")


def _auth_methods(entry: Element) -> list[AuthMethod]:
    """The entry's authentication values mailhop can use, in the file's order. An unknown
    or empty value is skipped, never a method of its own (it must not decide the method);
    an entry that lists values but none usable is dropped, as Thunderbird drops it, so it
    cannot win over a usable one (Thunderbird's forward-compatibility case)."""
    listed = [_leaf_text(element) for element in entry.findall("authentication")]
    methods: list[AuthMethod] = []
    for value in listed:
        method = _AUTH.get(value.strip().lower())
        if method is not None and method not in methods:
            methods.append(method)
    if listed and not methods:
        shown = ", ".join(repr(v[:32]) for v in listed[:4])
        raise FieldError(IssueCode.BAD_FIELD, f"no authentication mailhop can use ({shown})")
    return methods


def _optional_text(value: str | None, what: str, issues: list[ParseIssue]) -> str | None:
    if value is None:
        return None
    try:
        return validate_text(value, what)
    except FieldError as exc:
        issues.append(ParseIssue(exc.code, f"{what} ignored: {exc.message}", what))
        return None


def _display_text(
    element: Element, local_part: str, domain: str, issues: list[ParseIssue]
) -> str | None:
    try:
        # inbox.lv and mail.ee use %EMAILDOMAIN% as their display name.
        text, _ = substitute_placeholders(_leaf_text(element), local_part=local_part, domain=domain)
        return validate_text(text, element.tag)
    except FieldError as exc:
        issues.append(ParseIssue(exc.code, f"{element.tag} ignored: {exc.message}", element.tag))
        return None


def _domains(
    provider: Element, local_part: str, domain: str, issues: list[ParseIssue]
) -> tuple[str, ...]:
    domains: list[str] = []
    for element in provider.findall("domain"):
        try:
            # Thunderbird for Android fills in placeholders here too ("%EMAILDOMAIN%").
            text, _ = substitute_placeholders(
                _leaf_text(element).strip(), local_part=local_part, domain=domain
            )
            name = validate_hostname(text, what="domain")
        except FieldError as exc:
            issues.append(ParseIssue(exc.code, f"domain ignored: {exc.message}", "domain"))
            continue
        if name not in domains:
            domains.append(name)
    return tuple(domains)


def _oauth2(root: Element, provider: Element, issues: list[ParseIssue]) -> OAuth2Info | None:
    element = root.find("oAuth2")
    if element is None:
        element = provider.find("oAuth2")
    if element is None:
        return None
    values: dict[str, str | None] = {}
    for tag, key in _OAUTH2_FIELDS.items():
        child = element.find(tag)
        if child is None:
            continue
        try:
            text = _leaf_text(child)
            check = validate_https_url if tag.endswith("URL") else validate_text
            values[key] = check(text, f"oAuth2 {tag}")
        except FieldError as exc:
            issues.append(ParseIssue(exc.code, f"oAuth2 {tag} ignored: {exc.message}", "oAuth2"))
    return OAuth2Info(**values)
