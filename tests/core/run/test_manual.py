"""Servers typed in by the person (issue 16): the same probe, certificate check and verdict on
exactly those values, from a source of their own ("entered by you", tier C).

mxonly.test publishes no client settings at all (only its signed MX): its one server
mx01.mxonly.test serves IMAPS and submissions with a valid certificate, and the retired
mail.mxonly.test still answers IMAPS. Whatever discovery would guess, a typed server is the
one checked."""

from __future__ import annotations

import asyncio

import pytest

from mailhop.core.account.approval import ApprovalRequest
from mailhop.core.account.secrets import MemoryKeyring, Password, SecretStore
from mailhop.core.account.setup import SetupStatus, run_setup
from mailhop.core.common.address import parse_address
from mailhop.core.common.fields import FieldError
from mailhop.core.common.model import Security, Service
from mailhop.core.discover.report import Auth, Source, Status
from mailhop.core.policy.tiers import Tier
from mailhop.core.run.check import CheckReport
from mailhop.core.run.manual import ManualServer, check_manual
from tests.core.run.test_check import chosen
from tests.core.run.test_discovery import options
from tests.lab.lab import LabInfo

MO = ("mo@mxonly.test", "mo-lab-password-7R")
TYPED = (
    ManualServer.typed(Service.IMAP, "MX01.mxonly.test.", 993, Security.IMPLICIT_TLS),
    ManualServer.typed(Service.SUBMISSION, "mx01.mxonly.test", 465, Security.IMPLICIT_TLS),
)


def run(lab: LabInfo, servers: tuple[ManualServer, ...], address: str = MO[0]) -> CheckReport:
    parsed = parse_address(address, allow_test_domains=True)
    return asyncio.run(check_manual(parsed, servers, options(lab)))


def test_the_typed_servers_are_checked_and_nothing_else(lab: LabInfo) -> None:
    report = run(lab, TYPED)
    verdict = report.verdict
    assert chosen(verdict.imap) == ("mx01.mxonly.test", 993, "implicit-tls", "C")
    assert chosen(verdict.submission) == ("mx01.mxonly.test", 465, "implicit-tls", "C")
    assert verdict.imap.chosen is not None
    assert verdict.imap.chosen.entry.tier is Tier.C
    (origin,) = verdict.imap.chosen.entry.origins
    assert (origin.source, origin.auth) == (Source.MANUAL, Auth.ENTERED)
    assert verdict.imap.chosen.authenticated_by is not None  # the certificate was verified
    # No client-settings source was asked; the domain's MX still was, for the relay leg.
    found = [a for a in report.discovery.attempts if a.status is Status.FOUND]
    assert {a.source for a in found} <= {Source.MANUAL, Source.MX, Source.TLSA, Source.MTA_STS}
    planned = {e.hostname for s in report.discovery.plan.services for e in s.entries}
    assert "mail.mxonly.test" not in planned and not report.discovery.phase2


def test_a_typed_server_that_does_not_answer_is_not_used(lab: LabInfo) -> None:
    # A typo: no such host. mailhop does not fall back to what discovery would have found.
    typo = ManualServer.typed(Service.IMAP, "mx10.mxonly.test", 993, Security.IMPLICIT_TLS)
    report = run(lab, (typo, TYPED[1]))
    assert chosen(report.verdict.imap) is None
    assert chosen(report.verdict.submission) == ("mx01.mxonly.test", 465, "implicit-tls", "C")
    assert report.verdict.level.value == "block"


def test_the_typed_servers_sign_in_after_approval(lab: LabInfo) -> None:
    report = run(lab, TYPED)
    keyring = MemoryKeyring()
    asked: list[ApprovalRequest] = []

    async def approve(request: ApprovalRequest) -> bool:
        asked.append(request)
        return True

    async def password() -> Password:
        return Password(MO[1])

    outcome = asyncio.run(
        run_setup(
            report,
            ask_approval=approve,
            ask_password=password,
            store=SecretStore(keyring),
            extra_ca_file=options(lab).extra_ca_file,
            profile_dir=None,
        )
    )
    assert outcome.status is SetupStatus.SAVED, outcome.message
    assert [r.registrable for r in asked] == ["mxonly.test"]  # tier C: asked first
    assert outcome.profile is not None
    assert outcome.profile.incoming.sources == ("manual: mx01.mxonly.test:993 (entered)",)


@pytest.mark.parametrize(
    ("host", "port"), [("", 993), ("bad host", 993), ("a_b.test", 993), ("ok.test", 0)]
)
def test_a_bad_entry_is_refused_before_anything_is_asked(host: str, port: int) -> None:
    with pytest.raises((FieldError, ValueError)):
        ManualServer.typed(Service.IMAP, host, port, Security.IMPLICIT_TLS)
    with pytest.raises(ValueError, match="relay"):
        ManualServer.typed(Service.RELAY, "mx.test", 25, Security.STARTTLS)
