"""The sign-in method: what the documents allow and the server offers after TLS (signin.py).

The table tests use hand-built probes (a server's capability list is data); the lab tests
run provider-shaped domains against real Dovecot and Postfix, which offer PLAIN and LOGIN
only, and oauth.test, whose servers offer OAUTHBEARER. Each lab test writes the expert's
choice before it asks mailhop.
"""

from __future__ import annotations

import time
from dataclasses import replace

import pytest

from mailhop.core.account.account import choose, profile_from_check
from mailhop.core.account.login import LoginCode
from mailhop.core.account.oauth_discover import IssuerStatus
from mailhop.core.account.oauth_signin import find_issuer
from mailhop.core.common.model import AuthMethod, Security, Service
from mailhop.core.discover.report import Auth, Source
from mailhop.core.policy.plan import Origin, PlanEntry, Tier
from mailhop.core.probe.probe_report import Connection, Dialogue, EndpointProbe, PkixCheck
from mailhop.core.verdict.signin import decide_sign_in, sign_in_findings
from mailhop.core.verdict.verdict import Level, ServiceVerdict
from tests.core.account.test_login import login
from tests.core.account.test_oauth_signin import run
from tests.core.run.test_check import chosen, run_check
from tests.lab.lab import LabInfo

O2 = AuthMethod.OAUTH2
CLEAR = AuthMethod.PASSWORD_CLEARTEXT
ENC = AuthMethod.PASSWORD_ENCRYPTED


def probe(
    service: Service,
    methods: tuple[AuthMethod, ...],
    capabilities: tuple[str, ...],
    mechanisms: tuple[str, ...],
    *,
    issuer: bool = False,
    hidden: bool = False,
) -> EndpointProbe:
    origin = Origin(Source.ISPDB, Tier.B, Auth.HTTPS_PROVIDER, "t", "v", 0, None)
    entry = PlanEntry(
        service=service,
        hostname="mail.example.com",
        port=993,
        security=Security.IMPLICIT_TLS,
        tier=Tier.B,
        username=None,
        auth_methods=methods,
        oauth2=O2 in methods,
        registrable="example.com",
        inside_domain=True,
        dane=False,
        origins=(origin,),
        oauth2_issuer=issuer,
    )
    return EndpointProbe(
        entry=entry,
        connection=Connection(peer="192.0.2.1:993", tls_version="TLSv1.3"),
        pkix=PkixCheck(valid=True),
        dialogue=Dialogue(
            auth_mechanisms=mechanisms, capabilities=capabilities, capabilities_hidden=hidden
        ),
    )


IMAP_PLAIN = (("IMAP4rev1", "AUTH=PLAIN", "AUTH=LOGIN"), ("PLAIN", "LOGIN"))
IMAP_OAUTH = (("IMAP4rev1", "AUTH=PLAIN", "AUTH=OAUTHBEARER"), ("PLAIN", "OAUTHBEARER"))
IMAP_CRAM = (("IMAP4rev1", "AUTH=CRAM-MD5", "AUTH=PLAIN"), ("CRAM-MD5", "PLAIN"))
IMAP_OAUTH_ONLY = (("IMAP4rev1", "AUTH=OAUTHBEARER"), ("OAUTHBEARER",))
IMAP_NO_LOGIN = (("IMAP4rev1", "LOGINDISABLED", "AUTH=XOAUTH2"), ("XOAUTH2",))
IMAP_LOGIN_ONLY = (("IMAP4rev1",), ())  # no AUTH=, but the LOGIN command is allowed
SMTP_PLAIN = (("AUTH PLAIN LOGIN",), ("PLAIN", "LOGIN"))
SMTP_CRAM = (("AUTH CRAM-MD5",), ("CRAM-MD5",))
SMTP_OAUTH_ONLY = (("AUTH OAUTHBEARER XOAUTH2",), ("OAUTHBEARER", "XOAUTH2"))
POP3_USER = (("USER", "TOP"), ())

# (documents, issuer known, service, server after TLS) -> the expert's method, mismatch code
TABLE = [
    # OAuth2 + password listed, server offers no OAuth2, no issuer: the password
    ((O2, CLEAR), False, Service.IMAP, IMAP_PLAIN, CLEAR, "signin-oauth2-not-offered"),
    ((O2, CLEAR), False, Service.SUBMISSION, SMTP_PLAIN, CLEAR, "signin-oauth2-not-offered"),
    # ... with an issuer too: the server cannot take a token it does not list
    ((O2, CLEAR), True, Service.IMAP, IMAP_PLAIN, CLEAR, "signin-oauth2-not-offered"),
    # the server offers OAuth2 and an issuer is known: OAuth2, no password field (DESIGN 5)
    ((O2, CLEAR), True, Service.IMAP, IMAP_OAUTH, O2, None),
    ((O2,), True, Service.IMAP, IMAP_NO_LOGIN, O2, None),
    # ... it offers both, but nobody is known to issue a token for the host: the password
    ((O2, CLEAR), False, Service.IMAP, IMAP_OAUTH, CLEAR, "signin-oauth2-no-setup"),
    ((O2,), False, Service.IMAP, IMAP_OAUTH, CLEAR, "signin-oauth2-no-setup"),
    # ... it takes no password at all: OAuth2 is all that can work (setup asks the server)
    ((O2,), False, Service.IMAP, IMAP_NO_LOGIN, O2, None),
    # ... nor lists one: no LOGINDISABLED is no password mechanism (foreign.oauthsignin.test)
    ((O2, CLEAR), False, Service.IMAP, IMAP_OAUTH_ONLY, O2, None),
    # ... and no document says OAuth2 (an SRV record, a stale file): the server's word
    ((), False, Service.IMAP, IMAP_OAUTH_ONLY, O2, "signin-oauth2-server-only"),
    ((CLEAR,), False, Service.IMAP, IMAP_NO_LOGIN, O2, "signin-oauth2-server-only"),
    ((ENC,), False, Service.SUBMISSION, SMTP_OAUTH_ONLY, O2, "signin-oauth2-server-only"),
    # a document whose <oAuth2> names an issuer, entries saying password (yandex.ru)
    ((CLEAR,), True, Service.IMAP, IMAP_OAUTH, O2, None),
    ((CLEAR,), True, Service.IMAP, IMAP_PLAIN, CLEAR, "signin-oauth2-not-offered"),
    # OAuth2 only, with an issuer, at a server without it: nothing else is allowed
    ((O2,), True, Service.IMAP, IMAP_PLAIN, O2, "signin-method-not-offered"),
    # OAuth2 only, nobody to issue a token, a server taking passwords: the password
    ((O2,), False, Service.IMAP, IMAP_PLAIN, CLEAR, "signin-oauth2-not-offered"),
    # password-encrypted where the server offers only PLAIN/LOGIN: PLAIN inside TLS
    ((ENC,), False, Service.IMAP, IMAP_PLAIN, CLEAR, "signin-encrypted-not-offered"),
    ((ENC,), False, Service.SUBMISSION, SMTP_PLAIN, CLEAR, "signin-encrypted-not-offered"),
    ((ENC,), False, Service.POP3, POP3_USER, CLEAR, "signin-encrypted-not-offered"),
    ((ENC,), False, Service.IMAP, IMAP_LOGIN_ONLY, CLEAR, "signin-encrypted-not-offered"),
    # ... and where it does offer CRAM-MD5: as the documents say
    ((ENC,), False, Service.IMAP, IMAP_CRAM, ENC, None),
    ((ENC,), False, Service.SUBMISSION, SMTP_CRAM, ENC, None),
    # cleartext, or nothing said: a password
    ((CLEAR,), False, Service.IMAP, IMAP_PLAIN, CLEAR, None),
    ((), False, Service.SUBMISSION, SMTP_PLAIN, CLEAR, None),
    # the documents' first password method the server offers
    ((ENC, CLEAR), False, Service.IMAP, IMAP_PLAIN, CLEAR, None),
    ((CLEAR, ENC), False, Service.IMAP, IMAP_CRAM, CLEAR, None),
]  # fmt: skip


@pytest.mark.parametrize(("documents", "issuer", "service", "server", "method", "code"), TABLE)
def test_the_method_is_what_the_documents_allow_and_the_server_offers(
    documents: tuple[AuthMethod, ...],
    issuer: bool,
    service: Service,
    server: tuple[tuple[str, ...], tuple[str, ...]],
    method: AuthMethod,
    code: str | None,
) -> None:
    endpoint = probe(service, documents, *server, issuer=issuer)
    sign_in = decide_sign_in(endpoint)
    assert sign_in.method is method
    assert [f.code for f in sign_in_findings(endpoint, sign_in)] == ([code] if code else [])


@pytest.mark.parametrize(
    ("documents", "issuer", "method"),
    [
        ((O2, CLEAR), True, O2),
        ((O2, CLEAR), False, CLEAR),
        ((ENC,), False, ENC),
        ((O2,), False, O2),
    ],
)
def test_a_server_that_lists_nothing_leaves_the_documents_word(
    documents: tuple[AuthMethod, ...], issuer: bool, method: AuthMethod
) -> None:
    # The documents' first method, except OAuth2 with nobody known to issue a token when
    # they allow a password too.
    endpoint = probe(Service.IMAP, documents, (), (), hidden=True, issuer=issuer)
    sign_in = decide_sign_in(endpoint)
    assert sign_in.method is method and sign_in.offered is None
    assert sign_in_findings(endpoint, sign_in) == []


# --- the lab -------------------------------------------------------------------------------


def findings_of(leg: ServiceVerdict) -> set[str]:
    return {f.code for f in leg.findings}


def test_oauth2_and_password_at_a_server_without_oauth2_att(lab: LabInfo) -> None:
    # att.net.xml (ISPDB, tier B): every entry lists OAuth2 then password-cleartext, no
    # <oAuth2> issuer; Dovecot and Postfix offer PLAIN and LOGIN only. An expert signs in
    # with the password (a client set to OAuth2 could not), and says the two disagree.
    expected_imap = ("imap.mail.att-shape.test", 993, "implicit-tls", "B")
    expected_submission = ("outbound.att-shape.test", 465, "implicit-tls", "B")
    expected_method = "password-cleartext"
    expected_finding = "signin-oauth2-not-offered"

    report = run_check(lab, "abby@att-shape.test")

    verdict = report.verdict
    assert chosen(verdict.access) == expected_imap
    assert chosen(verdict.submission) == expected_submission
    assert expected_finding in findings_of(verdict.imap)
    assert expected_finding in findings_of(verdict.submission)
    assert "oauth2" not in {f.code for f in verdict.discovery_findings}
    assert verdict.level is Level.OK
    choice = choose(report)
    assert not choice.oauth2  # setup asks for the password
    profile = profile_from_check(report, choice, usernames_used=("abby@att-shape.test",) * 2)
    methods = {profile.incoming.auth_method.value, profile.outgoing.auth_method.value}
    assert methods == {expected_method}
    assert not profile.oauth2
    # and the password works there: the login test signs in instead of refusing (OAUTH2)
    assert verdict.access.chosen is not None
    result = login(
        lab,
        verdict.access.chosen,
        "abby-lab-password-2W",
        address="abby@att-shape.test",
        approved=True,
    )
    assert result.code is LoginCode.OK, result.advice


def test_password_encrypted_at_a_server_offering_only_plain_pdx(lab: LabInfo) -> None:
    # pdx.edu.xml (ISPDB, tier B; the scenario of test_check_providers): every entry says
    # password-encrypted (CRAM-MD5 in the exports); the servers offer PLAIN and LOGIN only.
    # An expert signs in with PLAIN inside the verified TLS and says why.
    expected_imap = ("psumail.pdx-shape.test", 993, "implicit-tls", "B")
    expected_submission = ("mailhost.pdx-shape.test", 465, "implicit-tls", "B")
    expected_method = "password-cleartext"
    expected_finding = "signin-encrypted-not-offered"

    report = run_check(lab, "pat@pdx-shape.test")

    verdict = report.verdict
    assert chosen(verdict.imap) == expected_imap
    assert chosen(verdict.submission) == expected_submission
    assert expected_finding in findings_of(verdict.imap)
    assert expected_finding in findings_of(verdict.submission)
    choice = choose(report)
    profile = profile_from_check(report, choice, usernames_used=("pat@pdx-shape.test",) * 2)
    methods = {profile.incoming.auth_method.value, profile.outgoing.auth_method.value}
    assert methods == {expected_method}


def test_oauth2_at_a_server_that_offers_it_stays_oauth2(lab: LabInfo) -> None:
    # oauth.test: the domain's autoconfig says OAuth2 with an issuer, and its servers offer
    # OAUTHBEARER and XOAUTH2 after TLS. An expert: OAuth2, no password, no mismatch.
    expected_method = "oauth2"

    report = run_check(lab, "jo@oauth.test")

    verdict = report.verdict
    assert verdict.access.chosen is not None and verdict.submission.chosen is not None
    assert "OAUTHBEARER" in verdict.access.chosen.dialogue.auth_mechanisms
    codes = findings_of(verdict.imap) | findings_of(verdict.submission)
    assert not {c for c in codes if c.startswith("signin-")}
    assert "oauth2" in {f.code for f in verdict.discovery_findings}
    choice = choose(report)
    assert choice.oauth2
    profile = profile_from_check(report, choice, usernames_used=("jo@oauth.test",) * 2)
    methods = {profile.incoming.auth_method.value, profile.outgoing.auth_method.value}
    assert methods == {expected_method}
    assert decide_sign_in(verdict.access.chosen).method is AuthMethod.OAUTH2


def test_a_server_taking_only_oauth2_gets_oauth2_though_no_document_says_so(lab: LabInfo) -> None:
    # mail.oauthsignin.test: real Dovecot and Postfix that take only OAUTHBEARER and XOAUTH2
    # after TLS. Its entries as an SRV record alone would name them: no method, no issuer.
    # An expert: OAuth2 at both servers (a password cannot work there), the issuer from the
    # IMAP server's own RFC 7628 answer, inside the address's domain.
    expected_method = AuthMethod.OAUTH2
    expected_issuer = "https://accounts.oauthsignin.test"

    report = run_check(lab, "jo@oauthsignin.test")
    verdict = report.verdict
    bare = []
    for leg in (verdict.access.chosen, verdict.submission.chosen):
        assert leg is not None
        entry = replace(leg.entry, auth_methods=(), oauth2=False, oauth2_issuer=False)
        bare.append(replace(leg, entry=entry))
    for endpoint in bare:
        sign_in = decide_sign_in(endpoint)
        assert sign_in.method is expected_method, endpoint.endpoint
        codes = [f.code for f in sign_in_findings(endpoint, sign_in)]
        assert codes == ["signin-oauth2-server-only"]
    issuer = run(
        lab,
        lambda fetcher, context: find_issuer(
            "jo@oauthsignin.test",
            bare[0],
            fetcher=fetcher,
            context=context,
            deadline=time.monotonic() + 15,
            approved_endpoint=False,
            vouched=(),
        ),
    )
    assert issuer.status is IssuerStatus.TRUSTED and issuer.issuer == expected_issuer
