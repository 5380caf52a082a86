"""Start-up of the desktop bundles next to the source install: `--version` and the window.

    make bundle && python -m tests.bench.bench_bundle [--runs 5]

Each figure is the median over fresh processes: `mailhop --version` to its exit, and the
window from the spawn to its top-level window being mapped on a fresh Xvfb (polled with
xwininfo, the same way for every program, so the three are comparable; the source install's
first paint by its own clock is tests/bench/bench_window.py). The bundles run with the build
Python hidden, as a person's computer would run them (tests/installer/bundle_tools.py).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from installer import manifest
from mailhop.core import __version__
from tests.installer.bundle_tools import (
    clean_env,
    stop,
    wait_for_window,
    without_build_python,
    x_server,
)

REPO = Path(__file__).resolve().parents[2]


def size(path: Path) -> float:
    if path.is_dir():
        files = (p for p in path.rglob("*") if p.is_file() and not p.is_symlink())
        return sum(p.stat().st_size for p in files) / 1e6
    return path.stat().st_size / 1e6


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--dist", type=Path, default=REPO / "dist")
    parser.add_argument("--work", type=Path, default=REPO / "build" / "bundle")
    args = parser.parse_args(argv)
    onefile = next(args.dist.glob(f"mailhop-{__version__}-*"))
    onedir = args.work / "dist" / f"{manifest.NAME}-onedir"
    # The bundles are copied out of the checkout: the sandbox hides the checkout itself.
    scratch = Path(tempfile.mkdtemp(prefix="mailhop-bench-"))
    try:
        shutil.copy2(onefile, scratch / onefile.name)
        shutil.copytree(onedir, scratch / "onedir", symlinks=True)
        source = [str(Path(sys.executable).parent / "mailhop")]
        programs = {
            "source install (.venv)": source,
            "one-folder (.deb)": without_build_python([str(scratch / "onedir" / "mailhop")]),
            "one-file": without_build_python([str(scratch / onefile.name)]),
        }
        home = scratch / "home"
        home.mkdir()
        print(f"sizes: one-file {size(onefile):.1f} MB, one-folder {size(onedir):.1f} MB", end="")
        debs = list(args.dist.glob("mailhop_*.deb"))
        print(f", .deb {size(debs[0]):.1f} MB" if debs else "")
        print(f"medians of {args.runs} fresh processes:")
        with x_server() as display:
            for name, program in programs.items():
                versions, windows = [], []
                for _ in range(args.runs):
                    started = time.perf_counter()
                    subprocess.run(
                        [*program, "--version"],
                        env=clean_env(home),
                        check=True,
                        capture_output=True,
                    )
                    versions.append(time.perf_counter() - started)
                    process = subprocess.Popen(
                        program,
                        env=clean_env(home, {"DISPLAY": display}),
                        stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL,
                    )
                    try:
                        windows.append(wait_for_window(display, process)[1])
                    finally:
                        stop(process)
                print(
                    f"  {name:24} --version {statistics.median(versions) * 1000:6.0f} ms"
                    f"   window mapped {statistics.median(windows) * 1000:6.0f} ms"
                )
    finally:
        shutil.rmtree(scratch)
    return 0


if __name__ == "__main__":
    sys.exit(main())
