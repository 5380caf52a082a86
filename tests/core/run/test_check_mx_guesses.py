"""Address -> verdict where the MX decides which server is right (issue 21).

Three shapes a careful expert reads from the MX, each a lab scenario with real Dovecot and
Postfix behind every host it names, so that only mailhop's choice decides:

* contoso.test, a business customer of a provider shaped like Microsoft 365: the provider
  database has a consumer entry keyed on the provider's domain and a business entry keyed
  on the MX suffix (mail.protection.outlookish.test). Both name working servers.
* mxonly.test and its unsigned twin: nothing published but an MX whose host serves IMAPS
  and submissions, beside a retired mail.<domain> that still answers IMAPS.
* wildcard.test: *.<domain> resolves, so every conventional name "exists".

Each test writes the expert's choice (host, port, security, tier) before it asks mailhop.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from mailhop.core.common.model import Service
from mailhop.core.discover.report import ProviderKey, Source, Status
from mailhop.core.run.check import CheckReport
from tests.core.run.test_check import chosen, run_check
from tests.lab.lab import LabInfo


def planned_hosts(report: CheckReport) -> set[str]:
    plan = report.discovery.plan
    return {
        e.hostname
        for service in (Service.SUBMISSION, Service.IMAP, Service.POP3)
        for e in plan.for_service(service).entries
    }


def test_a_microsoft_365_shaped_customer_gets_the_business_entry(lab: LabInfo) -> None:
    # contoso.test's signed MX is contoso-test.mail.protection.outlookish.test. The provider
    # database keys the business service on mail.protection.outlookish.test (ssl0:993, 995,
    # 465) and the consumer one on outlookish.test (imap:993, pop:995, smtp:465/587), which
    # autoconfig.outlookish.test serves too. Business accounts cannot sign in to the consumer
    # servers: the expert takes the most specific entry for the MX host, tier B (signed MX).
    expected_imap = ("ssl0.outlookish.test", 993, "implicit-tls", "B")
    expected_submission = ("ssl0.outlookish.test", 465, "implicit-tls", "B")
    expected_pop3 = ("ssl0.outlookish.test", 995, "implicit-tls", "B")

    report = run_check(lab, "megan@contoso.test")

    verdict = report.verdict
    assert chosen(verdict.imap) == expected_imap
    assert chosen(verdict.submission) == expected_submission
    assert chosen(verdict.pop3) == expected_pop3
    consumer = {"imap.outlookish.test", "smtp.outlookish.test", "pop.outlookish.test"}
    assert not planned_hosts(report) & consumer
    # ... and says so: the consumer entry is set aside in words, not silently.
    found = report.discovery.plan.findings
    superseded = [f for f in found if f.code == "mx-entry-superseded"]
    assert superseded, [f.code for f in found]
    assert all(
        "outlookish.test" in f.summary and "mail.protection.outlookish.test" in f.summary
        for f in superseded
    )
    # Asked from the deepest parent of the MX host down to its registrable domain, never
    # above it (the public suffix "test" is not a provider).
    asked = {
        urlsplit(a.target).path.rpartition("/")[2]
        for a in report.discovery.attempts
        if a.source is Source.MX_ISPDB
    }
    assert asked == {
        "mail.protection.outlookish.test",
        "protection.outlookish.test",
        "outlookish.test",
    }
    found = {
        a.payload.domain
        for a in report.discovery.attempts
        if a.status is Status.FOUND
        and a.source is Source.MX_ISPDB
        and isinstance(a.payload, ProviderKey)
    }
    assert found == {"mail.protection.outlookish.test", "outlookish.test"}


@pytest.mark.parametrize(("domain", "tier"), [("mxonly.test", "B"), ("mxonly-unsigned.test", "C")])
def test_an_mx_only_domain_is_served_by_its_mx_host(lab: LabInfo, domain: str, tier: str) -> None:
    # Nothing but an MX: the MX host (which serves IMAPS and submissions) is tried before the
    # conventional names, and mail.<domain>, the retired server still answering IMAPS, comes
    # after it. Tier B when the MX answer is DNSSEC-secure (DESIGN.md section 4: MX-derived),
    # otherwise C and approval first.
    expected_imap = (f"mx01.{domain}", 993, "implicit-tls", tier)
    expected_submission = (f"mx01.{domain}", 465, "implicit-tls", tier)

    report = run_check(lab, f"probe@{domain}")

    assert report.discovery.phase2
    verdict = report.verdict
    assert chosen(verdict.imap) == expected_imap
    assert chosen(verdict.submission) == expected_submission
    assert verdict.imap.chosen is not None
    assert verdict.imap.chosen.entry.needs_approval is (tier == "C")
    imap = [(e.hostname, e.port) for e in report.discovery.plan.for_service(Service.IMAP).entries]
    assert imap.index((f"mx01.{domain}", 993)) < imap.index((f"mail.{domain}", 993))


def test_names_only_a_wildcard_answers_are_not_guesses(lab: LabInfo) -> None:
    # *.wildcard.test resolves to the hoster's web server, so imap., smtp., pop. and
    # pop3.wildcard.test "exist" without anyone publishing them: they say nothing and are
    # dropped. mail.wildcard.test is published (its own address) and serves IMAPS and
    # submissions: the expert's choice, tier C as every guessed name. The MX host only
    # receives mail; trying it costs a refused connection.
    expected_imap = ("mail.wildcard.test", 993, "implicit-tls", "C")
    expected_submission = ("mail.wildcard.test", 465, "implicit-tls", "C")

    report = run_check(lab, "walt@wildcard.test")

    verdict = report.verdict
    assert chosen(verdict.imap) == expected_imap
    assert chosen(verdict.submission) == expected_submission
    wildcard_only = {f"{p}.wildcard.test" for p in ("imap", "smtp", "pop", "pop3")}
    assert not planned_hosts(report) & wildcard_only
    guesses = [a for a in report.discovery.attempts if a.source is Source.GUESS]
    assert any("wildcard" in a.detail for a in guesses), [a.detail for a in guesses]


def test_a_guess_that_fails_is_no_finding_against_the_domain(lab: LabInfo) -> None:
    # The MX host mx.wildcard.test was tried first and refuses IMAP and submission. Nobody
    # published it as a mail client's server, so its failure is helpdesk detail (info), not
    # "the preferred server failed" (a warning against the domain).
    report = run_check(lab, "walt@wildcard.test")
    for leg in (report.verdict.imap, report.verdict.submission):
        codes = {f.code for f in leg.findings}
        assert "better-endpoint-failed" not in codes, codes
        failed_guesses = [p for p in leg.probes if p.failure is not None]
        assert failed_guesses, "the MX host was tried and failed"
