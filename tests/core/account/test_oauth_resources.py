"""Where an issuer's token may go (core/account/oauth_resources.py): the rule on metadata,
then the lab: a token for another server's resources is never asked for, the browser never
opens, and a listed server signs in as before."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from mailhop.core.account.oauth_discover import IssuerMetadata, IssuerStatus
from mailhop.core.account.oauth_resources import refused_hosts, resource_hosts
from mailhop.core.account.oauth_signin import recheck_account, sign_in_account
from mailhop.core.account.secrets import SecretStore
from mailhop.core.common.model import Service
from mailhop.core.run.check import CheckReport
from tests.core.account.test_oauth_signin import (
    JO,
    SECONDS,
    browser,
    checks,  # noqa: F401  (a fixture)
    issuer_for,
    probe,
    run,
    sign_in,
    store,  # noqa: F401  (a fixture)
)
from tests.lab.lab import LabInfo


def metadata(resources: tuple[str, ...] | None) -> IssuerMetadata:
    return IssuerMetadata(
        issuer="https://login.idp.test",
        authorization_endpoint="https://login.idp.test/a",
        token_endpoint="https://login.idp.test/t",  # noqa: S106 - a URL
        registration_endpoint=None,
        revocation_endpoint=None,
        scopes_supported=(),
        protected_resources=resources,
    )


def test_resource_identifiers_name_hosts() -> None:
    found = resource_hosts(("imap://Mail.A.test", "smtp://mail.a.test:465", "pop.a.test", "::"))
    assert found == {"mail.a.test", "pop.a.test"}


@pytest.mark.parametrize(
    ("resources", "host", "documented", "refused"),
    [
        # listed: only the servers it names, whatever documents say
        (("imap://mail.a.test",), "mail.a.test", False, False),
        (("imap://mail.a.test",), "mail.evil.test", True, True),
        (("imap://mail.a.test",), "imap.idp.test", False, True),  # even in its own domain
        ((), "imap.idp.test", False, True),  # an empty list lists nothing
        # not listed: the issuer's registrable domain, or a document of the domain named it
        (None, "imap.idp.test", False, False),
        (None, "mail.evil.test", False, True),
        (None, "imap.gmail.test", True, False),
    ],
)
def test_a_token_goes_only_where_the_issuer_says(
    resources: tuple[str, ...] | None, host: str, documented: bool, refused: bool
) -> None:
    hosts, why = refused_hosts(metadata(resources), (host,), documented=documented)
    assert bool(hosts) is refused and (host in why) is refused


# --- the lab -------------------------------------------------------------------------------


def test_a_foreign_issuer_listing_other_servers_is_never_signed_in_for_these(
    lab: LabInfo,
    checks: Callable[[str], CheckReport],  # noqa: F811
) -> None:
    # mail.oauthsignin.test's servers, and the issuer of foreign.oauthsignin.test approved by
    # the person: login.idp-elsewhere.test lists only foreign.oauthsignin.test's servers. A
    # server naming someone else's issuer gets no token from it: the browser never opens.
    report = checks(JO)
    approved = issuer_for(lab, checks("jo@foreign.oauthsignin.test"), "jo@foreign.oauthsignin.test",
                          approved=("idp-elsewhere.test",))  # fmt: skip
    assert approved.status is IssuerStatus.TRUSTED and approved.metadata is not None
    endpoints = (probe(report, Service.IMAP, 993), probe(report, Service.SUBMISSION, 465))
    opened = browser(lab)
    done = run(
        lab,
        lambda fetcher, context: sign_in_account(
            JO,
            approved,
            endpoints,
            fetcher=fetcher,
            context=context,
            open_browser=opened,
            deadline=time.monotonic() + SECONDS,
            approved_endpoint=False,
            store=None,
        ),
    )
    assert not done.ok and done.flow is None and not done.logins
    assert "mail.oauthsignin.test" in done.reason and "login.idp-elsewhere.test" in done.reason
    assert opened.shown == []  # type: ignore[attr-defined]
    # ... while its own listed servers may have its tokens
    own = refused_hosts(approved.metadata, ("foreign.oauthsignin.test",), documented=False)
    assert own == ((), "")


def test_an_issuer_listing_nothing_signs_in_only_its_own_domains_servers(
    lab: LabInfo,
    checks: Callable[[str], CheckReport],  # noqa: F811
) -> None:
    # accounts.oauthsignin.test lists no protected resources: mail.oauthsignin.test, in its
    # registrable domain, may have its tokens (test_oauth_signin's full sign-in); a server of
    # another domain (mail.healthy.test) named only by its own SASL answer may not.
    issuer = issuer_for(lab, checks(JO), JO)
    assert issuer.metadata is not None and issuer.metadata.protected_resources is None
    other = checks("alice@healthy.test")
    opened = browser(lab)
    done = run(
        lab,
        lambda fetcher, context: sign_in_account(
            JO,
            issuer,
            (probe(other, Service.IMAP, 993),),
            fetcher=fetcher,
            context=context,
            open_browser=opened,
            deadline=time.monotonic() + SECONDS,
            approved_endpoint=False,
            store=None,
        ),
    )
    assert not done.ok and done.flow is None and "mail.healthy.test" in done.reason
    assert opened.shown == []  # type: ignore[attr-defined]


def test_recheck_sends_no_token_to_servers_the_issuer_does_not_cover(
    lab: LabInfo,
    checks: Callable[[str], CheckReport],  # noqa: F811
    store: SecretStore,  # noqa: F811
) -> None:
    # Signed in at accounts.oauthsignin.test; today's check names another domain's server
    # (a changed DNS answer): recheck does not even refresh the grant, so no token leaves.
    assert sign_in(lab, checks(JO), store).stored
    elsewhere = probe(checks("alice@healthy.test"), Service.IMAP, 993)
    done = run(
        lab,
        lambda fetcher, context: recheck_account(
            JO,
            (elsewhere,),
            store=store,
            fetcher=fetcher,
            context=context,
            deadline=time.monotonic() + SECONDS,
            approved_endpoint=False,
        ),
    )
    assert not done.ok and done.flow is None and not done.logins
    assert "mail.healthy.test" in done.reason
