"""The demo zone and its responder, validated by mailhop's own resolver over real UDP/TCP."""

from __future__ import annotations

import asyncio
import time

import dns.asyncquery
import dns.flags
import dns.message
import dns.rcode
import pytest

from mailhop.core.demo.zone import (
    DEMO_DOMAIN,
    MAIL_PORTS,
    DemoZone,
    ZoneResponder,
    build_zone,
    serve_zone,
)
from mailhop.core.dns.dnssec import Security
from mailhop.core.dns.resolver import DnsAnswer, Outcome, Resolver, Upstream

PIN = "ab" * 32


def lookups(
    zone: DemoZone, questions: list[tuple[str, str]], *, anchor: DemoZone | None = None
) -> list[DnsAnswer]:
    async def run() -> list[DnsAnswer]:
        server = await serve_zone(zone.zone)
        try:
            resolver = Resolver(
                Upstream(server.host, server.port),
                (anchor or zone).anchor,
                deadline=time.monotonic() + 5,
            )
            return [await resolver.lookup(name, rdtype) for name, rdtype in questions]
        finally:
            await server.close()

    return asyncio.run(run())


@pytest.fixture(scope="module")
def zone() -> DemoZone:
    return build_zone(DEMO_DOMAIN, PIN)


def test_published_records_validate_as_dnssec_secure(zone: DemoZone) -> None:
    questions = [
        (f"_submissions._tcp.{DEMO_DOMAIN}", "SRV"),
        (f"_imaps._tcp.{DEMO_DOMAIN}", "SRV"),
        (DEMO_DOMAIN, "MX"),
        (f"_mta-sts.{DEMO_DOMAIN}", "TXT"),
        (f"mail.{DEMO_DOMAIN}", "A"),
        *[(f"_{port}._tcp.mail.{DEMO_DOMAIN}", "TLSA") for port in MAIL_PORTS],
    ]
    answers = lookups(zone, questions)
    for answer in answers:
        assert answer.outcome is Outcome.ANSWER, answer.reason
        assert answer.security is Security.SECURE, answer.reason
    tlsa = answers[-1].records[0]
    assert (tlsa.usage, tlsa.selector, tlsa.mtype, tlsa.cert.hex()) == (3, 1, 1, PIN)
    assert [r.to_text() for r in answers[4].records] == ["127.0.0.1"]


def test_absences_are_proven_by_signed_nsec(zone: DemoZone) -> None:
    nodata, nxdomain, deep, empty = lookups(
        zone,
        [
            (f"mail.{DEMO_DOMAIN}", "AAAA"),
            (f"autodiscover.{DEMO_DOMAIN}", "A"),
            (f"a.b.mail.{DEMO_DOMAIN}", "TXT"),
            (f"_tcp.{DEMO_DOMAIN}", "TXT"),  # an empty non-terminal above the SRV names
        ],
    )
    assert nodata.outcome is Outcome.NODATA and nodata.absence_proven
    for answer in (nxdomain, deep):
        assert answer.outcome is Outcome.NXDOMAIN
        assert answer.absence_proven, answer.reason
    assert empty.outcome is Outcome.NODATA and empty.absence_proven


def test_a_name_outside_the_zone_is_refused_at_once(zone: DemoZone) -> None:
    started = time.monotonic()
    (answer,) = lookups(zone, [("example.com", "A")])
    assert answer.outcome is Outcome.FAILED
    assert "REFUSED" in answer.reason
    assert time.monotonic() - started < 1.0  # never a retry or a deadline


def test_another_runs_anchor_does_not_validate_this_zone(zone: DemoZone) -> None:
    other = build_zone(DEMO_DOMAIN, PIN)
    (answer,) = lookups(zone, [(f"mail.{DEMO_DOMAIN}", "A")], anchor=other)
    assert answer.security is Security.BOGUS


def test_tcp_answers_like_udp(zone: DemoZone) -> None:
    query = dns.message.make_query(f"_993._tcp.mail.{DEMO_DOMAIN}", "TLSA", want_dnssec=True)

    async def over_tcp() -> dns.message.Message:
        server = await serve_zone(zone.zone)
        try:
            return await dns.asyncquery.tcp(query, server.host, port=server.port, timeout=2)
        finally:
            await server.close()

    response = asyncio.run(over_tcp())
    assert response.rcode() == dns.rcode.NOERROR and response.flags & dns.flags.AA
    assert {rrset.rdtype for rrset in response.answer} == {52, 46}  # TLSA and its RRSIG


def test_every_answer_fits_a_classic_udp_packet(zone: DemoZone) -> None:
    """So the resolver never needs its TCP fallback (the responder would set TC if it did)."""
    responder = ZoneResponder(zone.zone)
    for name in zone.zone.nodes:
        for rdtype in ("A", "AAAA", "SRV", "TXT", "TLSA", "MX", "DNSKEY", "DS", "SOA"):
            query = dns.message.make_query(name, rdtype, want_dnssec=True, payload=512)
            wire = responder.wire_answer(query.to_wire(), 512)
            assert wire is not None and len(wire) <= 512
            assert not dns.message.from_wire(wire).flags & dns.flags.TC
