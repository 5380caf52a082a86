"""Thunderbird for Android's reading of a clientConfig file (its RealAutoconfigParser).

Strict by design: every rule here rejects the whole file, except an authentication value it
does not know (skipped for the next) and a server type it does not read (skipped). The
rules and the client's own test cases: autoconfig_rules and tests/data/peers/.
"""

from __future__ import annotations

from xml.etree.ElementTree import Element

from .autoconfig_rules import (
    ANDROID_AUTH,
    Client,
    Effect,
    Reading,
    leaf,
    legal_host,
    servers,
    substitute,
)

__all__ = ["read_android"]

_ME = Client.THUNDERBIRD_ANDROID
_TYPES = {"incomingServer": "imap", "outgoingServer": "smtp"}
_SOCKETS = frozenset({"SSL", "STARTTLS"})
_REQUIRED = ("hostname", "port", "socketType", "username")


def _reject(rule: str, message: str, where: str = "") -> Reading:
    return Reading(_ME, Effect.REJECTS_FILE, rule, f"{_ME} rejects the file: {message}", where)


def read_android(root: Element, local_part: str, domain: str) -> list[Reading]:
    if root.tag != "clientConfig":
        return [_reject("no-email-provider", "the root element is not clientConfig")]
    providers = [child for child in root if child.tag == "emailProvider"]
    if not providers:
        return [_reject("no-email-provider", "no emailProvider element")]
    found: list[Reading] = []
    for provider in providers:
        found += _provider(provider, local_part, domain)
    return found


def _provider(provider: Element, local_part: str, domain: str) -> list[Reading]:
    found: list[Reading] = []
    provider_id = provider.get("id")
    if provider_id is None:
        found.append(_reject("provider-id", "emailProvider has no id attribute", "emailProvider"))
    elif not legal_host(provider_id.strip()):
        found.append(
            _reject("provider-id", f"emailProvider id {provider_id[:40]!r} is not a host name")
        )
    domains = [leaf(d) for d in provider.findall("domain")]
    if not any(
        text is not None and legal_host(substitute(text, local_part, domain).strip())
        for text in domains
    ):
        found.append(_reject("no-domain", "no <domain> holding a host name", "emailProvider"))
    used = dict.fromkeys(_TYPES, 0)
    for entry, where in servers(provider):
        kind = entry.get("type")
        if kind != _TYPES[entry.tag]:
            found.append(
                Reading(
                    _ME,
                    Effect.SKIPS,
                    "unsupported-type",
                    f"{_ME} reads only {entry.tag} type {_TYPES[entry.tag]!r} (exactly): "
                    f"type {(kind or '')[:32]!r} is skipped",
                    where,
                )
            )
            continue
        used[entry.tag] += 1
        found += _entry(entry, where, local_part, domain)
    if not used["incomingServer"]:
        found.append(_reject("no-incoming", 'no incomingServer type="imap" (it reads no POP3)'))
    if not used["outgoingServer"]:
        found.append(_reject("missing-outgoing", 'no outgoingServer type="smtp"'))
    return found


def _entry(entry: Element, where: str, local_part: str, domain: str) -> list[Reading]:
    """The checks of one server entry; the client keeps the last of a repeated field."""
    found: list[Reading] = []
    values: dict[str, str] = {}
    auth: list[str] = []
    for child in entry:
        if child.tag not in (*_REQUIRED, "authentication"):
            continue
        text = leaf(child)
        if text is None:
            found.append(_reject("not-text", f"<{child.tag}> holds an element", where))
            continue
        if child.tag == "authentication":
            auth.append(text)
        else:
            values[child.tag] = text
    for tag in _REQUIRED:
        if tag not in values:
            rule = "missing-username" if tag == "username" else "missing-field"
            found.append(_reject(rule, f"<{tag}> is missing", where))
    found += _values(values, where, local_part, domain)
    known = [a for a in auth if a in ANDROID_AUTH]
    if not known:
        found.append(
            _reject("no-authentication", "no <authentication> it knows (exactly OAuth2, "
                    "password-cleartext or password-encrypted)", where)
        )  # fmt: skip
    elif auth[0] not in ANDROID_AUTH:
        found.append(
            Reading(
                _ME,
                Effect.FALLS_BACK,
                "unknown-authentication",
                f"{_ME} ignores authentication {auth[0][:32]!r} and uses {known[0]!r}",
                where + "/authentication",
            )
        )
    return found


def _values(values: dict[str, str], where: str, local_part: str, domain: str) -> list[Reading]:
    found: list[Reading] = []
    host = values.get("hostname")
    if host is not None:
        name = substitute(host, local_part, domain)
        if not legal_host(name.strip()):
            found.append(_reject("bad-hostname", f"hostname {host[:64]!r}", where + "/hostname"))
        elif name != name.strip():
            found.append(
                _reject(
                    "blanks-around-value",
                    f"blanks around the hostname {host.strip()[:64]!r}",
                    where + "/hostname",
                )
            )
    port = values.get("port")
    if port is not None and not _kotlin_port(port):
        found.append(_reject("bad-port", f"port {port[:16]!r} is not 0-65535", where + "/port"))
    socket = values.get("socketType")
    if socket is not None and socket not in _SOCKETS:
        found.append(
            _reject(
                "bad-socket-type",
                f"socketType {socket[:32]!r} (only exactly SSL or STARTTLS)",
                where + "/socketType",
            )
        )
    return found


def _kotlin_port(text: str) -> bool:
    """Kotlin's String.toIntOrNull() in 0..65535: an optional sign, digits, nothing else."""
    body = text[1:] if text[:1] in ("+", "-") else text
    return body.isascii() and body.isdigit() and 0 <= int(text) <= 65535
