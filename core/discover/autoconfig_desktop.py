"""Thunderbird desktop's reading of a clientConfig file (its readFromXML).

Forward compatible by design: an entry it cannot use is dropped and the next one tried, a
repeated socketType or authentication is a list of fallbacks (the first it knows exactly
wins), and only a file left with no incoming or no outgoing server is rejected. The rules
and the client's own test cases: autoconfig_rules and tests/data/peers/.
"""

from __future__ import annotations

from urllib.parse import urlsplit
from xml.etree.ElementTree import Element

from ..common.oauth2_providers import oauth2_host
from .autoconfig_rules import (
    DESKTOP_AUTH,
    DESKTOP_AUTH_OUT,
    DESKTOP_INCOMING,
    DESKTOP_SOCKETS,
    Client,
    Effect,
    Reading,
    desktop_host,
    desktop_port,
    leaf,
    servers,
)

__all__ = ["read_desktop"]

_ME = Client.THUNDERBIRD


def _reading(effect: Effect, rule: str, message: str, where: str = "") -> Reading:
    return Reading(_ME, effect, rule, f"{_ME} {effect}: {message}", where)


def read_desktop(root: Element, local_part: str, domain: str) -> list[Reading]:
    del local_part, domain  # Thunderbird checks the values before it fills in placeholders
    provider = root.find("emailProvider") if root.tag == "clientConfig" else None
    if provider is None:
        return [_reading(Effect.REJECTS_FILE, "no-email-provider", "no clientConfig/emailProvider")]
    found: list[Reading] = []
    if desktop_host(provider.get("id") or "") is None:
        found.append(
            _reading(
                Effect.REJECTS_FILE,
                "provider-id",
                "the emailProvider id is missing or not a host name",
                "emailProvider",
            )
        )
    if not any(desktop_host(leaf(d) or "") for d in provider.findall("domain")):
        found.append(_reading(Effect.REJECTS_FILE, "no-domain", "no <domain> holding a host name"))
    used = {"incomingServer": 0, "outgoingServer": 0}
    for entry, where in servers(provider):
        outgoing = entry.tag == "outgoingServer"
        kind = entry.get("type", "")
        if kind not in (("smtp",) if outgoing else DESKTOP_INCOMING):
            found.append(
                _reading(Effect.SKIPS, "unsupported-type", f"type {kind[:32]!r} is not read", where)
            )
            continue
        problems = _entry(entry, where)
        found += problems
        if not any(p.effect is Effect.DROPS_ENTRY for p in problems):
            used[entry.tag] += 1
    if not used["incomingServer"]:
        found.append(
            _reading(Effect.REJECTS_FILE, "no-incoming", "no incomingServer it can use is left")
        )
    if not used["outgoingServer"]:
        found.append(
            _reading(Effect.REJECTS_FILE, "missing-outgoing", "no outgoingServer it can use left")
        )
    return found


def _first(entry: Element, tag: str) -> str | None:
    """JXON's ``iX.tag``: the first such element's text ('[object Object]' for elements)."""
    element = entry.find(tag)
    if element is None:
        return None
    text = leaf(element)
    return "[object Object]" if text is None else text


def _entry(entry: Element, where: str) -> list[Reading]:
    outgoing = entry.tag == "outgoingServer"
    found: list[Reading] = []

    def drop(rule: str, message: str, at: str = "") -> None:
        found.append(_reading(Effect.DROPS_ENTRY, rule, message, where + at))

    raw_host = _first(entry, "hostname")
    url = _first(entry, "url")
    if raw_host is None and url is not None:
        # ews, owa (and graph): the host comes from the <url> (readFromXML: new URL().host)
        raw_host = urlsplit(url.strip()).hostname or ""
    host = desktop_host(raw_host) if raw_host is not None else None
    if raw_host is None:
        drop("missing-field", "<hostname> is missing")
    elif host is None:
        drop("bad-hostname", f"hostname {raw_host[:64]!r}", "/hostname")
    if (entry.find("port") is not None or outgoing) and desktop_port(_first(entry, "port")) is None:
        drop("bad-port", f"port {(_first(entry, 'port') or '')[:16]!r} is not 1-65535", "/port")
    sockets = [leaf(s) or "" for s in entry.findall("socketType")]
    found += _fallbacks(sockets, DESKTOP_SOCKETS, "bad-socket-type", "socketType", where)
    auth = [leaf(a) or "" for a in entry.findall("authentication")]
    usable = DESKTOP_AUTH_OUT if outgoing else DESKTOP_AUTH
    if host is not None and not oauth2_host(host) and "OAuth2" in auth:
        # The OAuth2 value is unusable here: reported once, for what it does to the entry.
        auth = [a for a in auth if a != "OAuth2"]
        usable = usable - {"OAuth2"}
        effect = Effect.FALLS_BACK if any(a in usable for a in auth) else Effect.DROPS_ENTRY
        found.append(
            _reading(
                effect,
                "oauth2-unknown-host",
                f"it has no OAuth2 settings for {host} and skips OAuth2 (an <oAuth2> "
                "block in the file is not read)",
                where + "/authentication",
            )
        )
        if effect is Effect.DROPS_ENTRY:
            return found
    found += _fallbacks(auth, usable, "no-authentication", "authentication", where)
    password = any(a in auth for a in ("password-cleartext", "plain", "password-encrypted"))
    if entry.find("username") is None and (not outgoing or password):
        found.append(
            _reading(
                Effect.MISREADS,
                "missing-username",
                'no <username>: it signs in as the user name "undefined"',
                where,
            )
        )
    return found


def _fallbacks(
    values: list[str], usable: frozenset[str], rule: str, tag: str, where: str
) -> list[Reading]:
    """A repeated value is a list of fallbacks: the first usable one wins; none drops."""
    known = [v for v in values if v in usable]
    if not known:
        shown = ", ".join(repr(v[:32]) for v in values) or "none"
        return [
            _reading(Effect.DROPS_ENTRY, rule, f"no <{tag}> it can use ({shown})", f"{where}/{tag}")
        ]
    if values[0] not in usable:
        return [
            _reading(
                Effect.FALLS_BACK,
                f"unknown-{tag.lower()}" if tag == "authentication" else rule,
                f"{tag} {values[0][:32]!r} is skipped for {known[0]!r}",
                f"{where}/{tag}",
            )
        ]
    return []
