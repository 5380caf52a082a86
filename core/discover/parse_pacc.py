"""PACC (draft-ietf-mailmaint-pacc): the ``_ua-auto-config`` TXT record and the JSON.

The document lives at ``https://ua-auto-config.<domain>/.well-known/user-agent-
configuration.json``; the domain vouches for its exact bytes with a TXT record::

    _ua-auto-config.<domain>. TXT "v=UAAC1; a=sha256; d=<base64 SHA-256 of the body>"

Record rules here: character-strings are joined first; records not starting with
``v=UAAC1`` are ignored; any ``v=UAAC1`` record that is invalid (unknown ``a=``, bad
base64, digest not 32 bytes, duplicate tag) is an error, and so are two valid ones:
ambiguity fails closed. (automx documents a digest rollover that publishes two
records for a while; during it PACC is unusable here and other sources take over.)

The JSON (draft -02/-03)::

    {"protocols": {"imap": {"host": "imap.example.com"},
                   "submit": {"host": "smtp.example.com"}},    # "smtp" in -02
     "authentication": {"oauth-public": {"issuer": "https://..."}, "password": true},
     "info": {"provider": {"name": "Example", "shortName": "Ex"}}}

The draft changed between revisions, so an entry accepts, permissively but never
insecurely: the host as ``host`` (or ``hostname``/``server``, exactly one of them);
an optional integer ``port``; an optional security as ``security``/``encryption``/
``socketType`` (tls, ssl, implicit, implicit-tls, starttls) or the booleans
``tls``/``starttls``; without one, implicit TLS on 993/995/465 as -02 requires. A
plaintext entry (none/plain, ``tls: false``) is never used as such: its host is tried with
TLS on the protocol's standard ports instead (``model.STANDARD_PORTS``,
``from_plaintext``; the plaintext is still reported), as the document vouched for the
host, not for plaintext. Protocol keys: ``imap``, ``pop3``, ``smtp`` and ``submit`` (both mean
submission); a value may be one object or a list of them. The user name is the
address unless an entry has ``username``. Duplicate JSON keys are an error (two
parsers must never read two different documents from the same bytes).
"""

from __future__ import annotations

import base64
import binascii
import enum
import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..common.failure import Failure
from ..common.fields import (
    MAX_DOCUMENT_BYTES,
    FieldError,
    join_txt,
    validate_hostname,
    validate_https_url,
    validate_port_value,
    validate_text,
    validate_username,
)
from ..common.model import (
    AuthMethod,
    IssueCode,
    OAuth2Info,
    PaccResult,
    ParseIssue,
    Security,
    ServerCandidate,
    Service,
    standard_port,
)
from ..common.untrusted import UntrustedDataError, read_json
from .candidates import entry_candidates, without_repeats

__all__ = ["PaccRecord", "PaccRecordResult", "parse_pacc", "parse_pacc_record"]

_SERVICES = {"imap": Service.IMAP, "pop3": Service.POP3, "smtp": Service.SUBMISSION}
_SERVICES["submit"] = Service.SUBMISSION
_SECURITY_WORDS = {
    "tls": Security.IMPLICIT_TLS,
    "ssl": Security.IMPLICIT_TLS,
    "implicit": Security.IMPLICIT_TLS,
    "implicit-tls": Security.IMPLICIT_TLS,
    "starttls": Security.STARTTLS,
}
_PLAINTEXT_WORDS = frozenset({"none", "plain", "plaintext", "cleartext", "insecure", ""})
_HOST_KEYS = ("host", "hostname", "server")
_SECURITY_KEYS = ("security", "encryption", "socketType")


@dataclass(frozen=True, slots=True)
class PaccRecord:
    digest: bytes  # SHA-256 of the document bytes


@dataclass(frozen=True, slots=True)
class PaccRecordResult:
    record: PaccRecord | None = None
    error: str | None = None


def parse_pacc_record(records: Sequence[str | bytes | Sequence[bytes]]) -> PaccRecordResult:
    """Pick the one ``v=UAAC1`` record among the TXT records at ``_ua-auto-config``."""
    found: list[PaccRecord] = []
    for record in records:
        text = join_txt(record)
        if text is None:
            continue
        tags = [tag.strip(" \t") for tag in text.split(";")]
        if tags[0] != "v=UAAC1":
            continue  # another record at the same name: not ours
        parsed = _record(tags[1:])
        if isinstance(parsed, Failure):
            return PaccRecordResult(error=parsed.message)
        found.append(parsed)
    if not found:
        return PaccRecordResult(error="no v=UAAC1 TXT record")
    if len(found) > 1:
        return PaccRecordResult(error=f"{len(found)} v=UAAC1 TXT records; exactly one allowed")
    return PaccRecordResult(record=found[0])


class RecordTrouble(enum.Enum):
    """Why a ``v=UAAC1`` TXT record is unusable."""

    MALFORMED_TAG = "malformed-tag"  # no "=", or a tag given twice
    ALGORITHM = "algorithm"  # a= is not sha256
    NOT_BASE64 = "not-base64"
    NOT_SHA256 = "not-sha256"  # d= decodes to something other than 32 bytes


def _record(tags: list[str]) -> PaccRecord | Failure[RecordTrouble]:
    values: dict[str, str] = {}
    for tag in tags:
        if not tag:
            continue  # "a=sha256;" with a trailing ";" or an empty slot
        name, equals, value = tag.partition("=")
        name = name.strip(" \t")
        if not equals or name in values:
            return Failure(
                code=RecordTrouble.MALFORMED_TAG,
                message=f"malformed or repeated tag {tag[:24]!r}",
            )
        values[name] = value.strip(" \t")
    if values.get("a") != "sha256":
        return Failure(
            code=RecordTrouble.ALGORITHM,
            message=f"digest algorithm {values.get('a', '(none)')[:16]!r} is not sha256",
        )
    try:
        digest = base64.b64decode(values.get("d", ""), validate=True)
    except (binascii.Error, ValueError):
        return Failure(code=RecordTrouble.NOT_BASE64, message="d= is not base64")
    if len(digest) != 32:
        return Failure(code=RecordTrouble.NOT_SHA256, message="d= is not a SHA-256 digest")
    return PaccRecord(digest=digest)


def parse_pacc(
    data: bytes,
    *,
    local_part: str,
    domain: str,
    record: PaccRecord | None,
    max_bytes: int = MAX_DOCUMENT_BYTES,
) -> PaccResult:
    """Check ``data`` against ``record`` (if any) and parse it for ``local_part@domain``.

    A digest mismatch is an error: the bytes are not what the domain vouched for.
    Without a record the document is parsed but ``digest_verified`` stays False.
    """
    if len(data) > max_bytes:
        return PaccResult(error=f"document is more than {max_bytes} bytes")
    issues: list[ParseIssue] = []
    if record is None:
        issues.append(ParseIssue(IssueCode.NOT_AUTHENTICATED, "no _ua-auto-config digest", ""))
    elif not hmac.compare_digest(hashlib.sha256(data).digest(), record.digest):
        return PaccResult(error="SHA-256 of the document does not match _ua-auto-config")
    try:
        # The one JSON boundary: UTF-8 only, nesting bounded, no NaN or infinite numbers.
        document = read_json(data, max_bytes=max_bytes, object_pairs_hook=_no_duplicates)
    except UntrustedDataError as exc:
        return PaccResult(error=f"malformed JSON: {str(exc)[:120]}")
    if not isinstance(document, dict) or not isinstance(document.get("protocols"), dict):
        return PaccResult(error="no 'protocols' object")
    oauth2, password = _authentication(document.get("authentication"), issues)
    methods = ((AuthMethod.OAUTH2,) if oauth2 else ()) + (
        (AuthMethod.PASSWORD_CLEARTEXT,) if password else ()
    )
    candidates: list[ServerCandidate] = []
    order = 0
    for key, value in document["protocols"].items():
        service = _SERVICES.get(key)
        if service is None:
            continue  # jmap, caldav, carddav, webdav, managesieve: not mail set-up here
        for entry in value if isinstance(value, list) else [value]:
            where = f"protocols.{key}"
            try:
                found = _entry(entry, service, order, methods, local_part, domain)
                if found[0].from_plaintext:
                    message = f"plaintext transport: {found[0].hostname} is tried with TLS instead"
                    issues.append(ParseIssue(IssueCode.PLAINTEXT_REJECTED, message, where))
                candidates += found
            except FieldError as exc:
                issues.append(
                    ParseIssue(exc.code, f"entry dropped: {exc.message}", where, dropped=True)
                )
            order += 1
    name, short = _provider(document.get("info"), issues)
    return PaccResult(
        candidates=tuple(without_repeats(candidates)),
        issues=tuple(issues),
        digest_verified=record is not None,
        oauth2=oauth2,
        password_allowed=password,
        provider_name=name,
        provider_short_name=short,
    )


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key[:32]!r}")
        result[key] = value
    return result


def _one_of(entry: dict[str, Any], keys: tuple[str, ...]) -> Any:
    present = [key for key in keys if key in entry]
    if len(present) > 1:
        raise FieldError(IssueCode.BAD_FIELD, f"both {present[0]!r} and {present[1]!r} given")
    return entry[present[0]] if present else None


def _security(entry: dict[str, Any]) -> Security:
    word = _one_of(entry, _SECURITY_KEYS)
    tls, starttls = entry.get("tls"), entry.get("starttls")
    chosen: set[Security] = set()
    if word is not None:
        if not isinstance(word, str):
            raise FieldError(IssueCode.BAD_SOCKET_TYPE, "security is not a string")
        if word.lower() in _PLAINTEXT_WORDS:
            raise FieldError(IssueCode.PLAINTEXT_REJECTED, "plaintext transport rejected")
        if word.lower() not in _SECURITY_WORDS:
            raise FieldError(IssueCode.BAD_SOCKET_TYPE, f"unknown security {word[:24]!r}")
        chosen.add(_SECURITY_WORDS[word.lower()])
    for flag, security in ((tls, Security.IMPLICIT_TLS), (starttls, Security.STARTTLS)):
        if flag is not None and not isinstance(flag, bool):
            raise FieldError(IssueCode.BAD_SOCKET_TYPE, "tls/starttls is not a boolean")
        if flag:
            chosen.add(security)
    if tls is False and starttls is not True:
        raise FieldError(IssueCode.PLAINTEXT_REJECTED, "tls: false without starttls rejected")
    if len(chosen) > 1:
        raise FieldError(IssueCode.BAD_SOCKET_TYPE, "conflicting security settings")
    return chosen.pop() if chosen else Security.IMPLICIT_TLS  # -02: implicit TLS


def _entry(
    entry: object,
    service: Service,
    order: int,
    methods: tuple[AuthMethod, ...],
    local_part: str,
    domain: str,
) -> list[ServerCandidate]:
    if not isinstance(entry, dict):
        raise FieldError(IssueCode.BAD_FIELD, "protocol entry is not an object")
    host = _one_of(entry, _HOST_KEYS)
    if not isinstance(host, str):
        raise FieldError(IssueCode.MISSING_FIELD, "no host string")
    hostname = validate_hostname(host)
    plaintext = False
    try:
        security = _security(entry)
    except FieldError as exc:
        if exc.code is not IssueCode.PLAINTEXT_REJECTED:
            raise
        plaintext, security = True, Security.IMPLICIT_TLS
    port = entry.get("port")
    username = entry.get("username", f"{local_part}@{domain}")
    if not isinstance(username, str):
        raise FieldError(IssueCode.BAD_USERNAME, "username is not a string")
    port_number = standard_port(service, security) if port is None else validate_port_value(port)
    username = validate_username(username)
    return entry_candidates(
        service,
        hostname,
        port_number,
        security,
        plaintext=plaintext,
        username=username,
        auth_methods=methods,
        order=order,
    )


def _authentication(
    value: object, issues: list[ParseIssue]
) -> tuple[OAuth2Info | None, bool | None]:
    if not isinstance(value, dict):
        return None, None
    password = value.get("password")
    oauth2 = None
    public = value.get("oauth-public")
    if public is not None:
        try:
            issuer = public.get("issuer") if isinstance(public, dict) else None
            if not isinstance(issuer, str):
                raise FieldError(IssueCode.BAD_FIELD, "issuer is not a string")
            oauth2 = OAuth2Info(issuer=validate_https_url(issuer, "oauth-public issuer"))
        except FieldError as exc:
            issues.append(ParseIssue(exc.code, f"OAuth2 ignored: {exc.message}", "authentication"))
    return oauth2, password if isinstance(password, bool) else None


def _provider(info: object, issues: list[ParseIssue]) -> tuple[str | None, str | None]:
    provider = info.get("provider") if isinstance(info, dict) else None
    if not isinstance(provider, dict):
        return None, None
    names: list[str | None] = []
    for key in ("name", "shortName"):
        value = provider.get(key)
        try:
            names.append(validate_text(value, key) if isinstance(value, str) else None)
        except FieldError as exc:
            issues.append(ParseIssue(exc.code, f"{key} ignored: {exc.message}", "info.provider"))
            names.append(None)
    return names[0], names[1]
