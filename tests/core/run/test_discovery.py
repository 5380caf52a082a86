"""Discovery against the lab: each scenario yields the plan and tiers DESIGN.md asks for."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from mailhop.core.common.address import parse_address
from mailhop.core.common.model import Security, Service
from mailhop.core.discover.parse_mtasts import MtaStsMode
from mailhop.core.discover.report import (
    Attempt,
    Auth,
    Failure,
    MtaSts,
    RefusedRedirect,
    Source,
    Status,
    TlsaQuestion,
    TlsReporting,
)
from mailhop.core.discover.source_context import SourceContext
from mailhop.core.discover.sources import SOURCES
from mailhop.core.dns.dnssec import TrustAnchor
from mailhop.core.dns.resolver import DnsAnswer, Resolver, parse_upstream
from mailhop.core.net.fetch import Fetcher, FetchResult
from mailhop.core.net.tlscontext import client_context
from mailhop.core.policy.plan import Tier
from mailhop.core.run.discovery import (
    DiscoveryOptions,
    DiscoveryReport,
    discover,
    discovery_resolver,
)
from mailhop.core.run.events import ProgressEvent, SourceFinished, SourceStarted
from tests.bench.one_at_a_time import OneAtATime
from tests.lab.canary import connections_to, requests_to, sightings
from tests.lab.lab import LabInfo
from tests.lab.scenario import load_all

ISPDB_URL = "https://ispdb.test/v1.1/"


def options(lab: LabInfo, **overrides: object) -> DiscoveryOptions:
    anchor = TrustAnchor.from_text(Path(lab.fact("dns", "trust_anchor_file")).read_text())
    values: dict[str, object] = {
        "upstream": parse_upstream(f"{lab.resolver}:{lab.resolver_port}"),
        "anchor": anchor,
        "extra_ca_file": lab.ca_file,
        "ispdb_url": ISPDB_URL,
    }
    values.update(overrides)
    return DiscoveryOptions(**values)  # type: ignore[arg-type]


def run(lab: LabInfo, address: str, **overrides: object) -> DiscoveryReport:
    parsed = parse_address(address, allow_test_domains=True)
    return asyncio.run(discover(parsed, options(lab, **overrides)))


def endpoints(report: DiscoveryReport, service: Service) -> list[tuple[str, int, Security, Tier]]:
    return [
        (e.hostname, e.port, e.security, e.tier) for e in report.plan.for_service(service).entries
    ]


def codes(report: DiscoveryReport) -> set[str]:
    return {f.code for f in report.plan.findings}


def attempts(report: DiscoveryReport, source: Source) -> list:
    return [a for a in report.attempts if a.source is source]


@pytest.fixture(scope="module")
def healthy(lab: LabInfo) -> DiscoveryReport:
    return run(lab, "alice@healthy.test")


def test_healthy_plan_is_tier_a_with_implicit_tls_first(healthy: DiscoveryReport) -> None:
    tls, starttls = Security.IMPLICIT_TLS, Security.STARTTLS
    host = "mail.healthy.test"
    assert endpoints(healthy, Service.SUBMISSION) == [
        (host, 465, tls, Tier.A),
        (host, 587, starttls, Tier.A),
    ]
    assert endpoints(healthy, Service.IMAP) == [
        (host, 993, tls, Tier.A),
        (host, 143, starttls, Tier.A),
    ]
    assert endpoints(healthy, Service.POP3) == [
        (host, 995, tls, Tier.A),
        (host, 110, starttls, Tier.A),
    ]
    assert endpoints(healthy, Service.RELAY) == [(host, 25, starttls, Tier.A)]


def test_healthy_every_source_agrees_and_says_where_it_came_from(
    healthy: DiscoveryReport,
) -> None:
    best = healthy.plan.for_service(Service.IMAP).best
    assert best is not None
    sources = {o.source for o in best.origins}
    assert sources == {
        Source.SRV,
        Source.PACC,
        Source.AUTOCONFIG,
        Source.WELL_KNOWN,
        Source.AUTODISCOVER,
    }
    auths = {o.source: o.auth for o in best.origins}
    assert auths[Source.SRV] is Auth.DNSSEC_SECURE
    assert auths[Source.PACC] is Auth.DIGEST_MATCHED
    assert auths[Source.AUTOCONFIG] is Auth.HTTPS_IN_DOMAIN
    assert best.dane and best.inside_domain and not best.needs_approval
    assert best.username == "alice@healthy.test"
    assert "sources-disagree" not in codes(healthy)
    assert not [f for f in healthy.plan.findings if f.severity.value != "info"]


def test_healthy_reports_relay_policy_and_no_oauth(healthy: DiscoveryReport) -> None:
    (sts,) = attempts(healthy, Source.MTA_STS)
    found = sts.payload_as(MtaSts)
    assert sts.status is Status.FOUND and found is not None and found.policy is not None
    assert found.policy.mode is MtaStsMode.ENFORCE
    assert found.policy.mx == ("mail.healthy.test",)
    (rpt,) = attempts(healthy, Source.TLS_RPT)
    assert rpt.payload == TlsReporting("mailto:tlsrpt@healthy.test")
    assert not healthy.plan.uses_oauth2
    tlsa = {
        asked.port: a.auth
        for a in attempts(healthy, Source.TLSA)
        if (asked := a.payload_as(TlsaQuestion)) is not None
    }
    assert tlsa[25] is Auth.DNSSEC_SECURE


def test_the_address_goes_only_to_the_autoconfig_host(healthy: DiscoveryReport) -> None:
    carrying = {
        a.source
        for a in healthy.attempts
        if "alice" in a.target or any("alice" in hop for hop in a.hops)
    }
    # autoconfig.<d>?emailaddress= is the one URL that carries it; WKD carries the
    # local part to the domain's own key directory; OPENPGPKEY/SMIMEA hash it.
    assert carrying <= {Source.AUTOCONFIG, Source.WKD}
    (well_known,) = attempts(healthy, Source.WELL_KNOWN)
    assert "emailaddress" not in well_known.target


def test_a_proven_absence_is_proven_and_sources_run_at_once(healthy: DiscoveryReport) -> None:
    (smimea,) = attempts(healthy, Source.SMIMEA)
    assert smimea.status is Status.NOTHING
    assert smimea.records[0].absence_proven
    phase_one = [a for a in healthy.attempts if a.source is not Source.TLSA]
    latest_start = max(a.started for a in phase_one)
    assert latest_start < min(a.started + a.elapsed for a in phase_one)


def test_srv_only_domain_honours_not_offered(lab: LabInfo) -> None:
    report = run(lab, "bob@srvonly.test")
    assert endpoints(report, Service.SUBMISSION) == [
        ("mail.srvonly.test", 465, Security.IMPLICIT_TLS, Tier.A)
    ]
    assert endpoints(report, Service.IMAP) == [
        ("mail.srvonly.test", 993, Security.IMPLICIT_TLS, Tier.A)
    ]
    refused = [a for a in attempts(report, Source.SRV) if "_submission._tcp" in a.target]
    assert refused[0].status is Status.NOTHING and "not offered" in refused[0].detail


def test_autoconfig_only_domain(lab: LabInfo) -> None:
    report = run(lab, "carol@autoconfonly.test")
    submission = report.plan.for_service(Service.SUBMISSION).best
    assert submission is not None
    assert (submission.hostname, submission.tier) == ("smtp.autoconfonly.test", Tier.A)
    assert {o.source for o in submission.origins} == {Source.AUTOCONFIG}
    assert "starttls-only" in codes(report)


def test_hosted_domain_trusts_signed_srv_to_another_domain(lab: LabInfo) -> None:
    report = run(lab, "dave@hosted.test")
    imap = report.plan.for_service(Service.IMAP).best
    assert imap is not None
    assert (imap.hostname, imap.tier, imap.inside_domain) == ("imap.provider.test", Tier.A, False)
    assert imap.registrable == "provider.test" and imap.dane
    derived = attempts(report, Source.MX_AUTOCONFIG)
    assert derived and derived[0].related_host == "mx.provider.test"
    origins = {o.source: o.tier for o in imap.origins}
    assert origins[Source.MX_AUTOCONFIG] is Tier.B  # the MX answer is DNSSEC-secure
    assert "autoconfig.provider.test" in derived[0].target
    assert "dave" not in derived[0].target  # the address does not go to another domain


def test_unsigned_domain_is_tier_c_and_needs_approval(lab: LabInfo) -> None:
    report = run(lab, "erin@unsigned.test")
    imap = report.plan.for_service(Service.IMAP).best
    assert imap is not None and imap.tier is Tier.C and imap.needs_approval
    assert {o.auth for o in imap.origins} == {Auth.DNSSEC_INSECURE}
    assert {"unsigned-dns", "only-unauthenticated"} <= codes(report)


def test_bogus_zone_is_bogus_never_insecure(lab: LabInfo) -> None:
    report = run(lab, "grace@bogus.test")
    srvs = attempts(report, Source.SRV)
    found = [a for a in srvs if a.records and a.records[0].records]
    assert found, "the bogus zone publishes SRV records"
    assert all(a.status is Status.FAILED and not a.candidates for a in found)
    assert {a.records[0].dnssec.value for a in found} == {"bogus"}
    assert "dnssec-bogus" in codes(report)
    assert "unsigned-dns" not in codes(report)
    assert all(o.source is not Source.SRV for e in report.plan.access for o in e.origins)


def test_nsec3_zone_absences_are_proven(lab: LabInfo) -> None:
    report = run(lab, "heidi@nsec3.test")
    missing = [a for a in attempts(report, Source.SRV) if a.status is Status.NOTHING]
    assert missing and all(a.records[0].absence_proven for a in missing)


def test_cross_domain_redirect_makes_autoconfig_tier_c(lab: LabInfo) -> None:
    report = run(lab, "mallory@hostile-web.test")
    (auto,) = attempts(report, Source.AUTOCONFIG)
    assert len(auto.hops) == 2 and "hostile-mail.test" in auto.hops[-1]
    assert auto.status is Status.FOUND and auto.auth is Auth.HTTPS_OTHER_DOMAIN
    assert "redirect-other-domain" in codes(report)
    assert report.plan.access and all(e.tier is Tier.C for e in report.plan.access)
    assert all(e.needs_approval for e in report.plan.access)


def test_a_black_holed_host_costs_the_deadline_once(lab: LabInfo) -> None:
    started = time.monotonic()
    report = run(lab, "frank@blackhole.test", soft_deadline=1.0, hard_deadline=4.0)
    elapsed = time.monotonic() - started
    # SRV gives tier-A submission and IMAP at once, so the soft deadline ends the wait
    # for the black-holed autoconfig host: 1 s, not 4 s, and not one deadline per step.
    assert report.stopped_early
    assert 1.0 <= elapsed < 2.0
    (auto,) = attempts(report, Source.AUTOCONFIG)
    assert auto.status is Status.TIMED_OUT


def test_without_the_soft_stop_the_hard_deadline_holds(lab: LabInfo) -> None:
    started = time.monotonic()
    report = run(lab, "frank@blackhole.test", soft_deadline=2.0, hard_deadline=2.0)
    assert time.monotonic() - started < 3.0
    (auto,) = attempts(report, Source.AUTOCONFIG)
    assert auto.status is Status.TIMED_OUT


def test_a_dead_resolver_costs_one_deadline_and_nothing_raises(lab: LabInfo) -> None:
    started = time.monotonic()
    report = run(
        lab,
        "alice@healthy.test",
        upstream=parse_upstream("127.0.0.99"),
        hard_deadline=1.5,
        phase2=False,
    )
    assert time.monotonic() - started < 2.5
    assert not report.plan.for_service(Service.IMAP).entries
    assert {a.status for a in attempts(report, Source.SRV)} <= {Status.TIMED_OUT, Status.FAILED}
    assert "no-settings" in codes(report)


def test_progress_events_pair_up(lab: LabInfo) -> None:
    events: list[ProgressEvent] = []
    parsed = parse_address("bob@srvonly.test", allow_test_domains=True)
    report = asyncio.run(discover(parsed, options(lab), events.append))
    started = [e for e in events if isinstance(e, SourceStarted)]
    finished = [e for e in events if isinstance(e, SourceFinished)]
    assert len(started) >= 13
    assert len(finished) == len(report.attempts)
    assert {e.task for e in finished} <= {e.task for e in started}
    assert [e.at for e in events] == sorted(e.at for e in events)


def header(request: Mapping[str, object], name: str) -> str | None:
    pairs = request["headers"]
    assert isinstance(pairs, list)
    return next((str(v) for k, v in pairs if str(k).lower() == name), None)


def recordings_dir(lab: LabInfo) -> Path:
    return Path(lab.fact("pyservers", "recordings_dir"))


def test_forged_srv_to_another_domain_in_an_unsigned_zone_is_c_and_flagged(
    lab: LabInfo,
) -> None:
    report = run(lab, "erin@unsigned.test")
    forged = [e for e in report.plan.for_service(Service.IMAP).entries if not e.inside_domain]
    assert [(e.hostname, e.tier, e.registrable) for e in forged] == [
        ("imap.attacker.test", Tier.C, "attacker.test")
    ]
    flagged = [f for f in report.plan.findings if f.code == "srv-other-domain-unsigned"]
    assert flagged and "imap.attacker.test" in flagged[0].summary


def test_provider_database_alone_is_tier_b(lab: LabInfo) -> None:
    report = run(lab, "frank@ispdbonly.test")
    imap = report.plan.for_service(Service.IMAP).best
    assert imap is not None
    assert (imap.hostname, imap.tier) == ("mail.ispdbonly.test", Tier.B)
    assert {o.source for o in imap.origins} == {Source.ISPDB}
    (entry,) = attempts(report, Source.ISPDB)
    assert entry.target == "https://ispdb.test/v1.1/ispdbonly.test"  # no address in it


@pytest.mark.parametrize(
    ("address", "tier"),
    [("grace@mxderived.test", Tier.B), ("judy@mxderived-unsigned.test", Tier.C)],
)
def test_mx_derived_settings_are_b_only_behind_a_signed_mx(
    lab: LabInfo, address: str, tier: Tier
) -> None:
    report = run(lab, address)
    imap = report.plan.for_service(Service.IMAP).best
    assert imap is not None
    assert (imap.hostname, imap.tier) == ("imap.provider.test", tier)
    assert {o.source for o in imap.origins} <= {Source.MX_AUTOCONFIG, Source.MX_ISPDB}


def test_phase_two_uses_plain_http_without_the_address(lab: LabInfo) -> None:
    since = time.time()
    report = run(lab, "ivan@plainonly.test")
    assert report.phase2
    imap = report.plan.for_service(Service.IMAP).best
    assert imap is not None
    assert Source.HTTP_AUTOCONFIG in {o.source for o in imap.origins}
    assert {o.tier for o in imap.origins if o.source is Source.HTTP_AUTOCONFIG} == {Tier.C}
    assert "plain-http-used" in codes(report)
    # Guessing tries the MX host, mail.plainonly.test, first: the MX answer is signed, so
    # that host is as trusted as any MX-derived one (tier B); the plain-HTTP document adds
    # nothing to its trust. Without the MX, the document's servers would be tier C.
    (mx_host, names) = attempts(report, Source.GUESS)
    assert mx_host.status is Status.FOUND and mx_host.auth is Auth.GUESSED
    assert mx_host.related_host == "mail.plainonly.test"
    assert (imap.hostname, imap.tier, imap.needs_approval) == ("mail.plainonly.test", Tier.B, False)
    assert names.status is Status.NOTHING and "is the MX host" in names.detail
    plain = requests_to(recordings_dir(lab), "autoconfig.plainonly.test", since)
    assert plain and all(r["scheme"] == "http" for r in plain)
    assert not [s for s in sightings(recordings_dir(lab), "ivan") if "plainonly" in s.host]


def test_healthy_domain_never_reaches_phase_two(healthy: DiscoveryReport) -> None:
    assert not healthy.phase2
    assert not attempts(healthy, Source.HTTP_AUTOCONFIG)
    assert not attempts(healthy, Source.GUESS)


def test_autodiscover_never_asks_above_the_registrable_domain(lab: LabInfo) -> None:
    since = time.time()
    report = run(lab, "kim@adredirect.test")
    (auto,) = attempts(report, Source.AUTODISCOVER)
    assert auto.status is not Status.FOUND and auto.payload_as(RefusedRedirect)
    assert "autodiscover-redirect-refused" in codes(report)
    for trap in ("autodiscover.test", "autoconfig.test", "autodiscover.autodiscover.test"):
        assert connections_to(recordings_dir(lab), trap, since) == []
    requests = requests_to(recordings_dir(lab), "autodiscover.adredirect.test", since)
    assert requests and all(r["method"] == "POST" for r in requests)
    assert all(header(r, "authorization") is None for r in requests)


def test_idn_domain_stays_one_a_label_end_to_end(lab: LabInfo) -> None:
    since = time.time()
    report = run(lab, "jo@faß.test")
    assert report.address.domain == "xn--fa-hia.test"
    imap = report.plan.for_service(Service.IMAP).best
    assert imap is not None and imap.hostname == "mail.xn--fa-hia.test" and imap.tier is Tier.A
    assert imap.username in (None, "jo@xn--fa-hia.test")
    requests = requests_to(recordings_dir(lab), "autoconfig.xn--fa-hia.test", since)
    assert requests
    hosts = {header(r, "host") for r in requests}
    assert hosts == {"autoconfig.xn--fa-hia.test"}


SCENARIO_ADDRESSES = [
    f"probe@{item.domain}" for item in load_all() if item.domain not in ("test", "ispdb.test")
]


@pytest.mark.parametrize("address", SCENARIO_ADDRESSES)
def test_every_scenario_finishes_cleanly(lab: LabInfo, address: str) -> None:
    """No source crashes, every attempt says what happened, and the deadline holds."""
    started = time.monotonic()
    report = run(lab, address, soft_deadline=1.0, hard_deadline=2.0)
    assert time.monotonic() - started < 3.0
    for attempt in report.attempts:
        assert "internal error" not in attempt.detail, attempt
        assert attempt.detail, attempt
        assert attempt.status is not Status.FOUND or attempt.auth is not Auth.NONE
    assert len({(a.source, a.target) for a in report.attempts}) == len(report.attempts)


def test_a_crashing_source_or_observer_does_not_end_the_run(lab: LabInfo) -> None:
    async def broken(ctx: SourceContext) -> Attempt:
        raise RuntimeError("planted bug")

    def observer(event: ProgressEvent) -> None:
        raise ValueError("observer bug")

    sources = replace(SOURCES, tls_rpt=broken)
    parsed = parse_address("bob@srvonly.test", allow_test_domains=True)
    report = asyncio.run(discover(parsed, options(lab), observer, sources=sources))
    (crashed,) = attempts(report, Source.TLS_RPT)
    assert crashed.status is Status.FAILED and "internal error" in crashed.detail
    assert "planted bug" in crashed.detail
    assert report.plan.for_service(Service.IMAP).best is not None
    # The bug keeps its traceback, as data, for an internal-error report; not in the words.
    assert crashed.failure is Failure.INTERNAL and crashed.crash is not None
    assert crashed.crash.code is Failure.INTERNAL and crashed.crash.message == crashed.detail
    assert crashed.crash.trace is not None and "in broken" in crashed.crash.trace
    assert "Traceback" not in crashed.detail and "Traceback" not in repr(crashed)


def test_one_source_at_a_time_gives_the_same_plan(lab: LabInfo) -> None:
    parallel = run(lab, "alice@healthy.test")
    parsed, settings = parse_address("alice@healthy.test", allow_test_domains=True), options(lab)
    resolver = discovery_resolver(settings, time.monotonic())
    one_at_a_time = OneAtATime(settings.hard_deadline, resolver)
    sequential = asyncio.run(discover(parsed, settings, resolver=resolver, scheduler=one_at_a_time))
    for service in Service:
        assert endpoints(sequential, service) == endpoints(parallel, service)
    assert sorted((a.source, a.target) for a in sequential.attempts) == sorted(
        (a.source, a.target) for a in parallel.attempts
    )


async def _left_after(run: Callable[[], Awaitable[object]]) -> list[asyncio.Task[object]]:
    """The tasks other than this one that are still pending the moment ``run()`` ends
    (returned or raised): a task a run started and left behind goes on using the network
    and the CPU after the run's caller has moved on, or dies pending with the loop."""
    with contextlib.suppress(Exception):
        await run()
    return [t for t in asyncio.all_tasks() if t is not asyncio.current_task() and not t.done()]


def test_every_source_is_awaited_when_the_soft_deadline_stops_the_wait(lab: LabInfo) -> None:
    """The black-holed autoconfig host is still connecting when the soft deadline ends the
    wait: its task is cancelled and awaited before discover returns, not left pending."""
    parsed = parse_address("frank@blackhole.test", allow_test_domains=True)
    reports: list[DiscoveryReport] = []

    async def run() -> None:
        reports.append(await discover(parsed, options(lab, soft_deadline=1.0, hard_deadline=4.0)))

    left = asyncio.run(_left_after(run))
    (report,) = reports
    assert report.stopped_early
    assert left == []


def test_every_source_is_awaited_when_the_run_raises(lab: LabInfo) -> None:
    """A bug in a hook (here the attempt hook the check passes) ends the run with its error,
    and still no source it started is left running."""
    parsed = parse_address("frank@blackhole.test", allow_test_domains=True)
    raised: list[BaseException] = []

    def broken(attempt: object, attempts: object) -> None:
        raise RuntimeError("a bug in the hook")

    async def run() -> None:
        try:
            await discover(parsed, options(lab), on_attempt=broken)
        except RuntimeError as exc:
            raised.append(exc)
            raise

    left = asyncio.run(_left_after(run))
    assert [str(e) for e in raised] == ["a bug in the hook"]
    assert left == []


def test_a_source_that_crashes_halfway_leaves_nothing_running(lab: LabInfo) -> None:
    """PACC asks the ``_ua-auto-config`` record and fetches the document at once. A bug in
    one half (planted in the record lookup; no real server can make the resolver raise)
    ends the source as an internal error, and the other half (a fetch that would stall for
    a minute) is cancelled and awaited with it, not left running after discover returns."""
    parsed = parse_address("bob@srvonly.test", allow_test_domains=True)
    settings = options(lab)

    class BrokenTxt(Resolver):
        async def lookup(self, name: str, rdtype: str) -> DnsAnswer:
            if name.startswith("_ua-auto-config."):
                raise RuntimeError("planted bug")
            return await super().lookup(name, rdtype)

    class StallingPacc(Fetcher):
        async def fetch(self, url: str, **kwargs: Any) -> FetchResult:
            if url.startswith("https://ua-auto-config."):
                await asyncio.sleep(60)
            return await super().fetch(url, **kwargs)

    reports: list[DiscoveryReport] = []

    async def run() -> None:
        base = discovery_resolver(settings, time.monotonic())
        resolver = BrokenTxt(base.upstream, settings.anchor, deadline=base.deadline)
        context = client_context(settings.extra_ca_file)
        async with StallingPacc(resolve=resolver.addresses, ssl_context=context) as fetcher:
            reports.append(await discover(parsed, settings, resolver=resolver, fetcher=fetcher))

    left = asyncio.run(_left_after(run))
    (pacc,) = attempts(reports[0], Source.PACC)
    assert pacc.status is Status.FAILED and "planted bug" in pacc.detail
    assert left == []
