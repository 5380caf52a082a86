"""The files publish writes, read back by mailhop's own parsers (STYLE.md habit 7): pure, from
hand-built facts."""

from __future__ import annotations

import plistlib

from mailhop.core.common.model import AuthMethod, Security, Service
from mailhop.core.discover.parse_autoconfig import parse_autoconfig
from mailhop.core.discover.parse_autodiscover import parse_autodiscover
from mailhop.core.discover.parse_mtasts import MtaStsMode, parse_mtasts_policy
from mailhop.core.discover.parse_pacc import parse_pacc
from mailhop.core.publish.files import FileSet, render_files
from mailhop.core.publish.gather import EndpointFacts, Gathered
from mailhop.core.publish.request import PublishRequest, UsernameStyle
from mailhop.core.publish.verify import same_policy


def offered(service: Service, port: int, security: Security) -> EndpointFacts:
    return EndpointFacts(
        service=service,
        host="mail.example.org",
        port=port,
        security=security,
        named_port=False,
        offered=True,
        reachable=True,
        failure_code=None,
        failure="",
        spki_sha256="ab" * 32,
        pkix_valid=True,
        verify_error=None,
        mechanisms=("PLAIN",),
        mechanisms_before_tls=(),
        host_signed=True,
    )


IMAP = (
    offered(Service.IMAP, 143, Security.STARTTLS),
    offered(Service.IMAP, 993, Security.IMPLICIT_TLS),
    offered(Service.SUBMISSION, 465, Security.IMPLICIT_TLS),
    offered(Service.SUBMISSION, 587, Security.STARTTLS),
)
GATHERED = Gathered("example.org", True, IMAP, ("mail.example.org",))


def files(gathered: Gathered = GATHERED, **options: object) -> FileSet:
    return render_files(gathered, PublishRequest("example.org", (), **options))  # type: ignore[arg-type]


def body(fileset: FileSet, name: str) -> bytes:
    found = fileset.named(name)
    assert found is not None, (name, fileset.notes)
    return found.body


def endpoints(candidates: object) -> list[tuple[Service, int, Security]]:
    return [(c.service, c.port, c.security) for c in candidates]  # type: ignore[attr-defined]


def test_autoconfig_lists_every_endpoint_implicit_tls_first_for_every_user() -> None:
    result = parse_autoconfig(
        body(files(), "config-v1.1.xml"), local_part="jo", domain="example.org"
    )
    assert result.error is None
    assert endpoints(result.candidates) == [
        (Service.IMAP, 993, Security.IMPLICIT_TLS),
        (Service.IMAP, 143, Security.STARTTLS),
        (Service.SUBMISSION, 465, Security.IMPLICIT_TLS),
        (Service.SUBMISSION, 587, Security.STARTTLS),
    ]
    assert {c.username for c in result.candidates} == {"jo@example.org"}
    local = files(username=UsernameStyle.LOCALPART)
    again = parse_autoconfig(body(local, "config-v1.1.xml"), local_part="jo", domain="example.org")
    assert {c.username for c in again.candidates} == {"jo"}


def test_pacc_and_autodiscover_say_the_same_servers_and_no_one_users_name() -> None:
    fileset = files()
    pacc = parse_pacc(
        body(fileset, "user-agent-configuration.json"),
        local_part="jo",
        domain="example.org",
        record=None,
    )
    assert pacc.error is None and pacc.password_allowed is True
    assert endpoints(pacc.candidates)[0] == (Service.IMAP, 993, Security.IMPLICIT_TLS)
    assert (Service.SUBMISSION, 465, Security.IMPLICIT_TLS) in endpoints(pacc.candidates)
    autodiscover = body(fileset, "autodiscover.xml")
    assert b"LoginName" not in autodiscover and b"user@" not in autodiscover
    parsed = parse_autodiscover(autodiscover)
    assert parsed.error is None
    assert endpoints(parsed.candidates) == [
        (Service.IMAP, 993, Security.IMPLICIT_TLS),
        (Service.SUBMISSION, 465, Security.IMPLICIT_TLS),
    ]


def test_the_apple_profile_holds_no_address_and_no_user_name() -> None:
    profile = plistlib.loads(body(files(), "example.org.mobileconfig"))
    payload = profile["PayloadContent"][0]
    assert "EmailAddress" not in payload
    assert "IncomingMailServerUsername" not in payload
    assert payload["IncomingMailServerHostName"] == "mail.example.org"
    assert payload["IncomingMailServerPortNumber"] == 993


def test_the_mta_sts_policy_is_testing_by_default_and_lists_the_mx_hosts() -> None:
    policy = parse_mtasts_policy(body(files(), "mta-sts.txt")).policy
    assert policy is not None
    assert (policy.mode.value, policy.mx, policy.max_age) == (
        "testing",
        ("mail.example.org",),
        86400,
    )
    enforce = parse_mtasts_policy(body(files(sts_mode=MtaStsMode.ENFORCE), "mta-sts.txt")).policy
    assert enforce is not None and enforce.mode.value == "enforce" and enforce.max_age == 604800


def test_what_a_request_cannot_express_is_left_out_with_a_note() -> None:
    local = files(username=UsernameStyle.LOCALPART)
    assert local.named("user-agent-configuration.json") is None
    assert local.named("autodiscover.xml") is None
    assert any("PACC" in note for note in local.notes)
    oauth = files(oauth2_issuer="https://login.example.org")
    assert oauth.named("example.org.mobileconfig") is None
    pacc = parse_pacc(
        body(oauth, "user-agent-configuration.json"),
        local_part="jo",
        domain="example.org",
        record=None,
    )
    assert pacc.password_allowed is False
    assert pacc.oauth2 is not None and pacc.oauth2.issuer == "https://login.example.org"
    assert all(AuthMethod.OAUTH2 in c.auth_methods for c in pacc.candidates)


def test_a_pop3_only_domain_gets_no_autoconfig_since_thunderbird_for_android_rejects_it() -> None:
    pop3 = (
        offered(Service.POP3, 995, Security.IMPLICIT_TLS),
        offered(Service.SUBMISSION, 465, Security.IMPLICIT_TLS),
    )
    fileset = files(Gathered("example.org", True, pop3, ()))
    assert fileset.named("config-v1.1.xml") is None
    assert [f.name for f in fileset.left_out] == ["config-v1.1.xml"]
    assert any("Thunderbird for Android" in note for note in fileset.notes)
    assert fileset.named("user-agent-configuration.json") is not None
    assert all(f.ok for f in fileset.files)


def test_a_live_policy_matches_whatever_its_mode_while_in_force_but_not_when_withdrawn() -> None:
    generated = body(files(), "mta-sts.txt")
    enforced = b"version: STSv1\nmode: enforce\nmx: mail.example.org\nmax_age: 31557600\n"
    assert same_policy(generated, enforced)
    assert not same_policy(generated, enforced.replace(b"mode: enforce", b"mode: none"))
    assert not same_policy(generated, enforced.replace(b"mail.example.org", b"mx.example.org"))
