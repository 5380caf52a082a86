"""Policy for what the MX leads to (issue 21): the most specific provider entry for an MX
host wins, and the MX host tried in phase 2 has the MX answer's trust. Pure: attempts are
built by hand, as in test_policy.py."""

from __future__ import annotations

from dataclasses import replace

from mailhop.core.common.model import Security, ServerCandidate, Service
from mailhop.core.discover.report import Attempt, Auth, ProviderKey, Source, Status
from mailhop.core.policy.plan import Tier, make_plan, tier_of

TLS, STARTTLS = Security.IMPLICIT_TLS, Security.STARTTLS
BUSINESS_MX = "contoso-com.mail.protection.outlook.com"


def cand(host: str, port: int = 993, service: Service = Service.IMAP) -> ServerCandidate:
    return ServerCandidate(
        service=service,
        hostname=host,
        port=port,
        security=TLS,
        username=None,
        auth_methods=(),
        order=0,
    )


def mx(*hosts: str, auth: Auth = Auth.DNSSEC_SECURE) -> Attempt:
    relays = tuple(
        ServerCandidate(
            service=Service.RELAY,
            hostname=h,
            port=25,
            security=STARTTLS,
            username=None,
            auth_methods=(),
            order=i,
        )
        for i, h in enumerate(hosts)
    )
    return Attempt(
        source=Source.MX,
        target="contoso.com MX",
        status=Status.FOUND,
        auth=auth,
        detail="",
        started=0.0,
        elapsed=0.0,
        candidates=relays,
    )


def derived(source: Source, key: str, mx_host: str, *candidates: ServerCandidate) -> Attempt:
    auth = Auth.HTTPS_PROVIDER if source is Source.MX_ISPDB else Auth.HTTPS_IN_DOMAIN
    return Attempt(
        source=source,
        target=f"{source.value} {key}",
        status=Status.FOUND if candidates else Status.NOTHING,
        auth=auth,
        detail="",
        started=0.0,
        elapsed=0.0,
        candidates=candidates,
        related_host=mx_host,
        payload=ProviderKey(key),
    )


def guess(host: str | None, *candidates: ServerCandidate) -> Attempt:
    return Attempt(
        source=Source.GUESS,
        target=f"guess {host}",
        status=Status.FOUND,
        auth=Auth.GUESSED,
        detail="",
        started=0.0,
        elapsed=0.0,
        candidates=candidates,
        related_host=host,
    )


def best_imap(*attempts: Attempt) -> tuple[str, Tier] | None:
    plan = make_plan("megan@contoso.com", "contoso.com", "contoso.com", attempts)
    entry = plan.for_service(Service.IMAP).best
    return None if entry is None else (entry.hostname, entry.tier)


def test_the_entry_keyed_on_the_mx_suffix_wins_over_the_providers_own() -> None:
    # Microsoft 365's shape: outlook.com is the consumer service, the customers' MX hosts
    # live under mail.protection.outlook.com. The consumer entry is found, and even listed
    # by the provider's own autoconfig too (two sources agree), but it is not this domain's.
    consumer_db = derived(
        Source.MX_ISPDB, "outlook.com", BUSINESS_MX, cand("imap-mail.outlook.com")
    )
    consumer_ac = derived(
        Source.MX_AUTOCONFIG, "outlook.com", BUSINESS_MX, cand("imap-mail.outlook.com")
    )
    business = derived(
        Source.MX_ISPDB, "mail.protection.outlook.com", BUSINESS_MX, cand("outlook.office365.com")
    )
    empty = derived(Source.MX_ISPDB, "protection.outlook.com", BUSINESS_MX)
    attempts = [mx(BUSINESS_MX), consumer_ac, consumer_db, empty, business]

    assert best_imap(*attempts) == ("outlook.office365.com", Tier.B)
    assert tier_of(consumer_db, attempts) is None
    assert tier_of(consumer_ac, attempts) is None
    assert tier_of(business, attempts) is Tier.B

    # Only an answer supersedes: with nothing found under the suffix, the provider's own
    # entry serves.
    empty_suffix = derived(Source.MX_ISPDB, "mail.protection.outlook.com", BUSINESS_MX)
    assert best_imap(mx(BUSINESS_MX), empty_suffix, consumer_db) == (
        "imap-mail.outlook.com",
        Tier.B,
    )
    # Nor does a deeper document that was redirected out of the provider's domain.
    redirected = replace(
        derived(Source.MX_AUTOCONFIG, "mail.protection.outlook.com", BUSINESS_MX, cand("x.evil")),
        auth=Auth.HTTPS_OTHER_DOMAIN,
    )
    assert tier_of(consumer_db, [mx(BUSINESS_MX), redirected, consumer_db]) is Tier.B
    # Per MX host: a second MX directly under the provider's domain keeps the broader entry.
    direct = derived(
        Source.MX_ISPDB, "outlook.com", "mx.outlook.com", cand("imap-mail.outlook.com")
    )
    both = [mx(BUSINESS_MX, "mx.outlook.com"), direct, business]
    assert tier_of(direct, both) is Tier.B
    assert tier_of(business, both) is Tier.B


def test_the_mx_host_tried_in_phase_two_has_the_mx_answers_trust() -> None:
    host = "mx01.contoso.com"
    tried = guess(host, cand(host), cand(host, 465, Service.SUBMISSION))
    named = guess(None, cand("mail.contoso.com"))
    signed = [mx(host), tried, named]
    unsigned = [mx(host, auth=Auth.DNSSEC_INSECURE), tried, named]

    assert tier_of(tried, signed) is Tier.B
    assert tier_of(tried, unsigned) is Tier.C
    assert tier_of(named, signed) is Tier.C  # a conventional name stays a guess

    plan = make_plan("mo@contoso.com", "contoso.com", "contoso.com", signed)
    (finding,) = [f for f in plan.findings if f.code == "guessed"]
    assert "mail.contoso.com:993" in finding.helpdesk and host not in finding.helpdesk
    plan = make_plan("mo@contoso.com", "contoso.com", "contoso.com", unsigned)
    (finding,) = [f for f in plan.findings if f.code == "guessed"]  # one, for both attempts
    assert host in finding.helpdesk and "mail.contoso.com" in finding.helpdesk
