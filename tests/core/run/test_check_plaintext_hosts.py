"""A host a vouched source lists only with plaintext keeps its name (issue 21).

The provider database, or the domain's own HTTPS autoconfig, lists the host with socketType
plain. The source vouched for the host, not for plaintext: mailhop tries that host with TLS
on the standard ports, verifies it as usual, keeps the source's tier, and says that the
published entry was plaintext. Before, the entry was dropped and mailhop fell back to
guessing host names (tier C, approval). Each test writes the expert's choice first.
"""

from __future__ import annotations

from mailhop.core.account.account import choose, profile_from_check
from mailhop.core.common.model import Service
from mailhop.core.discover.report import Source
from mailhop.core.run.check import CheckReport
from mailhop.core.verdict.verdict import Level, ServiceVerdict
from tests.core.run.test_check import chosen, run_check
from tests.lab.lab import LabInfo


def upgraded(leg: ServiceVerdict) -> list[str]:
    return [f.summary for f in leg.findings if f.code == "plaintext-upgraded"]


def nothing_guessed(report: CheckReport) -> None:
    assert not report.discovery.phase2
    assert all(a.source is not Source.GUESS for a in report.discovery.attempts)


def test_provider_database_plaintext_entries_tiscali(lab: LabInfo) -> None:
    # tiscali.cz.xml (ISPDB, tier B): POP3 pop3.mail:110 plain and SMTP smtp.mail:25 plain.
    # The hosts serve POP3 995/110 and submission 465/587 with TLS. An expert uses the hosts
    # the provider database names, with implicit TLS, tier B, no approval, and says why.
    expected_pop3 = ("pop3.mail.tiscali-shape.test", 995, "implicit-tls", "B")
    expected_submission = ("smtp.mail.tiscali-shape.test", 465, "implicit-tls", "B")

    report = run_check(lab, "tomas@tiscali-shape.test")

    verdict = report.verdict
    assert verdict.access is verdict.pop3
    assert chosen(verdict.pop3) == expected_pop3
    assert chosen(verdict.submission) == expected_submission
    (said,) = upgraded(verdict.pop3)
    assert "pop3.mail.tiscali-shape.test" in said and ":995" in said
    (said,) = upgraded(verdict.submission)
    assert "smtp.mail.tiscali-shape.test" in said and ":465" in said
    assert "plaintext-offered" in {f.code for f in verdict.discovery_findings}
    assert verdict.level is Level.OK
    assert choose(report).approvals == ()
    nothing_guessed(report)
    # the STARTTLS alternatives on the same host were derived, verified, and rank below
    ranked = [
        (e.port, e.security.value) for e in report.discovery.plan.for_service(Service.POP3).entries
    ]
    assert ranked == [(995, "implicit-tls"), (110, "starttls")]


def test_domain_autoconfig_plaintext_entries_hal(lab: LabInfo) -> None:
    # hal.ne.jp.xml as the domain's own HTTPS autoconfig (tier A): POP3 mail:110 plain and
    # SMTP mail:587 plain with password-encrypted and the local part as user name. An expert
    # uses mail.hal-shape.test with implicit TLS (POP3 995, submission 465), tier A, keeps the
    # published user names, and signs in with PLAIN inside TLS (the server has no CRAM-MD5).
    expected_pop3 = ("mail.hal-shape.test", 995, "implicit-tls", "A")
    expected_submission = ("mail.hal-shape.test", 465, "implicit-tls", "A")
    expected_users = ("haru@hal-shape.test", "haru")
    expected_method = "password-cleartext"

    report = run_check(lab, "haru@hal-shape.test")

    verdict = report.verdict
    assert chosen(verdict.access) == expected_pop3
    assert chosen(verdict.submission) == expected_submission
    assert upgraded(verdict.pop3) and upgraded(verdict.submission)
    assert "signin-encrypted-not-offered" in {f.code for f in verdict.submission.findings}
    assert verdict.level is Level.OK
    choice = choose(report)
    assert choice.approvals == () and not choice.oauth2
    assert choice.incoming is not None and choice.outgoing is not None
    users = (choice.incoming.entry.username, choice.outgoing.entry.username)
    assert users == expected_users
    profile = profile_from_check(report, choice, usernames_used=expected_users)
    assert profile.outgoing.auth_method.value == expected_method
    nothing_guessed(report)
