"""Lookups derived from the MX host: its provider's autoconfig and database entry.

When the MX host is in another registrable domain (a hosted domain's mail goes to its
provider), the provider's own settings describe the address's servers too. The address is
not sent: those domains are the mail host's. How far such an answer is trusted depends on
how the MX answer was authenticated; policy decides (DESIGN.md section 4, tier B or C).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace

from ..common.domains import registrable_domain
from ..common.tasks import gather_all
from .report import Attempt, ProviderKey, Source
from .source_autoconfig import autoconfig_attempt, ispdb
from .source_context import SourceContext
from .web_attempt import XML_ACCEPT, no_downgrade, web_auth

__all__ = ["MAX_MX_DOMAINS", "mx_derived", "mx_lookup_domains"]

# How many of the MX host's parent domains are asked: the deepest ones, then the registrable
# domain. A provider keys a service on a suffix a few labels deep (mail.protection.outlook.com),
# and a hostile MX with a hundred labels must not turn into two hundred fetches.
MAX_MX_DOMAINS = 4


def mx_lookup_domains(mx_host: str) -> tuple[str, ...]:
    """The domains an MX host's provider may be known by, most specific first.

    ``a.mail.protection.outlook.com`` -> ``mail.protection.outlook.com``,
    ``protection.outlook.com``, ``outlook.com``: the host's parent down to its registrable
    domain and never above it (DESIGN.md rule 6; the public suffix list is bundled), as
    Thunderbird and K-9 Mail ask. A provider's entry keyed on the deeper suffix (its
    business service) is thus found beside the one keyed on its own domain (its consumer
    service); policy takes the most specific (``policy.tier_of``). Empty for a host that
    is itself a public suffix or below none.
    """
    base = registrable_domain(mx_host)
    if base is None:
        return ()
    name = mx_host.rstrip(".").lower()
    labels = name.split(".")
    depth = len(base.split("."))
    deeper = [".".join(labels[i:]) for i in range(1, len(labels) - depth)]
    return (*deeper[: MAX_MX_DOMAINS - 1], base)


async def mx_derived(
    ctx: SourceContext, mx_host: str, domains: tuple[str, ...] | None = None
) -> list[Attempt]:
    """Autoconfig and ISPDB for each of `domains` (default: ``mx_lookup_domains``), all
    at once, when the MX host is in another registrable domain.

    Each attempt carries the domain it asked as its ``ProviderKey``, so policy can prefer
    the most specific entry.
    """
    base = registrable_domain(mx_host)
    if base is None or base == ctx.registrable:
        return []
    started = ctx.since_start()
    asked = mx_lookup_domains(mx_host) if domains is None else domains

    async def from_autoconfig(domain: str) -> Attempt:
        url = f"https://autoconfig.{domain}/mail/config-v1.1.xml"
        result = await ctx.fetcher.fetch(
            url, deadline=ctx.deadline, redirect_check=no_downgrade, headers=XML_ACCEPT
        )
        auth = web_auth(ctx, result, home=base)
        source = Source.MX_AUTOCONFIG
        return autoconfig_attempt(
            ctx, source, url, result, started, related_host=mx_host, auth=auth
        )

    async def from_ispdb(domain: str) -> Attempt:
        return await ispdb(ctx, domain, source=Source.MX_ISPDB, related=mx_host)

    async def keyed(domain: str, lookup: Callable[[str], Awaitable[Attempt]]) -> Attempt:
        attempt = await lookup(domain)
        return replace(attempt, payload=ProviderKey(domain))

    found = await gather_all(
        *(keyed(d, lookup) for d in asked for lookup in (from_autoconfig, from_ispdb))
    )
    return list(found)
