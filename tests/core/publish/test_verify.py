"""The round trip of `mailhop publish` in the lab (issue 19): generate, publish, check, verify.

For each case the lab first withdraws everything the domain publishes (tests/lab/publish.py):
`--verify` must then name every generated line and file as missing. The lab then publishes
exactly what was generated (the zone lines into the signed zones, the files at the URLs the
README names), and `mailhop check` must choose tier A for every service with DANE-EE on every
endpoint, while `--verify` finds nothing missing.

    pubimap.test     IMAP and submission on mail.pubimap.test, MX the same host
    pubpop.test      POP3 and submission (no IMAP)
    pubhosted.test   servers at pubprovider.test: the TLSA lines go into the provider's zone
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from mailhop.core.common.model import Service
from mailhop.core.export.lint import Severity
from mailhop.core.publish.compose import PublishSet, prepare
from mailhop.core.publish.gather import ServerSpec
from mailhop.core.publish.request import PublishRequest
from mailhop.core.publish.verify import Standing, VerifyReport, verify
from mailhop.core.verdict.verdict import Level
from tests.core.run.test_check import run_check
from tests.core.run.test_discovery import options
from tests.lab import publish as lab_publish
from tests.lab.lab import LabInfo

NOW = datetime(2026, 12, 3, 16, 0, tzinfo=UTC)

CASES = {
    "pubimap.test": (
        ("pubimap.test",),
        (
            ServerSpec(Service.IMAP, "mail.pubimap.test"),
            ServerSpec(Service.SUBMISSION, "mail.pubimap.test"),
            ServerSpec(Service.RELAY, "mail.pubimap.test"),
        ),
    ),
    "pubpop.test": (
        ("pubpop.test",),
        (
            ServerSpec(Service.POP3, "mail.pubpop.test"),
            ServerSpec(Service.SUBMISSION, "mail.pubpop.test"),
            ServerSpec(Service.RELAY, "mail.pubpop.test"),
        ),
    ),
    "pubhosted.test": (
        ("pubhosted.test", "pubprovider.test"),
        (
            ServerSpec(Service.IMAP, "imap.pubprovider.test"),
            ServerSpec(Service.SUBMISSION, "smtp.pubprovider.test"),
            ServerSpec(Service.RELAY, "mx.pubprovider.test"),
        ),
    ),
}


def generate(lab: LabInfo, domain: str) -> PublishSet:
    _, servers = CASES[domain]
    return asyncio.run(prepare(PublishRequest(domain, servers), options(lab), NOW))


def verified(lab: LabInfo, published: PublishSet) -> VerifyReport:
    return asyncio.run(verify(published, options(lab), allow_test=True))


def documents(published: PublishSet) -> dict[str, bytes]:
    return {url: item.body for item in published.files.files for url in item.urls}


@pytest.mark.parametrize("domain", sorted(CASES))
def test_the_lab_publishes_what_was_generated_and_every_client_gets_tier_a_with_dane(
    lab: LabInfo, domain: str
) -> None:
    zones, _ = CASES[domain]
    lab_publish.withdraw(lab, zones)
    published = generate(lab, domain)
    assert published.ok, (published.refusals, published.files.refused)

    # Nothing published yet: every generated line and every file is missing.
    before = verified(lab, published)
    assert [c.record for c in before.records] == list(published.records)
    assert {c.standing for c in before.records} == {Standing.MISSING}
    assert {c.standing for c in before.files} == {Standing.MISSING}
    assert len(before.files) == len(documents(published))

    lab_publish.publish(lab, zones, published.zone_text.splitlines(), documents(published))

    report = run_check(lab, f"someone@{domain}")
    assert report.verdict.level is Level.OK, report.verdict.findings
    assert report.probes and report.relay
    for probe in (*report.probes, *(r.probe for r in report.relay if r.probe)):
        where = probe.endpoint
        assert probe.entry.tier.value == "A", where
        assert probe.authenticated_by == "dane-ee", (where, probe.dane)

    after = verified(lab, published)
    assert after.missing == ()
    assert {c.standing for c in after.records} == {Standing.AUTHENTICATED}
    assert {c.standing for c in after.files} == {Standing.AUTHENTICATED}


@pytest.mark.parametrize("domain", sorted(CASES))
def test_every_generated_file_lints_clean(lab: LabInfo, domain: str) -> None:
    published = generate(lab, domain)
    assert published.files.files
    for item in published.files.files:
        assert item.lint is not None
        serious = [p for p in item.lint.problems if p.severity is not Severity.INFO]
        assert serious == [], item.name
