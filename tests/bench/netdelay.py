"""A client network namespace whose every packet to the lab takes a fixed round trip.

Benchmarks must see internet-like latency: the performance model (DESIGN.md, section 7)
counts round trips, and on bare loopback a round trip costs nothing. The kernel has no netem,
so traffic crosses a userspace forwarder (tunforward.py):

    client namespace                 forwarder process               lab namespace
    127.0.0.0/8 -> delay0  --(holds each packet RTT/2)-->  mhd-XXXXXX -> servers on 127.x
    src 127.77.a.b         <--(holds each packet RTT/2)--  route 127.77.a.b -> mhd-XXXXXX

Inside the client namespace only 127.0.0.1 stays local; every other loopback address (the
lab's resolver, its web and mail hosts) goes through the forwarder. The lab's servers see the
client as 127.77.a.b: a loopback address, because the lab's resolver answers only 127/8, but
never 127.0.0.1 or a server's own address, so Dovecot does not treat it as "secured" local
(LAB-NOTES.md) and Postfix does not log it verbosely (only 127.0.0.1 is a debug peer).
RTT 0 still goes through the forwarder, so a 0 ms row compares like with like (it measures
the path's own cost, tens of microseconds per packet).

    with delayed_client_namespace(50) as client:
        client.run(["python", "-m", "mailhop...", "alice@healthy.test"])

or from a shell, with the lab up: `python -m tests.bench.netdelay --rtt 50 -- CMD ...`.

Works both from the host and from inside the lab's namespace (`python -m tests.lab exec`);
from inside, the client namespace is visible only to this process tree, since `ip netns exec`
gave it a private mount namespace, which is enough for the tests. Everything set up here is
removed on exit: the namespace, its /etc/netns folder, the forwarder and its TUN devices.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import secrets
import select
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Any

from tests.lab import addresses, netns, scenario

REPO = Path(__file__).resolve().parents[2]
NETNS_DIR = Path("/run/netns")
ETC_NETNS = Path("/etc/netns")
CLIENT_DEVICE = "delay0"
READY_TIMEOUT = 15.0
STOP_TIMEOUT = 5.0


class NetDelayError(RuntimeError):
    """The delayed namespace could not be set up; the message says why."""


@dataclass(frozen=True, slots=True)
class ClientNamespace:
    """A running delayed namespace: where it is and how to run things in it."""

    name: str
    rtt_ms: float
    address: str  # the client's address as the lab's servers see it
    lab_netns: str
    lab_device: str
    forwarder_pid: int

    def argv(self, argv: Sequence[str]) -> list[str]:
        """argv wrapped to run in the namespace, with its resolv.conf, marked by env vars."""
        marks = [f"MAILHOP_BENCH_NETNS={self.name}", f"MAILHOP_BENCH_RTT_MS={self.rtt_ms:g}"]
        return ["ip", "netns", "exec", self.name, "env", *marks, *argv]

    def run(self, argv: Sequence[str], **kwargs: Any) -> subprocess.CompletedProcess[Any]:
        """subprocess.run in the namespace; keyword arguments go to subprocess.run."""
        kwargs.setdefault("check", False)
        return subprocess.run(self.argv(argv), **kwargs)

    def python(
        self, code: str, *args: str, timeout: float = 60
    ) -> subprocess.CompletedProcess[str]:
        """Run Python code in the namespace from the repository root (so `tests.` imports)."""
        return self.run(
            [sys.executable, "-c", code, *args],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def probe(self, kind: str, *args: object, timeout: float = 60) -> Any:
        """A measurement from probe.py taken inside the namespace; its JSON answer."""
        done = self.run(
            [sys.executable, "-m", "tests.bench.probe", kind, *map(str, args)],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if done.returncode != 0:
            raise NetDelayError(f"probe {kind} failed: {done.stderr.strip()}")
        return json.loads(done.stdout)

    def kernel_drops(self) -> int:
        """Packets the kernel dropped on either TUN device (a lagging forwarder shows here)."""
        return _device_drops(self.name, CLIENT_DEVICE) + _device_drops(
            self.lab_netns, self.lab_device
        )

    def leftovers(self) -> list[str]:
        """What of this namespace still exists; empty after a clean exit."""
        found = []
        if (NETNS_DIR / self.name).exists():
            found.append(f"namespace {self.name}")
        if (ETC_NETNS / self.name).exists():
            found.append(f"{ETC_NETNS / self.name}")
        if Path(f"/proc/{self.forwarder_pid}").exists():
            found.append(f"forwarder process {self.forwarder_pid}")
        if _ip(["-n", self.lab_netns, "link", "show", "dev", self.lab_device], check=False):
            found.append(f"device {self.lab_device} in {self.lab_netns}")
        lab_routes = ["-n", self.lab_netns, "route", "show", "table", "local", self.address]
        if _ip(lab_routes, check=False).strip():
            found.append(f"route to {self.address} in {self.lab_netns}")
        return found


def _ip(args: Sequence[str], *, check: bool = True) -> str:
    """Run `ip`; returns its output, or "" when it failed and check is False."""
    done = subprocess.run(["ip", *args], capture_output=True, text=True, timeout=20, check=False)
    if done.returncode != 0:
        if check:
            raise NetDelayError(f"ip {' '.join(args)}: {done.stderr.strip()}")
        return ""
    return done.stdout


def _device_drops(namespace: str, device: str) -> int:
    raw = _ip(["-n", namespace, "-j", "-s", "link", "show", "dev", device], check=False)
    if not raw:
        return 0
    stats = json.loads(raw)[0]["stats64"]
    return int(stats["rx"]["dropped"]) + int(stats["tx"]["dropped"])


def lab_blackholes() -> list[str]:
    """The lab's black-holed addresses (its firewall drops them; so must the forwarder)."""
    return sorted(host.address for s in scenario.load_all() for host in s.hosts if host.blackhole)


@contextlib.contextmanager
def delayed_client_namespace(
    rtt_ms: float,
    lab_netns: str = netns.NAME,
    name: str | None = None,
    drop: Iterable[str] | None = None,
) -> Iterator[ClientNamespace]:
    """A fresh client namespace `rtt_ms` away from the lab, removed again on exit.

    name defaults to mailhop-bench-<random>, so that parallel runs never collide; drop lists
    addresses whose packets vanish (default: the lab's black-holed hosts).
    """
    _check_preconditions(rtt_ms, lab_netns)
    token = secrets.token_hex(3)
    client = ClientNamespace(
        name=name or f"mailhop-bench-{token}",
        rtt_ms=rtt_ms,
        address=f"127.77.{secrets.randbelow(256)}.{1 + secrets.randbelow(254)}",
        lab_netns=lab_netns,
        lab_device=f"mhd-{token}",
        forwarder_pid=0,
    )
    _ip(["netns", "add", client.name])
    forwarder: _Forwarder | None = None
    try:
        _write_etc(client.name)
        forwarder = _start_forwarder(client, lab_blackholes() if drop is None else list(drop))
        yield replace(client, forwarder_pid=forwarder.proc.pid)
    finally:
        _teardown(client.name, forwarder)


def _check_preconditions(rtt_ms: float, lab_netns: str) -> None:
    if rtt_ms < 0:
        raise NetDelayError(f"a round trip cannot be negative ({rtt_ms} ms)")
    if os.geteuid() != 0:
        raise NetDelayError("network namespaces and TUN devices need root")
    if shutil.which("ip") is None:
        raise NetDelayError("`ip` is missing: install iproute2")
    if not (NETNS_DIR / lab_netns).exists():
        raise NetDelayError(f"no lab namespace {lab_netns}: start the lab (python -m tests.lab up)")


def _write_etc(name: str) -> None:
    """resolv.conf for `ip netns exec`: glibc lookups go to the lab's resolver, as in the lab."""
    folder = ETC_NETNS / name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "resolv.conf").write_text(f"nameserver {addresses.RESOLVER}\noptions timeout:2\n")
    (folder / "hosts").write_text("127.0.0.1 localhost\n")


@dataclass(slots=True)
class _Forwarder:
    """The forwarder process; its stderr goes to a file, shown on failure and at the end."""

    proc: subprocess.Popen[bytes]
    errors: IO[bytes]

    def await_ready(self) -> None:
        assert self.proc.stdout is not None
        readable, _, _ = select.select([self.proc.stdout], [], [], READY_TIMEOUT)
        line = self.proc.stdout.readline() if readable else b""
        if line.strip() != b"ready":
            detail = self.stop() or "no output"
            raise NetDelayError(f"the delay forwarder did not start: {detail}")

    def stop(self) -> str:
        """Closing its stdin asks it to stop; its TUN devices and routes go with it.

        Returns what it wrote to stderr.
        """
        for stream in (self.proc.stdin, self.proc.stdout):
            if stream is not None:
                stream.close()
        try:
            self.proc.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        if self.errors.closed:
            return ""
        self.errors.seek(0)
        text = self.errors.read().decode(errors="replace").strip()
        self.errors.close()
        return text


def _start_forwarder(client: ClientNamespace, drop: list[str]) -> _Forwarder:
    """Start tunforward.py and wait until both of its devices are configured."""
    argv = [
        sys.executable,
        "-m",
        "tests.bench.tunforward",
        f"--client-netns={NETNS_DIR / client.name}",
        f"--lab-netns={NETNS_DIR / client.lab_netns}",
        f"--client-device={CLIENT_DEVICE}",
        f"--lab-device={client.lab_device}",
        f"--client-address={client.address}",
        f"--one-way-ms={client.rtt_ms / 2}",
        *(f"--drop={address}" for address in drop),
    ]
    errors = tempfile.TemporaryFile()  # noqa: SIM115 (closed by _Forwarder.stop)
    proc = subprocess.Popen(
        argv,
        cwd=REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=errors,
        start_new_session=True,  # a Ctrl-C must reach us, not cut the path under a teardown
    )
    forwarder = _Forwarder(proc, errors)
    try:
        forwarder.await_ready()
    except BaseException:
        forwarder.stop()
        raise
    return forwarder


def _teardown(name: str, forwarder: _Forwarder | None) -> None:
    """Stop the forwarder, end what still runs in the namespace, delete it and its files."""
    if forwarder is not None and (complaints := forwarder.stop()):
        print(f"netdelay: the forwarder said: {complaints}", file=sys.stderr)
    for pid in _ip(["netns", "pids", name], check=False).split():
        with contextlib.suppress(ProcessLookupError):
            os.kill(int(pid), signal.SIGKILL)
    _ip(["netns", "delete", name], check=False)
    shutil.rmtree(ETC_NETNS / name, ignore_errors=True)


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m tests.bench.netdelay --rtt MS -- CMD ...`: CMD's exit code."""
    parser = argparse.ArgumentParser(
        prog="python -m tests.bench.netdelay",
        description="Run a command in a client namespace RTT milliseconds away from the lab.",
    )
    parser.add_argument("--rtt", type=float, required=True, help="round trip in milliseconds")
    parser.add_argument("--lab-netns", default=netns.NAME, help="the lab's namespace")
    parser.add_argument("--name", help="client namespace name (default: a unique one)")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- CMD ...")
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("give a command after --")
    # A plain SIGTERM would skip the teardown and leave the namespace behind.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))
    try:
        with delayed_client_namespace(args.rtt, args.lab_netns, args.name) as client:
            return client.run(command).returncode
    except NetDelayError as exc:
        print(f"netdelay: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130  # the namespace is gone already: the context manager tore it down


if __name__ == "__main__":
    sys.exit(main())
