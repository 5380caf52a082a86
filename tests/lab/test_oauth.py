"""The lab's authorization server (oauth.py) and its OAuth2 mail host, driven by hand.

A stdlib client walks the open-public-client profile against real parts: metadata, dynamic
registration, the consent form (consent.py), the token with PKCE, then IMAP, POP3 and SMTP
with the token, exactly as mailhop will; Dovecot checks each token by introspection. A
revoked token, a wrong PKCE verifier and a redirect off loopback are refused.
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import imaplib
import json
import secrets
import ssl
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.lab import canary, consent, scenario
from tests.lab.lab import LabInfo
from tests.lab.oauth import MAIL_SCOPE
from tests.lab.test_mail import IMAPS, POP3S, SMTPS

ISSUER = "https://accounts.oauthsignin.test"
MAIL = "mail.oauthsignin.test"
USER = "jo@oauthsignin.test"
REDIRECT = "http://127.0.0.1:49152/callback"
TIMEOUT = 5.0
AUTHORIZATION_SERVERS = {
    h.name for s in scenario.load_all() for h in s.hosts if h.oauth
}  # the lab's issuers: the only places the person's password may go


@dataclass(frozen=True, slots=True)
class Reply:
    status: int
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def request(
    lab: LabInfo,
    method: str,
    url: str,
    form: dict[str, str] | None = None,
    *,
    body: bytes | None = None,
    content_type: str | None = None,
) -> Reply:
    parts = urllib.parse.urlsplit(url)
    context = ssl.create_default_context(cafile=str(lab.ca_file))
    connection = http.client.HTTPSConnection(
        parts.hostname or "", 443, context=context, timeout=TIMEOUT
    )
    headers = {}
    if form is not None:
        body = urllib.parse.urlencode(form).encode()
        content_type = "application/x-www-form-urlencoded"
    if content_type:
        headers["Content-Type"] = content_type
    try:
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        connection.request(method, target, body, headers)
        response = connection.getresponse()
        return Reply(response.status, response.read())
    finally:
        connection.close()


@pytest.fixture(scope="module")
def password(lab: LabInfo) -> str:
    return lab.scenario("oauthsignin.test").accounts[0].password


@pytest.fixture(scope="module")
def tls(lab: LabInfo) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(lab.ca_file))


def register(lab: LabInfo) -> str:
    metadata = {
        "redirect_uris": ["http://127.0.0.1/callback"],
        "client_name": "test_oauth",
        "application_type": "native",
        "token_endpoint_auth_method": "none",
    }
    reply = request(
        lab,
        "POST",
        f"{ISSUER}/register",
        body=json.dumps(metadata).encode(),
        content_type="application/json",
    )
    assert reply.status == 201, reply.body
    return str(reply.json()["client_id"])


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def sign_in(lab: LabInfo, password: str, *, verifier_override: str | None = None) -> Reply:
    client_id = register(lab)
    verifier, challenge = pkce()
    query = urllib.parse.urlencode(
        {
            "response_type": "code",
            "client_id": client_id,
            "redirect_uri": REDIRECT,
            "scope": MAIL_SCOPE,
            "state": "s1",
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
    )
    location = consent.answer(f"{ISSUER}/authorize?{query}", USER, password, lab.ca_file)
    returned = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).query))
    assert location.startswith(REDIRECT) and returned["state"] == "s1"
    return request(
        lab,
        "POST",
        f"{ISSUER}/token",
        {
            "grant_type": "authorization_code",
            "code": returned["code"],
            "redirect_uri": REDIRECT,
            "client_id": client_id,
            "code_verifier": verifier_override or verifier,
        },
    )


def oauthbearer(token: str) -> bytes:
    return f"n,a={USER},\x01auth=Bearer {token}\x01\x01".encode()


def test_metadata_says_what_the_profile_needs(lab: LabInfo) -> None:
    for path in ("oauth-authorization-server", "openid-configuration"):
        document = request(lab, "GET", f"{ISSUER}/.well-known/{path}").json()
        assert document["issuer"] == ISSUER
        assert document["registration_endpoint"] == f"{ISSUER}/register"
        assert document["code_challenge_methods_supported"] == ["S256"]
        assert "none" in document["token_endpoint_auth_methods_supported"]


def test_dovecot_names_the_issuer_when_a_token_fails(lab: LabInfo, tls: ssl.SSLContext) -> None:
    seen: list[bytes] = []
    with IMAPS(MAIL, 993, ssl_context=tls, timeout=TIMEOUT) as imap:
        assert "AUTH=OAUTHBEARER" in imap.capabilities and "AUTH=PLAIN" not in imap.capabilities

        def answer(challenge: bytes) -> bytes:
            seen.append(challenge)
            return oauthbearer("not-a-token") if not challenge else b"\x01"

        with pytest.raises(imaplib.IMAP4.error, match="AUTHENTICATIONFAILED"):
            imap.authenticate("OAUTHBEARER", answer)
    error = json.loads(seen[-1])
    assert error["status"] == "invalid_token"
    assert error["openid-configuration"] == f"{ISSUER}/.well-known/openid-configuration"


def test_full_sign_in_then_imap_pop3_smtp_with_the_token(
    lab: LabInfo, password: str, tls: ssl.SSLContext
) -> None:
    reply = sign_in(lab, password)
    assert reply.status == 200, reply.body
    token = reply.json()["access_token"]
    assert reply.json()["refresh_token"]
    with IMAPS(MAIL, 993, ssl_context=tls, timeout=TIMEOUT) as imap:
        assert imap.authenticate("OAUTHBEARER", lambda _: oauthbearer(token))[0] == "OK"
    pop = POP3S(MAIL, 995, context=tls, timeout=TIMEOUT)
    try:
        xoauth2 = base64.b64encode(f"user={USER}\x01auth=Bearer {token}\x01\x01".encode())
        assert pop._shortcmd(f"AUTH XOAUTH2 {xoauth2.decode()}").startswith(b"+OK")
    finally:
        pop.quit()
    with SMTPS(MAIL, 465, context=tls, timeout=TIMEOUT) as smtp:
        smtp.ehlo()
        assert {"OAUTHBEARER", "XOAUTH2"} <= set(smtp.esmtp_features["auth"].split())
        code, _ = smtp.docmd("AUTH", f"XOAUTH2 {xoauth2.decode()}")
        assert code == 235
    # The person's password went to an authorization server only (this one, or the foreign
    # one other tests sign in at), inside TLS: never to a mail server.
    canary.assert_only_in(
        Path(lab.fact("pyservers", "recordings_dir")),
        password,
        lambda s: s.host in AUTHORIZATION_SERVERS and s.phase == "tls",
    )


def test_a_revoked_token_no_longer_signs_in(
    lab: LabInfo, password: str, tls: ssl.SSLContext
) -> None:
    tokens = sign_in(lab, password).json()
    # RFC 7009: revoking the refresh token ends its access tokens too.
    revoked = request(
        lab,
        "POST",
        f"{ISSUER}/revoke",
        {
            "token": tokens["refresh_token"],
            "client_id": _client_of(lab, tokens["access_token"]),
        },
    )
    assert revoked.status == 200
    with (
        IMAPS(MAIL, 993, ssl_context=tls, timeout=TIMEOUT) as imap,
        pytest.raises(imaplib.IMAP4.error, match="AUTHENTICATIONFAILED"),
    ):
        imap.authenticate(
            "OAUTHBEARER", lambda c: oauthbearer(tokens["access_token"]) if not c else b"\x01"
        )


def _client_of(lab: LabInfo, token: str) -> str:
    secret = (
        lab.scenario("oauthsignin.test")
        .host("accounts.oauthsignin.test")
        .oauth["introspection_secret"]
    )
    basic = base64.b64encode(f"dovecot:{secret}".encode()).decode()
    parts = urllib.parse.urlsplit(f"{ISSUER}/introspect")
    context = ssl.create_default_context(cafile=str(lab.ca_file))
    connection = http.client.HTTPSConnection(parts.hostname or "", 443, context=context)
    connection.request(
        "POST",
        parts.path,
        urllib.parse.urlencode({"token": token}),
        {
            "Content-Type": "application/x-www-form-urlencoded",
            "Authorization": f"Basic {basic}",
        },
    )
    found = json.loads(connection.getresponse().read())
    connection.close()
    assert found["active"] is True and found["username"] == USER
    return str(found["client_id"])


def test_a_wrong_pkce_verifier_gets_no_token(lab: LabInfo, password: str) -> None:
    reply = sign_in(lab, password, verifier_override=secrets.token_urlsafe(48))
    assert reply.status == 400 and reply.json()["error"] == "invalid_grant"


def test_registration_takes_loopback_redirects_only(lab: LabInfo) -> None:
    for uri in ("https://evil.example/cb", "http://mail.oauthsignin.test/cb"):
        metadata = json.dumps({"redirect_uris": [uri], "token_endpoint_auth_method": "none"})
        reply = request(
            lab,
            "POST",
            f"{ISSUER}/register",
            body=metadata.encode(),
            content_type="application/json",
        )
        assert reply.status == 400 and reply.json()["error"] == "invalid_redirect_uri"


def test_the_scenarios_hold_one_authorization_server_per_oauth_mail_host() -> None:
    hosts = [h for s in scenario.load_all() for h in s.hosts if h.oauth_server]
    assert [h.name for h in hosts] == [MAIL]


def test_an_issuer_can_publish_only_the_openid_document_and_its_resources(lab: LabInfo) -> None:
    # login.idp-elsewhere.test: rfc8414 = false and resources (its scenario)
    elsewhere = "https://login.idp-elsewhere.test"
    missing = request(lab, "GET", f"{elsewhere}/.well-known/oauth-authorization-server")
    assert missing.status == 404
    document = request(lab, "GET", f"{elsewhere}/.well-known/openid-configuration").json()
    assert document["issuer"] == elsewhere
    assert document["protected_resources"] == [
        "imap://foreign.oauthsignin.test",
        "smtp://foreign.oauthsignin.test",
    ]
    # an issuer without the setting lists none
    assert (
        "protected_resources"
        not in request(lab, "GET", f"{ISSUER}/.well-known/openid-configuration").json()
    )
