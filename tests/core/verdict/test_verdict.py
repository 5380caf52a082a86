"""The verdict table, on probe results built by hand (the verdict is pure)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from mailhop.core.common.findings import Severity
from mailhop.core.common.model import Security, Service
from mailhop.core.discover.parse_mtasts import MtaStsMode
from mailhop.core.discover.report import Auth, Source
from mailhop.core.policy.plan import Origin, Plan, PlanEntry, ServicePlan, Tier
from mailhop.core.probe.cert_problems import CertProblem, ProblemCode
from mailhop.core.probe.dane_records import DaneOutcome, Usage
from mailhop.core.probe.probe_report import (
    CertSummary,
    Connection,
    DaneCheck,
    Dialogue,
    EndpointProbe,
    PkixCheck,
    ProbeFailure,
    RelayProbe,
)
from mailhop.core.probe.proto_base import FailureCode
from mailhop.core.verdict.endpoint import FAILURE_FINDINGS
from mailhop.core.verdict.verdict import (
    Level,
    Verdict,
    endpoint_findings,
    judge,
    judge_relay,
    judge_service,
)


def entry(
    host: str = "mail.example.com",
    port: int = 993,
    security: Security = Security.IMPLICIT_TLS,
    tier: Tier = Tier.A,
    service: Service = Service.IMAP,
) -> PlanEntry:
    origin = Origin(Source.SRV, tier, Auth.DNSSEC_SECURE, "t", "v", 0, None)
    return PlanEntry(
        service=service,
        hostname=host,
        port=port,
        security=security,
        tier=tier,
        username=None,
        auth_methods=(),
        oauth2=False,
        registrable="example.com",
        inside_domain=True,
        dane=False,
        origins=(origin,),
    )


CERT = CertSummary(
    subject="CN=mail.example.com",
    issuer="CN=Example CA",
    names=("mail.example.com",),
    not_after=datetime(2027, 6, 1, tzinfo=UTC),
    days_left=180,
    key="EC P-256",
    signature="ecdsa-with-SHA256",
    spki_sha256="00" * 32,
    chain_subjects=("CN=mail.example.com", "CN=Example CA"),
)


def probe(
    *,
    entry: PlanEntry | None = None,
    failure: FailureCode | None = None,
    failure_detail: str = "",
    pkix_valid: bool = True,
    pkix_error: str | None = None,
    cert: CertSummary | None = CERT,
    dane: DaneOutcome | None = None,
    dane_usage: Usage | None = None,
    dane_detail: str = "",
    auth_mechanisms: tuple[str, ...] = ("PLAIN",),
) -> EndpointProbe:
    return EndpointProbe(
        entry=entry or globals()["entry"](),
        failure=ProbeFailure(code=failure, detail=failure_detail) if failure else None,
        connection=Connection(
            peer="192.0.2.1", tls_version="TLSv1.3", cipher="TLS_AES_256_GCM_SHA384", elapsed=0.1
        ),
        pkix=PkixCheck(valid=pkix_valid, error=pkix_error),
        cert=cert,
        dane=DaneCheck(outcome=dane, usage=dane_usage, detail=dane_detail),
        dialogue=Dialogue(
            auth_mechanisms=auth_mechanisms, capabilities=("IMAP4rev1", *auth_mechanisms)
        ),
    )


def problem(code: ProblemCode, words: str) -> tuple[CertProblem]:
    return (CertProblem(code, words),)


def codes(findings: object) -> list[str]:
    return [f.code for f in findings]  # type: ignore[attr-defined]


def test_a_verified_endpoint_is_ok() -> None:
    verdict = judge_service(Service.IMAP, [probe()])
    assert verdict.level is Level.OK and verdict.chosen is not None
    assert verdict.chosen.authenticated_by == "pkix"
    assert verdict.findings == ()


@pytest.mark.parametrize(
    ("failure", "code"),
    [
        (FailureCode.STARTTLS_MISSING, "starttls-missing"),
        (FailureCode.STARTTLS_REFUSED, "starttls-refused"),
        (FailureCode.PREAUTH, "preauth"),
        (FailureCode.INJECTION, "injection"),
        (FailureCode.TLS_VERSION, "tls-version"),
        (FailureCode.TIMEOUT, "probe-timeout"),
        (FailureCode.CONNECT, "probe-connect"),
        (FailureCode.FLOOD, "server-flood"),
        (FailureCode.CLOSED, "server-closed"),
        (FailureCode.PROTOCOL, "protocol-error"),
    ],
)
def test_every_session_failure_blocks_with_its_own_words(failure: FailureCode, code: str) -> None:
    failed = probe(failure=failure, failure_detail="what happened", pkix_valid=False, cert=None)
    verdict = judge_service(Service.IMAP, [failed])
    assert verdict.level is Level.BLOCK and verdict.chosen is None
    assert codes(verdict.findings) == [code, "no-working-server"]
    assert "mail.example.com:993" in verdict.findings[0].summary


def test_levels_order_by_how_bad_they_are() -> None:
    """max() of levels is the worst: as text, a StrEnum orders BLOCK < OK < WARN."""
    assert max(Level.OK, Level.BLOCK, Level.WARN) is Level.BLOCK
    assert sorted([Level.BLOCK, Level.WARN, Level.OK]) == [Level.OK, Level.WARN, Level.BLOCK]


def test_every_session_failure_code_has_a_finding_of_its_own() -> None:
    """A code the session gains later must be given words, not fall to protocol-error."""
    assert set(FAILURE_FINDINGS) == set(FailureCode)


def test_dane_mismatch_blocks_even_a_valid_certificate() -> None:
    mismatched = probe(dane=DaneOutcome.MISMATCH, dane_detail="3 1 1 abcd...")
    assert mismatched.authenticated_by is None
    verdict = judge_service(Service.IMAP, [mismatched])
    assert verdict.level is Level.BLOCK
    assert "dane-mismatch" in codes(verdict.findings)


def test_bogus_tlsa_blocks() -> None:
    verdict = judge_service(
        Service.IMAP, [probe(dane=DaneOutcome.BOGUS, dane_detail="bad signature")]
    )
    assert verdict.level is Level.BLOCK and "dane-bogus" in codes(verdict.findings)


def test_dane_ee_authenticates_a_certificate_pkix_refuses() -> None:
    selfsigned = replace(CERT, problems=problem(ProblemCode.SELF_SIGNED, "self-signed"))
    dane_ee = probe(
        pkix_valid=False,
        pkix_error="self-signed",
        cert=selfsigned,
        dane=DaneOutcome.MATCHED,
        dane_usage=Usage.DANE_EE,
    )
    verdict = judge_service(Service.IMAP, [dane_ee])
    assert verdict.level is Level.OK and verdict.chosen is dane_ee
    assert codes(verdict.findings) == ["dane-ee"]
    assert verdict.findings[0].severity is Severity.INFO


@pytest.mark.parametrize(
    ("code_of", "code"),
    [
        (ProblemCode.EXPIRED, "cert-expired"),
        (ProblemCode.NAME_MISMATCH, "cert-name-mismatch"),
        (ProblemCode.UNKNOWN_ISSUER, "cert-unknown-issuer"),
        (ProblemCode.MISSING_INTERMEDIATE, "cert-missing-intermediate"),
    ],
)
def test_certificate_problems_are_named(code_of: ProblemCode, code: str) -> None:
    bad = probe(
        pkix_valid=False,
        pkix_error="verify failed",
        cert=replace(CERT, problems=problem(code_of, f"{code_of.value} words")),
    )
    found = endpoint_findings(bad)
    assert codes(found) == [code]
    assert found[0].severity is Severity.ERROR


def test_a_failed_better_endpoint_makes_a_warning_and_the_next_is_chosen() -> None:
    stripped = probe(
        failure=FailureCode.STARTTLS_MISSING,
        failure_detail="no STARTTLS",
        entry=entry(port=143, security=Security.STARTTLS),
    )
    working = probe(entry=entry(port=993))
    verdict = judge_service(Service.IMAP, [stripped, working])
    assert verdict.level is Level.WARN and verdict.chosen is working
    assert codes(verdict.findings)[:2] == ["better-endpoint-failed", "starttls-missing"]
    assert all(f.severity is not Severity.ERROR for f in verdict.findings)


def test_a_failed_lower_endpoint_is_information_only() -> None:
    verdict = judge_service(
        Service.IMAP, [probe(), probe(failure=FailureCode.TIMEOUT, entry=entry(port=143))]
    )
    assert verdict.level is Level.OK
    assert [f.severity for f in verdict.findings] == [Severity.INFO]


def test_tier_c_needs_approval_naming_the_domain_in_full() -> None:
    forged = probe(entry=entry(host="imap.xn--fa-hia.de", tier=Tier.C))
    forged = replace(forged, entry=replace(forged.entry, registrable="xn--fa-hia.de"))
    verdict = judge_service(Service.IMAP, [forged])
    assert verdict.level is Level.WARN
    (approval,) = [f for f in verdict.findings if f.code == "needs-approval"]
    assert "xn--fa-hia.de" in approval.summary and "faß.de" in approval.helpdesk


def test_expiring_certificate_and_missing_auth_warn() -> None:
    soon = probe(cert=replace(CERT, days_left=5), auth_mechanisms=())
    verdict = judge_service(Service.IMAP, [soon])
    assert verdict.level is Level.WARN
    assert codes(verdict.findings) == ["cert-expiring", "no-auth-mechanism"]


def test_relay_reports_but_never_blocks() -> None:
    relay_entry = entry(
        host="mx.example.com", port=25, security=Security.STARTTLS, service=Service.RELAY
    )
    stripped = RelayProbe(
        host="mx.example.com",
        preference_order=0,
        probe=probe(
            entry=relay_entry, failure=FailureCode.STARTTLS_MISSING, failure_detail="no STARTTLS"
        ),
    )
    verdict = judge_relay("example.com", [stripped], mta_sts=False)
    assert verdict.level is Level.WARN
    assert codes(verdict.findings) == ["relay-no-starttls", "relay-no-policy"]
    refused = ProbeFailure(code=FailureCode.CONNECT, detail="connection refused")
    unreachable = replace(stripped, probe=replace(stripped.probe, failure=refused))
    assert codes(judge_relay("example.com", [unreachable], mta_sts=False).findings)[0] == (
        "relay-unreachable"
    )
    dane = RelayProbe(
        host="mx.example.com",
        preference_order=0,
        probe=probe(entry=relay_entry, dane=DaneOutcome.MATCHED, dane_usage=Usage.DANE_EE),
        mta_sts_mode=MtaStsMode.ENFORCE,
        mta_sts_match=True,
    )
    verdict = judge_relay("example.com", [dane], mta_sts=True)
    assert verdict.level is Level.OK and codes(verdict.findings) == ["relay-dane"]


def not_checked(**kwargs: object) -> EndpointProbe:
    """A probe an audit's own caps per server left no time: nothing learned about it."""
    detail = "no connection slot in time"
    return probe(failure=FailureCode.NOT_CHECKED, failure_detail=detail, cert=None, **kwargs)  # type: ignore[arg-type]


def test_a_server_the_audit_could_not_check_is_no_finding_against_the_domain() -> None:
    """DESIGN.md rule 11: the run's own politeness is missing evidence, not a timeout."""
    alone = judge_service(Service.IMAP, [not_checked()])
    assert alone.level is Level.COULD_NOT_CHECK and alone.chosen is None
    assert codes(alone.findings) == ["probe-not-checked"]
    assert all(f.severity is Severity.INFO for f in alone.findings)
    second = probe(entry=entry(host="imap2.example.com"))
    better_unchecked = judge_service(Service.IMAP, [not_checked(), second])
    assert better_unchecked.level is Level.OK and better_unchecked.chosen is second
    assert "better-endpoint-failed" not in codes(better_unchecked.findings)


def test_a_relay_the_audit_could_not_check_is_no_finding_against_the_domain() -> None:
    relay_entry = entry(
        host="mx.example.com", port=25, security=Security.STARTTLS, service=Service.RELAY
    )
    host = RelayProbe(
        host="mx.example.com", preference_order=0, probe=not_checked(entry=relay_entry)
    )
    verdict = judge_relay("example.com", [host], mta_sts=False)
    assert verdict.level is Level.COULD_NOT_CHECK
    assert codes(verdict.findings) == ["probe-not-checked"]


def test_a_look_alike_host_outside_the_domain_warns_and_asks_for_approval() -> None:
    # Signed (tier A) but "provider" with a Cyrillic o (U+043E), in another domain.
    host = "imap.xn--prvider-bjg.net"
    signed = probe(entry=entry(host=host))
    signed = replace(signed, entry=replace(signed.entry, registrable="xn--prvider-bjg.net"))
    signed = replace(signed, entry=replace(signed.entry, inside_domain=False))
    assert signed.endpoint.startswith(f"imap.pr\u043evider.net ({host}):993")
    verdict = judge_service(Service.IMAP, [signed])
    assert verdict.level is Level.WARN
    (approval,) = [f for f in verdict.findings if f.code == "lookalike-needs-approval"]
    assert "xn--prvider-bjg.net" in approval.summary and "pr\u043evider.net" in approval.helpdesk
    assert "U+043E CYRILLIC SMALL LETTER O" in approval.helpdesk


def test_a_look_alike_host_inside_the_domain_is_shown_but_does_not_change_the_level() -> None:
    inside = probe(entry=entry(host="xn--mil-6cd.example.com"))  # Cyrillic a (U+0430)
    shown = "m\u0430il.example.com (xn--mil-6cd.example.com)"
    assert inside.endpoint == f"{shown}:993 (imap, implicit-tls)"
    assert judge_service(Service.IMAP, [inside]).level is Level.OK


def judged(*probes: EndpointProbe, relay: tuple[RelayProbe, ...] = ()) -> Verdict:
    services = tuple(
        ServicePlan(s, tuple(p.entry for p in probes if p.entry.service is s))
        for s in (Service.SUBMISSION, Service.IMAP, Service.POP3, Service.RELAY)
    )
    plan = Plan("jo@example.com", "example.com", "example.com", services, (), None, False)
    return judge(plan, probes, relay, mta_sts=False)


def test_one_certificate_problem_on_one_host_is_one_finding_naming_every_port() -> None:
    expired = replace(CERT, problems=problem(ProblemCode.EXPIRED, "it expired on 2025-01-01"))
    bad: dict[str, Any] = {
        "pkix_valid": False,
        "pkix_error": "certificate has expired",
        "cert": expired,
    }
    ports = [
        (Service.IMAP, 993, Security.IMPLICIT_TLS),
        (Service.IMAP, 143, Security.STARTTLS),
        (Service.SUBMISSION, 465, Security.IMPLICIT_TLS),
        (Service.SUBMISSION, 587, Security.STARTTLS),
    ]
    probes = [probe(entry=entry(port=p, security=s, service=v), **bad) for v, p, s in ports]
    verdict = judged(*probes)
    said = [f for f in verdict.findings if f.code == "cert-expired"]
    assert len(said) == 1
    assert said[0].summary == (
        "The certificate of mail.example.com (ports 465, 587, 993 and 143) has expired."
    )
    assert said[0].severity is Severity.ERROR
    # The legs keep their own findings (the JSON reports them per leg).
    assert codes(verdict.imap.findings).count("cert-expired") == 2


def test_the_same_approval_for_one_host_is_asked_once() -> None:
    tier_c = {"tier": Tier.C}
    imap = probe(entry=entry(**tier_c))
    smtp = probe(entry=entry(port=465, service=Service.SUBMISSION, **tier_c))
    verdict = judged(imap, smtp)
    asked = [f for f in verdict.findings if f.code == "needs-approval"]
    assert [f.summary for f in asked] == [
        "mail.example.com (ports 465 and 993) comes from an unauthenticated source: approve "
        "example.com to use it."
    ]


def test_different_hosts_are_not_merged() -> None:
    expired = replace(CERT, problems=problem(ProblemCode.EXPIRED, "it expired"))
    bad: dict[str, Any] = {"pkix_valid": False, "pkix_error": "expired", "cert": expired}
    one = probe(entry=entry(), **bad)
    other = probe(entry=entry(host="smtp.example.com", port=465, service=Service.SUBMISSION), **bad)
    said = [f.summary for f in judged(one, other).findings if f.code == "cert-expired"]
    assert said == [
        "The certificate of smtp.example.com:465 (submission, implicit-tls) has expired.",
        "The certificate of mail.example.com:993 (imap, implicit-tls) has expired.",
    ]
