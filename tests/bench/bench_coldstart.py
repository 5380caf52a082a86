"""Cold-start benchmark: process start to the first DNS packet of `mailhop check`.

    python -m tests.lab exec -- python -m tests.bench.bench_coldstart [--runs 15]

Each run spawns a fresh `mailhop check x@healthy.test` whose resolver is a UDP socket of
this process, and timestamps the first datagram that arrives: everything before it is
mailhop's own cost (interpreter, imports, loading data, building the parser), since a
check's first act is a DNS question. The child is stopped at that packet. Next to it, in
the same run and interleaved so both see the same disk cache and load: `python -c pass`
(the interpreter alone) and a bare Python that sends one datagram (the floor for "a packet
leaves a fresh Python"). Goal (issue 18): mailhop's first packet within 150 ms of process
start. Also times `mailhop --version` and `mailhop check --help` to their exit (goal for
--version: 50 ms). The resolver is local to this process, so the lab is not needed; run it
inside the lab anyway so the numbers come from the same place as the other benchmarks.
Not a unit test: timings depend on the machine and are read by a person.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

VENV_BIN = Path(sys.executable).parent
SEND_ONE = (
    "import socket, sys\n"
    "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
    "s.sendto(b'x', ('127.0.0.1', int(sys.argv[1])))\n"
)


def mailhop() -> str:
    return shutil.which("mailhop", path=str(VENV_BIN)) or "mailhop"


def to_first_packet(argv: Callable[[int], Sequence[str]]) -> float:
    """Seconds from spawning ``argv(port)`` to the first datagram on ``port``."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.settimeout(20)
        port = listener.getsockname()[1]
        started = time.perf_counter()
        child = subprocess.Popen(
            list(argv(port)),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # its own group: stopped with everything it started
        )
        try:
            listener.recv(4096)
            return time.perf_counter() - started
        finally:
            if child.poll() is None:
                os.killpg(child.pid, signal.SIGKILL)
            child.wait(10)


def to_exit(argv: Sequence[str]) -> float:
    started = time.perf_counter()
    subprocess.run(list(argv), check=True, capture_output=True)
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--address", default="x@healthy.test")
    args = parser.parse_args(argv)

    def check(port: int) -> list[str]:
        return [
            mailhop(),
            "check",
            args.address,
            "--allow-test-domains",
            "--resolver",
            f"127.0.0.1:{port}",
            "--deadline",
            "5",
        ]

    def send_one(port: int) -> list[str]:
        return [sys.executable, "-c", SEND_ONE, str(port)]

    timings: dict[str, list[float]] = {
        "python -c pass (to exit)": [],
        "python sending one datagram": [],
        "mailhop check: first DNS packet": [],
        "mailhop --version (to exit)": [],
        "mailhop check --help (to exit)": [],
    }
    to_exit([sys.executable, "-c", "pass"])  # warm the disk cache once for everything
    to_first_packet(check)
    for _ in range(args.runs):  # interleaved: the same load for every row
        timings["python -c pass (to exit)"].append(to_exit([sys.executable, "-c", "pass"]))
        timings["python sending one datagram"].append(to_first_packet(send_one))
        timings["mailhop check: first DNS packet"].append(to_first_packet(check))
        timings["mailhop --version (to exit)"].append(to_exit([mailhop(), "--version"]))
        timings["mailhop check --help (to exit)"].append(to_exit([mailhop(), "check", "--help"]))
    print(f"cold start, {args.runs} fresh processes each, interleaved (ms):")
    print(f"  {'':34} {'median':>7} {'fastest':>8}")
    for name, seconds in timings.items():
        median, fastest = statistics.median(seconds) * 1000, min(seconds) * 1000
        print(f"  {name:34} {median:7.0f} {fastest:8.0f}")
    print("goals: first DNS packet 150 ms, --version 50 ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
