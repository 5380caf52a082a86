"""The `mailhop` command as a person meets it."""

from __future__ import annotations

import subprocess
import sys

from mailhop.core import __version__, cli


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mailhop.gui.launcher", *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_version_names_the_program_and_its_version() -> None:
    done = run("--version")
    assert done.returncode == 0
    assert done.stdout.strip() == f"mailhop {__version__}"
    assert __version__ == "0.1.0"


def test_help_says_what_mailhop_is_for() -> None:
    done = run("--help")
    assert done.returncode == 0
    assert "usage: mailhop" in done.stdout
    assert "email address" in done.stdout


def test_no_arguments_shows_help_for_now() -> None:
    done = run()
    assert done.returncode == 0
    assert done.stdout.startswith("usage: mailhop")


def test_unknown_option_is_a_usage_error() -> None:
    done = run("--no-such-option")
    assert done.returncode == cli.EXIT_USAGE
    assert "unrecognized arguments" in done.stderr


def test_version_does_not_load_the_network_stack() -> None:
    code = (
        "import sys\n"
        "from mailhop.gui import launcher\n"
        "try:\n    launcher.main(['--version'])\nexcept SystemExit:\n    pass\n"
        "heavy = ('dns.resolver', 'PySide6', 'cryptography.x509')\n"
        "print([m for m in heavy if m in sys.modules])\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip().endswith("[]"), done.stdout + done.stderr
