"""From a check to an account: choice, user names, profile, and re-check against the lab."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path

from mailhop.core.account.account import choose, profile_from_check, usernames
from mailhop.core.account.profile import compare, load_profile, save_profile
from mailhop.core.common.address import parse_address
from mailhop.core.common.model import Security, Service
from mailhop.core.discover.report import Auth, Source
from mailhop.core.policy.plan import Origin, PlanEntry, Tier
from mailhop.core.run.check import check
from tests.core.run.test_discovery import options
from tests.lab.lab import LabInfo


def entry(username: str | None) -> PlanEntry:
    origin = Origin(Source.AUTOCONFIG, Tier.A, Auth.HTTPS_IN_DOMAIN, "t", "v", 0, username)
    return PlanEntry(
        service=Service.IMAP,
        hostname="mail.example.com",
        port=993,
        security=Security.IMPLICIT_TLS,
        tier=Tier.A,
        username=username,
        auth_methods=(),
        oauth2=False,
        registrable="example.com",
        inside_domain=True,
        dane=False,
        origins=(origin,),
    )


def test_usernames_policy_first_then_address_then_local_part_at_most_two() -> None:
    assert usernames(entry(None), "jo@example.com") == ("jo@example.com", "jo")
    assert usernames(entry("jo"), "jo@example.com") == ("jo", "jo@example.com")
    assert usernames(entry("j.o"), "jo@example.com") == ("j.o", "jo@example.com")


def test_a_healthy_check_becomes_a_profile_and_rechecks_clean(lab: LabInfo, tmp_path: Path) -> None:
    address = parse_address("alice@healthy.test", allow_test_domains=True)
    report = asyncio.run(check(address, options(lab)))
    choice = choose(report)
    assert choice.blocked is None and choice.approvals == () and not choice.oauth2
    profile = profile_from_check(
        report, choice, usernames_used=("alice@healthy.test", "alice@healthy.test")
    )
    assert (profile.incoming.host, profile.incoming.port) == ("mail.healthy.test", 993)
    assert profile.incoming.authenticated_by == "dane-ee"
    assert len(profile.incoming.spki_sha256) == 64
    save_profile(profile, tmp_path)
    again = asyncio.run(check(address, options(lab)))
    fresh = profile_from_check(again, choose(again), usernames_used=("alice@healthy.test",) * 2)
    assert compare(load_profile(address.ascii, tmp_path), fresh) == ()
    rotated = replace(profile, incoming=replace(profile.incoming, spki_sha256="00" * 32))
    assert [d.kind for d in compare(rotated, fresh)] == ["rotated-key"]


def test_a_blocked_domain_has_no_account(lab: LabInfo) -> None:
    address = parse_address("jo@strip.cases.test", allow_test_domains=True)
    report = asyncio.run(check(address, options(lab, hard_deadline=4.0)))
    choice = choose(report)
    assert choice.blocked is not None and "receiving" in choice.blocked


def test_tier_c_choice_lists_its_approvals(lab: LabInfo) -> None:
    address = parse_address("erin@unsigned.test", allow_test_domains=True)
    report = asyncio.run(check(address, options(lab)))
    (request,) = choose(report).approvals
    assert request.registrable == "unsigned.test"
    assert request.hosts == ("mail.unsigned.test",)


def test_each_server_keeps_its_own_sign_in_method_mixedauth(lab: LabInfo) -> None:
    # mixedauth.test: the domain's autoconfig lists OAuth2 and a password for both servers.
    # Its IMAP server offers only OAUTHBEARER/XOAUTH2 (LOGINDISABLED); its submission server
    # (Postfix) only PLAIN and LOGIN. An expert: OAuth2 at IMAP, the password at submission,
    # and setup asks for the password for that server. (Before, the IMAP server's OAuth2
    # made both legs OAuth2: no client could send.)
    expected = {"imap": "oauth2", "submission": "password-cleartext"}
    address = parse_address("mo@mixedauth.test", allow_test_domains=True)
    report = asyncio.run(check(address, options(lab)))
    choice = choose(report)
    assert choice.blocked is None and choice.incoming is not None
    assert choice.outgoing is not None
    assert choice.oauth2  # the account has an OAuth2 server ...
    assert choice.password_legs == (choice.outgoing,)  # ... and a password server
    assert choice.oauth2_legs == (choice.incoming,)
    profile = profile_from_check(report, choice, usernames_used=(address.ascii,) * 2)
    found = {s.service.value: s.auth_method.value for s in (profile.incoming, profile.outgoing)}
    assert found == expected
