"""OAuth2 sign-in against real parts: the lab's authorization server, Dovecot and Postfix.

jo@oauthsignin.test (tests/lab/scenarios/oauthsignin.test.toml) signs in at the domain's own
authorization server (tests/lab/oauth.py); Dovecot checks the token by introspection, Postfix
through Dovecot's SASL. The browser step is played by tests/lab/consent.py: an HTTP client
that follows the authorize URL mailhop would open, fills in the consent form, and makes the
browser's request to mailhop's loopback redirect. Where the secrets went is proven from what
the servers recorded (the canary over our servers' recordings, Dovecot's wire rawlog, the
server logs) and from the keyring.
"""

from __future__ import annotations

import asyncio
import base64
import json
import ssl
import time
import urllib.parse
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from mailhop.core.account.login import LoginCode, login_test
from mailhop.core.account.oauth_discover import IssuerAttempt, IssuerStatus
from mailhop.core.account.oauth_flow import FlowCode, read_keyring_value, revoke
from mailhop.core.account.oauth_flow import sign_in as run_flow
from mailhop.core.account.oauth_signin import (
    OAuthSignIn,
    find_issuer,
    recheck_account,
    sign_in_account,
    vouched_issuers,
)
from mailhop.core.account.secrets import (
    OAUTH2_ENTRY,
    MemoryKeyring,
    SecretStore,
    account_refs,
    secret_ref,
)
from mailhop.core.common.model import Service
from mailhop.core.net.fetch import Fetcher
from mailhop.core.net.tlscontext import client_context
from mailhop.core.probe.probe_report import EndpointProbe
from mailhop.core.run.check import CheckReport
from tests.core.net.test_fetch import lab_resolve
from tests.core.run.test_check import run_check
from tests.lab import canary, consent
from tests.lab.lab import LabInfo
from tests.lab.test_mail import mentions, smtpd_sessions

JO = "jo@oauthsignin.test"
ISSUER = "https://accounts.oauthsignin.test"
SECONDS = 15.0


@pytest.fixture(scope="module")
def checks(lab: LabInfo) -> Callable[[str], CheckReport]:
    done: dict[str, CheckReport] = {}

    def get(address: str) -> CheckReport:
        if address not in done:
            done[address] = run_check(lab, address)
        return done[address]

    return get


def probe(report: CheckReport, service: Service, port: int) -> EndpointProbe:
    found = [p for p in report.probes if p.entry.service is service and p.entry.port == port]
    assert len(found) == 1, [p.entry.hostname for p in report.probes]
    return found[0]


def password(lab: LabInfo) -> str:
    return lab.scenario("oauthsignin.test").accounts[0].password


def browser(lab: LabInfo, *, allow: bool = True, user: str = JO) -> Callable[[str], object]:
    """The person at the system browser: signs in at the consent page, then the redirect."""
    shown: list[str] = []

    def drive(url: str) -> None:
        location = consent.answer(url, user, password(lab), lab.ca_file, allow=allow)
        consent.deliver(location)

    def open_browser(url: str) -> object:
        shown.append(url)
        return asyncio.to_thread(drive, url)

    open_browser.shown = shown  # type: ignore[attr-defined]
    return open_browser


def run(lab: LabInfo, work: Callable[[Fetcher, ssl.SSLContext], Any]) -> Any:
    """One step against the lab, with a fetcher on the lab's resolver and CA."""
    context = client_context(lab.ca_file)

    async def go() -> Any:
        async with Fetcher(lab_resolve(lab), context) as fetcher:
            return await work(fetcher, context)

    return asyncio.run(go())


def issuer_for(
    lab: LabInfo, report: CheckReport, address: str, approved: tuple[str, ...] = ()
) -> IssuerAttempt:
    incoming = probe(report, Service.IMAP, 993)
    return run(
        lab,
        lambda fetcher, context: find_issuer(
            address,
            incoming,
            fetcher=fetcher,
            context=context,
            deadline=time.monotonic() + SECONDS,
            approved_endpoint=False,
            vouched=vouched_issuers(report.discovery),
            approved_issuers=approved,
        ),
    )


def sign_in(
    lab: LabInfo, report: CheckReport, store: SecretStore | None, **options: object
) -> OAuthSignIn:
    issuer = issuer_for(lab, report, JO)
    assert issuer.status is IssuerStatus.TRUSTED, issuer.reason
    endpoints = (probe(report, Service.IMAP, 993), probe(report, Service.SUBMISSION, 465))
    return run(
        lab,
        lambda fetcher, context: sign_in_account(
            JO,
            issuer,
            endpoints,
            fetcher=fetcher,
            context=context,
            open_browser=options.pop("open_browser", browser(lab)),  # type: ignore[arg-type]
            deadline=time.monotonic() + SECONDS,
            approved_endpoint=False,
            store=store,
            **options,  # type: ignore[arg-type]
        ),
    )


@pytest.fixture
def store() -> Iterator[SecretStore]:
    yield SecretStore(MemoryKeyring())


def recordings_dir(lab: LabInfo) -> Path:
    return Path(lab.fact("pyservers", "recordings_dir"))


def seen_since(lab: LabInfo, secret: str, since: float) -> list[canary.Sighting]:
    """Where our servers received `secret` on connections opened since `since`."""
    opened = {r.connection: r.opened for r in canary.recordings(recordings_dir(lab))}
    return [
        s for s in canary.sightings(recordings_dir(lab), secret) if opened[s.connection] >= since
    ]


def stored_tokens(store: SecretStore) -> tuple[str, str, str]:
    issuer, client_id, refresh = read_keyring_value(store.fetch(secret_ref(JO, OAUTH2_ENTRY)))
    return issuer, client_id, refresh.reveal()


# -- the issuer ---------------------------------------------------------------------------


def test_the_mail_server_names_its_issuer_and_the_metadata_is_read(
    lab: LabInfo, checks: Callable[[str], CheckReport]
) -> None:
    issuer = issuer_for(lab, checks(JO), JO)
    assert (issuer.status, issuer.source, issuer.issuer) == (IssuerStatus.TRUSTED, "server", ISSUER)
    assert issuer.metadata is not None
    assert issuer.metadata.registration_endpoint == f"{ISSUER}/register"


def test_an_issuer_on_another_domain_needs_approval_by_name(
    lab: LabInfo, checks: Callable[[str], CheckReport]
) -> None:
    address = "jo@foreign.oauthsignin.test"
    report = checks(address)
    began = time.time()
    asked = issuer_for(lab, report, address)
    assert asked.status is IssuerStatus.NEEDS_APPROVAL and asked.metadata is None
    assert asked.registrable == "idp-elsewhere.test"
    assert "login.idp-elsewhere.test" in asked.reason and "idp-elsewhere.test" in asked.reason
    # Nothing was fetched from it before the approval.
    assert not canary.requests_to(recordings_dir(lab), "login.idp-elsewhere.test", since=began)
    approved = issuer_for(lab, report, address, approved=("idp-elsewhere.test",))
    assert approved.status is IssuerStatus.TRUSTED and approved.metadata is not None
    assert approved.metadata.issuer == "https://login.idp-elsewhere.test"
    # After the approval the flow runs there (that server signs in oauthsignin.test's people).
    metadata = approved.metadata
    flow = run(
        lab,
        lambda fetcher, context: run_flow(
            metadata,
            fetcher=fetcher,
            open_browser=browser(lab),
            deadline=time.monotonic() + SECONDS,
        ),
    )
    assert flow.ok, flow.reason


def test_a_plain_http_issuer_is_refused_before_any_request(
    lab: LabInfo, checks: Callable[[str], CheckReport]
) -> None:
    began = time.time()
    issuer = issuer_for(
        lab, checks("jo@plainhttp.oauthsignin.test"), "jo@plainhttp.oauthsignin.test"
    )
    assert issuer.status is IssuerStatus.REFUSED and issuer.metadata is None
    assert "HTTPS" in issuer.reason
    assert not canary.connections_to(recordings_dir(lab), "accounts.oauthsignin.test", began)


# -- the sign-in --------------------------------------------------------------------------


def test_full_sign_in_then_imap_and_smtp_with_the_token(
    lab: LabInfo, checks: Callable[[str], CheckReport], store: SecretStore
) -> None:
    began = time.time()
    open_browser = browser(lab)
    done = sign_in(lab, checks(JO), store, open_browser=open_browser)
    assert done.ok and done.stored, done.reason
    assert [(r.service, r.mechanism, r.attempts) for r in done.logins] == [
        (Service.IMAP, "OAUTHBEARER", 1),
        (Service.SUBMISSION, "AUTH OAUTHBEARER", 1),
    ]
    # The browser was shown the authorization server with PKCE S256 and a loopback redirect.
    (url,) = open_browser.shown  # type: ignore[attr-defined]
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))
    assert url.startswith(f"{ISSUER}/authorize?") and query["code_challenge_method"] == "S256"
    assert query["redirect_uri"].startswith("http://127.0.0.1:")
    # The refresh token is in the keyring and nowhere in what setup hands on.
    issuer, client_id, refresh = stored_tokens(store)
    assert issuer == ISSUER and client_id.startswith("lab-")
    assert refresh not in repr(done) and "refresh_token" not in repr(done)
    assert done.flow is not None and done.flow.tokens is not None
    access = done.flow.tokens.access.reveal()
    assert access not in repr(done.flow.tokens)
    # The canary: the lab password reached only the authorization server, inside TLS, and
    # neither token reached any of our servers outside TLS.
    for secret in (password(lab), access, refresh):
        seen = {(s.host, s.phase) for s in seen_since(lab, secret, began)}
        assert seen <= {("accounts.oauthsignin.test", "tls")}, seen
    # Dovecot's wire rawlog holds what came before TLS in the clear: never a token there.
    wire = Path(lab.fact("mail", "dovecot_wire_rawlog_dir"))
    for path in wire.glob("*"):
        if path.stat().st_mtime >= began - 1:
            data = path.read_bytes()
            assert access.encode() not in data and base64.b64encode(access.encode()) not in data
    # Postfix logs its clients' dialogue decrypted: the token is there only after "TLS
    # connection established", in the one session that signed in.
    postfix = Path(lab.fact("mail", "postfix_log")).read_text(errors="replace")
    with_token = [
        lines for lines in smtpd_sessions(postfix) if mentions("\n".join(lines).encode(), access)
    ]
    assert len(with_token) == 1
    lines = with_token[0]
    tls = next(i for i, line in enumerate(lines) if "TLS connection established" in line)
    assert not any(mentions(line.encode(), access) for line in lines[:tls])
    # The servers' own logs never name a token (the password is not there either).
    for log in (lab.fact("mail", "dovecot_oauth_log"), lab.fact("mail", "dovecot_log")):
        text = Path(log).read_text(errors="replace")
        assert access not in text and refresh not in text and password(lab) not in text


def test_an_admin_client_id_signs_in_without_registration(
    lab: LabInfo, checks: Callable[[str], CheckReport], store: SecretStore
) -> None:
    done = sign_in(lab, checks(JO), store, client_id="lab-admin-client")
    assert done.ok, done.reason
    assert stored_tokens(store)[1] == "lab-admin-client"


def test_a_denied_consent_stores_nothing(
    lab: LabInfo, checks: Callable[[str], CheckReport], store: SecretStore
) -> None:
    done = sign_in(lab, checks(JO), store, open_browser=browser(lab, allow=False))
    assert not done.ok and done.flow is not None and done.flow.code is FlowCode.DENIED
    assert "access_denied" in done.reason and not done.logins
    with pytest.raises(Exception, match="holds no"):
        store.fetch(secret_ref(JO, OAUTH2_ENTRY))


# -- recheck and forget -------------------------------------------------------------------


def test_recheck_signs_in_again_then_says_when_the_grant_was_revoked(
    lab: LabInfo, checks: Callable[[str], CheckReport], store: SecretStore
) -> None:
    report = checks(JO)
    assert sign_in(lab, report, store).ok
    endpoints = (probe(report, Service.IMAP, 993), probe(report, Service.SUBMISSION, 465))

    def recheck() -> OAuthSignIn:
        return run(
            lab,
            lambda fetcher, context: recheck_account(
                JO,
                endpoints,
                store=store,
                fetcher=fetcher,
                context=context,
                deadline=time.monotonic() + SECONDS,
                approved_endpoint=False,
            ),
        )

    again = recheck()
    assert again.ok, again.reason
    issuer = again.issuer
    assert issuer is not None and issuer.metadata is not None
    metadata = issuer.metadata
    _, client_id, _refresh = stored_tokens(store)
    token = store.fetch(secret_ref(JO, OAUTH2_ENTRY))
    refresh = read_keyring_value(token)[2]
    assert run(
        lab,
        lambda fetcher, context: revoke(
            metadata,
            client_id=client_id,
            token=refresh,
            fetcher=fetcher,
            deadline=time.monotonic() + 5,
        ),
    )
    revoked = recheck()
    assert not revoked.ok and revoked.flow is not None and revoked.flow.code is FlowCode.REVOKED
    assert "revoked" in revoked.reason and not revoked.logins


def test_forget_removes_the_refresh_token(
    lab: LabInfo, checks: Callable[[str], CheckReport], store: SecretStore
) -> None:
    assert sign_in(lab, checks(JO), store).stored
    removed = store.delete_all(account_refs(JO))
    assert secret_ref(JO, OAUTH2_ENTRY) in removed
    with pytest.raises(Exception, match="holds no"):
        store.fetch(secret_ref(JO, OAUTH2_ENTRY))


def test_the_keyring_entry_is_one_json_line_with_issuer_and_client(
    lab: LabInfo, checks: Callable[[str], CheckReport], store: SecretStore
) -> None:
    assert sign_in(lab, checks(JO), store).stored
    raw = json.loads(store.fetch(secret_ref(JO, OAUTH2_ENTRY)).reveal())
    assert sorted(raw) == ["client_id", "issuer", "refresh_token"]


def test_a_revoked_token_is_refused_in_words_about_the_token_not_a_password(
    lab: LabInfo, checks: Callable[[str], CheckReport], store: SecretStore
) -> None:
    report = checks(JO)
    done = sign_in(lab, report, store)
    assert done.ok and done.flow is not None and done.flow.tokens is not None
    access = done.flow.tokens.access
    issuer = done.issuer
    assert issuer is not None and issuer.metadata is not None
    metadata = issuer.metadata
    _, client_id, _refresh = stored_tokens(store)
    refresh = read_keyring_value(store.fetch(secret_ref(JO, OAUTH2_ENTRY)))[2]
    assert run(
        lab,
        lambda fetcher, context: revoke(
            metadata,
            client_id=client_id,
            token=refresh,
            fetcher=fetcher,
            deadline=time.monotonic() + 5,
        ),
    )
    result = run(
        lab,
        lambda fetcher, context: login_test(
            probe(report, Service.IMAP, 993),
            access,
            address=JO,
            approved=False,
            deadline=time.monotonic() + 5,
            usernames=(JO,),
            context=context,
        ),
    )
    assert result.code is LoginCode.CREDENTIALS_REJECTED and result.mechanism == "OAUTHBEARER"
    assert "token" in result.advice and "password was sent" not in result.advice
    assert result.sasl_error is not None and result.sasl_error.status == "invalid_token"
    assert access.reveal() not in repr(result)
