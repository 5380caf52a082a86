"""How Thunderbird and Thunderbird for Android read a clientConfig file: the one set of rules
(its types and the value checks both readers share; the readers are autoconfig_android and
autoconfig_desktop, the entry point autoconfig_clients).

``mailhop lint`` reports these readings and the peer tests (tests/data/peers/) hold them to
the clients' own test suites, so what lint says is what each client does. Each reading names
the client, what it does with the file and why; the severity follows from the effect:

    rejects the file   error    the client refuses the whole document
    drops the entry    warn     the client skips one server entry and uses the rest
    misreads           warn     the client takes a value other than the one meant
    falls back         info     the client skips a value for a later one in the same entry
    skips              info     a server type the client does not read

Theory of operation
-------------------
Thunderbird for Android (``RealAutoconfigParser``) is strict: any error anywhere rejects the
file. It needs an ``emailProvider id`` and a ``<domain>`` that are host names (after the
placeholders are filled in), an ``incomingServer type="imap"`` (it reads no POP3) and an
``outgoingServer type="smtp"``, each with hostname, port (0-65535, no blanks), socketType
(exactly ``SSL`` or ``STARTTLS``), username and at least one authentication it knows
(exactly ``OAuth2``, ``password-cleartext``, ``password-encrypted``; others are ignored).
A host name with blanks around it passes its check and then fails ``Hostname()``.

Thunderbird desktop (``readFromXML``) is forward compatible: an entry it cannot use is
dropped and the next one tried; only a file left with no incoming or no outgoing server is
rejected. Repeated ``socketType`` and ``authentication`` are ordered fallbacks (the first
it knows wins, matched exactly); of other repeated fields it takes the first. OAuth2 counts
only for hosts it has built-in OAuth2 settings for (``OAuth2Providers``: an ``<oAuth2>``
block in the file is not read). It trims host names and reads ports as JavaScript numbers
(``parseInt``: blanks around are fine). A missing ``<username>`` becomes the text
"undefined".

Pure: an Element in, readings out.
"""

from __future__ import annotations

import enum
import ipaddress
import re
from collections.abc import Iterator
from dataclasses import dataclass
from xml.etree.ElementTree import Element

from ..common.fields import Placeholder

__all__ = [
    "ANDROID_AUTH",
    "DESKTOP_AUTH",
    "DESKTOP_AUTH_OUT",
    "DESKTOP_INCOMING",
    "DESKTOP_SOCKETS",
    "Client",
    "Effect",
    "Reading",
    "desktop_host",
    "desktop_port",
    "leaf",
    "legal_host",
    "servers",
    "substitute",
]


class Client(enum.StrEnum):
    THUNDERBIRD = "Thunderbird"
    THUNDERBIRD_ANDROID = "Thunderbird for Android"


class Effect(enum.StrEnum):
    REJECTS_FILE = "rejects the file"
    DROPS_ENTRY = "drops the entry"
    MISREADS = "misreads"
    FALLS_BACK = "falls back"
    SKIPS = "skips"


@dataclass(frozen=True, slots=True)
class Reading:
    client: Client
    effect: Effect
    rule: str  # a stable lint code (export.lint.RuleCode value)
    message: str
    where: str = ""


ANDROID_AUTH = frozenset({"OAuth2", "password-cleartext", "password-encrypted"})
DESKTOP_AUTH = frozenset(
    {"password-cleartext", "plain", "password-encrypted", "secure", "GSSAPI", "NTLM", "OAuth2"}
)
DESKTOP_AUTH_OUT = DESKTOP_AUTH | {"none", "client-IP-address", "smtp-after-pop"}
DESKTOP_INCOMING = frozenset({"pop3", "imap", "nntp", "exchange", "ews", "owa"})
DESKTOP_SOCKETS = frozenset({"plain", "SSL", "STARTTLS"})
_LDH = re.compile(
    r"(([a-z0-9]|[a-z0-9][a-z0-9-]{0,61}[a-z0-9])\.)*([a-z0-9]|[a-z0-9][a-z0-9-]{0,61}[a-z0-9])\.?",
    re.ASCII | re.IGNORECASE,
)
_DESKTOP_PLACEHOLDER_HOST = re.compile(r"[a-zA-Z0-9.-]*(%[A-Z0-9]+%[a-zA-Z0-9.-]*)+", re.ASCII)
_JS_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", re.ASCII)
_JS_INT_PREFIX = re.compile(r"[+-]?\d+", re.ASCII)
_SERVER_TAGS = ("incomingServer", "outgoingServer")


def legal_host(name: str) -> bool:
    """Both clients' isLegalHostNameOrIP (hostnameUtils): LDH labels or an IP address."""
    if len(name) <= 255 and _LDH.fullmatch(name):
        return True
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def substitute(text: str, local_part: str, domain: str) -> str:
    """The clients' replaceVariables: plain replacement of the three address placeholders."""
    return (
        text.replace(Placeholder.DOMAIN.token, domain)
        .replace(Placeholder.LOCAL_PART.token, local_part)
        .replace(Placeholder.ADDRESS.token, f"{local_part}@{domain}")
    )


def leaf(element: Element) -> str | None:
    """The text of a value element, or None when it holds elements (both clients then fail
    to read it as a value: Android rejects, Thunderbird reads '[object Object]')."""
    return None if len(element) else element.text or ""


def servers(provider: Element) -> Iterator[tuple[Element, str]]:
    """Each incomingServer/outgoingServer child with its place, numbered per tag."""
    counts = dict.fromkeys(_SERVER_TAGS, 0)
    for entry in provider:
        if entry.tag in counts:
            yield entry, f"emailProvider/{entry.tag}[{counts[entry.tag]}]"
            counts[entry.tag] += 1


def desktop_host(text: str) -> str | None:
    """Thunderbird's InputSanitizer.hostname: trimmed; placeholders allowed as they are."""
    name = text.strip()
    if name and (_DESKTOP_PLACEHOLDER_HOST.fullmatch(name) or legal_host(name)):
        return name.lower()
    return None


def desktop_port(text: str | None) -> int | None:
    """Thunderbird's port: JXON reads a numeric text as a number, else parseInt's prefix."""
    if text is None:
        return None
    stripped = text.strip()
    if _JS_NUMBER.fullmatch(stripped):
        number = float(stripped)
        value = int(number) if number.is_integer() else None
    else:
        prefix = _JS_INT_PREFIX.match(stripped)
        value = int(prefix.group()) if prefix else None
    return value if value is not None and 1 <= value <= 65535 else None
