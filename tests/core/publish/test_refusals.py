"""Publish refuses what would send clients to an insecure server, against the lab's servers."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from mailhop.core.common.model import Security, Service
from mailhop.core.publish.compose import PublishSet, prepare, write
from mailhop.core.publish.gather import EndpointFacts, Gathered, ServerSpec
from mailhop.core.publish.refusals import RefusalCode, refusals
from mailhop.core.publish.request import PublishRequest
from tests.core.run.test_discovery import options
from tests.lab.lab import LabInfo

NOW = datetime(2026, 12, 3, 16, 0, tzinfo=UTC)


def published(lab: LabInfo, *specs: ServerSpec, dane_only: bool = False) -> PublishSet:
    request = PublishRequest("pubimap.test", specs, dane_only=dane_only)
    return asyncio.run(prepare(request, options(lab, hard_deadline=4.0), NOW))


def refused(result: PublishSet) -> set[tuple[RefusalCode, str]]:
    return {(r.code, r.endpoint) for r in result.refusals}


def test_a_server_without_starttls_is_refused(lab: LabInfo) -> None:
    result = published(lab, ServerSpec(Service.IMAP, "strip.hostile-mail.test", 143))
    assert refused(result) == {(RefusalCode.NO_TLS, "strip.hostile-mail.test:143")}


@pytest.mark.parametrize("service", [Service.IMAP, Service.POP3, Service.SUBMISSION])
def test_a_server_offering_a_password_before_tls_is_refused(lab: LabInfo, service: Service) -> None:
    port = {Service.IMAP: 143, Service.POP3: 110, Service.SUBMISSION: 587}[service]
    result = published(lab, ServerSpec(service, "authbefore.logincases.test", port))
    where = f"authbefore.logincases.test:{port}"
    assert refused(result) == {(RefusalCode.PLAINTEXT_AUTH, where)}


def test_a_certificate_for_another_name_is_refused_even_with_dane_only_unless_dane_can_vouch(
    lab: LabInfo,
) -> None:
    wrong = ServerSpec(Service.IMAP, "wrong-name.hostile-mail.test", 993)
    assert refused(published(lab, wrong)) == {
        (RefusalCode.CERT_INVALID, "wrong-name.hostile-mail.test:993")
    }
    selfsigned = ServerSpec(Service.IMAP, "selfsigned.dane.test", 993)
    assert refused(published(lab, selfsigned)) == {
        (RefusalCode.CERT_INVALID, "selfsigned.dane.test:993")
    }
    # dane.test is signed: a DANE-EE record can vouch for the self-signed key.
    assert refused(published(lab, selfsigned, dane_only=True)) == set()


def test_dane_only_cannot_vouch_for_a_key_in_an_unsigned_zone() -> None:
    # No lab zone is unsigned with a bad certificate on its mail host, so the decision is fed
    # the facts the gatherer would report for one.
    facts = EndpointFacts(
        service=Service.IMAP,
        host="mail.unsigned.example",
        port=993,
        security=Security.IMPLICIT_TLS,
        named_port=True,
        offered=True,
        reachable=True,
        failure_code=None,
        failure="",
        spki_sha256="00" * 32,
        pkix_valid=False,
        verify_error="self-signed certificate",
        mechanisms=("PLAIN",),
        mechanisms_before_tls=(),
        host_signed=False,
    )
    gathered = Gathered("unsigned.example", False, (facts,), ())
    assert [r.code for r in refusals(gathered, dane_only=True)] == [RefusalCode.CERT_INVALID]
    signed = Gathered("unsigned.example", True, (replace(facts, host_signed=True),), ())
    assert refusals(signed, dane_only=True) == ()


def test_a_named_server_that_does_not_answer_is_refused_and_nothing_is_written(
    lab: LabInfo, tmp_path: Path
) -> None:
    result = published(lab, ServerSpec(Service.IMAP, "blackhole.test"))
    assert {code for code, _ in refused(result)} == {RefusalCode.UNREACHABLE}
    folder = tmp_path / "out"
    assert write(result, folder) == ()
    assert not folder.exists()


def test_a_standard_port_nobody_serves_is_not_offered_rather_than_refused(lab: LabInfo) -> None:
    # mail.plainonly.test runs IMAPS and submissions only: 143 and 587 are simply not there.
    result = published(
        lab,
        ServerSpec(Service.IMAP, "mail.plainonly.test"),
        ServerSpec(Service.SUBMISSION, "mail.plainonly.test"),
    )
    assert result.refusals == ()
    srv = {(r.owner, r.value) for r in result.records if r.rtype == "SRV"}
    assert ("_imap._tcp.pubimap.test.", "0 0 0 .") in srv
    assert ("_imaps._tcp.pubimap.test.", "0 1 993 mail.plainonly.test.") in srv
