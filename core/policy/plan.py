"""From attempts to a plan: trusted by tier (tiers.py), merged and ranked per service.

Per service, candidates are ordered (DESIGN.md section 5) by: tier; verified before
unverified (at discovery time: a DNSSEC-secure TLSA record exists, so the probe can
authenticate the key itself); implicit TLS before STARTTLS; agreement between independent
sources; the source's own order (the order of ``SOURCE_RANK``, then SRV priority/weight or
document order); finally host name and port, so ties break the same way every time.
An endpoint mailhop derived from a host a source published only with plaintext (the
standard TLS ports on that host, ``ServerCandidate.from_plaintext``) keeps the source's
tier, since the source vouched for the host, but ranks after the endpoints of the same
tier that were published with TLS: the port and the security are mailhop's, not the
source's.

This module is the policy stage's entry point: the plan's records (entries.py) and the
tiers (tiers.py) are importable from here too.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from ..common.domains import is_inside, registrable_domain
from ..common.model import AuthMethod, Security, ServerCandidate, Service
from ..common.oauth2_providers import oauth2_host
from ..discover.report import Attempt, Auth, Source, Status, TlsaQuestion
from .entries import ApprovalReason, Origin, Plan, PlanEntry, ServicePlan
from .plan_findings import plan_findings
from .tiers import Tier, tier_of

__all__ = [
    "SOURCE_RANK",
    "ApprovalReason",
    "Origin",
    "Plan",
    "PlanEntry",
    "ServicePlan",
    "Tier",
    "make_plan",
    "tier_of",
]

# The source's own order, the last tie-break before host names (section 5).
SOURCE_RANK: tuple[Source, ...] = (
    Source.MANUAL,  # the person's own entry comes first: they asked for exactly this
    Source.SRV,
    Source.PACC,
    Source.AUTOCONFIG,
    Source.WELL_KNOWN,
    Source.AUTODISCOVER,
    Source.ISPDB,
    Source.MX_AUTOCONFIG,
    Source.MX_ISPDB,
    Source.MX,
    Source.HTTP_AUTOCONFIG,
    Source.GUESS,
)

_SERVICES = (Service.SUBMISSION, Service.IMAP, Service.POP3, Service.RELAY)
_SECURITY_RANK = {Security.IMPLICIT_TLS: 0, Security.STARTTLS: 1}


def make_plan(address: str, domain: str, registrable: str, attempts: Sequence[Attempt]) -> Plan:
    """Merge every attempt into ranked entries per service, with findings."""
    secure_tlsa = _secure_tlsa(attempts)
    grouped: dict[tuple[Service, str, int, Security], list[tuple[Origin, ServerCandidate]]]
    grouped = defaultdict(list)
    issuer_hosts: set[str] = set()  # hosts a document names an OAuth2 issuer for
    for attempt in attempts:
        tier = tier_of(attempt, attempts)
        if tier is None:
            continue
        for cand in attempt.candidates:
            origin = Origin(
                attempt.source,
                tier,
                attempt.auth,
                attempt.target,
                attempt.via,
                cand.order,
                cand.username,
                cand.from_plaintext,
            )
            grouped[(cand.service, cand.hostname, cand.port, cand.security)].append((origin, cand))
            if attempt.oauth2 is not None:
                issuer_hosts.add(cand.hostname)
    oauth_sources = [a for a in attempts if a.oauth2 is not None and tier_of(a, attempts)]
    services = []
    for service in _SERVICES:
        entries = [
            _entry(
                key, found, registrable, secure_tlsa, key[1] in issuer_hosts or oauth2_host(key[1])
            )
            for key, found in grouped.items()
            if key[0] is service
        ]
        entries.sort(key=_rank_key)
        services.append(ServicePlan(service, tuple(entries)))
    uses_oauth2 = bool(oauth_sources) or any(
        e.oauth2 for s in services if s.service is not Service.RELAY for e in s.entries
    )
    findings = plan_findings(domain, registrable, attempts, services, oauth_sources)
    return Plan(
        address=address,
        domain=domain,
        registrable=registrable,
        services=tuple(services),
        findings=tuple(findings),
        oauth2=oauth_sources[0].oauth2 if oauth_sources else None,
        uses_oauth2=uses_oauth2,
    )


def _secure_tlsa(attempts: Iterable[Attempt]) -> set[TlsaQuestion]:
    found = set()
    for attempt in attempts:
        usable = attempt.status is Status.FOUND and attempt.auth is Auth.DNSSEC_SECURE
        asked = attempt.payload_as(TlsaQuestion)
        if asked is not None and usable:
            found.add(asked)
    return found


def _entry(
    key: tuple[Service, str, int, Security],
    found: list[tuple[Origin, ServerCandidate]],
    registrable: str,
    secure_tlsa: set[TlsaQuestion],
    oauth2_issuer: bool,
) -> PlanEntry:
    service, host, port, security = key
    origins = sorted((o for o, _ in found), key=lambda o: (o.tier, _source_rank(o), o.order))
    best = origins[0].tier
    username = next((o.username for o in origins if o.username), None)
    methods: list[AuthMethod] = []
    for _, cand in sorted(found, key=lambda f: (f[0].tier, _source_rank(f[0]))):
        methods += [m for m in cand.auth_methods if m not in methods]
    oauth2 = AuthMethod.OAUTH2 in methods or oauth2_host(host)  # a known provider's host
    return PlanEntry(
        service=service,
        hostname=host,
        port=port,
        security=security,
        tier=best,
        username=username,
        auth_methods=tuple(methods),
        oauth2=oauth2,
        registrable=registrable_domain(host) or host,
        inside_domain=is_inside(host, registrable),
        dane=TlsaQuestion(host, port) in secure_tlsa,
        origins=tuple(origins),
        oauth2_issuer=oauth2_issuer,
    )


def _source_rank(origin: Origin) -> int:
    return SOURCE_RANK.index(origin.source) if origin.source in SOURCE_RANK else len(SOURCE_RANK)


def _rank_key(entry: PlanEntry) -> tuple[object, ...]:
    first = entry.origins[0]
    return (
        entry.tier,
        not entry.dane,
        entry.from_plaintext,
        _SECURITY_RANK[entry.security],
        -entry.agreement,
        _source_rank(first),
        first.order,
        entry.hostname,
        entry.port,
    )
