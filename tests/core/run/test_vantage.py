"""Whose fault is it: a check from a computer that cannot judge says so, quickly, and blames no one.

Each case puts a real failure between mailhop and the lab (tests/lab/bad_resolvers.py: a
resolver that never answers, one that says NXDOMAIN to everything, one that strips the
signatures; a validator clock far off; a network namespace with no route) and checks a
healthy domain through it: the verdict is "could not check" with the right cause, never
"blocked", and no finding is made against the domain.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

from mailhop.core.common.address import parse_address
from mailhop.core.common.i18n import set_language
from mailhop.core.dns.dnssec import Clock
from mailhop.core.dns.resolver import Resolver, Upstream
from mailhop.core.run.check import CheckReport, check
from mailhop.core.verdict.could_not_check import Cause
from mailhop.core.verdict.verdict import Level
from tests.core.run.test_discovery import ISPDB_URL, options
from tests.lab.bad_resolvers import Behaviour, bad_resolver
from tests.lab.interceptor import https_interceptor
from tests.lab.lab import LabInfo

HEALTHY = "alice@healthy.test"
REPO = Path(__file__).resolve().parents[3]
DAY = 86400.0


def through(lab: LabInfo, upstream: tuple[str, int], **overrides: object) -> CheckReport:
    parsed = parse_address(HEALTHY, allow_test_domains=True)
    opts = options(lab, upstream=Upstream(*upstream), **overrides)
    return asyncio.run(check(parsed, opts))


def assert_could_not_check(report: CheckReport, cause: Cause) -> None:
    verdict = report.verdict
    assert verdict.could_not_check is not None
    assert verdict.could_not_check.cause is cause, verdict.could_not_check
    assert verdict.level is Level.COULD_NOT_CHECK  # never "blocked"
    for leg in (verdict.submission, verdict.access, verdict.relay):
        assert leg.level is Level.COULD_NOT_CHECK
    assert verdict.findings == ()  # nothing said against healthy.test


def test_a_resolver_that_never_answers_is_named_well_before_the_hard_deadline(
    lab: LabInfo,
) -> None:
    with bad_resolver(Behaviour.SILENT) as silent:
        report = through(lab, silent, soft_deadline=2.0, hard_deadline=8.0)
    assert_could_not_check(report, Cause.RESOLVER_SILENT)
    # Stopped when the resolver had not answered the anchor's keys by the soft deadline;
    # before, the check waited for every source until the hard deadline.
    assert report.elapsed < 4.0


def test_a_resolver_that_answers_nxdomain_to_everything_is_the_networks_fault(
    lab: LabInfo,
) -> None:
    with bad_resolver(Behaviour.NXDOMAIN) as liar:
        report = through(lab, liar)
    assert_could_not_check(report, Cause.RESOLVER_NXDOMAIN)
    assert report.elapsed < 2.0


def test_a_resolver_that_strips_the_signatures_is_said_and_no_dnssec_finding_is_made(
    lab: LabInfo,
) -> None:
    with bad_resolver(Behaviour.STRIP, (lab.resolver, lab.resolver_port)) as stripper:
        report = through(lab, stripper)
    assert_could_not_check(report, Cause.RESOLVER_STRIPS)
    set_language("en")
    assert "removes the security signatures" in str(report.verdict.could_not_check.summary())


def _skewed(lab: LabInfo, offset: float) -> CheckReport:
    opts = options(lab)
    began = time.monotonic()

    def clock() -> float:
        return time.time() + offset

    assert opts.upstream is not None and opts.anchor is not None
    resolver = Resolver(
        opts.upstream, opts.anchor, deadline=began + opts.hard_deadline, clock=clock
    )
    parsed = parse_address(HEALTHY, allow_test_domains=True)
    return asyncio.run(check(parsed, opts, resolver=resolver, clock=clock))


def test_a_clock_far_ahead_is_this_computers_fault_and_says_by_how_much(lab: LabInfo) -> None:
    report = _skewed(lab, 400 * DAY)
    assert_could_not_check(report, Cause.CLOCK)
    found = report.verdict.could_not_check
    assert found is not None and found.clock is Clock.AHEAD
    assert found.clock_off_hours is not None and found.clock_off_hours > 24  # at least a day
    set_language("en")
    assert "hours ahead" in str(found.summary())
    # Discovery's records carry it too: each says why it could not be judged.
    records = [r for a in report.discovery.attempts for r in a.records]
    assert records and all(r.clock is Clock.AHEAD for r in records)


def test_a_clock_far_behind_is_this_computers_fault_too(lab: LabInfo) -> None:
    report = _skewed(lab, -400 * DAY)
    assert_could_not_check(report, Cause.CLOCK)
    found = report.verdict.could_not_check
    assert found is not None and found.clock is Clock.BEHIND
    assert found.clock_off_hours is not None and found.clock_off_hours < -24


def test_a_working_resolver_and_clock_leave_the_verdict_to_the_domain(lab: LabInfo) -> None:
    report = through(lab, (lab.resolver, lab.resolver_port))
    assert report.verdict.could_not_check is None
    assert report.verdict.level is Level.OK


def test_offline_the_cli_says_no_internet_connection_at_once_with_its_own_exit_code(
    lab: LabInfo,
) -> None:
    """`mailhop check someone@posteo.de` in a namespace with no route (unshare --net: not even
    loopback is up), the issue's own example; the resolver given is the lab's, unreachable."""
    env = {**os.environ, "LANGUAGE": "en", "LC_ALL": "C.UTF-8"}
    argv = [str(Path(sys.executable).with_name("mailhop")), "check", "someone@posteo.de"]
    argv += ["--resolver", f"{lab.resolver}:{lab.resolver_port}"]
    began = time.monotonic()
    done = subprocess.run(
        ["unshare", "--net", *argv], capture_output=True, text=True, env=env, timeout=60, cwd=REPO
    )
    took = time.monotonic() - began
    assert done.returncode == 7, done.stdout + done.stderr
    assert "This computer has no working internet connection." in done.stdout
    assert "BLOCKED" not in done.stdout and "Findings" not in done.stdout
    assert took < 5.0  # the interpreter's start included; the hard deadline is 8 s


def test_a_bogus_mx_lookup_is_could_not_check_on_the_relay_leg_never_ok(lab: LabInfo) -> None:
    report = asyncio.run(
        check(parse_address("alice@bogus.test", allow_test_domains=True), options(lab))
    )
    relay = report.verdict.relay
    assert relay.level is Level.COULD_NOT_CHECK
    assert [f.code for f in relay.findings] == ["relay-unchecked"]


def test_a_timed_out_mx_lookup_is_could_not_check_on_the_relay_leg(lab: LabInfo) -> None:
    upstream = (lab.resolver, lab.resolver_port)
    with bad_resolver(Behaviour.DROP, upstream, drop=("MX",)) as dropper:
        report = through(lab, dropper, soft_deadline=1.0, hard_deadline=3.0)
    verdict = report.verdict
    assert verdict.could_not_check is None  # the rest of DNS works: the domain is judged
    assert verdict.relay.level is Level.COULD_NOT_CHECK
    assert "relay-unchecked" in {f.code for f in verdict.relay.findings}
    assert verdict.submission.level is Level.OK


def test_a_timed_out_mta_sts_lookup_is_not_no_mta_sts_nor_published_incorrectly(
    lab: LabInfo,
) -> None:
    upstream = (lab.resolver, lab.resolver_port)
    with bad_resolver(Behaviour.DROP, upstream, drop=("TXT",)) as dropper:
        report = through(lab, dropper, soft_deadline=1.0, hard_deadline=3.0)
    codes = {f.code for f in report.verdict.findings}
    assert "mta-sts-broken" not in codes and "relay-no-policy" not in codes
    assert "mta-sts-unchecked" in codes
    sts = [a for a in report.discovery.attempts if a.source.value == "mta-sts"]
    assert sts and sts[0].status.value in ("timed-out", "failed")  # not "nothing"


def test_a_null_mx_says_the_domain_receives_no_mail(lab: LabInfo) -> None:
    parsed = parse_address("bo@nullmx.test", allow_test_domains=True)
    report = asyncio.run(check(parsed, options(lab)))
    relay = report.verdict.relay
    assert relay.mx.value == "null-mx"
    assert [f.code for f in relay.findings] == ["relay-null-mx"]
    assert relay.level is Level.WARN
    set_language("en")
    assert "receives no mail" in report.verdict.findings[-1].shown_summary


def test_the_progress_shows_the_time_the_check_can_still_take_at_most(lab: LabInfo) -> None:
    env = {**os.environ, "LANGUAGE": "en", "LC_ALL": "C.UTF-8"}
    argv = [str(Path(sys.executable).with_name("mailhop")), "check", HEALTHY, "--progress"]
    argv += ["--allow-test-domains", "--resolver", f"{lab.resolver}:{lab.resolver_port}"]
    argv += ["--trust-anchor", lab.fact("dns", "trust_anchor_file"), "--ispdb-url", ISPDB_URL]
    argv += ["--ca-file", str(lab.ca_file), "--deadline", "8"]
    done = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=60, cwd=REPO)
    bounds = re.findall(r"at most (\d+\.\d) s left", done.stderr)
    assert bounds, done.stderr
    assert all(0.0 <= float(b) <= 8.0 for b in bounds)
    assert float(bounds[-1]) < float(bounds[0]) or len(bounds) == 1


def test_an_https_interceptor_with_its_own_ca_is_the_networks_fault(
    lab: LabInfo, tmp_path: Path
) -> None:
    """Port 443 of this one process goes to a portal that makes a certificate for every name
    from its own CA (tests/lab/interceptor.py); DNS and the mail ports work."""
    env = {**os.environ, "LANGUAGE": "en", "LC_ALL": "C.UTF-8"}
    argv = [str(Path(sys.executable).with_name("mailhop")), "check", HEALTHY, "--json"]
    argv += ["--allow-test-domains", "--resolver", f"{lab.resolver}:{lab.resolver_port}"]
    argv += ["--trust-anchor", lab.fact("dns", "trust_anchor_file"), "--ispdb-url", ISPDB_URL]
    argv += ["--ca-file", str(lab.ca_file)]
    with https_interceptor(tmp_path) as group:
        as_group = ["setpriv", f"--regid={group}", "--clear-groups"]
        done = subprocess.run(
            [*as_group, *argv], capture_output=True, text=True, env=env, timeout=60, cwd=REPO
        )
    assert done.returncode == 7, done.stdout[-2000:] + done.stderr[-2000:]
    verdict = json.loads(done.stdout)["verdict"]
    assert verdict["level"] == "could-not-check"
    assert verdict["could_not_check"]["cause"] == "https-intercepted"
    assert verdict["submission"]["findings"] == [] and verdict["relay"]["findings"] == []
