"""What a plan tells the domain's admin and the person: findings from the attempts and entries.

Look-alike names (rule 4), DNS that failed or is unsigned, each service's entries
(nothing found, only unauthenticated, STARTTLS only, sources or usernames that disagree)
and MTA-STS; what the documents themselves said is document_findings.py. Pure: data in,
findings out; the domain is only words for a person here (U-label (A-label) for an IDN).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from ..common.domains import is_inside, registrable_domain
from ..common.findings import LOOKALIKE_CONSEQUENCE, Finding, finding, lookalike_words
from ..common.i18n import Words
from ..common.lookalike import HostName, classify_host, shown_host
from ..common.model import Security, Service
from ..discover.mtasts_answered import mta_sts_unanswered
from ..discover.parse_mtasts import mx_matches
from ..discover.report import Attempt, Auth, MtaSts, Source, Status
from ..dns.dnssec import Security as Dnssec
from .document_findings import document_findings
from .entries import PlanEntry, ServicePlan
from .tiers import Tier

__all__ = ["plan_findings"]


def plan_findings(
    domain: str,
    registrable: str,
    attempts: Sequence[Attempt],
    services: Sequence[ServicePlan],
    oauth_sources: Sequence[Attempt],
) -> list[Finding]:
    out: list[Finding] = []
    out += _lookalike_findings(domain, registrable, services)
    # From here on the domain is only words for a person: U-label (A-label) for an IDN.
    shown = shown_host(domain)
    out += _dns_findings(shown, registrable, attempts)
    out += document_findings(shown, attempts)
    for plan in services:
        out += _service_findings(shown, plan, attempts)
    out += _mta_sts_findings(shown, attempts)
    if oauth_sources or any(e.oauth2 for s in services for e in s.entries):
        names = sorted({a.source.value for a in oauth_sources}) or ["known provider hosts"]
        out.append(finding("oauth2", sources=", ".join(names)))
    return out


def _lookalike_findings(
    domain: str, registrable: str, services: Sequence[ServicePlan]
) -> list[Finding]:
    """A warning for the address's own domain and for each host whose name could pass for
    another (rule 4). Inside the registrable domain only the labels the domain chose for its
    hosts are judged: a look-alike registrable domain is the address's own, said once."""
    out: list[Finding] = []
    own = classify_host(domain)
    if own.lookalike:
        short, details = lookalike_words(own)
        out.append(finding("lookalike-address", domain=own.shown, short=short, details=details))
    seen: set[str] = set()
    for plan in services:
        for entry in plan.entries:
            if entry.hostname in seen:
                continue
            seen.add(entry.hostname)
            judged = entry.name
            if entry.inside_domain:
                below = entry.hostname.removesuffix(registrable).rstrip(".")
                if not below:
                    continue
                judged = classify_host(below)
            if not judged.lookalike:
                continue
            out.append(_lookalike_host(entry, judged, domain, services))
    return out


def _lookalike_host(
    entry: PlanEntry, judged: HostName, domain: str, services: Sequence[ServicePlan]
) -> Finding:
    named = [e for s in services for e in s.entries if e.hostname == entry.hostname]
    client = [e for e in named if e.service is not Service.RELAY]
    where = "inside" if entry.inside_domain else "outside" if client else "relay"
    sources = sorted({o.source.value for e in named for o in e.origins})
    consequence = Words(  # put into words when shown, in the person's language
        LOOKALIKE_CONSEQUENCE[where],
        (
            ("domain", classify_host(domain).shown),
            ("registrable", classify_host(entry.registrable).shown),
            ("sources", ", ".join(sources)),
        ),
    )
    short, details = lookalike_words(judged)
    host = entry.name
    return finding(
        "lookalike-host",
        host=host.shown,
        alabel=host.alabel,
        short=short,
        details=details,
        consequence=consequence,
        evidence=tuple(
            f"{e.service.value} {e.port}: named by {o.source.value} ({o.target}, tier "
            f"{o.tier.value})"
            for e in named
            for o in e.origins
        ),
    )


def _dns_findings(domain: str, registrable: str, attempts: Sequence[Attempt]) -> list[Finding]:
    out = []
    bogus = {}  # name -> (type, reason, which source asked), first seen
    for attempt in attempts:
        for rrset in attempt.records:
            if rrset.dnssec is Dnssec.BOGUS and rrset.name not in bogus:
                bogus[rrset.name] = (rrset.rdtype, rrset.reason, attempt.target)
    if bogus:
        # One finding for the lot: a broken zone makes every answer bogus at once.
        first, (rdtype, reason, _) = next(iter(bogus.items()))
        name = first if len(bogus) == 1 else f"{first} and {len(bogus) - 1} other name(s)"
        evidence = tuple(f"{n} {t}: {r}" for n, (t, r, _) in bogus.items())
        out.append(
            finding("dnssec-bogus", name=name, rdtype=rdtype, reason=reason, evidence=evidence)
        )
    srv_auth = {a.auth for a in attempts if a.source in (Source.SRV, Source.MX) and a.records}
    if Auth.DNSSEC_INSECURE in srv_auth:
        out.append(finding("unsigned-dns", domain=domain))
    for attempt in attempts:
        if attempt.source is not Source.SRV or attempt.auth is Auth.DNSSEC_SECURE:
            continue
        for cand in attempt.candidates:
            if not is_inside(cand.hostname, registrable):
                other = registrable_domain(cand.hostname) or cand.hostname
                out.append(
                    finding(
                        "srv-other-domain-unsigned",
                        service=cand.service.value,
                        host=shown_host(cand.hostname),
                        domain=domain,
                        record=attempt.target,
                        registrable=shown_host(other),
                        evidence=(attempt.target,),
                    )
                )
    return out


def _service_findings(domain: str, plan: ServicePlan, attempts: Sequence[Attempt]) -> list[Finding]:
    out: list[Finding] = []
    name = plan.service.value
    if plan.service is Service.RELAY:
        return out
    if not plan.entries:
        if plan.service is not Service.POP3:
            out.append(finding("no-settings", service=name, domain=domain))
        return out
    if all(e.tier is Tier.C for e in plan.entries):
        sources = sorted({o.source.value for e in plan.entries for o in e.origins})
        out.append(
            finding("only-unauthenticated", service=name, domain=domain, sources=", ".join(sources))
        )
    if all(e.security is Security.STARTTLS for e in plan.entries):
        out.append(finding("starttls-only", service=name))
    firsts: dict[Source, tuple[int, str]] = {}
    users: dict[str, set[str]] = defaultdict(set)
    for entry in plan.entries:
        where = f"{entry.name.shown}:{entry.port}"
        for origin in entry.origins:
            if origin.tier is not Tier.A:
                continue
            if origin.source not in firsts or origin.order < firsts[origin.source][0]:
                firsts[origin.source] = (origin.order, where)
            if origin.username:
                users[where].add(f"{origin.source.value}={origin.username}")
    if len({where for _, where in firsts.values()}) > 1:
        # Each authenticated source's first choice: a different one is a real conflict;
        # a source that merely lists fewer alternatives (no 587 next to 465) is not.
        text = "; ".join(f"{src.value} prefers {where}" for src, (_, where) in firsts.items())
        out.append(finding("sources-disagree", domain=domain, service=name, claims=text))
    for where, named in users.items():
        if len({n.split("=", 1)[1] for n in named}) > 1:
            out.append(
                finding(
                    "usernames-disagree",
                    domain=domain,
                    service=name,
                    host=where,
                    claims=", ".join(sorted(named)),
                )
            )
    return out


def _mta_sts_findings(domain: str, attempts: Sequence[Attempt]) -> list[Finding]:
    out: list[Finding] = []
    sts = next((a for a in attempts if a.source is Source.MTA_STS), None)
    if sts is None:
        return out
    if mta_sts_unanswered(sts):
        # Nothing came back from the domain: unknown, not "published incorrectly".
        out.append(finding("mta-sts-unchecked", reason=sts.detail, domain=domain))
        return out
    if sts.status is Status.FAILED:
        out.append(finding("mta-sts-broken", reason=sts.detail, domain=domain))
        return out
    if sts.status is not Status.FOUND:
        return out
    found = sts.payload_as(MtaSts)
    if found is not None and found.from_cache is not None:
        # RFC 8461 section 5.1: the cached copy is in force, and the live failure is said.
        cached = found.from_cache
        fetched, expires = cached.fetched_text(), cached.expires_text()
        out.append(
            finding(
                "mta-sts-cached", reason=sts.detail, domain=domain, fetched=fetched, expires=expires
            )
        )
    patterns = found.mx_patterns if found is not None else ()
    for attempt in attempts:
        if attempt.source is Source.MX:
            for cand in attempt.candidates:
                if not any(mx_matches(p, cand.hostname) for p in patterns):
                    out.append(
                        finding(
                            "mta-sts-mx-mismatch",
                            host=shown_host(cand.hostname),
                            patterns=", ".join(patterns) or "none",
                        )
                    )
    return out
