"""The OAuth2 flow (core/account/oauth_flow.py) against the lab's authorization server.

The issuer is read straight from its metadata (oauth_discover.discover_issuer), so these
tests need no mail check; tests/lab/consent.py plays the person at the browser.
"""

from __future__ import annotations

import asyncio
import dataclasses
import ssl
import time
import urllib.parse
from collections.abc import Callable
from typing import Any

import pytest

from mailhop.core.account.oauth_discover import IssuerMetadata, IssuerStatus, discover_issuer
from mailhop.core.account.oauth_flow import FlowCode, keyring_value, sign_in
from mailhop.core.account.oauth_loopback import LoopbackRedirect
from mailhop.core.net.fetch import Fetcher
from mailhop.core.net.tlscontext import client_context
from tests.core.net.test_fetch import lab_resolve
from tests.lab import consent
from tests.lab.lab import LabInfo

JO = "jo@oauthsignin.test"
ISSUER = "https://accounts.oauthsignin.test"


def run(lab: LabInfo, work: Callable[[Fetcher, ssl.SSLContext], Any]) -> Any:
    context = client_context(lab.ca_file)

    async def go() -> Any:
        async with Fetcher(lab_resolve(lab), context) as fetcher:
            return await work(fetcher, context)

    return asyncio.run(go())


def password(lab: LabInfo) -> str:
    return lab.scenario("oauthsignin.test").accounts[0].password


def browser(lab: LabInfo, *, allow: bool = True) -> Callable[[str], Any]:
    def drive(url: str) -> None:
        consent.deliver(consent.answer(url, JO, password(lab), lab.ca_file, allow=allow))

    return lambda url: asyncio.to_thread(drive, url)


@pytest.fixture(scope="module")
def metadata(lab: LabInfo) -> IssuerMetadata:
    found = run(
        lab,
        lambda fetcher, _: discover_issuer(
            f"{ISSUER}/.well-known/openid-configuration",
            address_domain="oauthsignin.test",
            fetcher=fetcher,
            deadline=time.monotonic() + 5,
        ),
    )
    assert found.status is IssuerStatus.TRUSTED and found.metadata is not None, found.reason
    return found.metadata  # type: ignore[no-any-return]


def flow(
    lab: LabInfo, metadata: IssuerMetadata, open_browser: Any, seconds: float = 10, **options: Any
) -> Any:
    return run(
        lab,
        lambda fetcher, _: sign_in(
            metadata,
            fetcher=fetcher,
            open_browser=open_browser,
            deadline=time.monotonic() + seconds,
            **options,
        ),
    )


def test_dynamic_registration_then_code_and_pkce_give_tokens(
    lab: LabInfo, metadata: IssuerMetadata
) -> None:
    shown: list[str] = []
    drive = browser(lab)

    def open_browser(url: str) -> Any:
        shown.append(url)
        return drive(url)

    done = flow(lab, metadata, open_browser, login_hint=JO)
    assert done.ok, done.reason
    tokens = done.tokens
    assert tokens.client_id.startswith("lab-") and tokens.issuer == ISSUER
    assert tokens.refresh is not None and tokens.refresh.reveal() not in repr(done)
    assert tokens.access.reveal() not in repr(tokens) and "****" in repr(tokens.access)
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(shown[0]).query))
    assert query["code_challenge_method"] == "S256" and len(query["code_challenge"]) == 43
    assert query["redirect_uri"].startswith("http://127.0.0.1:") and query["login_hint"] == JO
    assert "code_verifier" not in query
    # What goes into the keyring: masked, one JSON line.
    value = keyring_value(tokens)
    assert tokens.refresh.reveal() not in repr(value) and "\n" not in value.reveal()


def test_an_admin_client_id_signs_in_without_registration(
    lab: LabInfo, metadata: IssuerMetadata
) -> None:
    done = flow(lab, metadata, browser(lab), client_id="lab-admin-client")
    assert done.ok and done.tokens.client_id == "lab-admin-client"


def test_an_unknown_client_id_gets_no_token(lab: LabInfo, metadata: IssuerMetadata) -> None:
    # The server refuses the authorize request: the consent page never comes, nobody returns.
    def refused(url: str) -> Any:
        with pytest.raises(consent.ConsentError, match="400"):
            consent.answer(url, JO, password(lab), lab.ca_file)

    done = flow(
        lab,
        metadata,
        lambda url: asyncio.to_thread(refused, url),
        seconds=1.5,
        client_id="nobody-registered-this",
    )
    assert done.code is FlowCode.TIMEOUT


def test_a_denied_consent_gives_no_token(lab: LabInfo, metadata: IssuerMetadata) -> None:
    done = flow(lab, metadata, browser(lab, allow=False))
    assert done.code is FlowCode.DENIED and done.tokens is None
    assert "access_denied" in done.reason


def test_without_registration_an_admin_client_id_is_asked_for(
    lab: LabInfo, metadata: IssuerMetadata
) -> None:
    closed = dataclasses.replace(metadata, registration_endpoint=None)
    shown: list[str] = []
    done = flow(lab, closed, shown.append, seconds=5)
    assert done.code is FlowCode.NEEDS_CLIENT_ID and not shown
    assert "client ID" in done.reason and "--oauth-client-id" in done.reason


def test_nobody_at_the_browser_ends_at_the_deadline(lab: LabInfo, metadata: IssuerMetadata) -> None:
    began = time.monotonic()
    done = flow(lab, metadata, lambda url: None, seconds=1)
    assert done.code is FlowCode.TIMEOUT and time.monotonic() - began < 4


def test_cancel_ends_the_wait_at_once_and_closes_the_listener(
    lab: LabInfo, metadata: IssuerMetadata
) -> None:
    async def cancelled(fetcher: Fetcher, _: ssl.SSLContext) -> str:
        shown: list[str] = []
        task = asyncio.ensure_future(
            sign_in(
                metadata, fetcher=fetcher, open_browser=shown.append, deadline=time.monotonic() + 60
            )
        )
        while not shown:
            await asyncio.sleep(0.02)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        return urllib.parse.parse_qs(urllib.parse.urlsplit(shown[0]).query)["redirect_uri"][0]

    began = time.monotonic()
    redirect = run(lab, cancelled)
    assert time.monotonic() - began < 3
    with pytest.raises(OSError):  # nobody listens there any more
        consent.deliver(redirect + "?state=x&code=y")


def test_the_loopback_listener_ignores_requests_without_our_state() -> None:
    async def go() -> tuple[int, dict[str, str]]:
        async with LoopbackRedirect() as redirect:
            redirect.expect("the-state")
            port = int(redirect.uri.split(":")[2].split("/")[0])
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(b"GET /callback?state=other&code=stolen HTTP/1.1\r\n\r\n")
            answer = await reader.read()
            writer.close()
            waiting = asyncio.ensure_future(redirect.wait())
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(b"GET /callback?state=the-state&code=right HTTP/1.1\r\n\r\n")
            await reader.read()
            writer.close()
            return int(answer.split()[1]), await waiting

    status, params = asyncio.run(go())
    assert status == 400 and params["code"] == "right"
