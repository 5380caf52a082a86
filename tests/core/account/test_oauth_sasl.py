"""SASL OAUTHBEARER and XOAUTH2 messages and the server's error challenge (RFC 7628)."""

from __future__ import annotations

import pickle

import pytest

from mailhop.core.account.oauth_sasl import (
    MAX_CHALLENGE,
    BearerToken,
    initial_response,
    offered,
    parse_challenge,
)


def test_oauthbearer_message_is_rfc_7628_section_3_1() -> None:
    sent = initial_response("OAUTHBEARER", "jo@a.test", "tok.en-1", "mail.a.test", 993)
    assert sent == b"n,a=jo@a.test,\x01host=mail.a.test\x01port=993\x01auth=Bearer tok.en-1\x01\x01"


def test_xoauth2_message() -> None:
    sent = initial_response("XOAUTH2", "jo@a.test", "t", "mail.a.test", 465)
    assert sent == b"user=jo@a.test\x01auth=Bearer t\x01\x01"


@pytest.mark.parametrize("user", ["jo,x@a.test", "jo=@a.test", "jo\x01@a.test"])
def test_a_user_name_that_would_break_the_framing_is_refused(user: str) -> None:
    with pytest.raises(ValueError):
        initial_response("OAUTHBEARER", user, "t", "h", 1)


def test_oauthbearer_is_preferred_and_only_oauth_mechanisms_count() -> None:
    assert offered(["PLAIN", "xoauth2", "OAUTHBEARER"]) == ("OAUTHBEARER", "XOAUTH2")
    assert offered(["PLAIN", "LOGIN"]) == ()


def test_the_error_challenge_names_the_issuer_metadata() -> None:
    said = b'{"status":"invalid_token","scope":"s","openid-configuration":"https://i.test/x"}'
    error = parse_challenge(said)
    assert error is not None and error.status == "invalid_token"
    assert error.openid_configuration == "https://i.test/x" and error.scope == "s"


@pytest.mark.parametrize(
    "said",
    [b"", b"not json", b"[1]", b'{"scope": "x"}', b'{"status": 1}', b"{" * (MAX_CHALLENGE + 1)],
)
def test_anything_else_is_no_challenge(said: bytes) -> None:
    assert parse_challenge(said) is None


def test_a_bearer_token_is_masked_everywhere_but_reveal() -> None:
    token = BearerToken("secret-token-123")
    assert "secret" not in repr(token) and "secret" not in f"{token}" and "secret" not in str(token)
    assert token.reveal() == "secret-token-123"
    with pytest.raises(TypeError):
        pickle.dumps(token)
    for bad in ("", "with space", "line\nbreak", "ünicode"):
        with pytest.raises(ValueError):
            BearerToken(bad)
