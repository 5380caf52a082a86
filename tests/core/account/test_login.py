"""The login test against the lab: real Dovecot and Postfix, and hostile.py's servers.

Every endpoint comes from a real check (``run_check``), so the probe, its verdict and its
key pin are what setup would use. Where the password went is proven from what the servers
recorded: Dovecot's wire rawlog (bytes before login, ciphertext after TLS: a password there
went in the clear), Postfix's log (AUTH must come after "TLS connection established"), and
the canary over hostile.py's recordings (plaintext and decrypted TLS, per connection).
Attempts are counted from Dovecot's auth log (one line per refused user name) and from the
commands hostile.py received. The hosts of logincases.test.toml are tier C (unsigned DNS).
"""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import logging
import re
import secrets
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from mailhop.core.account.login import (
    MAX_ATTEMPTS,
    LoginCode,
    LoginResult,
    Secret,
    classify_refusal,
    login_test,
)
from mailhop.core.account.login_session import scrub
from mailhop.core.account.secrets import Password
from mailhop.core.account.special_use import SpecialFolders
from mailhop.core.common.model import AuthMethod, Service
from mailhop.core.probe.probe_report import EndpointProbe, VerifiedBy
from mailhop.core.probe.proto_base import FailureCode, ServerAlert
from mailhop.core.run.check import CheckReport
from tests.core.run.test_check import run_check
from tests.lab.canary import Sighting, connections_to, recordings, sightings
from tests.lab.lab import LabInfo
from tests.lab.test_dns import spki_sha256
from tests.lab.test_mail import mentions, rawlog_files, smtpd_sessions

ALICE = "alice@healthy.test"
MALLORY = "mallory@hostile-mail.test"
CREDENTIAL_COMMAND = re.compile(rb"(?im)^(?:[A-Za-z0-9.]+ )?(LOGIN|AUTHENTICATE|AUTH|USER|PASS)\b")
# Words the failure advice must never use: the person is not told to guess (lockouts).
GUESSING = re.compile(r"other password|another password|try again with|re-?enter", re.I)


# -- helpers -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def checks(lab: LabInfo) -> Callable[[str], CheckReport]:
    """The check of an address, run once per module."""
    done: dict[str, CheckReport] = {}

    def get(address: str) -> CheckReport:
        if address not in done:
            done[address] = run_check(lab, address)
        return done[address]

    return get


def password_of(lab: LabInfo, address: str) -> str:
    return next(a.password for s in lab.scenarios for a in s.accounts if a.address == address)


def probe(report: CheckReport, service: Service, port: int) -> EndpointProbe:
    found = [p for p in report.probes if p.entry.service is service and p.entry.port == port]
    assert len(found) == 1, [p.endpoint for p in report.probes]
    return found[0]


def login(
    lab: LabInfo,
    endpoint: EndpointProbe,
    password: str | Secret,
    *,
    address: str,
    approved: bool = False,
    seconds: float = 5.0,
    **options: object,
) -> LoginResult:
    secret = Password(password) if isinstance(password, str) else password
    result = asyncio.run(
        login_test(
            endpoint,
            secret,
            address=address,
            approved=approved,
            deadline=time.monotonic() + seconds,
            extra_ca_file=lab.ca_file,
            **options,  # type: ignore[arg-type]
        )
    )
    if isinstance(password, str):
        assert password not in repr(result), "the password is in the result"
    if not result.ok:
        assert not GUESSING.search(result.advice), result.advice
    return result


def recordings_dir(lab: LabInfo) -> Path:
    return Path(lab.fact("pyservers", "recordings_dir"))


def seen_since(lab: LabInfo, secret: str, since: float) -> list[Sighting]:
    """Where hostile.py's servers received `secret` on connections opened since `since`."""
    opened = {r.connection: r.opened for r in recordings(recordings_dir(lab))}
    return [s for s in sightings(recordings_dir(lab), secret) if opened[s.connection] >= since]


def credential_commands(lab: LabInfo, host: str, since: float) -> dict[str, int]:
    """Login commands each phase of `host`'s connections since `since` received."""
    counts = {"plain": 0, "tls": 0}
    for recording in connections_to(recordings_dir(lab), host, since):
        for phase, data in recording.segments:
            counts[phase] += len(CREDENTIAL_COMMAND.findall(data))
    return counts


class LogTail:
    """What a log file gained since this object was made."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.offset = path.stat().st_size

    def new(self) -> str:
        with self.path.open("rb") as file:
            file.seek(self.offset)
            return file.read().decode("utf-8", "replace")


def dovecot_refusals(tail: LogTail, users: tuple[str, ...], expected: int) -> list[str]:
    """Dovecot's auth lines for `users` (one per refused attempt), waited for up to 5 s."""
    pattern = re.compile(r"passwd-file\(([^,]+),[^)]*\): (Password mismatch|unknown user)")
    deadline = time.monotonic() + 5.0  # returns as soon as they are there; slack for a busy machine
    while True:
        found = [m[1] for m in pattern.finditer(tail.new()) if m[1] in users]
        if len(found) >= expected or time.monotonic() > deadline:
            time.sleep(0.1)  # and nothing more after that
            return [m[1] for m in pattern.finditer(tail.new()) if m[1] in users]
        time.sleep(0.05)


def assert_dovecot_never_saw_it_in_clear(lab: LabInfo, password: str) -> None:
    """Dovecot's wire rawlog holds plaintext before STARTTLS and ciphertext after it."""
    leaked = [p.name for p in rawlog_files(lab, "wire") if mentions(p.read_bytes(), password)]
    assert leaked == []


def assert_postfix_saw_it_only_after_tls(lab: LabInfo, tail: LogTail, password: str) -> None:
    sessions = [
        s for s in smtpd_sessions(tail.new()) if any(mentions(x.encode(), password) for x in s)
    ]
    assert sessions, "Postfix never received the password"
    for lines in sessions:
        tls_at = [i for i, line in enumerate(lines) if "TLS connection established" in line]
        auth_at = [i for i, line in enumerate(lines) if mentions(line.encode(), password)]
        assert tls_at and tls_at[0] < auth_at[0], lines


class CountingSecret:
    """A secret that records every reveal(): for cases where the password must not be used."""

    def __init__(self) -> None:
        self.reveals = 0

    def reveal(self) -> str:
        self.reveals += 1
        return "never-to-be-used-" + secrets.token_urlsafe(8)


# -- signing in ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("service", "port", "mechanism"),
    [
        (Service.IMAP, 993, "AUTHENTICATE PLAIN"),
        (Service.SUBMISSION, 465, "AUTH PLAIN"),
        (Service.POP3, 995, "USER/PASS"),
        (Service.IMAP, 143, "AUTHENTICATE PLAIN"),
        (Service.POP3, 110, "USER/PASS"),
        (Service.SUBMISSION, 587, "AUTH PLAIN"),
    ],
)
def test_signs_in_to_dovecot_and_postfix(
    lab: LabInfo, checks: Callable[[str], CheckReport], service: Service, port: int, mechanism: str
) -> None:
    password = password_of(lab, ALICE)
    postfix = LogTail(Path(lab.fact("mail", "postfix_log")))
    since = time.time()
    result = login(lab, probe(checks(ALICE), service, port), password, address=ALICE)
    assert result.ok and result.code is LoginCode.OK, result.advice
    assert (result.attempts, result.username_used, result.mechanism) == (1, ALICE, mechanism)
    assert (result.service, result.host, result.port) == (service, "mail.healthy.test", port)
    assert_dovecot_never_saw_it_in_clear(lab, password)
    if service is Service.SUBMISSION:
        assert_postfix_saw_it_only_after_tls(lab, postfix, password)
    assert seen_since(lab, password, since) == []  # no other lab server heard it


@pytest.mark.parametrize(("service", "port"), [(Service.IMAP, 993), (Service.IMAP, 143)])
def test_imap_reads_the_servers_sent_and_drafts_after_the_login(
    lab: LabInfo, checks: Callable[[str], CheckReport], service: Service, port: int
) -> None:
    # The lab's Dovecot marks "Sent Messages" \Sent and "Entwürfe" \Drafts (RFC 6154;
    # tests/lab/mail.py SPECIAL_USE): neither is the name the exports used to guess, and the
    # second travels as modified UTF-7 ("Entw&APw-rfe").
    expected = SpecialFolders(sent="Sent Messages", drafts="Entwürfe")
    result = login(lab, probe(checks(ALICE), service, port), password_of(lab, ALICE), address=ALICE)
    assert result.ok, result.advice
    assert result.folders == expected


def test_imap_and_smtp_make_one_account(lab: LabInfo, checks: Callable[[str], CheckReport]) -> None:
    """The pair setup tests, with one shared deadline: both sign in well within it."""
    report = checks(ALICE)
    incoming, outgoing = report.verdict.imap.chosen, report.verdict.submission.chosen
    assert incoming is not None and outgoing is not None
    password = Password(password_of(lab, ALICE))

    async def both() -> list[LoginResult]:
        deadline = time.monotonic() + 5.0
        return [
            await login_test(
                p,
                password,
                address=ALICE,
                approved=False,
                deadline=deadline,
                extra_ca_file=lab.ca_file,
            )
            for p in (incoming, outgoing)
        ]

    began = time.monotonic()
    results = asyncio.run(both())
    assert [r.ok for r in results] == [True, True]
    assert [(r.service, r.port) for r in results] == [
        (Service.IMAP, 993),
        (Service.SUBMISSION, 465),
    ]
    assert time.monotonic() - began < 2.0


def test_a_provider_host_in_another_domain_signs_in(
    lab: LabInfo, checks: Callable[[str], CheckReport]
) -> None:
    """dave@hosted.test is served by imap.provider.test, vouched for by signed SRV records."""
    address = "dave@hosted.test"
    chosen = checks(address).verdict.imap.chosen
    assert chosen is not None and not chosen.entry.inside_domain
    result = login(lab, chosen, password_of(lab, address), address=address)
    assert result.ok and result.host == "imap.provider.test", result.advice


# -- wrong password: one attempt per user name form, at most two -----------------------------


@pytest.mark.parametrize(
    ("service", "port"),
    [(Service.IMAP, 993), (Service.POP3, 995), (Service.SUBMISSION, 465), (Service.IMAP, 143)],
)
def test_wrong_password_tries_each_form_once_then_stops(
    lab: LabInfo, checks: Callable[[str], CheckReport], service: Service, port: int
) -> None:
    wrong = f"canary-{secrets.token_urlsafe(12)}"
    auth_log = LogTail(Path(lab.fact("mail", "dovecot_log")))
    postfix = LogTail(Path(lab.fact("mail", "postfix_log")))
    result = login(lab, probe(checks(ALICE), service, port), wrong, address=ALICE)
    assert result.code is LoginCode.CREDENTIALS_REJECTED and not result.ok
    assert result.attempts == MAX_ATTEMPTS == 2
    assert result.username_used == "alice"  # the full address first, then the local part
    assert dovecot_refusals(auth_log, (ALICE, "alice"), 2) == [ALICE, "alice"]
    assert "app password" in result.advice and "OAuth2" in result.advice
    # Typos and Caps Lock come before app passwords (issue 16).
    assert result.advice.index("Caps Lock") < result.advice.index("app password")
    assert ALICE in result.advice and "alice" in result.advice
    if service is Service.IMAP:
        assert "[AUTHENTICATIONFAILED]" in result.server_said
    assert_dovecot_never_saw_it_in_clear(lab, wrong)
    if service is Service.SUBMISSION:
        assert result.server_said.startswith("535 5.7.8")
        assert_postfix_saw_it_only_after_tls(lab, postfix, wrong)
    assert sightings(recordings_dir(lab), wrong) == []


def test_a_policy_username_is_tried_first_and_alone_when_it_is_the_address(
    lab: LabInfo, checks: Callable[[str], CheckReport]
) -> None:
    """One form only: two tries would be one too many for a single name."""
    wrong = f"canary-{secrets.token_urlsafe(12)}"
    auth_log = LogTail(Path(lab.fact("mail", "dovecot_log")))
    endpoint = probe(checks(ALICE), Service.IMAP, 993)
    result = login(lab, endpoint, wrong, address=ALICE, usernames=(ALICE,))
    assert (result.code, result.attempts) == (LoginCode.CREDENTIALS_REJECTED, 1)
    assert dovecot_refusals(auth_log, (ALICE, "alice"), 1) == [ALICE]


def test_wrong_password_at_a_recording_server(
    lab: LabInfo, checks: Callable[[str], CheckReport]
) -> None:
    """hostile.py records the decrypted session: exactly two logins, both over TLS."""
    wrong = f"canary-{secrets.token_urlsafe(12)}"
    endpoint = probe(checks(MALLORY), Service.IMAP, 993)
    since = time.time()
    result = login(lab, endpoint, wrong, address=MALLORY)
    assert (result.code, result.attempts) == (LoginCode.CREDENTIALS_REJECTED, 2)
    assert credential_commands(lab, "good.hostile-mail.test", since) == {"plain": 0, "tls": 2}
    seen = sightings(recordings_dir(lab), wrong)
    assert seen and {(s.host, s.phase) for s in seen} == {("good.hostile-mail.test", "tls")}


# -- the password stays home ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("service", "port"), [(Service.IMAP, 143), (Service.POP3, 110), (Service.SUBMISSION, 587)]
)
def test_auth_offered_only_before_starttls_is_not_used(
    lab: LabInfo, checks: Callable[[str], CheckReport], service: Service, port: int
) -> None:
    address = "jo@authbefore.logincases.test"
    password = password_of(lab, address)
    endpoint = probe(checks(address), service, port)
    since = time.time()
    result = login(lab, endpoint, password, address=address, approved=True)
    assert (result.code, result.attempts, result.mechanism) == (
        LoginCode.NO_MECHANISM_AFTER_TLS,
        0,
        None,
    )
    assert "Before TLS it offered" in result.advice and "not sent" in result.advice
    assert seen_since(lab, password, since) == []
    assert credential_commands(lab, "authbefore.logincases.test", since) == {"plain": 0, "tls": 0}


def test_tier_c_host_without_approval_gets_no_connection(
    lab: LabInfo, checks: Callable[[str], CheckReport]
) -> None:
    address = "jo@tierc.logincases.test"
    report = checks(address)
    since = time.time()
    for endpoint in report.probes:
        assert endpoint.entry.needs_approval and endpoint.authenticated_by is VerifiedBy.PKIX
        result = login(lab, endpoint, CountingSecret(), address=address)
        assert (result.code, result.attempts) == (LoginCode.NOT_APPROVED, 0)
        assert "tierc.logincases.test" in result.advice and "logincases.test" in result.advice
    time.sleep(0.1)
    assert connections_to(recordings_dir(lab), "tierc.logincases.test", since) == []


def test_tier_c_host_with_approval_signs_in_over_tls_only(
    lab: LabInfo, checks: Callable[[str], CheckReport]
) -> None:
    address = "jo@tierc.logincases.test"
    password = password_of(lab, address)
    since = time.time()
    for port, service in ((993, Service.IMAP), (995, Service.POP3), (587, Service.SUBMISSION)):
        result = login(
            lab, probe(checks(address), service, port), password, address=address, approved=True
        )
        assert result.ok, result.advice
    seen = seen_since(lab, password, since)
    assert {(s.host, s.port, s.phase) for s in seen} == {
        ("tierc.logincases.test", 993, "tls"),
        ("tierc.logincases.test", 995, "tls"),
        ("tierc.logincases.test", 587, "tls"),
    }


def test_plain_http_settings_for_the_signed_mx_host_sign_in_at_dovecot(
    lab: LabInfo, checks: Callable[[str], CheckReport]
) -> None:
    """ivan@plainonly.test: an autoconfig file over plain HTTP names mail.plainonly.test, which
    is also the host of the domain's DNSSEC-signed MX: the MX vouches for it (tier B), so the
    sign-in needs no approval; the password still goes only over verified TLS. (A host that
    only an unauthenticated source names needs approval first: see the tier-C test above.)"""
    address = "ivan@plainonly.test"
    password = password_of(lab, address)
    chosen = checks(address).verdict.imap.chosen
    assert chosen is not None and not chosen.entry.needs_approval
    assert chosen.entry.hostname == "mail.plainonly.test"
    result = login(lab, chosen, password, address=address)
    assert result.ok and result.username_used == address, result.advice
    assert_dovecot_never_saw_it_in_clear(lab, password)


@pytest.mark.parametrize(
    ("service", "port"),
    [(Service.IMAP, 993), (Service.IMAP, 143), (Service.SUBMISSION, 465), (Service.POP3, 995)],
)
def test_a_key_that_changed_since_the_check_gets_no_password(
    lab: LabInfo, checks: Callable[[str], CheckReport], service: Service, port: int
) -> None:
    """The check's pin is altered, as if the server's key had changed since: the server now
    presents a key that does not match, and the connection ends before any credential."""
    address = "jo@tierc.logincases.test"
    password = password_of(lab, address)
    endpoint = probe(checks(address), service, port)
    assert endpoint.cert is not None
    moved = dataclasses.replace(
        endpoint, cert=dataclasses.replace(endpoint.cert, spki_sha256="ab" * 32)
    )
    since = time.time()
    result = login(lab, moved, password, address=address, approved=True)
    assert (result.code, result.attempts) == (LoginCode.KEY_CHANGED, 0)
    assert endpoint.cert.spki_sha256[:16] in result.advice and "abababab" in result.advice
    assert seen_since(lab, password, since) == []
    (connection,) = connections_to(recordings_dir(lab), "tierc.logincases.test", since)
    assert connection.received("tls") == b""  # not one byte after the handshake


def test_oauth2_account_asks_for_no_password(
    lab: LabInfo, checks: Callable[[str], CheckReport]
) -> None:
    endpoint = probe(checks(MALLORY), Service.IMAP, 993)
    entry = dataclasses.replace(
        endpoint.entry, oauth2=True, auth_methods=(AuthMethod.OAUTH2,), oauth2_issuer=True
    )
    # OAuth2 is the sign-in only where the server offers it too and someone is known to
    # issue the token, since this server takes a password as well (signin.py)
    offered = (*endpoint.dialogue.auth_mechanisms, "OAUTHBEARER")
    dialogue = dataclasses.replace(endpoint.dialogue, auth_mechanisms=offered)
    oauth2 = dataclasses.replace(endpoint, entry=entry, dialogue=dialogue)
    secret = CountingSecret()
    since = time.time()
    result = login(lab, oauth2, secret, address=MALLORY)
    assert (result.code, result.attempts, secret.reveals) == (LoginCode.OAUTH2, 0, 0)
    assert "OAuth2" in result.advice and "mail client" in result.advice
    assert connections_to(recordings_dir(lab), "good.hostile-mail.test", since) == []


def test_an_endpoint_the_check_did_not_verify_gets_no_connection(
    lab: LabInfo, checks: Callable[[str], CheckReport]
) -> None:
    """mallory@hostile-mail.test's SRV also names strip.hostile-mail.test: STARTTLS stripped."""
    stripped = probe(checks(MALLORY), Service.IMAP, 143)
    assert stripped.failure is not None and stripped.failure.code is FailureCode.STARTTLS_MISSING
    assert stripped.authenticated_by is None
    secret = CountingSecret()
    since = time.time()
    result = login(lab, stripped, secret, address=MALLORY, approved=True)
    assert (result.code, result.attempts, secret.reveals) == (LoginCode.NOT_VERIFIED, 0, 0)
    assert connections_to(recordings_dir(lab), "strip.hostile-mail.test", since) == []


def test_dane_ee_self_signed_host_signs_in_pinned_to_its_key(
    lab: LabInfo, checks: Callable[[str], CheckReport]
) -> None:
    """PKIX refuses this certificate; DANE-EE vouched for the key, and only that key works."""
    (endpoint,) = checks("jo@dane-selfsigned.cases.test").verdict.imap.probes
    assert endpoint.authenticated_by is VerifiedBy.DANE_EE and not endpoint.pkix.valid
    assert endpoint.cert is not None
    password = password_of(lab, MALLORY)  # hostile.py servers accept every lab account
    since = time.time()
    result = login(
        lab, endpoint, password, address="jo@dane-selfsigned.cases.test", usernames=(MALLORY,)
    )
    assert result.ok and result.attempts == 1, result.advice
    seen = seen_since(lab, password, since)
    assert {(s.host, s.phase) for s in seen} == {("selfsigned.dane.test", "tls")}

    other = dataclasses.replace(endpoint.cert, spki_sha256="cd" * 32)
    refused = login(
        lab,
        dataclasses.replace(endpoint, cert=other),
        password,
        address="jo@dane-selfsigned.cases.test",
        usernames=(MALLORY,),
    )
    assert (refused.code, refused.attempts) == (LoginCode.KEY_CHANGED, 0)


def redirected(lab: LabInfo, template: EndpointProbe, host: str) -> EndpointProbe:
    """`template`, a probe the check passed, moved to a hostile.py host with that host's key:
    the server behaved during the check and misbehaves at login (an attacker who starts
    later). The login session must apply rule 2 itself."""
    assert template.cert is not None
    address = lab.scenario("hostile-mail.test").host(host).address
    return dataclasses.replace(
        template,
        entry=dataclasses.replace(template.entry, hostname=host),
        connection=dataclasses.replace(template.connection, peer=address),
        cert=dataclasses.replace(template.cert, spki_sha256=spki_sha256(lab, host)),
    )


TURNED_HOSTILE = [
    # host, service, port, code, words in the advice
    ("strip", Service.IMAP, 143, LoginCode.STARTTLS_FAILED, "did not offer STARTTLS"),
    ("strip", Service.POP3, 110, LoginCode.STARTTLS_FAILED, "did not offer STLS"),
    ("strip", Service.SUBMISSION, 587, LoginCode.STARTTLS_FAILED, "did not offer STARTTLS"),
    ("starttls-no", Service.IMAP, 143, LoginCode.STARTTLS_FAILED, "refused STARTTLS"),
    ("starttls-bad", Service.IMAP, 143, LoginCode.STARTTLS_FAILED, "refused STARTTLS"),
    ("starttls-no", Service.POP3, 110, LoginCode.STARTTLS_FAILED, "refused STLS"),
    ("smtp-refuse", Service.SUBMISSION, 587, LoginCode.STARTTLS_FAILED, "refused STARTTLS"),
    ("preauth", Service.IMAP, 143, LoginCode.STARTTLS_FAILED, "PREAUTH"),
    ("inject", Service.IMAP, 143, LoginCode.STARTTLS_FAILED, "CVE-2011-0411"),
    ("inject", Service.SUBMISSION, 587, LoginCode.STARTTLS_FAILED, "CVE-2011-0411"),
    ("expired", Service.IMAP, 993, LoginCode.CERTIFICATE_REFUSED, "certificate has expired"),
    ("wrong-name", Service.IMAP, 993, LoginCode.CERTIFICATE_REFUSED, "Hostname mismatch"),
    ("hidden", Service.IMAP, 993, LoginCode.NO_MECHANISM_AFTER_TLS, "no capabilities"),
    ("hidden", Service.IMAP, 143, LoginCode.NO_MECHANISM_AFTER_TLS, "no capabilities"),
    ("hidden", Service.POP3, 110, LoginCode.NO_MECHANISM_AFTER_TLS, "no capabilities"),
    ("hidden", Service.SUBMISSION, 587, LoginCode.NO_MECHANISM_AFTER_TLS, "EHLO answered 502"),
]


@pytest.mark.parametrize(("case", "service", "port", "code", "words"), TURNED_HOSTILE)
def test_a_server_that_turns_hostile_after_the_check_gets_no_password(
    lab: LabInfo,
    checks: Callable[[str], CheckReport],
    case: str,
    service: Service,
    port: int,
    code: LoginCode,
    words: str,
) -> None:
    host = f"{case}.hostile-mail.test"
    endpoint = redirected(lab, probe(checks(ALICE), service, port), host)
    canary = f"canary-{secrets.token_urlsafe(12)}"
    since = time.time()
    result = login(lab, endpoint, canary, address=MALLORY)
    assert (result.code, result.attempts) == (code, 0), result.advice
    assert words in result.advice and "not sent" in result.advice
    assert sightings(recordings_dir(lab), canary) == []
    assert credential_commands(lab, host, since) == {"plain": 0, "tls": 0}


def test_untagged_noise_before_starttls_is_forgotten_not_fatal(
    lab: LabInfo, checks: Callable[[str], CheckReport]
) -> None:
    """Untagged lines before the STARTTLS answer are legal IMAP; they are dropped with
    everything else from before TLS, and the login goes ahead."""
    endpoint = redirected(lab, probe(checks(ALICE), Service.IMAP, 143), "noise.hostile-mail.test")
    result = login(lab, endpoint, password_of(lab, MALLORY), address=MALLORY)
    assert result.ok and result.attempts == 1, result.advice
    assert result.alerts == ()  # its [ALERT] came before TLS: anyone's words


def test_an_alert_from_before_tls_is_not_kept_when_the_handshake_fails(
    lab: LabInfo, checks: Callable[[str], CheckReport]
) -> None:
    """The noise host's [ALERT] comes before STARTTLS; the key has changed since the check,
    so TLS never comes up. The alert was dropped only once TLS was up, so this login kept it
    and showed it as the server's words (the same class as the probe engine's, found by
    tests/fuzz/fuzz_proto_imap.py)."""
    endpoint = redirected(lab, probe(checks(ALICE), Service.IMAP, 143), "noise.hostile-mail.test")
    assert endpoint.cert is not None
    moved = dataclasses.replace(
        endpoint, cert=dataclasses.replace(endpoint.cert, spki_sha256="ab" * 32)
    )
    result = login(lab, moved, password_of(lab, MALLORY), address=MALLORY)
    assert (result.code, result.attempts) == (LoginCode.KEY_CHANGED, 0), result.advice
    assert result.alerts == ()


# -- the server's words (loginwords.test.toml) -------------------------------------------------

RAW = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def word_login(lab: LabInfo, checks: Callable[[str], CheckReport], host: str) -> LoginResult:
    address = f"jo@{host}"
    endpoint = probe(checks(address), Service.IMAP, 993)
    result = login(lab, endpoint, password_of(lab, address), address=address, approved=True)
    for text in (result.advice, result.server_said, *(alert.text for alert in result.alerts)):
        assert not RAW.search(text), text  # no control or bidi character survives
    return result


def test_a_refusal_in_html_stays_the_servers_quoted_words_and_its_alert_is_kept(
    lab: LabInfo, checks: Callable[[str], CheckReport]
) -> None:
    result = word_login(lab, checks, "refuse.loginwords.test")
    assert result.code is LoginCode.CREDENTIALS_REJECTED
    assert result.server_said.startswith("NO [AUTHENTICATIONFAILED] <h1>Account set up")
    assert f"The server said: \u201c{result.server_said}\u201d." in result.advice
    # RFC 3501 section 7.1: the [ALERT] reaches the person, once though sent at each attempt.
    assert result.alerts == (
        ServerAlert(
            "IMAP",
            "refuse.loginwords.test",
            "<h1>Account set up, verified by mailhop</h1> \\x1b[31mred\\x1b[0m "
            '\\u202egnp.exe <a href="https://evil.example/">renew</a>',
        ),
    )


def test_alerts_over_tls_reach_the_result_of_a_login_that_works(
    lab: LabInfo, checks: Callable[[str], CheckReport]
) -> None:
    result = word_login(lab, checks, "alert.loginwords.test")
    assert result.ok and [alert.host for alert in result.alerts] == ["alert.loginwords.test"] * 2
    greeting, at_login = (alert.text for alert in result.alerts)
    assert greeting == "<b>Maintenance</b> tonight \\x1b[2J\\u202eenod"
    assert at_login.startswith("<h1>Mailbox 95% full</h1> \\x1b[31m<a href=")
    # The check saw the greeting's alert too, on the probe record.
    (probed,) = probe(checks("jo@alert.loginwords.test"), Service.IMAP, 993).dialogue.alerts
    assert probed == result.alerts[0]


def test_server_capabilities_in_the_advice_are_escaped(
    lab: LabInfo, checks: Callable[[str], CheckReport]
) -> None:
    result = word_login(lab, checks, "nomech.loginwords.test")
    assert (result.code, result.attempts) == (LoginCode.NO_MECHANISM_AFTER_TLS, 0)
    assert "X-\\x1b[31MEVIL\\XE2\\X80\\XAETXT" in result.advice  # upper case, as matched


@pytest.mark.parametrize(("service", "port"), [(Service.IMAP, 993), (Service.SUBMISSION, 465)])
def test_a_password_beyond_ascii_goes_as_utf8(
    lab: LabInfo, checks: Callable[[str], CheckReport], service: Service, port: int
) -> None:
    canary = f"canary-faß-é-{secrets.token_urlsafe(8)}"
    since = time.time()
    result = login(lab, probe(checks(MALLORY), service, port), canary, address=MALLORY)
    assert (result.code, result.attempts) == (LoginCode.CREDENTIALS_REJECTED, 2), result.advice
    seen = seen_since(lab, canary, since)
    assert seen and {(s.host, s.phase) for s in seen} == {("good.hostile-mail.test", "tls")}


def test_no_log_record_holds_the_password(
    lab: LabInfo, checks: Callable[[str], CheckReport], caplog: pytest.LogCaptureFixture
) -> None:
    """IMAPClient routes imaplib's protocol trace into logging at DEBUG: it must stay off."""
    caplog.set_level(logging.DEBUG)
    password = password_of(lab, ALICE)
    for service, port in ((Service.IMAP, 143), (Service.POP3, 995), (Service.SUBMISSION, 587)):
        assert login(lab, probe(checks(ALICE), service, port), password, address=ALICE).ok
        wrong = f"canary-{secrets.token_urlsafe(12)}"
        assert not login(lab, probe(checks(ALICE), service, port), wrong, address=ALICE).ok
        assert wrong not in caplog.text
    assert "Connected to host" in caplog.text  # IMAPClient's own line: logging was captured
    assert password not in caplog.text


def test_server_words_are_masked_escaped_and_capped() -> None:
    secret = f"canary-{secrets.token_urlsafe(12)}"
    echoed = base64.b64encode(f"\0jo@example.com\0{secret}".encode()).decode()
    assert secret not in scrub(f"NO you sent {secret} and {echoed}", secret)
    assert scrub(f"NO you sent {secret} and {echoed}", secret) == "NO you sent **** and ****"
    assert scrub("NO [AUTHENTICATIONFAILED] fine", secret) == "NO [AUTHENTICATIONFAILED] fine"


# -- deadlines ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("service", "port"), [(Service.IMAP, 993), (Service.SUBMISSION, 465)])
def test_a_server_that_stalls_after_the_password_ends_at_the_deadline(
    lab: LabInfo, checks: Callable[[str], CheckReport], service: Service, port: int
) -> None:
    address = "jo@stall.logincases.test"
    endpoint = probe(checks(address), service, port)
    began = time.monotonic()
    result = login(
        lab, endpoint, password_of(lab, address), address=address, approved=True, seconds=1.0
    )
    elapsed = time.monotonic() - began
    assert (result.code, result.attempts) == (LoginCode.TIMEOUT, 1)
    assert 0.9 <= elapsed < 1.6, elapsed
    assert "waiting for the answer to the password" in result.advice


def test_a_cancelled_login_leaves_no_task_behind(
    lab: LabInfo, checks: Callable[[str], CheckReport]
) -> None:
    """The sign-in page's Cancel while the server sits on the password: the session's
    thread is woken and its task awaited before the cancellation arrives (DESIGN.md
    section 3), not left to finish after the caller moved on."""
    address = "jo@stall.logincases.test"
    endpoint = probe(checks(address), Service.IMAP, 993)
    secret = Password(password_of(lab, address))

    async def cancel_midway() -> list[asyncio.Task[object]]:
        task = asyncio.ensure_future(
            login_test(
                endpoint,
                secret,
                address=address,
                approved=True,
                deadline=time.monotonic() + 30,
                extra_ca_file=lab.ca_file,
            )
        )
        await asyncio.sleep(1.0)  # signed in up to the password, the server silent
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        return [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]

    began = time.monotonic()
    assert asyncio.run(cancel_midway()) == []
    assert time.monotonic() - began < 3.0


def test_a_deadline_already_passed_connects_nowhere(
    lab: LabInfo, checks: Callable[[str], CheckReport]
) -> None:
    endpoint = probe(checks(MALLORY), Service.IMAP, 993)
    since = time.time()
    result = login(lab, endpoint, CountingSecret(), address=MALLORY, seconds=-1.0)
    assert (result.code, result.attempts) == (LoginCode.TIMEOUT, 0)
    assert connections_to(recordings_dir(lab), "good.hostile-mail.test", since) == []


# -- misuse and the reading of refusals ------------------------------------------------------


def test_misuse_is_a_value_error(lab: LabInfo, checks: Callable[[str], CheckReport]) -> None:
    endpoint = probe(checks(MALLORY), Service.IMAP, 993)
    with pytest.raises(ValueError, match="user names"):
        login(lab, endpoint, CountingSecret(), address=MALLORY, usernames=("a", "b", "c"))
    with pytest.raises(ValueError, match="user names"):
        login(lab, endpoint, CountingSecret(), address=MALLORY, usernames=())
    relay = dataclasses.replace(
        endpoint, entry=dataclasses.replace(endpoint.entry, service=Service.RELAY)
    )
    with pytest.raises(ValueError, match="relay"):
        login(lab, relay, CountingSecret(), address=MALLORY)


REFUSALS = [
    # what the server said, what it means (only credentials-rejected allows a second form)
    (Service.IMAP, "NO [AUTHENTICATIONFAILED] Authentication failed.", "credentials-rejected"),
    (Service.IMAP, "NO Login failed", "credentials-rejected"),
    (Service.IMAP, "NO [UNAVAILABLE] Temporary authentication failure", "temporary-failure"),
    (Service.IMAP, "NO [EXPIRED] Password expired", "account-unavailable"),
    (Service.IMAP, "NO [CONTACTADMIN] Account disabled", "account-unavailable"),
    (Service.IMAP, "NO [LIMIT] Too many connections", "temporary-failure"),
    (Service.IMAP, "NO Account is locked", "account-unavailable"),
    (Service.IMAP, "NO [ALERT] Please log in via your web browser", "account-unavailable"),
    (Service.IMAP, "BAD Invalid characters in atom", "server-error"),
    (Service.IMAP, "NO [REFERRAL imap://other.example/] go there", "server-error"),
    (Service.POP3, "-ERR [AUTH] Authentication failed.", "credentials-rejected"),
    (Service.POP3, "-ERR invalid password", "credentials-rejected"),
    (Service.POP3, "-ERR [IN-USE] Mailbox is locked by another session", "temporary-failure"),
    (Service.POP3, "-ERR [SYS/TEMP] try later", "temporary-failure"),
    (Service.POP3, "-ERR [SYS/PERM] Account disabled", "account-unavailable"),
    (Service.POP3, "-ERR [LOGIN-DELAY] wait", "temporary-failure"),
    (Service.SUBMISSION, "535 5.7.8 Authentication credentials invalid", "credentials-rejected"),
    (Service.SUBMISSION, "535 5.7.3 Authentication unsuccessful", "credentials-rejected"),
    (Service.SUBMISSION, "535 Authentication failed", "credentials-rejected"),
    (Service.SUBMISSION, "535 5.7.139 SmtpClientAuthentication is disabled", "account-unavailable"),
    (Service.SUBMISSION, "535 5.7.0 (#AUTH005) Too many bad auth attempts.", "account-unavailable"),
    (Service.SUBMISSION, "534 5.7.9 Application-specific password required", "account-unavailable"),
    (Service.SUBMISSION, "454 4.7.0 Temporary authentication failure", "temporary-failure"),
    (Service.SUBMISSION, "432 4.7.12 A password transition is needed", "account-unavailable"),
    (Service.SUBMISSION, "530 5.7.0 Must issue a STARTTLS command first", "server-error"),
    (Service.SUBMISSION, "504 5.5.4 Unrecognized authentication type", "server-error"),
]


@pytest.mark.parametrize(("service", "reply", "meaning"), REFUSALS)
def test_classify_refusal(service: Service, reply: str, meaning: str) -> None:
    assert classify_refusal(service, reply) == meaning
