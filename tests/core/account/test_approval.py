"""Approval requests: who needs a yes, and the words that ask for it."""

from __future__ import annotations

from dataclasses import replace

from mailhop.core.account.approval import Approval, approvals_needed, is_approved
from mailhop.core.common.model import Security, Service
from mailhop.core.discover.report import Auth, Source
from mailhop.core.policy.plan import Origin, PlanEntry, Tier


def entry(host: str, registrable: str, tier: Tier, inside: bool, auth: Auth) -> PlanEntry:
    origin = Origin(Source.SRV, tier, auth, f"_imaps._tcp SRV -> {host}", "dns", 0, None)
    return PlanEntry(
        service=Service.IMAP,
        hostname=host,
        port=993,
        security=Security.IMPLICIT_TLS,
        tier=tier,
        username=None,
        auth_methods=(),
        oauth2=False,
        registrable=registrable,
        inside_domain=inside,
        dane=False,
        origins=(origin,),
    )


SIGNED = entry("mail.example.com", "example.com", Tier.A, True, Auth.DNSSEC_SECURE)
HOSTED = entry("imap.provider.net", "provider.net", Tier.A, False, Auth.DNSSEC_SECURE)
FORGED = entry("imap.xn--fa-hia.de", "xn--fa-hia.de", Tier.C, False, Auth.DNSSEC_INSECURE)


def test_authenticated_hosts_need_no_approval_even_in_another_domain() -> None:
    assert approvals_needed([SIGNED, HOSTED]) == ()
    assert is_approved(SIGNED, []) and is_approved(HOSTED, [])


def test_tier_c_needs_approval_naming_both_forms_in_full() -> None:
    (request,) = approvals_needed([SIGNED, FORGED])
    assert (request.registrable, request.unicode) == ("xn--fa-hia.de", "faß.de")
    assert request.hosts == ("imap.xn--fa-hia.de",)
    question = request.question()
    assert "faß.de" in question and "xn--fa-hia.de" in question and "…" not in question
    assert not is_approved(FORGED, [])
    granted = Approval.grant(request)
    assert is_approved(FORGED, [granted])


def test_an_approval_covers_only_the_hosts_it_names() -> None:
    (request,) = approvals_needed([FORGED])
    other = replace(FORGED, hostname="smtp.xn--fa-hia.de")
    assert not is_approved(other, [Approval.grant(request)])


def test_one_request_per_domain_in_a_stable_order() -> None:
    second = replace(FORGED, hostname="smtp.xn--fa-hia.de")
    third = entry("mx.attacker.example", "attacker.example", Tier.C, False, Auth.GUESSED)
    requests = approvals_needed([third, FORGED, second])
    assert [r.registrable for r in requests] == ["attacker.example", "xn--fa-hia.de"]
    assert requests[1].hosts == ("imap.xn--fa-hia.de", "smtp.xn--fa-hia.de")


def test_the_question_shows_each_idn_host_in_both_forms() -> None:
    (request,) = approvals_needed([FORGED])
    assert request.domain_shown == "faß.de (xn--fa-hia.de)"
    assert "imap.faß.de (imap.xn--fa-hia.de)" in request.question()


# A Cyrillic o (U+043E) in "provider": a look-alike outside the address's domain.
LOOKALIKE = entry(
    "imap.xn--prvider-bjg.net", "xn--prvider-bjg.net", Tier.A, False, Auth.DNSSEC_SECURE
)


def test_a_look_alike_host_outside_the_domain_needs_approval_even_when_signed() -> None:
    assert not is_approved(LOOKALIKE, [])
    (request,) = approvals_needed([SIGNED, LOOKALIKE])
    assert (request.registrable, request.unicode) == ("xn--prvider-bjg.net", "pr\u043evider.net")
    question = request.question()
    assert "imap.pr\u043evider.net (imap.xn--prvider-bjg.net)" in question
    assert "pr\u043evider.net (xn--prvider-bjg.net)" in question
    assert "mixes Cyrillic and Latin letters" in question and "U+043E" in question
    assert "Nothing the domain authenticated" not in question  # it was signed
    assert is_approved(LOOKALIKE, [Approval.grant(request)])


def test_a_look_alike_host_inside_the_domain_needs_no_approval() -> None:
    inside = entry("xn--mil-6cd.example.com", "example.com", Tier.A, True, Auth.DNSSEC_SECURE)
    assert inside.name.lookalike
    assert approvals_needed([inside]) == () and is_approved(inside, [])
