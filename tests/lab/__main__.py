"""`python -m tests.lab COMMAND`: the lab for people and benchmarks.

up        start the lab in its network namespace and leave it running
down      stop it, remove its files and the namespace
status    say whether it is up, where, and what it runs
exec -- CMD ...
          run CMD inside the namespace (the test suite runs this way); the lab itself is
          started by whoever needs it (the pytest fixture), or reused if `up` ran before
shell     an interactive shell inside the namespace, to poke at the lab by hand
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time

from . import lab, netns
from .procs import LabError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.lab",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "command", choices=["up", "down", "status", "exec", "shell", "_up", "_down"]
    )
    parser.add_argument("argv", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    try:
        return COMMANDS[args.command](args.argv)
    except LabError as exc:
        print(f"lab: {exc}", file=sys.stderr)
        return 1


def _inside(argv: list[str]) -> int:
    """Run a command in the namespace, creating it if needed."""
    netns.ensure()
    return subprocess.call(netns.exec_argv(argv))


def cmd_up(_: list[str]) -> int:
    return _inside([sys.executable, "-m", "tests.lab", "_up"])


def cmd__up(_: list[str]) -> int:
    began = time.monotonic()
    info = lab.up()
    print(
        f"lab up in {time.monotonic() - began:.2f} s: resolver {info.resolver}, "
        f"CA {info.ca_file}, state {lab.state_file(info.workdir)}"
    )
    return 0


def cmd_down(_: list[str]) -> int:
    code = 0
    if netns.exists():
        code = subprocess.call(netns.exec_argv([sys.executable, "-m", "tests.lab", "_down"]))
        netns.delete()
    print("lab down")
    return code


def cmd__down(_: list[str]) -> int:
    seconds = lab.down()
    print(f"lab stopped in {seconds:.2f} s")
    return 0


def cmd_status(_: list[str]) -> int:
    info = lab.read_state()
    if info is None:
        print(
            f"lab is down (no {lab.state_file()}); namespace "
            f"{netns.NAME} {'exists' if netns.exists() else 'absent'}"
        )
        return 3
    print(f"lab is up since {time.ctime(info.started_at)} (started in {info.startup_seconds} s)")
    print(f"  namespace {netns.NAME}, work folder {info.workdir}")
    print(f"  resolver {info.resolver}:{info.resolver_port}, authoritative {info.authoritative}")
    print(f"  lab root CA {info.ca_file}")
    for name, state in info.components.items():
        print(f"  {name}: pids {list(state.pids)}")
        for key, value in state.facts.items():
            print(f"    {key}: {value}")
    return 0


def cmd_exec(argv: list[str]) -> int:
    if argv and argv[0] == "--":
        argv = argv[1:]
    if not argv:
        raise LabError("exec needs a command: python -m tests.lab exec -- CMD ...")
    if netns.inside():
        return subprocess.call(argv)
    created = netns.ensure()
    try:
        return subprocess.call(netns.exec_argv(argv))
    finally:
        if created and lab.read_state() is None:
            netns.delete()


def cmd_shell(_: list[str]) -> int:
    return _inside([os.environ.get("SHELL", "/bin/bash")])


COMMANDS = {
    "up": cmd_up,
    "_up": cmd__up,
    "down": cmd_down,
    "_down": cmd__down,
    "status": cmd_status,
    "exec": cmd_exec,
    "shell": cmd_shell,
}

if __name__ == "__main__":
    sys.exit(main())
