"""The audit engine against the lab: input order kept whatever finishes first, a black-holed
domain costs only its own place, each server probed once per run however many domains name
it, resume checks only what has no record, and the caps per server address hold with a
server that counts its concurrent connections."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import dns.message
import dns.name
import dns.rdatatype
import pytest

from mailhop.core.audit.engine import AuditResult, AuditSettings, Shared, audit, check_domain
from mailhop.core.audit.sessions import Caps, SharedProbes
from mailhop.core.audit.targets import Target, read_targets
from mailhop.core.common.address import EmailAddress, parse_address
from mailhop.core.common.model import Security, Service
from mailhop.core.dns.resolver import Resolver, parse_upstream
from mailhop.core.net.tlscontext import client_context, diagnostic_context
from mailhop.core.probe.prober import NO_SLOT, Prober
from mailhop.core.run.check import CheckReport, check
from mailhop.core.run.discovery import DiscoveryOptions
from tests.core.run.test_discovery import options
from tests.lab.canary import connections_to, requests_to
from tests.lab.lab import LabInfo

LIST = ["blackhole.test", "healthy.test", "# a comment", "hostile-mail.test", "no domain", ""]
LIST += ["fallback.cases.test", "hosted.test", "provider.test"]


def targets(lines: list[str]) -> list[Target]:
    return list(read_targets(lines, allow_test_domains=True))


class CountingResolver(Resolver):
    """The real resolver, counting the questions it sends upstream (its fetch is the seam)."""

    def __init__(self, asked: Counter[tuple[str, str]], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.asked = asked

    async def _query(self, qname: dns.name.Name, rdtype: dns.rdatatype.RdataType) -> Any:
        self.asked[(qname.to_text(), dns.rdatatype.to_text(rdtype))] += 1
        return await super()._query(qname, rdtype)


class Counting:
    """The audit's check, counting the domains it was asked for and the DNS questions."""

    def __init__(self, *, share_dns: bool = True) -> None:
        self.asked: list[str] = []
        self.questions: Counter[tuple[str, str]] = Counter()
        self.share_dns = share_dns

    async def __call__(
        self, address: EmailAddress, options: DiscoveryOptions, *, shared: Shared
    ) -> CheckReport:
        self.asked.append(address.domain)
        assert options.upstream is not None and options.anchor is not None
        resolver = CountingResolver(
            self.questions,
            options.upstream,
            options.anchor,
            deadline=time.monotonic() + options.hard_deadline,
            shared=shared.dns if self.share_dns else None,
        )
        return await check_domain(address, options, shared=shared, resolver=resolver)


def run_audit(
    lab: LabInfo,
    lines: list[str],
    done: frozenset[int] = frozenset(),
    counting: Counting | None = None,
    **settings: object,
) -> tuple[list[tuple[AuditResult, float]], SharedProbes, Counting]:
    written: list[tuple[AuditResult, float]] = []
    counting = counting or Counting()
    shared = asyncio.run(
        audit(
            targets(lines),
            options(lab),
            lambda result: written.append((result, time.monotonic())),
            settings=AuditSettings(**settings),  # type: ignore[arg-type]
            done=done,
            check_one=counting,
        )
    )
    return written, shared.probes, counting


@pytest.fixture(scope="module")
def audited(lab: LabInfo) -> tuple[list[tuple[AuditResult, float]], SharedProbes, float]:
    since = time.time()
    written, shared, _ = run_audit(lab, LIST)
    return written, shared, since


def test_records_come_in_input_order_one_per_line(audited: tuple) -> None:
    written, _, _ = audited
    lines = [r.target.line for r, _ in written]
    assert lines == [1, 2, 4, 5, 7, 8, 9]
    refused = written[3][0]
    assert refused.report is None and refused.target.problem
    assert all(r.report is not None for r, _ in written if r.target.address is not None)


def test_a_black_holed_domain_does_not_stall_the_others(audited: tuple) -> None:
    written, _, _ = audited
    reports = {r.target.domain: r.report for r, _ in written if r.report is not None}
    slow = reports.pop("blackhole.test")
    assert slow.elapsed > 2.0  # it waited for its dead servers
    for domain, report in reports.items():  # meanwhile the others were checked, not queued
        assert report.elapsed < slow.elapsed, domain
        assert not report.stopped_early, domain


def test_a_server_named_by_two_domains_gets_one_tls_handshake(lab: LabInfo, audited: tuple) -> None:
    written, shared, since = audited
    key = (Service.IMAP, "good.hostile-mail.test", 993, Security.IMPLICIT_TLS)
    assert key in shared.tasks and shared.asked > shared.probed
    recordings = Path(lab.fact("pyservers", "recordings_dir"))
    handshakes = [r for r in connections_to(recordings, "good.hostile-mail.test", since)]
    assert len([r for r in handshakes if r.port == 993]) == 1
    reports = {r.target.domain: r.report for r, _ in written if r.report is not None}
    for domain in ("hostile-mail.test", "fallback.cases.test"):  # both judged on that one probe
        imap = reports[domain].verdict.imap.chosen
        assert imap is not None and imap.entry.hostname == "good.hostile-mail.test", domain
        assert imap.authenticated_by is not None


def test_resume_checks_only_the_lines_without_a_record(lab: LabInfo) -> None:
    lines = ["healthy.test", "hosted.test", "provider.test", "mxderived.test"]
    written, _, counting = run_audit(lab, lines, done=frozenset({1, 3}))
    assert counting.asked == ["hosted.test", "mxderived.test"]
    assert [r.target.line for r, _ in written] == [2, 4]


def test_root_and_tld_keys_are_asked_and_validated_once_per_run(lab: LabInfo) -> None:
    lines = ["healthy.test", "hosted.test", "provider.test", "mxderived.test", "dane.test"]
    separate = Counting(share_dns=False)
    run_audit(lab, lines, counting=separate)
    shared = Counting()
    run_audit(lab, lines, counting=shared)
    for question in ((".", "DNSKEY"), ("test.", "DS"), ("test.", "DNSKEY")):
        assert separate.questions[question] >= len(lines), question  # once per domain before
        assert shared.questions[question] <= 1, question
    assert sum(shared.questions.values()) < sum(separate.questions.values())


def test_the_provider_database_is_asked_once_per_url(lab: LabInfo) -> None:
    since = time.time()
    lines = ["hosted.test", "mxderived.test", "mxderived-unsigned.test", "pubhosted.test"]
    run_audit(lab, lines)  # each's MX is at provider.test or pubprovider.test
    recordings = Path(lab.fact("pyservers", "recordings_dir"))
    asked = Counter(r["path"] for r in requests_to(recordings, "ispdb.test", since))
    assert asked["/v1.1/provider.test"] == 1, asked
    assert all(asked[f"/v1.1/{domain}"] == 1 for domain in lines), asked


def test_the_provider_databases_host_is_looked_up_once_per_run(lab: LabInfo) -> None:
    """Every domain asks the provider database; its host is the run's, not each domain's
    (its four questions and their validation were each domain's largest shared cost)."""
    lines = ["hosted.test", "mxderived.test", "healthy.test", "pubhosted.test", "dane.test"]
    counting = Counting()
    run_audit(lab, lines, counting=counting)
    for question in (("ispdb.test.", "A"), ("ispdb.test.", "DS"), ("ispdb.test.", "DNSKEY")):
        assert counting.questions[question] <= 1, (question, counting.questions[question])


def test_the_rate_spaces_the_starts(lab: LabInfo) -> None:
    lines = ["a.refused.zz", "healthy.test", "hosted.test", "provider.test"]
    started = time.monotonic()
    run_audit(lab, lines, rate=4.0)
    assert time.monotonic() - started >= 0.5  # three checks at 4/s: starts 0.25 s apart


class CountingServer:
    """Accepts TCP, holds each connection a while, and counts how many were open at once."""

    def __init__(self) -> None:
        self.now = 0
        self.most = 0
        self.total = 0

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.now += 1
        self.total += 1
        self.most = max(self.most, self.now)
        try:
            await asyncio.sleep(0.3)
        finally:
            self.now -= 1
            writer.close()


class OneAddress:
    """The resolver's face the prober uses: every host at one loopback address."""

    def __init__(self, address: str) -> None:
        self.address = address

    async def addresses(self, host: str) -> list[str]:
        return [self.address]


async def sessions_at_once(caps: Caps | None, hosts: int, *, addresses: int = 1) -> CountingServer:
    """`hosts` probes of one registrable domain, spread over `addresses` loopback addresses
    (inside the lab's namespace: no real host there), all served by one counting server."""
    port = 993
    counter = CountingServer()
    places = [f"127.77.77.{n + 1}" for n in range(addresses)]
    servers = [await asyncio.start_server(counter.handle, a, port) for a in places]
    shared = SharedProbes(caps) if caps is not None else None
    deadline = time.monotonic() + 5
    prober = Prober(
        deadline=deadline,
        context=client_context(None),
        diagnostic=diagnostic_context(),
        shared=shared,
    )
    async with prober:
        for number in range(hosts):
            key = (Service.IMAP, f"h{number}.cap.test", port, Security.IMPLICIT_TLS)
            prober.start(key, OneAddress(places[number % addresses]))  # type: ignore[arg-type]
        await prober.wait(lambda: False, soft_deadline=deadline)
    if shared is not None:
        await shared.close()
    for server in servers:
        server.close()
        await server.wait_closed()
    return counter


def test_the_cap_per_server_address_holds(lab: LabInfo) -> None:
    capped = asyncio.run(sessions_at_once(Caps(per_address=2), hosts=8))
    assert capped.total >= 8 and capped.most == 2  # a failed TLS is tried again (old versions)
    free = asyncio.run(sessions_at_once(None, hosts=8))  # one check's own caps: per host
    assert free.most > 2


def test_the_cap_per_registrable_domain_of_the_servers_holds(lab: LabInfo) -> None:
    capped = asyncio.run(sessions_at_once(Caps(per_domain=3), hosts=8, addresses=8))
    assert capped.total >= 8 and capped.most == 3


async def late_then_in_time() -> tuple[object, object, int]:
    """One slot per address, taken by a slow session; a check with a short deadline asks for
    an endpoint, then one with a long deadline asks for the same endpoint."""
    address, port = "127.77.77.77", 993
    counter = CountingServer()
    server = await asyncio.start_server(counter.handle, address, port)
    shared = SharedProbes(Caps(per_address=1))
    now = time.monotonic()

    def prober(seconds: float) -> Prober:
        return Prober(
            deadline=now + seconds,
            context=client_context(None),
            diagnostic=diagnostic_context(),
            shared=shared,
        )

    busy = (Service.IMAP, "busy.cap.test", port, Security.IMPLICIT_TLS)
    asked = (Service.IMAP, "asked.cap.test", port, Security.IMPLICIT_TLS)
    first, second, third = prober(5), prober(0.2), prober(5)
    async with first, second, third:
        first.start(busy, OneAddress(address))  # type: ignore[arg-type]
        await asyncio.sleep(0.05)
        second.start(asked, OneAddress(address))  # type: ignore[arg-type]
        await second.wait(lambda: False, soft_deadline=now + 0.2)
        await asyncio.sleep(0.1)
        third.start(asked, OneAddress(address))  # type: ignore[arg-type]
        await third.wait(lambda: False, soft_deadline=now + 5)
        await first.wait(lambda: False, soft_deadline=now + 5)
        outcomes = second.outcome(asked), third.outcome(asked)
    await shared.close()
    server.close()
    await server.wait_closed()
    return outcomes[0], outcomes[1], counter.total


def test_a_session_that_got_no_slot_in_time_is_not_every_later_checks_answer(
    lab: LabInfo,
) -> None:
    gave_up, probed, connections = asyncio.run(late_then_in_time())
    assert getattr(gave_up, "code", None) is not None  # the short check stopped waiting
    assert probed is not NO_SLOT and getattr(probed, "connected", "") is not None
    assert getattr(probed, "failure", None) is not None  # it met the server: no TLS there
    assert "deadline" not in str(getattr(probed, "failure", ""))
    assert connections >= 2  # the busy endpoint's and the later check's own


def timeout_findings(report: CheckReport) -> set[tuple[str, int | None]]:
    found = list(report.verdict.findings) + list(report.verdict.relay.findings)
    return {(f.host or "", f.port) for f in found if f.code == "probe-timeout"}


FAIR = ["healthy.test", "hosted.test", "provider.test", "mxderived.test", "dane.test"]
FAIR += ["pubhosted.test", "pubimap.test", "pubpop.test", "srvonly.test", "mxonly.test"]
FAIR += ["plainonly.test", "autoconfonly.test", "nsec3.test", "contoso.test", "outlookish.test"]


def test_the_runs_politeness_is_never_a_timeout_against_a_domain(lab: LabInfo) -> None:
    """Many checks of domains whose servers share addresses, one session per address at
    once and short deadlines: the queue for a slot is the audit's own doing, so no domain
    gets a ``probe-timeout`` that its check alone would not give."""
    quick = options(lab, soft_deadline=2.5, hard_deadline=3.5)
    alone = {
        domain: timeout_findings(
            asyncio.run(
                check(parse_address(f"postmaster@{domain}", allow_test_domains=True), quick)
            )
        )
        for domain in FAIR
    }
    written: list[AuditResult] = []
    asyncio.run(
        audit(
            targets(FAIR),
            quick,
            written.append,
            settings=AuditSettings(concurrency=8, caps=Caps(per_address=1, per_domain=1)),
        )
    )
    assert len(written) == len(FAIR)
    for result in written:
        assert result.report is not None, result.error
        extra = timeout_findings(result.report) - alone[result.target.domain]
        assert not extra, (result.target.domain, extra)


class CountingUpstream:
    """A DNS forwarder in front of the lab's resolver (UDP and TCP) that counts the questions
    reaching it, whichever part of mailhop sends them (the root probe asks on its own)."""

    def __init__(self, lab: LabInfo) -> None:
        self.to = (lab.resolver, lab.resolver_port)
        self.asked: Counter[tuple[str, str]] = Counter()
        self.address, self.port = "127.77.78.1", 5353

    def count(self, wire: bytes) -> None:
        question = dns.message.from_wire(wire).question[0]
        self.asked[(question.name.to_text(), dns.rdatatype.to_text(question.rdtype))] += 1

    async def forward_udp(self, wire: bytes) -> bytes:
        loop = asyncio.get_running_loop()
        reply: asyncio.Future[bytes] = loop.create_future()

        class Once(asyncio.DatagramProtocol):
            def datagram_received(self, data: bytes, addr: Any) -> None:
                if not reply.done():
                    reply.set_result(data)

        transport, _ = await loop.create_datagram_endpoint(Once, remote_addr=self.to)
        try:
            transport.sendto(wire)
            return await asyncio.wait_for(reply, 5)
        finally:
            transport.close()

    async def serve_tcp(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(OSError, asyncio.IncompleteReadError):
            up_reader, up_writer = await asyncio.open_connection(*self.to)
            while True:
                size = await reader.readexactly(2)
                wire = await reader.readexactly(int.from_bytes(size))
                self.count(wire)
                up_writer.write(size + wire)
                size = await up_reader.readexactly(2)
                writer.write(size + await up_reader.readexactly(int.from_bytes(size)))
        writer.close()

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        upstream = self
        loop = asyncio.get_running_loop()
        answering: set[asyncio.Task[None]] = set()

        class Udp(asyncio.DatagramProtocol):
            def connection_made(self, transport: asyncio.BaseTransport) -> None:
                self.transport = transport

            def datagram_received(self, data: bytes, addr: Any) -> None:
                upstream.count(data)
                task = asyncio.ensure_future(self.answer(data, addr))
                answering.add(task)
                task.add_done_callback(answering.discard)

            async def answer(self, data: bytes, addr: Any) -> None:
                with contextlib.suppress(TimeoutError, OSError):
                    self.transport.sendto(await upstream.forward_udp(data), addr)  # type: ignore[attr-defined]

        udp, _ = await loop.create_datagram_endpoint(Udp, local_addr=(self.address, self.port))
        tcp = await asyncio.start_server(self.serve_tcp, self.address, self.port)
        try:
            yield
        finally:
            udp.close()
            tcp.close()
            for task in answering:
                task.cancel()


def test_the_root_probe_is_asked_once_per_run(lab: LabInfo) -> None:
    """Whether this computer can judge DNS (run/vantage.py) is one question for the run,
    not one per domain: the root's keys reach the resolver once for the probe and once
    for the validator, however many domains are audited."""
    lines = ["healthy.test", "hosted.test", "provider.test", "mxderived.test", "dane.test"]
    upstream = CountingUpstream(lab)
    via = options(lab, upstream=parse_upstream(f"{upstream.address}:{upstream.port}"))

    async def run() -> list[AuditResult]:
        written: list[AuditResult] = []
        async with upstream.running():
            await audit(targets(lines), via, written.append)
        return written

    written = asyncio.run(run())
    assert [r.target.domain for r in written] == lines
    assert all(r.report is not None and r.report.verdict.could_not_check is None for r in written)
    assert upstream.asked[(".", "DNSKEY")] <= 2, upstream.asked  # the probe's and the validator's
    assert upstream.asked[("healthy.test.", "MX")] >= 1  # the questions did go through it


def test_checks_that_only_wait_do_not_hold_back_the_others(lab: LabInfo) -> None:
    """Black-holed domains wait for their deadlines and take no CPU: they hold places of
    --concurrency, never the pace, so 40 of them start and end together, not 16 by 16."""
    started: list[float] = []

    async def waiting(address: EmailAddress, options: DiscoveryOptions, *, shared: Shared) -> Any:
        started.append(time.monotonic())
        await asyncio.sleep(1.0)  # like a connection to a server that drops every packet
        raise RuntimeError("no report: a result of its own (error) is enough here")

    lines = [f"d{i}.waits.test" for i in range(40)]
    began = time.monotonic()
    asyncio.run(
        audit(targets(lines), options(lab), lambda _: None, check_one=waiting)  # type: ignore[arg-type]
    )
    assert len(started) == 40
    assert max(started) - began < 1.5  # all started before the first ended
    assert time.monotonic() - began < 3.0


def test_no_check_starts_while_the_cpu_is_all_taken() -> None:
    from mailhop.core.audit.engine import _Headroom

    async def go() -> tuple[float, float]:
        room = _Headroom()
        watching = asyncio.ensure_future(room.watch())
        stop = time.monotonic() + 0.8

        def burn() -> None:  # another thread of this process taking the CPU
            while time.monotonic() < stop:
                sum(range(1000))

        burning = asyncio.get_running_loop().run_in_executor(None, burn)
        await asyncio.sleep(0.3)  # long enough for the share to pass BUSY (about 0.2 s)
        asked = time.monotonic()
        await room.calm(lambda: True)
        waited = time.monotonic() - asked
        await burning
        asked = time.monotonic()
        await room.calm(lambda: True)
        idle_wait = time.monotonic() - asked
        watching.cancel()
        return waited, idle_wait

    waited, idle_wait = asyncio.run(go())
    assert waited >= 0.3  # held until the burning ended (0.5 s after the question)
    assert idle_wait < 0.2
