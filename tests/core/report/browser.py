"""Debian's Chromium, headless, as a person's browser for the report: the page's text as the
browser parsed it (--dump-dom) and screenshots, light or dark (prefers-color-scheme)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

__all__ = ["chromium", "dump_dom", "screenshot"]


def chromium() -> str:
    found = shutil.which("chromium")
    assert found, "chromium is missing: installer/debian-dev-setup.sh installs it"
    return found


def _run(page: Path, *options: str) -> str:
    # As root (CI is) Chromium needs --no-sandbox; --headless=new is the real browser.
    done = subprocess.run(
        [
            chromium(),
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--no-first-run",
            *options,
            page.resolve().as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def dump_dom(page: Path) -> str:
    return _run(page, "--dump-dom")


def screenshot(page: Path, target: Path, width: int, height: int, *, dark: bool) -> Path:
    scheme = ["--force-dark-mode"] if dark else []
    _run(page, *scheme, f"--window-size={width},{height}", f"--screenshot={target}")
    assert target.stat().st_size > 10_000  # a page, not a blank
    return target
