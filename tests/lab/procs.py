"""Starting, watching and stopping the lab's processes.

Every daemon runs in the foreground as our child, its output sent to a file: some of them
(Dovecot's master) keep the caller's stderr open, and a pid we started ourselves is one we can
wait for on teardown (daemons take 1-3 s to exit, and a restart before that fails).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


class LabError(RuntimeError):
    """The lab could not be brought up or taken down; the message says which part and why."""


def spawn(argv: Sequence[str], log_file: Path, env: dict[str, str] | None = None) -> int:
    """Start a long-running process with its output in log_file; returns its pid."""
    log_file.parent.mkdir(parents=True, exist_ok=True)
    with open(log_file, "ab") as log:
        proc = subprocess.Popen(
            list(argv),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # a Ctrl-C in the terminal must not kill the lab half-way
            env=env,
        )
    return proc.pid


def run(argv: Sequence[str], *, timeout: float = 30, input_text: str | None = None) -> str:
    """Run a short command, returning its output; a failure is a LabError with the output."""
    try:
        done = subprocess.run(
            list(argv),
            input=input_text,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise LabError(f"{argv[0]}: {exc}") from exc
    if done.returncode != 0:
        raise LabError(f"{' '.join(argv)} failed ({done.returncode}): {done.stdout}{done.stderr}")
    return done.stdout


def alive(pid: int) -> bool:
    try:
        waited, _ = os.waitpid(pid, os.WNOHANG)
        if waited == pid:
            return False
    except ChildProcessError:
        pass  # not our child (started by an earlier `lab up`): fall back to a signal probe
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie still answers kill(0); /proc tells the truth.
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def log_tail(log: Path, lines: int = 20) -> str:
    """The last lines of a daemon's log, for the error that says why it did not start."""
    try:
        return "".join(log.read_text(errors="replace").splitlines(True)[-lines:])
    except OSError:
        return "(no log)"


def wait_until_ready(
    probe: Callable[[], T | None],
    what: str,
    pid: int,
    log: Path,
    *,
    timeout: float,
    interval: float = 0.01,
) -> T:
    """Ask `probe` until it answers; a LabError with the log's tail when the daemon exits
    or `timeout` seconds pass first."""
    deadline = time.monotonic() + timeout
    while (answer := probe()) is None:
        if not alive(pid):
            raise LabError(f"{what} exited while starting:\n{log_tail(log)}")
        if time.monotonic() > deadline:
            raise LabError(f"{what} not ready within {timeout} s:\n{log_tail(log)}")
        time.sleep(interval)
    return answer


def stop(pid: int, timeout: float = 10) -> None:
    """SIGTERM the process group, then SIGKILL what is left after timeout; waits for exit."""
    for sig, grace in ((signal.SIGTERM, timeout), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(pid, sig)
        except ProcessLookupError:
            return
        except PermissionError:
            os.kill(pid, sig)
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline:
            if not alive(pid):
                return
            time.sleep(0.02)
    raise LabError(f"process {pid} did not exit")


def wait_for_port(host: str, port: int, timeout: float = 10, pid: int | None = None) -> None:
    """Wait until a TCP port accepts connections (or the process that should open it died)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return
        except OSError:
            pass
        if pid is not None and not alive(pid):
            raise LabError(f"process {pid} exited before {host}:{port} opened")
        if time.monotonic() > deadline:
            raise LabError(f"{host}:{port} did not open within {timeout} s")
        time.sleep(0.02)


def wait_for_udp_dns(host: str, port: int = 53, timeout: float = 10) -> None:
    """Wait until a DNS server answers a query over UDP (any answer will do)."""
    query = bytes.fromhex("1234010000010000000000000000020001")  # ". NS IN"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.settimeout(0.2)
            try:
                sock.sendto(query, (host, port))
                sock.recvfrom(4096)
                return
            except OSError:
                time.sleep(0.02)
    raise LabError(f"no DNS answer from {host}:{port} within {timeout} s")
