"""Address -> verdict against the lab: real Dovecot/Postfix, the hostile servers, DANE hosts.

Each case domain in tests/lab/scenarios/cases.test.toml publishes SRV records for exactly
one server, so the verdict of `check` meets that server alone. Every case also proves with
the lab's recordings that the client never sent a credential command of any kind.
"""

from __future__ import annotations

import asyncio
import re
import time
from pathlib import Path

import pytest

from mailhop.core.common.address import parse_address
from mailhop.core.discover.parse_mtasts import MtaStsMode
from mailhop.core.probe.dane_records import DaneOutcome
from mailhop.core.probe.probe_report import VerifiedBy
from mailhop.core.run.check import CheckReport, check
from mailhop.core.verdict.verdict import Level, ServiceVerdict
from tests.core.run.test_discovery import options
from tests.lab.canary import recordings
from tests.lab.lab import LabInfo
from tests.lab.test_dns import spki_sha256

CREDENTIAL_VERBS = re.compile(
    rb"(?im)^(?:[A-Za-z0-9.]+ )?(LOGIN|AUTHENTICATE|AUTH|USER|PASS|APOP)\b"
)


def run_check(lab: LabInfo, address: str, **overrides: object) -> CheckReport:
    parsed = parse_address(address, allow_test_domains=True)
    return asyncio.run(check(parsed, options(lab, **overrides)))


Choice = tuple[str, int, str, str]  # host, port, security, tier: an expert's expected choice


def chosen(leg: ServiceVerdict) -> Choice | None:
    """The server a leg's verdict chose, in the form the scenario tests write first."""
    if leg.chosen is None:
        return None
    entry = leg.chosen.entry
    return (entry.hostname, entry.port, entry.security.value, entry.tier.value)


def codes(report: CheckReport) -> set[str]:
    verdict = report.verdict
    legs = (verdict.submission, verdict.imap, verdict.pop3)
    return {f.code for leg in legs for f in leg.findings} | {f.code for f in verdict.relay.findings}


def client_sent(lab: LabInfo, since: float) -> list[bytes]:
    """Everything clients sent to our own mail servers since `since`, per connection."""
    found = []
    for recording in recordings(Path(lab.fact("pyservers", "recordings_dir"))):
        if recording.opened >= since and recording.port not in (80, 443):
            found.append(b"".join(data for _, data in recording.segments))
    return found


@pytest.fixture(scope="module")
def healthy(lab: LabInfo) -> CheckReport:
    return run_check(lab, "alice@healthy.test")


def test_healthy_domain_is_ok_on_every_leg(healthy: CheckReport) -> None:
    verdict = healthy.verdict
    assert verdict.level is Level.OK
    for leg in (verdict.submission, verdict.imap, verdict.pop3):
        assert leg.level is Level.OK and leg.chosen is not None
    assert verdict.submission.chosen is not None
    assert (verdict.submission.chosen.entry.port, verdict.imap.chosen.entry.port) == (465, 993)
    assert verdict.imap.chosen.authenticated_by is VerifiedBy.DANE_EE
    assert verdict.imap.chosen.pkix.valid  # the lab CA verifies it too
    assert verdict.pop3.chosen.authenticated_by is VerifiedBy.PKIX  # no TLSA for 995


def test_healthy_starttls_endpoints_are_verified_too(healthy: CheckReport) -> None:
    starttls = [p for p in healthy.probes if p.entry.security.value == "starttls"]
    assert {(p.entry.service.value, p.entry.port) for p in starttls} == {
        ("submission", 587),
        ("imap", 143),
        ("pop3", 110),
    }
    assert all(p.failure is None and p.pkix.valid for p in starttls)
    assert all(p.connection.tls_version in ("TLSv1.2", "TLSv1.3") for p in starttls)


def test_healthy_relay_reports_dane_and_mta_sts(healthy: CheckReport) -> None:
    relay = healthy.verdict.relay
    (host,) = relay.hosts
    assert (host.host, host.mta_sts_mode, host.mta_sts_match) == (
        "mail.healthy.test",
        MtaStsMode.ENFORCE,
        True,
    )
    assert host.probe is not None and host.probe.dane.outcome is DaneOutcome.MATCHED
    assert relay.level is Level.OK and "relay-dane" in {f.code for f in relay.findings}


def test_certificate_details_and_pin_are_reported(healthy: CheckReport, lab: LabInfo) -> None:
    chosen = healthy.verdict.imap.chosen
    assert chosen is not None and chosen.cert is not None
    assert chosen.cert.names == ("mail.healthy.test",)
    assert chosen.cert.spki_sha256 == spki_sha256(lab, "mail.healthy.test")
    assert chosen.cert.days_left > 30 and "intermediate" in chosen.cert.issuer


CASES = [
    # (case, level, finding that must be there)
    ("strip", Level.BLOCK, "starttls-missing"),
    ("starttls-no", Level.BLOCK, "starttls-refused"),
    ("preauth", Level.BLOCK, "preauth"),
    ("inject", Level.BLOCK, "injection"),
    ("smtp-refuse", Level.BLOCK, "starttls-refused"),
    ("close", Level.BLOCK, "server-closed"),
    ("expired", Level.BLOCK, "cert-expired"),
    ("wrong-name", Level.BLOCK, "cert-name-mismatch"),
    ("unknown-ca", Level.BLOCK, "cert-unknown-issuer"),
    ("no-intermediate", Level.BLOCK, "cert-missing-intermediate"),
    ("dane-mismatch", Level.BLOCK, "dane-mismatch"),
    ("dane-ee", Level.OK, "dane-ee"),
    ("dane-ta", Level.OK, "dane-ta"),
    ("dane-selfsigned", Level.OK, "dane-ee"),
    ("dane-sha512", Level.OK, "dane-ee"),
    ("fallback", Level.WARN, "better-endpoint-failed"),
    ("starttls-bad", Level.BLOCK, "starttls-refused"),
    ("noise", Level.OK, None),  # untagged lines before STARTTLS are read and discarded
    ("hidden", Level.WARN, "capabilities-hidden"),
    ("old-tls", Level.BLOCK, "tls-version"),
    ("flood", Level.BLOCK, "server-flood"),
]


@pytest.mark.parametrize(("case", "level", "code"), CASES)
def test_each_probe_case_gets_its_verdict_and_sends_no_credential(
    lab: LabInfo, case: str, level: Level, code: str | None
) -> None:
    since = time.time()
    report = run_check(lab, f"jo@{case}.cases.test", soft_deadline=2.0, hard_deadline=4.0)
    access = report.verdict.access
    legs = [access] + ([report.verdict.submission] if report.verdict.submission.probes else [])
    assert max(leg.level for leg in legs if leg.probes) is level
    if code is not None:
        assert code in codes(report), [f.summary for leg in legs for f in leg.findings]
    for sent in client_sent(lab, since):
        assert not CREDENTIAL_VERBS.search(sent), sent[:200]


def test_a_dane_mismatch_blocks_although_pkix_accepts(lab: LabInfo) -> None:
    report = run_check(lab, "jo@dane-mismatch.cases.test")
    (probe,) = report.verdict.imap.probes
    assert probe.pkix.valid and probe.dane.outcome is DaneOutcome.MISMATCH
    assert report.verdict.imap.chosen is None


def test_bogus_tlsa_is_a_failure_never_no_dane(lab: LabInfo) -> None:
    report = run_check(lab, "jo@dane-bogus.cases.test", soft_deadline=2.0, hard_deadline=4.0)
    assert report.verdict.imap.level is Level.BLOCK
    tlsa = [a for a in report.discovery.attempts if a.source.value == "tlsa"]
    assert tlsa and {a.records[0].dnssec.value for a in tlsa} == {"bogus"}


def test_a_stalled_server_costs_the_deadline_once(lab: LabInfo) -> None:
    started = time.monotonic()
    report = run_check(lab, "jo@stall.cases.test", soft_deadline=1.0, hard_deadline=2.5)
    assert time.monotonic() - started < 3.5
    assert "probe-timeout" in codes(report)


def test_a_black_holed_first_server_costs_the_soft_deadline(lab: LabInfo) -> None:
    started = time.monotonic()
    report = run_check(lab, "frank@blackhole.test", soft_deadline=1.0, hard_deadline=4.0)
    elapsed = time.monotonic() - started
    assert 1.0 <= elapsed < 2.0
    imap = report.verdict.imap
    assert imap.chosen is not None and imap.chosen.entry.hostname == "mail.blackhole.test"
    assert imap.level is Level.WARN and "better-endpoint-failed" in codes(report)


def test_relay_reports_mta_sts_testing_and_an_unlisted_mx(lab: LabInfo) -> None:
    report = run_check(lab, "jo@ststesting.test")
    (host,) = report.verdict.relay.hosts
    assert (host.host, host.mta_sts_mode, host.mta_sts_match) == (
        "mail.healthy.test",
        MtaStsMode.TESTING,
        False,
    )
    assert host.probe is not None and host.probe.failure is None
    assert "mta-sts-mx-mismatch" in {f.code for f in report.discovery.plan.findings}


def test_every_probe_tells_the_observer_when_it_starts_and_how_it_ended(lab: LabInfo) -> None:
    from mailhop.core.discover.report import Status
    from mailhop.core.run.events import ProbeFinished, ProbeStarted, ProgressEvent

    events: list[ProgressEvent] = []
    parsed = parse_address("alice@healthy.test", allow_test_domains=True)
    report = asyncio.run(check(parsed, options(lab), events.append))
    started = {e.target: e for e in events if isinstance(e, ProbeStarted)}
    finished = {e.target: e for e in events if isinstance(e, ProbeFinished)}
    probed = {f"{p.entry.hostname}:{p.entry.port}" for p in report.probes}
    assert probed <= set(started) and set(started) == set(finished)
    assert "Incoming mail (IMAP), TLS" in started["mail.healthy.test:993"].checks
    assert finished["mail.healthy.test:993"].status is Status.FOUND
    assert finished["mail.healthy.test:993"].detail.startswith("TLSv1.")
    for target, end in finished.items():
        assert end.at >= started[target].at


def test_a_stalled_probe_ends_as_timed_out_for_the_observer(lab: LabInfo) -> None:
    from mailhop.core.discover.report import Status
    from mailhop.core.run.events import ProbeFinished, ProbeStarted, ProgressEvent

    events: list[ProgressEvent] = []
    parsed = parse_address("frank@blackhole.test", allow_test_domains=True)
    asyncio.run(check(parsed, options(lab, soft_deadline=1.0, hard_deadline=4.0), events.append))
    ends = {e.target: e for e in events if isinstance(e, ProbeFinished)}
    starts = {e.target for e in events if isinstance(e, ProbeStarted)}
    assert set(ends) == starts
    dead = ends["dead.blackhole.test:993"]
    assert dead.status is Status.TIMED_OUT and "deadline" in dead.detail
    assert ends["mail.blackhole.test:993"].status is Status.FOUND


def test_cancelling_a_check_stops_every_source_and_probe(lab: LabInfo) -> None:
    """The GUI's Cancel: nothing of the check may go on running (or connecting) after it."""
    parsed = parse_address("frank@blackhole.test", allow_test_domains=True)

    async def cancel_midway() -> list[asyncio.Task[object]]:
        task = asyncio.ensure_future(check(parsed, options(lab)))
        await asyncio.sleep(0.5)  # sources and probes running, the black hole stalling
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        return [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]

    started = time.monotonic()
    left = asyncio.run(cancel_midway())
    assert left == [] and time.monotonic() - started < 1.5


def test_a_refusal_in_a_finding_is_the_servers_quoted_words(lab: LabInfo) -> None:
    report = run_check(lab, "jo@starttls-no.cases.test", soft_deadline=2.0, hard_deadline=4.0)
    (refused,) = [f for f in report.verdict.access.findings if f.code == "starttls-refused"][:1]
    said = refused.helpdesk.partition("with: ")[2]
    assert said.startswith("\u201c") and "\u201d" in said, refused.helpdesk


class _Interrupted(BaseException):
    """What a Ctrl-C landing in the observer's own code looks like to the check: not an
    Exception, so the guard against a broken observer does not swallow it."""


def test_no_source_or_probe_outlives_a_check_that_raised(lab: LabInfo) -> None:
    """The check ends with the observer's error while the black-holed autoconfig host and
    IMAP server are still connecting; it raises only once every task it started has ended."""
    from mailhop.core.run.events import ProbeStarted, ProgressEvent, SourceFinished

    parsed = parse_address("frank@blackhole.test", allow_test_domains=True)

    seen: set[type[ProgressEvent]] = set()

    def observer(event: ProgressEvent) -> None:
        seen.add(type(event))
        # In discovery's own code (a source's end), with probes and sources still running.
        if isinstance(event, SourceFinished) and ProbeStarted in seen:
            raise _Interrupted

    async def run() -> list[asyncio.Task[object]]:
        with pytest.raises(_Interrupted):
            await check(parsed, options(lab, soft_deadline=1.0, hard_deadline=4.0), observer)
        left = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        return [t for t in left if not t.done()]

    assert asyncio.run(run()) == []
