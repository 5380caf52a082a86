"""Forgetting an OAuth2 account revokes its refresh token at the lab's issuer (RFC 7009), best
effort: the keyring entry goes whatever the issuer answers, and the outcome says which.

Real parts: the lab's authorization server (tests/lab/oauth.py) and its mail server; the
keyring is an in-memory one (tests/core/account/test_oauth_signin.py's fixtures)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from mailhop.core.account.accounts import ForgetResult, forget_account, forget_account_revoking
from mailhop.core.account.oauth_flow import FlowCode, keyring_value
from mailhop.core.account.oauth_flow import refresh as refresh_tokens
from mailhop.core.account.oauth_forget import Revocation
from mailhop.core.account.oauth_result import Tokens
from mailhop.core.account.oauth_sasl import BearerToken
from mailhop.core.account.secrets import OAUTH2_ENTRY, Password, SecretStore, secret_ref
from mailhop.core.net.fetch import Fetcher
from mailhop.core.net.tlscontext import client_context
from mailhop.core.run.check import CheckReport
from tests.core.account.test_oauth_signin import (
    ISSUER,
    JO,
    checks,  # noqa: F401  (a fixture)
    run,
    sign_in,
    store,  # noqa: F401  (a fixture)
    stored_tokens,
)
from tests.core.net.test_fetch import lab_resolve
from tests.lab.lab import LabInfo


def lab_fetcher(lab: LabInfo) -> Callable[[], Fetcher]:
    return lambda: Fetcher(lab_resolve(lab), client_context(lab.ca_file))


def forget(
    lab: LabInfo, keyring: SecretStore, tmp_path: Path, seconds: float = 10.0
) -> ForgetResult:
    return asyncio.run(forget_account_revoking(JO, tmp_path, keyring, lab_fetcher(lab), seconds))


def test_forget_revokes_the_refresh_token_at_the_issuer_then_removes_it(
    lab: LabInfo,
    checks: Callable[[str], CheckReport],  # noqa: F811
    store: SecretStore,  # noqa: F811
    tmp_path: Path,
) -> None:
    done = sign_in(lab, checks(JO), store)
    assert done.stored and done.issuer is not None and done.issuer.metadata is not None
    metadata = done.issuer.metadata
    _, client_id, refresh = stored_tokens(store)
    result = forget(lab, store, tmp_path)
    revocation = result.revocation
    assert revocation is not None and revocation.status is Revocation.REVOKED, revocation
    assert revocation.issuer == ISSUER and ISSUER in revocation.words
    assert secret_ref(JO, OAUTH2_ENTRY) in result.removed
    # the issuer forgot it too: the token no longer buys an access token
    again = run(
        lab,
        lambda fetcher, context: refresh_tokens(
            metadata,
            client_id=client_id,
            refresh_token=Password(refresh),
            fetcher=fetcher,
            deadline=time.monotonic() + 5,
        ),
    )
    assert again.code is FlowCode.REVOKED
    assert refresh not in repr(result)


def test_an_issuer_out_of_reach_still_loses_the_keyring_entry_and_says_so(
    lab: LabInfo,
    store: SecretStore,  # noqa: F811
    tmp_path: Path,
) -> None:
    # An entry naming an issuer the lab does not answer for: the revocation cannot happen.
    gone = "https://nowhere.oauthsignin.test"
    entry = Tokens(BearerToken("unused"), Password("refresh-kept-nowhere"), "client", gone)
    store.store(secret_ref(JO, OAUTH2_ENTRY), keyring_value(entry))
    began = time.monotonic()
    result = forget(lab, store, tmp_path, seconds=3.0)
    assert time.monotonic() - began < 10  # the deadline holds forget up no longer
    revocation = result.revocation
    assert revocation is not None and revocation.status is Revocation.FAILED
    assert "could not be revoked" in revocation.words and gone in revocation.words
    assert secret_ref(JO, OAUTH2_ENTRY) in result.removed
    assert "refresh-kept-nowhere" not in revocation.words


def test_a_password_account_has_nothing_to_revoke(
    lab: LabInfo,
    store: SecretStore,  # noqa: F811
    tmp_path: Path,
) -> None:
    def no_network() -> Fetcher:
        pytest.fail("forgetting a password account made a fetcher")

    result = asyncio.run(forget_account_revoking(JO, tmp_path, store, no_network))
    revocation = result.revocation
    assert revocation is not None and revocation.status is Revocation.NONE
    # forget without the network still works, and asks nobody
    assert forget_account(JO, tmp_path, store).revocation is None
