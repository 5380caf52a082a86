"""The trust table, merging and ranking, on attempts built by hand (policy is pure)."""

from __future__ import annotations

import idna
import pytest

from mailhop.core.common.findings import Severity
from mailhop.core.common.model import AuthMethod, Security, ServerCandidate, Service
from mailhop.core.discover.parse_mtasts import MtaStsMode, MtaStsPolicy
from mailhop.core.discover.report import Attempt, Auth, Failure, MtaSts, Payload, Source, Status
from mailhop.core.policy.plan import ApprovalReason, Plan, Tier, make_plan, tier_of

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
    return ServerCandidate(
        service=service,
        hostname=host,
        port=port,
        security=security,
        username=username,
        auth_methods=methods,
        order=order,
    )


def attempt(
    source: Source,
    auth: Auth,
    *candidates: ServerCandidate,
    status: Status = Status.FOUND,
    related: str | None = None,
    payload: Payload | None = None,
) -> Attempt:
    return Attempt(
        source=source,
        target=f"{source.value}-target",
        status=status,
        auth=auth,
        detail="",
        started=0.0,
        elapsed=0.0,
        candidates=candidates,
        related_host=related,
        payload=payload,
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
    policy = MtaStsPolicy(MtaStsMode.ENFORCE, ("*.host.net",), 86400)
    sts = attempt(Source.MTA_STS, Auth.HTTPS_IN_DOMAIN, payload=MtaSts("1", policy))
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


@pytest.mark.parametrize("host", ["outlook.office365.com", "imap.fastmail.com", "imap.mail.ru"])
def test_every_host_of_the_one_oauth2_provider_list_is_an_oauth2_host(host: str) -> None:
    # The policy once had its own eleven exact names; fastmail's was missing from it.
    result = plan(attempt(Source.ISPDB, Auth.HTTPS_PROVIDER, cand(host)))
    assert result.uses_oauth2 and result.access and all(e.oauth2 for e in result.access)


def test_no_settings_is_an_error_finding() -> None:
    result = plan()
    errors = {f.code for f in result.findings if f.severity.value == "error"}
    assert errors == {"no-settings"}


def test_oauth2_from_a_document_is_carried_into_the_plan() -> None:
    from dataclasses import replace

    from mailhop.core.common.model import OAuth2Info

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

    from mailhop.core.common.model import OAuth2Info

    failed = replace(
        attempt(Source.AUTOCONFIG, Auth.HTTPS_IN_DOMAIN, status=Status.FAILED),
        oauth2=OAuth2Info(issuer="evil.example"),
    )
    assert plan(failed).oauth2 is None


# -- look-alike host names (DESIGN.md section 4, rule 4; UTS #39) -----------------------------

LOOKALIKE_OUTSIDE = "imap.pr\u043evider.net"  # Cyrillic o (U+043E) in "provider"
LOOKALIKE_INSIDE = "m\u0430il.example.com"  # Cyrillic a (U+0430) in "mail"


def alabels(host: str) -> str:
    return idna.encode(host).decode("ascii")


def lookalike_codes(result: Plan) -> list[str]:
    return [f.code for f in result.findings if f.code.startswith("lookalike")]


def test_a_signed_record_naming_a_look_alike_host_outside_the_domain_needs_approval() -> None:
    alabel = "imap.xn--prvider-bjg.net"
    result = plan(attempt(Source.SRV, Auth.DNSSEC_SECURE, cand(alabel)))
    (entry,) = result.for_service(Service.IMAP).entries
    assert entry.tier is Tier.A and not entry.inside_domain
    assert entry.approval_reasons == (ApprovalReason.LOOKALIKE,) and entry.needs_approval
    (found,) = [f for f in result.findings if f.code == "lookalike-host"]
    assert found.severity is Severity.WARN
    shown = f"{LOOKALIKE_OUTSIDE} ({alabel})"
    assert shown in found.summary and "Cyrillic and Latin" in found.summary
    assert "U+043E CYRILLIC SMALL LETTER O" in found.helpdesk
    assert "until the person approves" in found.helpdesk


def test_a_look_alike_host_inside_the_domain_is_a_warning_without_approval() -> None:
    result = plan(attempt(Source.SRV, Auth.DNSSEC_SECURE, cand("xn--mil-6cd.example.com")))
    (entry,) = result.for_service(Service.IMAP).entries
    assert entry.inside_domain and entry.name.lookalike and not entry.needs_approval
    assert lookalike_codes(result) == ["lookalike-host"]
    (found,) = [f for f in result.findings if f.code == "lookalike-host"]
    assert f"{LOOKALIKE_INSIDE} (xn--mil-6cd.example.com)" in found.summary
    assert "needs no approval" in found.helpdesk


def test_an_unsigned_look_alike_host_outside_gives_both_reasons() -> None:
    result = plan(attempt(Source.SRV, Auth.DNSSEC_INSECURE, cand(alabels(LOOKALIKE_OUTSIDE))))
    (entry,) = result.for_service(Service.IMAP).entries
    assert entry.approval_reasons == (ApprovalReason.UNAUTHENTICATED, ApprovalReason.LOOKALIKE)


def test_a_look_alike_mx_host_is_flagged_but_never_asked_for() -> None:
    mx = cand(alabels(LOOKALIKE_OUTSIDE), port=25, security=STARTTLS, service=Service.RELAY)
    result = plan(attempt(Source.MX, Auth.DNSSEC_SECURE, mx))
    (found,) = [f for f in result.findings if f.code == "lookalike-host"]
    assert "no password goes to it" in found.helpdesk


@pytest.mark.parametrize(
    "host", ["imap.b\u00fccher.example", "imap.\u65e5\u672c\u8a9e\u30c6\u30b9\u30c8.jp"]
)
def test_an_ordinary_idn_outside_the_domain_is_no_look_alike(host: str) -> None:
    result = plan(attempt(Source.SRV, Auth.DNSSEC_SECURE, cand(alabels(host))))
    (entry,) = result.for_service(Service.IMAP).entries
    assert (
        entry.name.ulabel == host
        and entry.name.is_idn
        and not entry.needs_approval
        and lookalike_codes(result) == []
    )


def test_a_look_alike_address_domain_is_warned_about_once_and_not_blocked() -> None:
    domain = "xn--pypal-4ve.com"  # paypal with a Cyrillic a
    result = make_plan(
        f"jo@{domain}",
        domain,
        domain,
        [attempt(Source.SRV, Auth.DNSSEC_SECURE, cand(f"mail.{domain}"))],
    )
    (entry,) = result.for_service(Service.IMAP).entries
    assert entry.inside_domain and not entry.needs_approval
    assert lookalike_codes(result) == ["lookalike-address"]  # its own hosts are not repeated
    (found,) = result.findings[:1]
    assert "p\u0430ypal.com (xn--pypal-4ve.com)" in found.summary
    assert found.severity is Severity.WARN and "your own input" in found.helpdesk


def test_findings_name_idn_domains_and_hosts_in_both_forms() -> None:
    domain = "xn--fa-hia.de"  # faß.de
    other = alabels("imap.b\u00fccher.example")
    result = make_plan(
        f"jo@{domain}",
        domain,
        domain,
        [attempt(Source.SRV, Auth.DNSSEC_INSECURE, cand(other))],
    )
    (found,) = [f for f in result.findings if f.code == "srv-other-domain-unsigned"]
    assert "outside fa\u00df.de (xn--fa-hia.de)" in found.summary
    assert "imap.b\u00fccher.example (imap.xn--bcher-kva.example)" in found.summary
    assert "approves b\u00fccher.example (xn--bcher-kva.example) by name" in found.helpdesk
    (only,) = [f for f in result.findings if f.code == "only-unauthenticated"]
    assert "fa\u00df.de (xn--fa-hia.de)" in only.helpdesk


def failed(source: Source, failure: Failure, detail: str) -> Attempt:
    return Attempt(
        source=source,
        target="https://x",
        status=Status.FAILED,
        auth=Auth.NONE,
        detail=detail,
        started=0.0,
        elapsed=0.0,
        failure=failure,
    )


def test_a_document_refused_is_chosen_from_the_typed_failure_not_the_words() -> None:
    # Nothing listens at the web host: its words say "refused", and it published nothing.
    reset = "could not connect to autoconfig.example.com port 443 (192.0.2.1: connection refused)"
    quiet = plan(failed(Source.AUTOCONFIG, Failure.CONNECT_REFUSED, reset))
    assert "document-refused" not in [f.code for f in quiet.findings]
    # A document that arrived and was turned down, whatever its words.
    bad = plan(failed(Source.ISPDB, Failure.DOCUMENT_REFUSED, "the XML does not parse"))
    assert [f.code for f in bad.findings if f.code == "document-refused"] == ["document-refused"]


def test_the_relay_leg_never_needs_approval() -> None:
    # An unsigned MX (tier C) and a look-alike MX host outside the domain: no password goes
    # to either, so neither asks for approval; the same hosts for IMAP do.
    mx = attempt(
        Source.MX, Auth.DNSSEC_INSECURE, cand("mx.example.net", 25, STARTTLS, Service.RELAY)
    )
    relay = plan(mx).for_service(Service.RELAY).entries
    assert [(e.tier, e.needs_approval, e.approval_reasons) for e in relay] == [(Tier.C, False, ())]
    imap = plan(attempt(Source.SRV, Auth.DNSSEC_INSECURE, cand("mx.example.net")))
    assert imap.for_service(Service.IMAP).entries[0].needs_approval
