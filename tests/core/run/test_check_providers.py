"""Address -> verdict for domains shaped like real providers (issue 21).

Each scenario serves a real ISPDB file (thunderbird/autoconfig ispdb/ at c6ad7965, MPL 2.0)
with only its host and domain names moved into the lab, from the lab's ISPDB stand-in, with
real Dovecot/Postfix behind the hosts it names. The domains publish nothing for clients
themselves (only an MX), so the provider database is the only source. Each test writes the
choice an expert would make (host, port, security, tier) before it asks mailhop: these pin
choices that are right today, so that a ranking change that breaks one is seen.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mailhop.core.common.model import Service
from mailhop.core.discover.report import Source
from mailhop.core.run.check import CheckReport
from mailhop.core.verdict.verdict import Level
from tests.core.run.test_check import chosen, run_check
from tests.lab.lab import LabInfo
from tests.lab.scenario import SCENARIO_DIR, load


def only_from_the_provider_database(report: CheckReport) -> None:
    plan = report.discovery.plan
    for service in (Service.SUBMISSION, Service.IMAP, Service.POP3):
        for entry in plan.for_service(service).entries:
            assert {o.source for o in entry.origins} == {Source.ISPDB}, entry


def test_several_entries_of_one_type_gandi(lab: LabInfo) -> None:
    # gandi.net.xml: IMAP 993 SSL and 143 STARTTLS, POP3 995 SSL and 110 STARTTLS, SMTP 465
    # SSL and 587 STARTTLS, one host serving all of them. Implicit TLS wins on every leg,
    # and IMAP, not POP3, is the incoming leg.
    expected_submission = ("mail.gandi-shape.test", 465, "implicit-tls", "B")
    expected_imap = ("mail.gandi-shape.test", 993, "implicit-tls", "B")
    expected_pop3 = ("mail.gandi-shape.test", 995, "implicit-tls", "B")

    report = run_check(lab, "gail@gandi-shape.test")

    verdict = report.verdict
    assert chosen(verdict.submission) == expected_submission
    assert chosen(verdict.imap) == expected_imap
    assert chosen(verdict.pop3) == expected_pop3
    assert verdict.access is verdict.imap
    assert verdict.level is Level.OK
    only_from_the_provider_database(report)
    ranked = [
        (e.port, e.security.value) for e in report.discovery.plan.for_service(Service.IMAP).entries
    ]
    assert ranked == [(993, "implicit-tls"), (143, "starttls")]


def test_imap_wins_over_pop3_on_another_host_webhuset(lab: LabInfo) -> None:
    # webhuset.no.xml: IMAP on imap.*:993 and POP3 on mail.*:995, both working; SMTP on
    # smtp.*:465 SSL and 587 STARTTLS.
    expected_access = ("imap.webhuset-shape.test", 993, "implicit-tls", "B")
    expected_submission = ("smtp.webhuset-shape.test", 465, "implicit-tls", "B")

    report = run_check(lab, "wenche@webhuset-shape.test")

    verdict = report.verdict
    assert verdict.access.service is Service.IMAP
    assert chosen(verdict.access) == expected_access
    assert chosen(verdict.submission) == expected_submission
    assert chosen(verdict.pop3) == ("mail.webhuset-shape.test", 995, "implicit-tls", "B")
    assert verdict.level is Level.OK
    only_from_the_provider_database(report)


def test_implicit_tls_over_starttls_only_587_pdx(lab: LabInfo) -> None:
    # pdx.edu.xml: SMTP on mailhost:465 SSL with a STARTTLS-only 587 beside it (both served),
    # and a second IMAP entry on psumail:587 STARTTLS where nothing listens. The dead quirk
    # ranks below 993, so it is information for the helpdesk, not a warning.
    expected_submission = ("mailhost.pdx-shape.test", 465, "implicit-tls", "B")
    expected_imap = ("psumail.pdx-shape.test", 993, "implicit-tls", "B")

    report = run_check(lab, "pat@pdx-shape.test")

    verdict = report.verdict
    assert chosen(verdict.submission) == expected_submission
    assert chosen(verdict.imap) == expected_imap
    assert verdict.access is verdict.imap
    assert verdict.level is Level.OK
    starttls_587 = [p for p in report.probes if p.entry.port == 587]
    assert {p.entry.service for p in starttls_587} == {Service.SUBMISSION, Service.IMAP}
    submission_587 = next(p for p in starttls_587 if p.entry.service is Service.SUBMISSION)
    assert submission_587.failure is None and submission_587.pkix.valid  # it works, and loses
    only_from_the_provider_database(report)


@pytest.mark.shared
@pytest.mark.parametrize(
    ("scenario", "original", "names"),
    [
        ("gandi-shape.test", "gandi.net.xml", {"gandi.net": "gandi-shape.test"}),
        ("webhuset-shape.test", "webhuset.no.xml", {"webhuset.no": "webhuset-shape.test"}),
        ("pdx-shape.test", "pdx.edu.xml", {"pdx.edu": "pdx-shape.test"}),
    ],
)
def test_served_file_is_the_real_one_with_lab_names(
    shared_dir: Path, scenario: str, original: str, names: dict[str, str]
) -> None:
    served = (SCENARIO_DIR / "ispdb" / f"{scenario}.xml").read_text().splitlines()
    real = (shared_dir / "specs" / "ispdb-sample" / original).read_text().splitlines()
    assert f"ispdb/{original} at c6ad7965 (MPL 2.0)" in served[1]
    assert original in load(SCENARIO_DIR / f"{scenario}.toml").description
    moved = [line for line in real[1:] if line]
    for old, new in names.items():
        # Host and domain names only: documentation URLs keep the provider's own site.
        moved = [
            line
            if "documentation url" in line
            else line.replace(f".{old}<", f".{new}<")
            .replace(f">{old}<", f">{new}<")
            .replace(f'"{old}"', f'"{new}"')
            for line in moved
        ]
    assert [line for line in served[2:] if line] == moved
