"""Which issuer, and may it be trusted (core/account/oauth_discover.py): the pure rules, then
the metadata read from the lab's authorization servers."""

from __future__ import annotations

import asyncio
import json
import time

import pytest

from mailhop.core.account.oauth_discover import (
    IssuerAttempt,
    IssuerStatus,
    classify_issuer,
    discover_issuer,
    issuer_of,
    metadata_url,
    parse_metadata,
)
from mailhop.core.net.fetch import Fetcher
from mailhop.core.net.tlscontext import client_context
from tests.core.net.test_fetch import lab_resolve
from tests.lab.lab import LabInfo


@pytest.mark.parametrize(
    ("hint", "issuer"),
    [
        ("https://login.a.test/.well-known/openid-configuration", "https://login.a.test"),
        (
            "https://login.a.test/.well-known/oauth-authorization-server/t1",
            "https://login.a.test/t1",
        ),
        ("accounts.a.test", "https://accounts.a.test"),
        ("https://login.a.test/", "https://login.a.test"),
    ],
)
def test_the_issuer_from_a_metadata_url_or_a_host(hint: str, issuer: str) -> None:
    assert issuer_of(hint) == issuer


def test_the_metadata_url_puts_the_suffix_before_the_path() -> None:
    # RFC 8414 section 3.1
    assert metadata_url("https://a.test/t1") == (
        "https://a.test/.well-known/oauth-authorization-server/t1"
    )


@pytest.mark.parametrize(
    ("issuer", "status"),
    [
        ("https://accounts.a.test", IssuerStatus.TRUSTED),  # inside the address's domain
        ("https://a.test", IssuerStatus.TRUSTED),
        ("http://accounts.a.test", IssuerStatus.REFUSED),  # plain HTTP
        ("https://user:pw@accounts.a.test", IssuerStatus.REFUSED),
        ("https://accounts.a.test:8443", IssuerStatus.REFUSED),
        ("https://accounts.a.test?x=1", IssuerStatus.REFUSED),
        ("https://127.0.0.1", IssuerStatus.REFUSED),
        ("https://login.idp.test", IssuerStatus.NEEDS_APPROVAL),  # another domain
        ("https://a.test.idp.test", IssuerStatus.NEEDS_APPROVAL),  # a look-alike prefix
        # profile revision 06, 3.2: issuers compare exactly, so no second spelling
        ("https://accounts.a.test/t1/../t2", IssuerStatus.REFUSED),
        ("https://accounts.a.test/./t1", IssuerStatus.REFUSED),
        ("https://accounts.a.test/%741", IssuerStatus.REFUSED),  # %74 is "t"
        ("https://accounts.a.test/t%2F1", IssuerStatus.TRUSTED),  # "/" is reserved: kept
    ],
)
def test_trust_is_decided_before_any_fetch(issuer: str, status: IssuerStatus) -> None:
    assert classify_issuer(issuer, address_domain="a.test").status is status


def test_a_foreign_issuer_is_named_in_full_and_approval_or_vouching_lets_it_in() -> None:
    asked = classify_issuer("https://login.xn--fa-hia.test", address_domain="a.test")
    assert asked.status is IssuerStatus.NEEDS_APPROVAL
    assert "faß.test" in asked.reason and "xn--fa-hia.test" in asked.reason
    approved = classify_issuer(
        "https://login.xn--fa-hia.test", address_domain="a.test", approved=["xn--fa-hia.test"]
    )
    assert approved.status is IssuerStatus.TRUSTED
    vouched = classify_issuer(
        "https://login.idp.test", address_domain="a.test", vouched=["login.idp.test"]
    )
    assert vouched.status is IssuerStatus.TRUSTED


GOOD = {
    "issuer": "https://i.test",
    "authorization_endpoint": "https://i.test/a",
    "token_endpoint": "https://i.test/t",
    "response_types_supported": ["code"],
    "code_challenge_methods_supported": ["S256"],
}


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"issuer": "https://other.test"}, "another issuer"),
        ({"token_endpoint": "http://i.test/t"}, "token_endpoint"),
        ({"code_challenge_methods_supported": ["plain"]}, "S256"),
        ({"response_types_supported": ["token"]}, "authorization code"),
        ({"registration_endpoint": "http://i.test/r"}, "registration_endpoint"),
    ],
)
def test_metadata_that_breaks_a_rule_is_refused(change: dict[str, object], why: str) -> None:
    found, problem = parse_metadata(json.dumps({**GOOD, **change}).encode(), "https://i.test")
    assert found is None and why in problem


def test_good_metadata_is_read() -> None:
    found, _ = parse_metadata(json.dumps(GOOD).encode(), "https://i.test")
    assert found is not None and found.registration_endpoint is None


def discover(lab: LabInfo, hint: str, **options: object) -> IssuerAttempt:
    async def go() -> IssuerAttempt:
        async with Fetcher(lab_resolve(lab), client_context(lab.ca_file)) as fetcher:
            return await discover_issuer(
                hint,
                fetcher=fetcher,
                deadline=time.monotonic() + 5,
                **options,  # type: ignore[arg-type]
            )

    return asyncio.run(go())


def test_the_lab_issuers_metadata_over_verified_https(lab: LabInfo) -> None:
    found = discover(
        lab,
        "https://accounts.oauthsignin.test/.well-known/openid-configuration",
        address_domain="oauthsignin.test",
    )
    assert found.status is IssuerStatus.TRUSTED and found.metadata is not None
    assert found.metadata.token_endpoint.endswith("accounts.oauthsignin.test/token")


def test_an_unreachable_issuer_is_could_not_check(lab: LabInfo) -> None:
    found = discover(
        lab, "https://nothing-here.oauthsignin.test", address_domain="oauthsignin.test"
    )
    assert found.status is IssuerStatus.FAILED  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "hint",
    [
        "https://[::1/.well-known/openid-configuration",  # found by tests/fuzz/fuzz_oauth.py
        "http://[zz]/x",
        "https://host.test:99999",
    ],
)
def test_a_malformed_hint_is_refused_not_raised(hint: str) -> None:
    decided = classify_issuer(issuer_of(hint), address_domain="a.test")
    assert decided.status is IssuerStatus.REFUSED


def test_a_server_named_url_is_shown_as_plain_text() -> None:
    hostile = "http://evil.test/\x1b]8;;https://x\x07click\x1b[2J\u202e"
    decided = classify_issuer(hostile, address_domain="a.test")
    assert decided.status is IssuerStatus.REFUSED
    assert "\x1b" not in decided.reason and "\u202e" not in decided.reason


def test_metadata_with_an_unparsable_endpoint_is_refused() -> None:
    broken = {**GOOD, "token_endpoint": "https://[::1/t"}
    found, problem = parse_metadata(json.dumps(broken).encode(), "https://i.test")
    assert found is None and "token_endpoint" in problem


def test_metadata_only_at_the_openid_path_is_found_there(lab: LabInfo) -> None:
    # login.idp-elsewhere.test answers 404 at RFC 8414's path: the profile's fallback, the
    # OpenID Connect discovery document, holds its metadata, protected resources included.
    found = discover(
        lab,
        "https://login.idp-elsewhere.test",
        address_domain="oauthsignin.test",
        approved=("idp-elsewhere.test",),
    )
    assert found.status is IssuerStatus.TRUSTED and found.metadata is not None, found.reason
    assert found.metadata.protected_resources == (
        "imap://foreign.oauthsignin.test",
        "smtp://foreign.oauthsignin.test",
    )


def test_protected_resources_in_an_unreadable_form_are_refused() -> None:
    body = dict(GOOD, protected_resources="imap://a.test")
    metadata, why = parse_metadata(json.dumps(body).encode(), "https://i.test")
    assert metadata is None and "protected resources" in why
