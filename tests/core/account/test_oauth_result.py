"""The token endpoint's answer read (core/account/oauth_result.py): only a bearer token is
one mailhop can present over SASL OAUTHBEARER or XOAUTH2."""

from __future__ import annotations

import json

import pytest
from oauthlib.oauth2 import WebApplicationClient

from mailhop.core.account.oauth_discover import IssuerMetadata
from mailhop.core.account.oauth_result import FlowCode, token_result

METADATA = IssuerMetadata(
    issuer="https://i.test",
    authorization_endpoint="https://i.test/a",
    token_endpoint="https://i.test/t",  # noqa: S106 - a URL
    registration_endpoint=None,
    revocation_endpoint=None,
    scopes_supported=(),
)


def answer(token_type: str) -> bytes:
    return json.dumps(
        {"access_token": "at-1", "token_type": token_type, "refresh_token": "rt-1"}
    ).encode()


@pytest.mark.parametrize("kind", ["Bearer", "bearer"])
def test_a_bearer_token_is_taken(kind: str) -> None:
    result = token_result(WebApplicationClient("c"), answer(kind), 200, "", METADATA)
    assert result.ok and result.tokens is not None and result.tokens.access.reveal() == "at-1"


@pytest.mark.parametrize("kind", ["DPoP", "N_A"])
def test_a_token_that_is_not_bearer_is_refused_in_words(kind: str) -> None:
    # profile revision 06, 3.8: a DPoP-bound token cannot be presented over SASL
    result = token_result(WebApplicationClient("c"), answer(kind), 200, "", METADATA)
    assert result.code is FlowCode.TOKEN_FAILED and result.tokens is None
    assert "https://i.test gave no token" in result.reason and kind in result.reason
    assert "at-1" not in result.reason and "rt-1" not in result.reason
