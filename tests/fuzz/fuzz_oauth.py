"""Fuzzes the OAuth2 parsers of untrusted bytes (issue 20): a mail server's SASL error
challenge (core/account/oauth_sasl.parse_challenge, RFC 7628 section 3.2.2) and an issuer's
RFC 8414 metadata (core/account/oauth_discover.parse_metadata), plus the issuer hint a
server names (issuer_of, classify_issuer).

All of them return a value (None, a refusal with a reason) rather than raise, so CONTRACT is
empty. Safety rules (asserts): a parsed challenge keeps its caps; accepted metadata has only
https endpoints and its issuer is exactly the one asked for; an issuer hint that is not https
is never trusted.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from mailhop.core.account.oauth_discover import (
    IssuerStatus,
    classify_issuer,
    issuer_of,
    parse_metadata,
)
from mailhop.core.account.oauth_sasl import parse_challenge

CONTRACT: tuple[type[BaseException], ...] = ()
ISSUER = "https://login.example.com"


def one_input(data: bytes) -> None:
    error = parse_challenge(data)
    if error is not None:
        assert len(error.status) <= 100
        assert error.openid_configuration is None or len(error.openid_configuration) <= 2000
    metadata, problem = parse_metadata(data, ISSUER)
    if metadata is not None:
        assert metadata.issuer == ISSUER and not problem
        for url in (metadata.authorization_endpoint, metadata.token_endpoint):
            assert urlsplit(url).scheme == "https"
    hint = data[:300].decode("utf-8", "replace")
    decided = classify_issuer(issuer_of(hint), address_domain="example.com")
    if decided.status is IssuerStatus.TRUSTED:
        assert (decided.issuer or "").startswith("https://")
