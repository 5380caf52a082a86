"""The trust table, merging and ranking, on attempts built by hand (policy is pure)."""

from __future__ import annotations

import pytest

from mailhop.core.model import AuthMethod, Security, ServerCandidate, Service
from mailhop.core.policy import Tier, make_plan, tier_of
from mailhop.core.report import Attempt, Auth, Source, Status

TLS, STARTTLS = Security.IMPLICIT_TLS, Security.STARTTLS


def cand(
    host: str,
    port: int = 993,
    security: Security = TLS,
    service: Service = Service.IMAP,
    order: int = 0,
    username: str | None = None,
    methods: tuple[AuthMethod, ...] = (),
) -> ServerCandidate:
    return ServerCandidate(service, host, port, security, username, methods, order)


def attempt(
    source: Source,
    auth: Auth,
    *candidates: ServerCandidate,
    status: Status = Status.FOUND,
    related: str | None = None,
    facts: tuple[tuple[str, str], ...] = (),
) -> Attempt:
    return Attempt(
        source,
        f"{source.value}-target",
        status,
        auth,
        "",
        0.0,
        0.0,
        candidates=candidates,
        related_host=related,
        facts=facts,
    )


def plan(*attempts: Attempt):
    return make_plan("jo@example.com", "example.com", "example.com", attempts)


@pytest.mark.parametrize(
    ("source", "auth", "tier"),
    [
        (Source.SRV, Auth.DNSSEC_SECURE, Tier.A),
        (Source.SRV, Auth.DNSSEC_INSECURE, Tier.C),
        (Source.SRV, Auth.DNSSEC_INDETERMINATE, Tier.C),
        (Source.SRV, Auth.DNSSEC_BOGUS, None),
        (Source.AUTOCONFIG, Auth.HTTPS_IN_DOMAIN, Tier.A),
        (Source.AUTOCONFIG, Auth.HTTPS_OTHER_DOMAIN, Tier.C),
        (Source.AUTOCONFIG, Auth.PLAIN_HTTP, None),
        (Source.PACC, Auth.DIGEST_MATCHED, Tier.A),
        (Source.PACC, Auth.HTTPS_IN_DOMAIN, None),
        (Source.ISPDB, Auth.HTTPS_PROVIDER, Tier.B),
        (Source.HTTP_AUTOCONFIG, Auth.PLAIN_HTTP, Tier.C),
        (Source.GUESS, Auth.GUESSED, Tier.C),
        (Source.AUTODISCOVER, Auth.HTTPS_IN_DOMAIN, Tier.A),
        (Source.AUTODISCOVER, Auth.HTTPS_OTHER_DOMAIN, Tier.C),
    ],
)
def test_tier_table(source: Source, auth: Auth, tier: Tier | None) -> None:
    assert tier_of(attempt(source, auth, cand("imap.example.com")), []) is tier


def test_a_failed_attempt_gives_no_tier() -> None:
    failed = attempt(Source.SRV, Auth.DNSSEC_SECURE, cand("a.example.com"), status=Status.FAILED)
    assert tier_of(failed, []) is None
    assert plan(failed).for_service(Service.IMAP).entries == ()


def test_mx_derived_is_b_only_when_the_mx_is_vouched_for() -> None:
    derived = attempt(
        Source.MX_AUTOCONFIG, Auth.HTTPS_IN_DOMAIN, cand("imap.host.net"), related="mx.host.net"
    )
    relay = cand("mx.host.net", 25, STARTTLS, Service.RELAY)
    assert tier_of(derived, [attempt(Source.MX, Auth.DNSSEC_INSECURE, relay)]) is Tier.C
    assert tier_of(derived, [attempt(Source.MX, Auth.DNSSEC_SECURE, relay)]) is Tier.B
    sts = attempt(Source.MTA_STS, Auth.HTTPS_IN_DOMAIN, facts=(("mx", "*.host.net"),))
    assert tier_of(derived, [attempt(Source.MX, Auth.DNSSEC_INSECURE, relay), sts]) is Tier.B


def test_ranking_tier_then_implicit_tls_then_agreement_then_order() -> None:
    result = plan(
        attempt(Source.SRV, Auth.DNSSEC_INSECURE, cand("forged.example.net")),
        attempt(
            Source.AUTOCONFIG,
            Auth.HTTPS_IN_DOMAIN,
            cand("imap.example.com", 143, STARTTLS, order=0),
            cand("imap.example.com", 993, TLS, order=1),
            cand("alt.example.com", 993, TLS, order=2),
        ),
        attempt(Source.WELL_KNOWN, Auth.HTTPS_IN_DOMAIN, cand("alt.example.com", 993)),
    )
    ranked = [(e.hostname, e.port, e.tier) for e in result.for_service(Service.IMAP).entries]
    assert ranked == [
        ("alt.example.com", 993, Tier.A),  # two sources agree
        ("imap.example.com", 993, Tier.A),
        ("imap.example.com", 143, Tier.A),  # listed first, but STARTTLS
        ("forged.example.net", 993, Tier.C),
    ]


def test_ties_break_the_same_way_whatever_the_input_order() -> None:
    one = attempt(Source.SRV, Auth.DNSSEC_SECURE, cand("b.example.com", order=0))
    two = attempt(Source.AUTOCONFIG, Auth.HTTPS_IN_DOMAIN, cand("a.example.com", order=0))
    forward = [e.hostname for e in plan(one, two).for_service(Service.IMAP).entries]
    backward = [e.hostname for e in plan(two, one).for_service(Service.IMAP).entries]
    assert forward == backward == ["b.example.com", "a.example.com"]  # SRV ranks first


def test_merged_entry_keeps_every_origin_and_the_best_username() -> None:
    result = plan(
        attempt(Source.SRV, Auth.DNSSEC_SECURE, cand("imap.example.com")),
        attempt(
            Source.ISPDB,
            Auth.HTTPS_PROVIDER,
            cand("imap.example.com", username="jo", methods=(AuthMethod.PASSWORD_ENCRYPTED,)),
        ),
        attempt(
            Source.AUTOCONFIG,
            Auth.HTTPS_IN_DOMAIN,
            cand("imap.example.com", username="jo@example.com"),
        ),
    )
    (entry,) = result.for_service(Service.IMAP).entries
    assert entry.tier is Tier.A and entry.agreement == 3
    assert [o.source for o in entry.origins] == [Source.SRV, Source.AUTOCONFIG, Source.ISPDB]
    assert entry.username == "jo@example.com"  # the tier-A source beats the database
    assert entry.auth_methods == (AuthMethod.PASSWORD_ENCRYPTED,)


def test_disagreeing_authenticated_sources_are_a_finding() -> None:
    agree = plan(
        attempt(Source.SRV, Auth.DNSSEC_SECURE, cand("imap.example.com")),
        attempt(Source.AUTOCONFIG, Auth.HTTPS_IN_DOMAIN, cand("imap.example.com")),
    )
    assert "sources-disagree" not in {f.code for f in agree.findings}
    disagree = plan(
        attempt(Source.SRV, Auth.DNSSEC_SECURE, cand("imap.example.com")),
        attempt(Source.AUTOCONFIG, Auth.HTTPS_IN_DOMAIN, cand("mail.example.com")),
    )
    (found,) = [f for f in disagree.findings if f.code == "sources-disagree"]
    assert "srv prefers imap.example.com:993" in found.helpdesk
    assert "autoconfig prefers mail.example.com:993" in found.helpdesk


def test_unsigned_srv_to_another_domain_is_flagged_and_needs_approval() -> None:
    result = plan(attempt(Source.SRV, Auth.DNSSEC_INSECURE, cand("imap.attacker.example")))
    (entry,) = result.for_service(Service.IMAP).entries
    assert entry.needs_approval and not entry.inside_domain
    assert entry.registrable == "attacker.example"
    codes = {f.code for f in result.findings}
    assert {"srv-other-domain-unsigned", "only-unauthenticated"} <= codes


def test_oauth2_from_a_known_provider_host() -> None:
    result = plan(attempt(Source.ISPDB, Auth.HTTPS_PROVIDER, cand("imap.gmail.com")))
    assert result.uses_oauth2
    assert "oauth2" in {f.code for f in result.findings}


def test_no_settings_is_an_error_finding() -> None:
    result = plan()
    errors = {f.code for f in result.findings if f.severity.value == "error"}
    assert errors == {"no-settings"}


def test_oauth2_from_a_document_is_carried_into_the_plan() -> None:
    from dataclasses import replace

    from mailhop.core.model import OAuth2Info

    info = OAuth2Info(issuer="accounts.example.com", scope="mail", auth_url=None, token_url=None)
    found = replace(
        attempt(
            Source.AUTOCONFIG,
            Auth.HTTPS_IN_DOMAIN,
            cand("imap.example.com", methods=(AuthMethod.OAUTH2,)),
        ),
        oauth2=info,
    )
    result = plan(found)
    assert result.uses_oauth2 and result.oauth2 == info
    (entry,) = result.for_service(Service.IMAP).entries
    assert entry.oauth2
    assert "autoconfig" in next(f for f in result.findings if f.code == "oauth2").helpdesk


def test_oauth2_from_an_untrusted_source_is_not_believed() -> None:
    from dataclasses import replace

    from mailhop.core.model import OAuth2Info

    failed = replace(
        attempt(Source.AUTOCONFIG, Auth.HTTPS_IN_DOMAIN, status=Status.FAILED),
        oauth2=OAuth2Info(issuer="evil.example"),
    )
    assert plan(failed).oauth2 is None
