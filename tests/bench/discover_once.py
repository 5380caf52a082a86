"""One discovery run, measured from inside a (delayed) client namespace; prints JSON.

    python -m tests.bench.discover_once ADDRESS parallel|sequential

Prints the time from address to plan in a warm process (measured inside ``discover``
after a first run of another domain, so interpreter start, imports and loading the public
suffix list are not counted) and the run's round-trip lower bound in round trips, derived
from what the run actually had to ask (see ``round_trips``).

The lower bound follows DESIGN.md section 7. Everything independent can run at once, so
a run can end no sooner than its longest chain of dependent round trips:

    DNS question                              1   (the DNSSEC chain is primed at t=0 and
                                                   overlaps the first questions)
    HTTPS fetch, host exists                  4   (address lookup, TCP, TLS 1.3, request)
      each redirect to another host          +4;  to the same host (connection reused) +1
    HTTPS fetch, host does not exist          1   (the address lookup says so)
    TLSA for an endpoint                      1 + the round trips of the first source
                                                  that named that endpoint
    MX-derived lookups                        1 (MX) + the fetch
A source that times out (a black-holed host) is bounded by the deadline that ended the
wait instead: the soft deadline when the run stopped early, else the hard one.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

from mailhop.core.common.address import EmailAddress, parse_address
from mailhop.core.common.model import Security, Service
from mailhop.core.discover.report import Attempt, Source, Status, TlsaQuestion
from mailhop.core.dns.dnssec import TrustAnchor
from mailhop.core.dns.resolver import parse_upstream
from mailhop.core.run.check import CheckReport, check
from mailhop.core.run.discovery import (
    DiscoveryOptions,
    DiscoveryReport,
    discover,
    discovery_resolver,
)
from tests.bench.one_at_a_time import OneAtATime
from tests.lab import lab as lab_module

DNS_SOURCES = {Source.SRV, Source.MX, Source.TLS_RPT, Source.OPENPGPKEY, Source.SMIMEA}


def fetch_round_trips(attempt: Attempt) -> int:
    if not attempt.hops:
        return 1  # the host's address lookup ended it
    trips, previous = 4, urlsplit(attempt.hops[0]).hostname
    for hop in attempt.hops[1:]:
        host = urlsplit(hop).hostname
        trips += 1 if host == previous else 4
        previous = host
    return trips


def round_trips(report: DiscoveryReport) -> int:
    """The longest chain of dependent round trips among the attempts that answered."""
    depth: dict[int, int] = {}
    named_at: dict[tuple[str, int], int] = {}
    answered = [a for a in report.attempts if a.status is not Status.TIMED_OUT]
    for attempt in answered:
        if attempt.source is Source.TLSA:
            continue
        trips = 1 if attempt.source in DNS_SOURCES else fetch_round_trips(attempt)
        if attempt.source in (Source.MX_AUTOCONFIG, Source.MX_ISPDB):
            trips += 1
        depth[id(attempt)] = trips
        for cand in attempt.candidates:
            key = (cand.hostname, cand.port)
            named_at[key] = min(named_at.get(key, trips), trips)
    for attempt in answered:
        asked = attempt.payload_as(TlsaQuestion)
        if asked is not None:
            depth[id(attempt)] = 1 + named_at.get((asked.host, asked.port), 0)
    return max(depth.values(), default=0)


# Round trips of one probe after the host's address is known (DESIGN.md section 7, with
# TLS 1.3): IMAPS/POP3S greeting 3, SMTPS EHLO 4, IMAP/POP3 STARTTLS 5, SMTP STARTTLS 6,
# plus, for SMTP, the round trip the server's own Nagle algorithm adds after TLS.
#
# POSTFIX_TICKET_HOLD (issue 18, seen in a packet capture at 50 ms RTT): right after the
# TLS 1.3 handshake, OpenSSL in Postfix's smtpd writes a NewSessionTicket (255 bytes) as a
# segment of its own; smtpd leaves Nagle's algorithm on, so its next reply (the SMTPS
# greeting, or the answer to the EHLO the client sent together with its Finished) waits in
# the server until the client's ACK of the ticket arrives: one round trip, on every TLS
# session with Postfix. Dovecot writes its tickets and greeting back to back (no hold).
# A client cannot avoid it: TLS 1.3 has no way to decline tickets (OpenSSL always offers
# psk_key_exchange_modes), and waiting for the ticket before sending costs the same trip.
# Every SMTP server of the lab is Postfix.
POSTFIX_TICKET_HOLD = 1
PROBE_ROUND_TRIPS = {
    (Service.IMAP, Security.IMPLICIT_TLS): 3,
    (Service.POP3, Security.IMPLICIT_TLS): 3,
    (Service.SUBMISSION, Security.IMPLICIT_TLS): 4 + POSTFIX_TICKET_HOLD,
    (Service.IMAP, Security.STARTTLS): 5,
    (Service.POP3, Security.STARTTLS): 5,
    (Service.SUBMISSION, Security.STARTTLS): 6 + POSTFIX_TICKET_HOLD,
    (Service.RELAY, Security.STARTTLS): 6 + POSTFIX_TICKET_HOLD,
}
SOURCE_ROUND_TRIPS = {Source.SRV: 1, Source.MX: 1}  # documents: their fetch (4 or more)


def check_round_trips(report: CheckReport) -> int:
    """Discovery's chain, or a probe's: the source that named the server first, the
    server's address lookup (1), then the protocol's own round trips."""
    longest = round_trips(report.discovery)
    attempts = report.discovery.attempts
    for probe in (*report.probes, *(r.probe for r in report.relay if r.probe)):
        if probe.failure is not None:
            continue
        entry = probe.entry
        named = min(
            SOURCE_ROUND_TRIPS.get(origin.source)
            or min(
                (fetch_round_trips(a) for a in attempts if a.source is origin.source),
                default=4,
            )
            for origin in entry.origins
        )
        longest = max(longest, named + 1 + PROBE_ROUND_TRIPS[(entry.service, entry.security)])
    return longest


def main(argv: list[str]) -> int:
    address, mode = argv[0], argv[1]
    if mode.startswith("check"):
        return main_check(address, sequential=mode == "check-sequential")
    if lab_module.running() is None:
        print("the lab is not running", file=sys.stderr)
        return 2
    one_at_a_time = mode == "sequential"
    options = lab_options(one_at_a_time)
    parsed = parse_address(address, allow_test_domains=True)
    # Measure a warm process, as in the app: a first run of another domain pays the
    # imports and the public suffix list (cold CLI start-up is reported on its own).
    warm = parse_address("warm-up@nsec3.test", allow_test_domains=True)
    asyncio.run(discover_once(warm, options, one_at_a_time=one_at_a_time))
    report = asyncio.run(discover_once(parsed, options, one_at_a_time=one_at_a_time))
    timed_out = [a for a in report.attempts if a.status is Status.TIMED_OUT]
    waited = 0.0
    if timed_out:
        waited = options.soft_deadline if report.stopped_early else options.hard_deadline
    print(
        json.dumps(
            {
                "address": address,
                "mode": mode,
                "elapsed": report.elapsed,
                "round_trips": round_trips(report),
                "waited_for_deadline": waited,
                "stopped_early": report.stopped_early,
                "attempts": len(report.attempts),
                "timed_out": len(timed_out),
            }
        )
    )
    return 0


async def discover_once(
    address: EmailAddress, options: DiscoveryOptions, *, one_at_a_time: bool
) -> DiscoveryReport:
    """Discovery as mailhop runs it, or one source at a time (each with the hard deadline
    as a budget of its own, as a client that tries sources in turn would give it)."""
    if not one_at_a_time:
        return await discover(address, options)
    resolver = discovery_resolver(options, time.monotonic())
    scheduler = OneAtATime(options.hard_deadline, resolver)
    return await discover(address, options, resolver=resolver, scheduler=scheduler)


def lab_options(sequential: bool) -> DiscoveryOptions:
    """The lab's settings; one at a time, the run never stops early."""
    info = lab_module.running()
    assert info is not None, "the lab is not running"
    anchor = TrustAnchor.from_text(Path(info.fact("dns", "trust_anchor_file")).read_text())
    return DiscoveryOptions(
        upstream=parse_upstream(f"{info.resolver}:{info.resolver_port}"),
        anchor=anchor,
        extra_ca_file=info.ca_file,
        ispdb_url="https://ispdb.test/v1.1/",
        soft_deadline=3600.0 if sequential else 3.0,
    )


async def check_once(
    address: EmailAddress, options: DiscoveryOptions, *, one_at_a_time: bool
) -> CheckReport:
    """The check as mailhop runs it, or every source and probe one at a time."""
    if not one_at_a_time:
        return await check(address, options)
    resolver = discovery_resolver(options, time.monotonic())
    scheduler = OneAtATime(options.hard_deadline, resolver)
    return await check(address, options, resolver=resolver, scheduler=scheduler)


def main_check(address: str, *, sequential: bool) -> int:
    """Address -> verdict, measured like discovery (warm process, inside `check`)."""
    options = lab_options(sequential)
    warm = parse_address("warm-up@srvonly.test", allow_test_domains=True)
    asyncio.run(check_once(warm, options, one_at_a_time=sequential))
    parsed = parse_address(address, allow_test_domains=True)
    report = asyncio.run(check_once(parsed, options, one_at_a_time=sequential))
    waited = options.soft_deadline if report.stopped_early or report.discovery.stopped_early else 0
    print(
        json.dumps(
            {
                "address": address,
                "mode": "check-sequential" if sequential else "check",
                "elapsed": report.elapsed,
                "round_trips": check_round_trips(report),
                "waited_for_deadline": waited,
                "stopped_early": report.stopped_early,
                "verdict": report.verdict.level.value,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
