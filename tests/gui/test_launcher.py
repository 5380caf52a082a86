"""`mailhop` opens the window only where one can open; `mailhop demo` has its own help."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mailhop.gui.launcher", *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_demo_help_and_bad_arguments() -> None:
    done = run("demo", "--help")
    assert done.returncode == 0 and "usage: mailhop demo [-h] [--cli]" in done.stdout
    done = run("demo", "--bogus")
    assert done.returncode == 2 and "unrecognized arguments: --bogus" in done.stderr


def test_demo_cli_walks_the_whole_flow_and_keeps_the_exports(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "mailhop.gui.launcher", "demo", "--cli", "--output", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Account set up." in done.stdout
    assert "Traceback" not in done.stdout + done.stderr
    kept = sorted(path.suffix for path in tmp_path.iterdir())
    assert kept == [".mobileconfig", ".txt", ".xml"], kept
