"""What `mailhop` loads before it answers, and before `mailhop check` sends its first question.

Not timed (timings depend on the machine; tests/bench/bench_coldstart.py measures them):
each test runs the command in a fresh interpreter and looks at sys.modules at the moment
that matters, so a heavy import that creeps back onto the way is caught wherever it comes
from.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys

import pytest

# Loaded only by the stages that need them: DNS, certificates, HTTP (and dnspython's
# DNS-over-HTTPS stack, which mailhop never uses), the event loop and TLS.
HEAVY = (
    *("dns", "cryptography", "httpcore", "httpx2", "httpcore2", "h2", "anyio", "h11"),
    *("asyncio", "ssl"),
)

REPORT_MODULES = (
    "import json, sys\n"
    "def report():\n"
    "    names = sorted(sys.modules)\n"
    "    print(json.dumps(names), file=sys.__stderr__, flush=True)\n"
)


def loaded_after(argv: list[str]) -> set[str]:
    """The modules a fresh `mailhop ARGV` has loaded when it ends."""
    script = REPORT_MODULES + (
        "import contextlib, io\n"
        "from mailhop.gui.launcher import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    try:\n"
        f"        main({argv!r})\n"
        "    except SystemExit:\n"
        "        pass\n"
        "report()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    return set(json.loads(done.stderr.strip().splitlines()[-1]))


def loaded_at_first_packet(argv: list[str]) -> set[str]:
    """The modules a fresh `mailhop ARGV` has loaded when its first UDP datagram leaves
    (an audit hook on socket.sendto reports them and ends the process there)."""
    script = REPORT_MODULES + (
        "import os\n"
        "def hook(event, args):\n"
        "    if event == 'socket.sendto':\n"
        "        report()\n"
        "        os._exit(0)\n"
        "sys.addaudithook(hook)\n"
        "from mailhop.gui.launcher import main\n"
        f"main({argv!r})\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    lines = done.stderr.strip().splitlines()
    assert lines, f"no packet was sent: exit {done.returncode}"
    return set(json.loads(lines[-1]))


def heavy_in(modules: set[str]) -> list[str]:
    return sorted(name for name in modules if name.split(".")[0] in HEAVY)


@pytest.mark.parametrize("argv", [["--version"], ["check", "--help"], ["--help"]])
def test_version_and_help_load_no_network_stack(argv: list[str]) -> None:
    assert heavy_in(loaded_after(argv)) == []


def test_check_asks_its_first_question_before_the_pipeline_loads() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as resolver:
        resolver.bind(("127.0.0.1", 0))  # never answers: the child ends at its first send
        port = resolver.getsockname()[1]
        argv = ["check", "x@healthy.test", "--allow-test-domains", "--resolver"]
        loaded = loaded_at_first_packet([*argv, f"127.0.0.1:{port}", "--deadline", "5"])
    assert "mailhop.core.dns.resolver" in loaded  # it is the resolver's question
    early = {"cryptography", "httpcore", "httpx2", "h2", "anyio", "h11"}
    assert sorted(name for name in loaded if name.split(".")[0] in early) == []
    stages = ("net", "discover", "policy", "probe", "verdict", "export", "account")
    allowed = {
        "mailhop.core.discover.mtasts_folder",  # the settings name the cache folder
        "mailhop.core.export.formats",  # the parser's list of formats (--format's choices)
    }
    later = [
        name
        for name in loaded
        if name.count(".") >= 3  # a module, not a package's __init__
        and name.split(".")[2] in stages
        and name not in allowed
    ]
    assert "mailhop.core.run.check" not in loaded
    assert sorted(later) == []
