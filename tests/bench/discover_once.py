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
from pathlib import Path
from urllib.parse import urlsplit

from mailhop.core.address import parse_address
from mailhop.core.discovery import DiscoveryOptions, DiscoveryReport, discover
from mailhop.core.dnssec import TrustAnchor
from mailhop.core.report import Attempt, Source, Status
from mailhop.core.resolver import parse_upstream
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
        if attempt.source is Source.TLSA:
            key = (attempt.fact("host") or "", int(attempt.fact("port") or 0))
            depth[id(attempt)] = 1 + named_at.get(key, 0)
    return max(depth.values(), default=0)


def main(argv: list[str]) -> int:
    address, mode = argv[0], argv[1]
    info = lab_module.running()
    if info is None:
        print("the lab is not running", file=sys.stderr)
        return 2
    anchor = TrustAnchor.from_text(Path(info.fact("dns", "trust_anchor_file")).read_text())
    options = DiscoveryOptions(
        upstream=parse_upstream(f"{info.resolver}:{info.resolver_port}"),
        anchor=anchor,
        extra_ca_file=info.ca_file,
        ispdb_url="https://ispdb.test/v1.1/",
        sequential=mode == "sequential",
        # One at a time: each source gets the 8 s deadline of its own, as a client that
        # tries sources in turn would, and the run never stops early.
        soft_deadline=3600.0 if mode == "sequential" else 3.0,
    )
    parsed = parse_address(address, allow_test_domains=True)
    # Measure a warm process, as in the app: a first run of another domain pays the
    # imports and the public suffix list (cold CLI start-up is reported on its own).
    warm = parse_address("warm-up@nsec3.test", allow_test_domains=True)
    asyncio.run(discover(warm, options))
    report = asyncio.run(discover(parsed, options))
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


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
