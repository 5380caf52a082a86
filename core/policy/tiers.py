"""Trust tiers by one table (DESIGN.md section 4): how far each attempt's data is trusted.

    A  domain-authenticated: DNSSEC-secure DNS validated by mailhop; autoconfig or
       Autodiscover over HTTPS with every hop HTTPS and inside the domain; PACC whose
       SHA-256 matches the _ua-auto-config record.
    B  curated or delegated: the provider database over HTTPS; MX-derived lookups when
       the MX answer is DNSSEC-secure or the domain's own MTA-STS policy lists that MX
       (the most specific domain that answered for the MX host wins, see _superseded;
       phase 2's try of the MX host itself on standard ports counts as MX-derived).
    C  unauthenticated: DNS without DNSSEC, plain HTTP, redirects out of the domain,
       MX-derived lookups otherwise, guesses.

Pure: attempts in, a tier (or None: not to be used) out.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence

from ..common.domains import is_inside, registrable_domain
from ..discover.parse_mtasts import mx_matches
from ..discover.report import Attempt, Auth, MtaSts, ProviderKey, Source, Status

__all__ = ["MX_DERIVED", "TIER_TABLE", "Tier", "mx_key", "superseding_keys", "tier_of"]


class Tier(enum.StrEnum):
    A = "A"
    B = "B"
    C = "C"


# The classification table: (source, how it was authenticated) -> tier. A pair that is
# not here gives no tier: the attempt's candidates are not used (bogus DNSSEC, say).
_DNS = {
    Auth.DNSSEC_SECURE: Tier.A,
    Auth.DNSSEC_INSECURE: Tier.C,
    Auth.DNSSEC_INDETERMINATE: Tier.C,
}
_HTTPS = {Auth.HTTPS_IN_DOMAIN: Tier.A, Auth.HTTPS_OTHER_DOMAIN: Tier.C}
TIER_TABLE: dict[Source, dict[Auth, Tier]] = {
    Source.SRV: _DNS,
    Source.MX: _DNS,
    Source.AUTOCONFIG: _HTTPS,
    Source.WELL_KNOWN: _HTTPS,
    Source.AUTODISCOVER: _HTTPS,
    Source.PACC: {Auth.DIGEST_MATCHED: Tier.A},
    Source.ISPDB: {Auth.HTTPS_PROVIDER: Tier.B},
    Source.HTTP_AUTOCONFIG: {Auth.PLAIN_HTTP: Tier.C, Auth.HTTPS_OTHER_DOMAIN: Tier.C},
    Source.GUESS: {Auth.GUESSED: Tier.C},
    # Typed in by the person: nothing authenticates the names, so tier C (the certificate
    # check and the approval before the password still apply), whatever a document says.
    Source.MANUAL: {Auth.ENTERED: Tier.C},
    # MX-derived: B or C depending on the MX answer, see tier_of
    Source.MX_AUTOCONFIG: {Auth.HTTPS_IN_DOMAIN: Tier.B, Auth.HTTPS_OTHER_DOMAIN: Tier.C},
    Source.MX_ISPDB: {Auth.HTTPS_PROVIDER: Tier.B},
}

MX_DERIVED = (Source.MX_AUTOCONFIG, Source.MX_ISPDB)


def tier_of(attempt: Attempt, attempts: Sequence[Attempt]) -> Tier | None:
    """The trust tier of an attempt's data, or None when it must not be used."""
    if attempt.status is not Status.FOUND:
        return None
    tier = TIER_TABLE.get(attempt.source, {}).get(attempt.auth)
    if attempt.source in MX_DERIVED and tier is not None and _superseded(attempt, attempts):
        return None
    if tier is Tier.B and attempt.source in MX_DERIVED:
        return Tier.B if _mx_vouched(attempt.related_host, attempts) else Tier.C
    if attempt.source is Source.GUESS and attempt.related_host is not None:
        # Phase 2 tried the MX host itself on the standard ports: the host is as
        # authenticated as the MX answer that named it (MX-derived, section 4); only the
        # port is a guess, and the probe's TLS check settles it.
        return Tier.B if _mx_vouched(attempt.related_host, attempts) else Tier.C
    return tier


def mx_key(attempt: Attempt) -> str:
    """The domain an MX-derived attempt asked about (``source_mx_derived.mx_lookup_domains``)."""
    asked = attempt.payload_as(ProviderKey)
    return asked.domain if asked else registrable_domain(attempt.related_host or "") or ""


def _superseded(attempt: Attempt, attempts: Sequence[Attempt]) -> bool:
    """A more specific MX-derived answer replaces this one for every MX host it serves.

    A provider keys its business service on the suffix its customers' MX hosts share
    (``mail.protection.outlook.com``) and its consumer service on its own domain
    (``outlook.com``): for ``x.mail.protection.outlook.com`` the deeper entry is the one
    that describes this domain, and the broader one describes other accounts, whose
    servers would refuse this one. So, as Thunderbird does, the most specific domain that
    answered wins, whichever kind (autoconfig or provider database) answered it; a broader
    answer stays in use only for an MX host no deeper answer covers.
    """
    return bool(superseding_keys(attempt, attempts))


def superseding_keys(attempt: Attempt, attempts: Sequence[Attempt]) -> list[str]:
    """The deeper domains whose answers replace this MX-derived one (see superseding_keys);
    empty when it stays in use."""
    key = mx_key(attempt)
    if not key:
        return []
    # Only an answer that stayed with the provider counts (not one redirected elsewhere).
    answered = {
        mx_key(a)
        for a in attempts
        if a.source in MX_DERIVED
        and a.status is Status.FOUND
        and TIER_TABLE.get(a.source, {}).get(a.auth) is Tier.B
    }
    deeper = sorted(k for k in answered if k != key and is_inside(k, key))
    if not deeper:
        return []
    hosts = {
        c.hostname
        for a in attempts
        if a.source is Source.MX and a.status is Status.FOUND
        for c in a.candidates
    }
    hosts.add(attempt.related_host or key)
    served = [h for h in hosts if is_inside(h, key)]
    return deeper if all(any(is_inside(h, k) for k in deeper) for h in served) else []


def _mx_vouched(mx_host: str | None, attempts: Sequence[Attempt]) -> bool:
    """The MX came from a DNSSEC-secure answer, or the domain's MTA-STS policy lists it."""
    if mx_host is None:
        return False
    for attempt in attempts:
        secure_mx = attempt.source is Source.MX and attempt.auth is Auth.DNSSEC_SECURE
        if secure_mx and any(c.hostname == mx_host for c in attempt.candidates):
            return True
        sts = attempt.payload_as(MtaSts) if attempt.status is Status.FOUND else None
        if sts is not None and any(mx_matches(p, mx_host) for p in sts.mx_patterns):
            return True
    return False
