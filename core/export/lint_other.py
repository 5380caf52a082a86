"""lint: Autodiscover POX, PACC, MTA-STS policies and K-9/Thunderbird for Android .k9s files."""

from __future__ import annotations

import re

from ..common.model import IssueCode
from ..common.untrusted import UntrustedDataError, read_json
from ..discover.parse_mtasts import parse_mtasts_policy
from ..discover.parse_pacc import parse_pacc
from .lint_types import Problem, RuleCode, err, info, load, warn
from .table import K9_SETTINGS

__all__ = ["check_autodiscover", "check_k9s", "check_mta_sts", "check_pacc"]

_PORT = re.compile(r"[1-9][0-9]{0,4}", re.ASCII)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def check_autodiscover(data: bytes, problems: list[Problem]) -> None:
    root = load(data, problems)
    if root is None:
        return
    protocols = [e for e in root.iter() if _local(e.tag) == "Protocol"]
    for index, protocol in enumerate(protocols):
        where = f"Protocol[{index}]"
        values = {_local(c.tag): (c.text or "").strip() for c in protocol}
        if values.get("SPA", "").lower() == "on":
            problems.append(
                warn(RuleCode.SPA_ON, "SPA on: Outlook tries NTLM and fails on most servers", where)
            )
        plain = _plaintext_readers(values.get("SSL", ""), values.get("Encryption"))
        if plain:
            problems.append(err(RuleCode.SSL_OFF, plain, where))
        port = values.get("Port")
        if port is not None and (not _PORT.fullmatch(port) or int(port) > 65535):
            problems.append(err(RuleCode.BAD_PORT, f"port {port[:16]!r} is not 1-65535", where))


def _plaintext_readers(ssl: str, encryption: str | None) -> str:
    """Which client reads this Protocol as plaintext, each by its own rule. Outlook: an
    <Encryption> element decides and <SSL> is then ignored (None, SSL, TLS = STARTTLS,
    Auto). Thunderbird (ExchangeAutoDiscover.sys.mjs): SSL off *or* Encryption None is
    plaintext; otherwise it guesses from the port. Empty when no client goes plaintext."""
    ssl_off = ssl.lower() == "off"
    word = (encryption or "").lower()
    outlook_plain = word == "none" if encryption is not None else ssl_off
    thunderbird_plain = ssl_off or word == "none"
    if outlook_plain and thunderbird_plain:
        return "no TLS: Outlook and Thunderbird both send the password in clear"
    if thunderbird_plain:
        return (
            f"SSL off with Encryption {encryption}: Outlook reads the Encryption "
            f"({'STARTTLS' if word == 'tls' else encryption}), but Thunderbird reads SSL off "
            "as plaintext and sends the password in clear"
        )
    if outlook_plain:
        return "Encryption None: Outlook sends the password in clear"
    return ""


def check_pacc(data: bytes, problems: list[Problem]) -> None:
    try:
        read_json(data)
    except UntrustedDataError as exc:
        problems.append(err(RuleCode.MALFORMED, f"not JSON: {exc}"))
        return
    result = parse_pacc(data, local_part="user", domain="example.com", record=None)
    if result.error:
        problems.append(err(RuleCode.PACC_INVALID, result.error))
    for issue in result.issues:
        message = f"{issue.code}: {issue.message}"
        if issue.code is IssueCode.NOT_AUTHENTICATED:
            # A file on its own has no _ua-auto-config TXT record to check its digest with.
            problems.append(
                info(
                    RuleCode.PACC_DIGEST_NOT_CHECKED,
                    "the SHA-256 digest in the domain's _ua-auto-config TXT record is not "
                    "checked here: publish it, or clients refuse the document",
                    issue.where,
                )
            )
        elif issue.code is IssueCode.PLAINTEXT_REJECTED:
            problems.append(err(RuleCode.PACC_PLAINTEXT, message, issue.where))
        elif issue.dropped:
            problems.append(warn(RuleCode.PACC_ENTRY_DROPPED, message, issue.where))
        else:
            problems.append(warn(RuleCode.PACC_FIELD_IGNORED, message, issue.where))


def check_mta_sts(data: bytes, problems: list[Problem]) -> None:
    result = parse_mtasts_policy(data)
    if result.error:
        problems.append(err(RuleCode.MTA_STS_INVALID, result.error))
    for issue in result.issues:
        code = (
            RuleCode.MTA_STS_SYNTAX
            if issue.code is IssueCode.BAD_FIELD
            else RuleCode.MTA_STS_MX_IGNORED
        )
        problems.append(warn(code, f"{issue.code}: {issue.message}", issue.where))


def check_k9s(data: bytes, problems: list[Problem]) -> None:
    root = load(data, problems)
    if root is None:
        return
    for server in root.iter():
        if server.tag not in ("incoming-server", "outgoing-server"):
            continue
        where = server.tag
        if server.find("password") is not None:
            problems.append(err(RuleCode.PASSWORD_INSIDE, "a <password> element", where))
        security = (server.findtext("connection-security") or "").strip()
        if security in ("NONE", ""):
            problems.append(err(RuleCode.SOCKET_PLAIN, "connection-security NONE", where))
        elif security not in K9_SETTINGS.security_words.values():
            # K-9's ConnectionSecurity enum: the importer drops an account with another word.
            problems.append(
                err(RuleCode.BAD_SOCKET_TYPE, f"connection-security {security[:32]!r}", where)
            )
        port = (server.findtext("port") or "").strip()
        if not _PORT.fullmatch(port) or int(port) > 65535:
            problems.append(err(RuleCode.BAD_PORT, f"port {port[:16]!r} is not 1-65535", where))
