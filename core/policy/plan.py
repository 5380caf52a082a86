"""From attempts to a plan: trust tiers by one table, merged and ranked per service.

Tiers (DESIGN.md section 4):

    A  domain-authenticated: DNSSEC-secure DNS validated by mailhop; autoconfig or
       Autodiscover over HTTPS with every hop HTTPS and inside the domain; PACC whose
       SHA-256 matches the _ua-auto-config record.
    B  curated or delegated: the provider database over HTTPS; MX-derived lookups when
       the MX answer is DNSSEC-secure or the domain's own MTA-STS policy lists that MX
       (the most specific domain that answered for the MX host wins, see _superseded;
       phase 2's try of the MX host itself on standard ports counts as MX-derived).
    C  unauthenticated: DNS without DNSSEC, plain HTTP, redirects out of the domain,
       MX-derived lookups otherwise, guesses.

Per service, candidates are ordered (section 5) by: tier; verified before unverified
(at discovery time: a DNSSEC-secure TLSA record exists, so the probe can authenticate
the key itself); implicit TLS before STARTTLS; agreement between independent sources;
the source's own order (the order of ``SOURCE_RANK``, then SRV priority/weight or
document order); finally host name and port, so ties break the same way every time.
An endpoint mailhop derived from a host a source published only with plaintext (the
standard TLS ports on that host, ``ServerCandidate.from_plaintext``) keeps the source's
tier, since the source vouched for the host, but ranks after the endpoints of the same
tier that were published with TLS: the port and the security are mailhop's, not the
source's.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..common.domains import is_inside, registrable_domain
from ..common.findings import LOOKALIKE_CONSEQUENCE, Finding, finding, lookalike_words
from ..common.i18n import Words
from ..common.lookalike import HostName, classify_host, shown_host
from ..common.model import AuthMethod, IssueCode, OAuth2Info, Security, ServerCandidate, Service
from ..discover.parse_mtasts import mx_matches
from ..discover.report import (
    Attempt,
    Auth,
    Failure,
    MtaSts,
    ProviderKey,
    RefusedRedirect,
    Source,
    Status,
    TlsaQuestion,
)

__all__ = [
    "OAUTH2_PROVIDER_HOSTS",
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


class Tier(enum.StrEnum):
    A = "A"
    B = "B"
    C = "C"


class ApprovalReason(enum.StrEnum):
    """Why a person must approve a host before a password goes to it (DESIGN.md rule 4)."""

    UNAUTHENTICATED = "unauthenticated"  # tier C: no authenticated source named it
    LOOKALIKE = "lookalike"  # a look-alike name (UTS #39) outside the registrable domain


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
    # MX-derived: B or C depending on the MX answer, see tier_of
    Source.MX_AUTOCONFIG: {Auth.HTTPS_IN_DOMAIN: Tier.B, Auth.HTTPS_OTHER_DOMAIN: Tier.C},
    Source.MX_ISPDB: {Auth.HTTPS_PROVIDER: Tier.B},
}

# The source's own order, the last tie-break before host names (section 5).
SOURCE_RANK: tuple[Source, ...] = (
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

# Hosts of providers known to require OAuth2 for third-party clients (section 5).
OAUTH2_PROVIDER_HOSTS = frozenset(
    {
        "imap.gmail.com",
        "smtp.gmail.com",
        "pop.gmail.com",
        "outlook.office365.com",
        "smtp.office365.com",
        "imap-mail.outlook.com",
        "smtp-mail.outlook.com",
        "imap.mail.yahoo.com",
        "smtp.mail.yahoo.com",
        "imap.aol.com",
        "smtp.aol.com",
    }
)

_SERVICES = (Service.SUBMISSION, Service.IMAP, Service.POP3, Service.RELAY)
_SECURITY_RANK = {Security.IMPLICIT_TLS: 0, Security.STARTTLS: 1}


@dataclass(frozen=True, slots=True)
class Origin:
    """Where one plan entry came from: one attempt's say-so, with its tier."""

    source: Source
    tier: Tier
    auth: Auth
    target: str
    via: str
    order: int
    username: str | None
    from_plaintext: bool = False  # the source listed the host only without TLS


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanEntry:
    """One endpoint for one service, merged over every source that named it (twelve
    fields: built by keyword only, so no two same-typed ones can trade places)."""

    service: Service
    hostname: str
    port: int
    security: Security
    tier: Tier  # the best tier among the origins
    username: str | None  # from the best-tier origin that states one
    auth_methods: tuple[AuthMethod, ...]
    oauth2: bool
    registrable: str  # the host's registrable domain (A-label), shown in approvals
    inside_domain: bool  # same registrable domain as the address
    dane: bool  # a DNSSEC-secure TLSA record exists for this host and port
    origins: tuple[Origin, ...]
    # An OAuth2 issuer is known for this host: a source that named it published OAuth2
    # endpoints (autoconfig <oAuth2>, PACC oauth-public), or it is a known provider host.
    oauth2_issuer: bool = False

    @property
    def from_plaintext(self) -> bool:
        """Every source that named this endpoint listed its host only without TLS."""
        return all(origin.from_plaintext for origin in self.origins)

    @property
    def agreement(self) -> int:
        return len({origin.source for origin in self.origins})

    @property
    def name(self) -> HostName:
        """The host name in both forms, with its look-alike labels (UTS #39)."""
        return classify_host(self.hostname)

    @property
    def approval_reasons(self) -> tuple[ApprovalReason, ...]:
        """Rule 4: tier C (the best tier is C only when no A or B source named the host, so
        this covers "outside the domain and nobody vouching"), and a look-alike name outside
        the address's registrable domain whatever its tier: a signed record vouches that the
        domain named the host, not that the person can tell the name from the one it mimics.
        Never for the relay (MX) leg: approval is about where a password goes, and no
        password goes to a domain's MX host."""
        if self.service is Service.RELAY:
            return ()
        reasons = []
        if self.tier is Tier.C:
            reasons.append(ApprovalReason.UNAUTHENTICATED)
        if not self.inside_domain and self.name.lookalike:
            reasons.append(ApprovalReason.LOOKALIKE)
        return tuple(reasons)

    @property
    def needs_approval(self) -> bool:
        return bool(self.approval_reasons)


@dataclass(frozen=True, slots=True)
class ServicePlan:
    service: Service
    entries: tuple[PlanEntry, ...]  # best first

    @property
    def best(self) -> PlanEntry | None:
        return self.entries[0] if self.entries else None


@dataclass(frozen=True, slots=True)
class Plan:
    address: str
    domain: str
    registrable: str
    services: tuple[ServicePlan, ...]
    findings: tuple[Finding, ...]
    oauth2: OAuth2Info | None
    uses_oauth2: bool

    def for_service(self, service: Service) -> ServicePlan:
        return next(plan for plan in self.services if plan.service is service)

    @property
    def access(self) -> tuple[PlanEntry, ...]:
        """Incoming mail, IMAP before POP3."""
        return self.for_service(Service.IMAP).entries + self.for_service(Service.POP3).entries


def tier_of(attempt: Attempt, attempts: Sequence[Attempt]) -> Tier | None:
    """The trust tier of an attempt's data, or None when it must not be used."""
    if attempt.status is not Status.FOUND:
        return None
    tier = TIER_TABLE.get(attempt.source, {}).get(attempt.auth)
    if attempt.source in _MX_DERIVED and tier is not None and _superseded(attempt, attempts):
        return None
    if tier is Tier.B and attempt.source in _MX_DERIVED:
        return Tier.B if _mx_vouched(attempt.related_host, attempts) else Tier.C
    if attempt.source is Source.GUESS and attempt.related_host is not None:
        # Phase 2 tried the MX host itself on the standard ports: the host is as
        # authenticated as the MX answer that named it (MX-derived, section 4); only the
        # port is a guess, and the probe's TLS check settles it.
        return Tier.B if _mx_vouched(attempt.related_host, attempts) else Tier.C
    return tier


_MX_DERIVED = (Source.MX_AUTOCONFIG, Source.MX_ISPDB)


def _mx_key(attempt: Attempt) -> str:
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
    return bool(_superseding_keys(attempt, attempts))


def _superseding_keys(attempt: Attempt, attempts: Sequence[Attempt]) -> list[str]:
    """The deeper domains whose answers replace this MX-derived one (see _superseded);
    empty when it stays in use."""
    key = _mx_key(attempt)
    if not key:
        return []
    # Only an answer that stayed with the provider counts (not one redirected elsewhere).
    answered = {
        _mx_key(a)
        for a in attempts
        if a.source in _MX_DERIVED
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


def make_plan(address: str, domain: str, registrable: str, attempts: Sequence[Attempt]) -> Plan:
    """Merge every attempt into ranked entries per service, with findings."""
    secure_tlsa = _secure_tlsa(attempts)
    grouped: dict[tuple[Service, str, int, Security], list[tuple[Origin, ServerCandidate]]]
    grouped = defaultdict(list)
    issuer_hosts = set(OAUTH2_PROVIDER_HOSTS)
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
            _entry(key, found, registrable, secure_tlsa, key[1] in issuer_hosts)
            for key, found in grouped.items()
            if key[0] is service
        ]
        entries.sort(key=_rank_key)
        services.append(ServicePlan(service, tuple(entries)))
    uses_oauth2 = bool(oauth_sources) or any(
        e.oauth2 for s in services if s.service is not Service.RELAY for e in s.entries
    )
    plan_findings = _findings(domain, registrable, attempts, services, oauth_sources)
    return Plan(
        address=address,
        domain=domain,
        registrable=registrable,
        services=tuple(services),
        findings=tuple(plan_findings),
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
    oauth2 = AuthMethod.OAUTH2 in methods or host in OAUTH2_PROVIDER_HOSTS
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


def _findings(
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
    out += _document_findings(shown, attempts)
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
            if rrset.dnssec.value == "bogus" and rrset.name not in bogus:
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


def _document_findings(domain: str, attempts: Sequence[Attempt]) -> list[Finding]:
    out = []
    for attempt in attempts:
        name = f"{attempt.source.value} ({attempt.target})"
        dropped = []
        for issue in attempt.issues:
            if issue.code is IssueCode.PLAINTEXT_REJECTED:
                out.append(finding("plaintext-offered", source=name, where=issue.where))
            elif issue.code is IssueCode.PASSWORD_IGNORED:
                out.append(finding("password-in-document", source=name, where=issue.where))
            elif issue.code not in (IssueCode.DEFAULTED, IssueCode.REALNAME_IGNORED):
                dropped.append(f"{issue.where or 'document'}: {issue.message}")
        if dropped:
            out.append(
                finding(
                    "entries-dropped",
                    source=name,
                    count=len(dropped),
                    examples="; ".join(dropped[:3]),
                )
            )
        # A document that arrived and was not used, chosen by the attempt's typed failure:
        # a host that refused the TCP connection published nothing, whatever its words say.
        if (
            attempt.status is Status.FAILED
            and attempt.source
            in (
                Source.AUTOCONFIG,
                Source.WELL_KNOWN,
                Source.PACC,
                Source.ISPDB,
            )
            and attempt.failure is Failure.DOCUMENT_REFUSED
        ):
            out.append(
                finding(
                    "document-refused",
                    source=attempt.source.value,
                    reason=attempt.detail,
                    target=attempt.target,
                )
            )
        if attempt.status is Status.FOUND and attempt.auth is Auth.HTTPS_OTHER_DOMAIN:
            out.append(
                finding(
                    "redirect-other-domain",
                    source=attempt.source.value,
                    target=attempt.target,
                    hops=" -> ".join(attempt.hops),
                    domain=domain,
                )
            )
        if attempt.payload_as(RefusedRedirect) is not None:
            out.append(
                finding("autodiscover-redirect-refused", domain=domain, reason=attempt.detail)
            )
        if attempt.source is Source.HTTP_AUTOCONFIG and attempt.status is Status.FOUND:
            out.append(finding("plain-http-used", target=attempt.target))
        if attempt.source in _MX_DERIVED and attempt.status is Status.FOUND:
            # Nothing set aside silently: say which broader entry lost to which deeper one.
            deeper = _superseding_keys(attempt, attempts)
            if deeper:
                out.append(
                    finding(
                        "mx-entry-superseded",
                        source=attempt.source.value,
                        broad=shown_host(_mx_key(attempt)),
                        deep=", ".join(shown_host(k) for k in deeper),
                        target=attempt.target,
                    )
                )
    # One finding for every guess that stayed tier C (the MX host's and the conventional
    # names' are separate attempts; a signed MX host is not a guess in this sense).
    guessed = sorted(
        {
            f"{shown_host(c.hostname)}:{c.port}"
            for a in attempts
            if a.source is Source.GUESS and tier_of(a, attempts) is Tier.C
            for c in a.candidates
        }
    )
    if guessed:
        out.append(finding("guessed", hosts=", ".join(guessed)))
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
    if sts.status is Status.FAILED:
        out.append(finding("mta-sts-broken", reason=sts.detail, domain=domain))
        return out
    if sts.status is not Status.FOUND:
        return out
    found = sts.payload_as(MtaSts)
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
