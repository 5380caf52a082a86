"""Benchmark: address -> plan (or -> verdict) at a fixed RTT, next to its round-trip bound.

    python -m tests.lab up
    python -m tests.bench.bench_discovery [--rtt 0 50 200] [--runs 3] [--sequential] [--check]

For each RTT a delayed client namespace is made (netdelay.py) and each scenario is
discovered `--runs` times in a fresh process; the table shows the median time, the
lower bound (round trips x RTT, or the deadline a black-holed host makes the run wait)
and their ratio, and with `--sequential` the same discovery one source at a time.
Goal (issue 3): phase 1 within 1.15x of its bound; a black-holed host adds at most its
deadline once. Not a unit test: timings depend on the machine and are read by a person.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from typing import Any

from tests.bench.netdelay import ClientNamespace, delayed_client_namespace

SCENARIOS = {
    "healthy": "alice@healthy.test",
    "SRV-only": "bob@srvonly.test",
    "autoconfig-only": "carol@autoconfonly.test",
    "black-holed host": "frank@blackhole.test",
}


def measure(client: ClientNamespace, address: str, mode: str) -> dict[str, Any]:
    done = client.run(
        [sys.executable, "-m", "tests.bench.discover_once", address, mode],
        capture_output=True,
        text=True,
        timeout=120,
    )
    if done.returncode != 0:
        raise RuntimeError(f"discovery of {address} failed: {done.stderr.strip()}")
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rtt", type=float, nargs="+", default=[0.0, 50.0, 200.0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sequential", action="store_true")
    parser.add_argument(
        "--check", action="store_true", help="time address -> verdict (mailhop check) instead"
    )
    args = parser.parse_args(argv)
    header = "| scenario | RTT ms | median ms | bound ms (round trips) | ratio |"
    if args.sequential:
        header += " one at a time ms |"
    print(header)
    print("|" + "---|" * (header.count("|") - 1))
    for rtt in args.rtt:
        with delayed_client_namespace(rtt) as client:
            for name, address in SCENARIOS.items():
                mode = "check" if args.check else "parallel"
                runs = [measure(client, address, mode) for _ in range(args.runs)]
                median = statistics.median(r["elapsed"] for r in runs) * 1000
                trips = max(r["round_trips"] for r in runs)
                bound = max(trips * rtt, max(r["waited_for_deadline"] for r in runs) * 1000)
                ratio = f"{median / bound:.2f}x" if bound else "-"
                row = f"| {name} | {rtt:g} | {median:.0f} | {bound:.0f} ({trips}) | {ratio} |"
                if args.sequential:
                    one = measure(
                        client, address, f"{mode}-sequential" if args.check else "sequential"
                    )
                    row += f" {one['elapsed'] * 1000:.0f} |"
                print(row, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
