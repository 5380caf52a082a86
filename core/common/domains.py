"""Registrable domains, from the public suffix list bundled with `publicsuffixlist`.

"Inside the domain" in the trust model (DESIGN.md section 4) means: the same registrable
domain (eTLD+1) as the address. Discovery never asks a host above it (rule 6), so a
redirect to ``autodiscover.com`` from ``example.com`` is refused before any request.

The list ships inside the package and is never fetched: discovery must work offline and
must not let the network decide what a suffix is. Names are compared as A-labels.
"""

from __future__ import annotations

from functools import lru_cache

from publicsuffixlist import PublicSuffixList

__all__ = ["is_inside", "registrable_domain", "unicode_domain"]


@lru_cache(maxsize=1)
def _list() -> PublicSuffixList:
    return PublicSuffixList()  # the bundled copy; accept_unknown: "*" is the default rule


def registrable_domain(hostname: str) -> str | None:
    """``mail.example.co.uk`` -> ``example.co.uk``; None for a public suffix itself."""
    name = hostname.rstrip(".").lower()
    if not name:
        return None
    found: str | None = _list().privatesuffix(name)
    return found


def is_inside(hostname: str, registrable: str) -> bool:
    """True when `hostname` is `registrable` or a name below it (label-wise, not textual)."""
    name = hostname.rstrip(".").lower()
    return name == registrable or name.endswith("." + registrable)


def unicode_domain(domain: str) -> str:
    """An A-label domain as a person reads it (``xn--bcher-kva.example`` -> ``bücher.example``,
    IDNA 2008); a name IDNA refuses is shown as it is, never dropped."""
    import idna  # only when a name is shown: the CLI's --help need not load it

    try:
        return str(idna.decode(domain))
    except idna.IDNAError:
        return domain
