"""Start-up benchmark: time to the first painted window, and `mailhop --version`.

    python -m tests.bench.bench_window [--runs 10]

Each run is a fresh process (tests/gui/first_paint.py) timed from its spawn to the line it
prints on its first paint, for mailhop's window and for a bare PySide6 window of the same
size, interleaved so both see the same disk cache and load. Goals (issue 7): mailhop within
1.5x of the bare window, with no DNS/HTTP/crypto module loaded before the paint; and
`mailhop --version` in 100 ms or less. Uses the X server in DISPLAY, else Qt's offscreen
platform (say which in the report).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

VENV_BIN = Path(sys.executable).parent


def first_paint(kind: str, env: dict[str, str]) -> tuple[float, list[str]]:
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.gui.first_paint", kind],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    assert child.stdout is not None
    line = child.stdout.readline()
    elapsed = time.perf_counter() - started
    child.wait(30)
    report = json.loads(line)
    return elapsed, report["heavy"]


def version_time() -> float:
    mailhop = shutil.which("mailhop", path=str(VENV_BIN)) or "mailhop"
    started = time.perf_counter()
    subprocess.run([mailhop, "--version"], check=True, capture_output=True)
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="time to first window; mailhop --version")
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args(argv)
    env = dict(os.environ)
    platform = f"X server {env['DISPLAY']}" if env.get("DISPLAY") else "offscreen"
    if not env.get("DISPLAY"):
        env["QT_QPA_PLATFORM"] = "offscreen"
    first_paint("bare", env)  # warm the disk cache once for both
    first_paint("mailhop", env)
    bare, ours, heavy = [], [], set()
    for _ in range(args.runs):
        bare.append(first_paint("bare", env)[0])
        seconds, loaded = first_paint("mailhop", env)
        ours.append(seconds)
        heavy.update(loaded)
    versions = [version_time() for _ in range(args.runs)]
    bare_ms, ours_ms = statistics.median(bare) * 1000, statistics.median(ours) * 1000
    version_ms = statistics.median(versions) * 1000
    print(f"first paint ({platform}), medians of {args.runs} fresh processes:")
    print(f"  bare PySide6 window  {bare_ms:6.0f} ms")
    print(f"  mailhop window       {ours_ms:6.0f} ms  ({ours_ms / bare_ms:.2f}x, goal 1.5x)")
    print(f"  heavy modules loaded before the paint: {sorted(heavy) or 'none'}")
    fastest = min(versions) * 1000
    print(f"mailhop --version      {version_ms:6.0f} ms  (goal 100 ms; fastest {fastest:.0f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
