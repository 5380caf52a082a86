"""lint: a clientConfig (autoconfig) file, read the way each client reads it.

Three readers, one finding per rule broken, each naming who enforces it and what it does:

* Thunderbird and Thunderbird for Android: discover.autoconfig_clients, the one set of rules
  the peer suites (tests/data/peers/) hold to the clients' own test cases. The severity
  follows from the effect: rejects the file = error, drops the entry or misreads = warn,
  falls back or skips = info.
* mailhop itself: its own parser (discover.parse_autoconfig), so lint and discovery cannot
  disagree. An entry mailhop drops is a warning; a plaintext socket type and a published
  password are errors whoever reads them (a password in clear, a secret in a public file).
* Placeholders in every field a client substitutes (an unknown one is an error: clients
  insert it literally).
"""

from __future__ import annotations

from xml.etree.ElementTree import Element

from ..common.fields import PLACEHOLDER_NAMES, PLACEHOLDER_PATTERN
from ..common.model import IssueCode
from ..discover.autoconfig_clients import CLIENTS, read_as
from ..discover.autoconfig_rules import Effect, legal_host, servers
from ..discover.parse_autoconfig import parse_autoconfig
from .lint_types import Problem, RuleCode, Severity, err, load, warn

__all__ = ["check_autoconfig"]

# Where clients substitute placeholders (Thunderbird's accountConfig sanitizer); URLs
# elsewhere are full of "%E3%81"-style escapes, which are not placeholders.
_SUBSTITUTED = frozenset({"hostname", "username", "displayName", "displayShortName"})
_SEVERITY = {
    Effect.REJECTS_FILE: Severity.ERROR,
    Effect.DROPS_ENTRY: Severity.WARN,
    Effect.MISREADS: Severity.WARN,
    Effect.FALLS_BACK: Severity.INFO,
    Effect.SKIPS: Severity.INFO,
}
# mailhop's parser issues that are lint findings of their own, and how they are worded.
_MAILHOP_OWN = {
    IssueCode.PLAINTEXT_REJECTED: (
        RuleCode.SOCKET_PLAIN,
        Severity.ERROR,
        "no TLS: Thunderbird sends the password in clear (Thunderbird for Android rejects the "
        "file); mailhop tries the host with TLS instead",
    ),
    IssueCode.PASSWORD_IGNORED: (
        RuleCode.PASSWORD_INSIDE,
        Severity.ERROR,
        "a <password> element: never publish one",
    ),
}
_DROPPED = {
    IssueCode.BAD_HOSTNAME: RuleCode.BAD_HOSTNAME,
    IssueCode.BAD_USERNAME: RuleCode.BAD_USERNAME,
    IssueCode.BAD_PORT: RuleCode.BAD_PORT,
    IssueCode.BAD_SOCKET_TYPE: RuleCode.BAD_SOCKET_TYPE,
    IssueCode.CONTROL_CHARACTER: RuleCode.CONTROL_CHARACTER,
    IssueCode.MISSING_FIELD: RuleCode.MISSING_FIELD,
    IssueCode.BAD_FIELD: RuleCode.DUPLICATE_FIELD,
}


def check_autoconfig(data: bytes, problems: list[Problem]) -> None:
    root = load(data, problems)
    if root is None:
        return
    for client in CLIENTS:
        for reading in read_as(client, root):
            problems.append(
                Problem(
                    RuleCode(reading.rule),
                    _SEVERITY[reading.effect],
                    reading.message,
                    reading.where,
                    client=str(reading.client),
                    effect=str(reading.effect),
                )
            )
    provider = root.find("emailProvider")
    if root.tag != "clientConfig" or provider is None:
        return
    _as_mailhop_reads(data, _domain(provider), problems)
    for element in provider:
        if element.tag in _SUBSTITUTED:
            _placeholders(element.text or "", f"emailProvider/{element.tag}", problems)
    for entry, where in servers(provider):
        for element in entry:
            if element.tag in _SUBSTITUTED:
                _placeholders(element.text or "", f"{where}/{element.tag}", problems)


def _domain(provider: Element) -> str:
    for element in provider.findall("domain"):
        name = (element.text or "").strip().lower()
        if legal_host(name) and "%" not in name:
            return name
    return "example.com"


def _as_mailhop_reads(data: bytes, domain: str, problems: list[Problem]) -> None:
    """mailhop's own parser on a sample address of the file's domain."""
    result = parse_autoconfig(data, local_part="user", domain=domain)
    for issue in result.issues:
        own = _MAILHOP_OWN.get(issue.code)
        if own is not None:
            code, severity, message = own
            problems.append(Problem(code, severity, message, _where(issue.where)))
        elif issue.dropped and issue.code in _DROPPED:
            problems.append(
                Problem(
                    _DROPPED[issue.code],
                    Severity.WARN,
                    f"mailhop drops the entry: {issue.message.removeprefix('entry dropped: ')}",
                    _where(issue.where),
                    client="mailhop",
                    effect=str(Effect.DROPS_ENTRY),
                )
            )


def _where(parser_where: str) -> str:
    return f"emailProvider/{parser_where}" if parser_where else ""


def _placeholders(text: str, where: str, problems: list[Problem]) -> None:
    for name, closing in PLACEHOLDER_PATTERN.findall(text):
        known = any(name.startswith(k) for k in PLACEHOLDER_NAMES)
        if closing and name not in PLACEHOLDER_NAMES:
            problems.append(
                err(RuleCode.UNKNOWN_PLACEHOLDER, f"unknown placeholder %{name}%", where)
            )
        elif not closing and known:
            problems.append(
                warn(
                    RuleCode.UNTERMINATED_PLACEHOLDER,
                    f"%{name} has no closing %: clients insert it literally",
                    where,
                )
            )
