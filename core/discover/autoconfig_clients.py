"""What each client does with a clientConfig file: the entry point to the one set of rules.

``read_as(client, root)`` runs that client's reader (autoconfig_android, autoconfig_desktop)
and returns its readings; ``outcome`` sums them up in the words the peer suites use
(tests/data/peers/*/cases.json): rejected, entry-dropped, fallback, accepted.
"""

from __future__ import annotations

from xml.etree.ElementTree import Element

from .autoconfig_android import read_android
from .autoconfig_desktop import read_desktop
from .autoconfig_rules import Client, Effect, Reading, legal_host

__all__ = ["CLIENTS", "outcome", "read_as"]

CLIENTS = (Client.THUNDERBIRD, Client.THUNDERBIRD_ANDROID)


def read_as(
    client: Client, root: Element, *, local_part: str = "user", domain: str = ""
) -> tuple[Reading, ...]:
    """Every rule ``client`` enforces that the document breaks, in document order."""
    reader = read_android if client is Client.THUNDERBIRD_ANDROID else read_desktop
    return tuple(reader(root, local_part, domain or _first_domain(root)))


def outcome(readings: tuple[Reading, ...]) -> str:
    """The peer suites' word for what happened to the file."""
    effects = {r.effect for r in readings}
    if Effect.REJECTS_FILE in effects:
        return "rejected"
    if Effect.DROPS_ENTRY in effects:
        return "entry-dropped"
    if Effect.FALLS_BACK in effects:
        return "fallback"
    return "accepted"


def _first_domain(root: Element) -> str:
    """A sample address's domain for the placeholders: the file's first valid <domain>."""
    provider = root.find("emailProvider")
    for element in provider.findall("domain") if provider is not None else ():
        text = (element.text or "").strip().lower()
        if text and legal_host(text):
            return text
    return "example.com"
