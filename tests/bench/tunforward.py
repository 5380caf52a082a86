"""The delay forwarder: one process, two TUN devices, a fixed wait for every packet.

The kernel here has no netem (LAB-NOTES.md, "Network delay and faults"), so the delay lives in
userspace. This process enters the client namespace and the lab namespace in turn (setns by
path), opens a TUN device in each and configures it there, then copies every packet from one
device to the other after holding it for half the round trip. It is started by netdelay.py; a
person never runs it directly.

Why the pieces are as they are:
- TUN devices are not persistent: they disappear when this process exits, however it exits,
  so a crash cannot leave a device (or its routes) behind in the lab's namespace.
- The configuration runs here, after setns, because a child process inherits the namespace of
  its parent and /proc/sys/net shows the namespace of the reader: no `ip netns exec` needed.
- Each direction is a FIFO with one timer. Every packet waits the same time, so the queue is
  always in due order; per-packet timers on a heap would not keep equal deadlines in order.
- Black-holed lab hosts are dropped here: the lab drops them in its output hook, which
  packets arriving over a TUN never pass, so without this they would answer with a reset.

Protocol with the parent: one line "ready" on stdout once both sides are configured, errors on
stderr; the process ends when its stdin closes (the parent went away) or on SIGTERM.
"""

from __future__ import annotations

import argparse
import asyncio
import ctypes
import fcntl
import ipaddress
import os
import signal
import struct
import subprocess
import sys
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

TUNSETIFF = 0x400454CA
IFF_TUN = 0x0001
IFF_NO_PI = 0x1000  # bare IP packets, no 4-byte protocol header
CLONE_NEWNET = 0x40000000
MTU = 1500  # an internet-sized MTU: TLS records and HTTP bodies split as they would outside
TX_QUEUE = 10000  # the kernel drops packets beyond this while we lag; a burst of SYNs must fit
READ_SIZE = 65536


def enter_netns(path: str) -> None:
    """Move this (single-threaded) process into the network namespace bound at path.

    Python 3.11 has no os.setns, hence libc through ctypes.
    """
    libc = ctypes.CDLL(None, use_errno=True)
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        if libc.setns(fd, CLONE_NEWNET) != 0:
            errno = ctypes.get_errno()
            raise OSError(errno, f"setns {path}: {os.strerror(errno)}")
    finally:
        os.close(fd)


def open_tun(name: str) -> int:
    """Create TUN device `name` in the current namespace; it lives as long as the fd."""
    fd = os.open("/dev/net/tun", os.O_RDWR | os.O_NONBLOCK | os.O_CLOEXEC)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TUN | IFF_NO_PI))
    return fd


def ip_batch(commands: Sequence[str]) -> None:
    """Run `ip` commands in the current namespace, in one process."""
    done = subprocess.run(
        ["ip", "-batch", "-"],
        input="\n".join(commands) + "\n",
        capture_output=True,
        text=True,
        timeout=20,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"ip -batch failed: {done.stdout}{done.stderr}")


def sysctl(key: str, value: str) -> None:
    """Write a sysctl of the current network namespace."""
    Path("/proc/sys", *key.split(".")).write_text(value)


def quiet_ipv6(device: str) -> None:
    """No IPv6 on the TUNs: the lab's IPv6 is DNS-only, and link-local chatter is noise."""
    knob = Path("/proc/sys/net/ipv6/conf", device, "disable_ipv6")
    if knob.exists():
        knob.write_text("1")


def configure_client(device: str, address: str) -> None:
    """Send all of 127/8 but 127.0.0.1 out of the TUN, from `address`.

    Shrinking lo's 127.0.0.1/8 to /32 removes the `local 127.0.0.0/8` route that would
    otherwise keep every loopback address inside this namespace.
    """
    quiet_ipv6(device)
    ip_batch(
        [
            "link set lo up",
            "address del 127.0.0.1/8 dev lo",
            "address add 127.0.0.1/32 dev lo",
            f"link set {device} mtu {MTU} txqueuelen {TX_QUEUE} up",
            f"address add {address}/32 dev {device}",
            f"route add 127.0.0.0/8 dev {device} src {address}",
        ]
    )
    # Replies arrive from 127.x addresses on a non-loopback device: a martian source unless
    # route_localnet is on; rp_filter is off so that only our routes decide.
    for scope in ("all", "default", device):
        sysctl(f"net.ipv4.conf.{scope}.route_localnet", "1")
        sysctl(f"net.ipv4.conf.{scope}.rp_filter", "0")
    sysctl("net.ipv4.tcp_autocorking", "0")


def configure_lab(device: str, client: str) -> None:
    """Route the client's address back through the TUN; touch only this device's settings.

    The client's address is a loopback one because the lab's resolver answers only 127/8,
    so its route goes into table `local`, where it beats `local 127.0.0.0/8` by length; it
    disappears with the device. route_localnet on the device lets packets to 127.x arrive on
    it and replies from 127.x leave through it. tcp_autocorking is namespace-wide: off, the
    lab's servers send at once (LAB-NOTES.md); it stays off, harmless, until the lab goes.
    """
    quiet_ipv6(device)
    ip_batch(
        [
            f"link set {device} mtu {MTU} txqueuelen {TX_QUEUE} up",
            f"route add unicast {client}/32 dev {device} table local",
        ]
    )
    sysctl(f"net.ipv4.conf.{device}.route_localnet", "1")
    sysctl(f"net.ipv4.conf.{device}.rp_filter", "0")
    sysctl("net.ipv4.tcp_autocorking", "0")


@dataclass
class Pipe:
    """One direction: read packets from `source`, write them to `sink` `delay` seconds later."""

    loop: asyncio.AbstractEventLoop
    source: int
    sink: int
    delay: float
    drop: frozenset[bytes] = frozenset()  # destination addresses (4 bytes) to swallow
    queue: deque[tuple[float, bytes]] = field(default_factory=deque)
    timer: asyncio.TimerHandle | None = None
    errors: int = 0

    def start(self) -> None:
        self.loop.add_reader(self.source, self.readable)

    def readable(self) -> None:
        """Drain the device: one wake-up often brings several packets."""
        while True:
            try:
                packet = os.read(self.source, READ_SIZE)
            except BlockingIOError:
                break
            if packet[16:20] in self.drop and packet[0] >> 4 == 4:
                continue
            if self.delay <= 0 and not self.queue:
                self.write(packet)
                continue
            self.queue.append((self.loop.time() + self.delay, packet))
        if self.queue and self.timer is None:
            self.timer = self.loop.call_at(self.queue[0][0], self.flush)

    def flush(self) -> None:
        self.timer = None
        now = self.loop.time()
        while self.queue and self.queue[0][0] <= now:
            self.write(self.queue.popleft()[1])
        if self.queue:
            self.timer = self.loop.call_at(self.queue[0][0], self.flush)

    def write(self, packet: bytes) -> None:
        try:
            os.write(self.sink, packet)
        except OSError as exc:
            self.errors += 1
            print(f"tunforward: write failed: {exc}", file=sys.stderr, flush=True)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.tunforward")
    parser.add_argument("--client-netns", required=True, help="path, e.g. /run/netns/NAME")
    parser.add_argument("--lab-netns", required=True, help="path of the lab's namespace")
    parser.add_argument("--client-device", required=True)
    parser.add_argument("--lab-device", required=True)
    parser.add_argument("--client-address", required=True)
    parser.add_argument("--one-way-ms", type=float, required=True)
    parser.add_argument("--drop", action="append", default=[], help="a black-holed address")
    return parser.parse_args(argv)


def set_up(args: argparse.Namespace) -> tuple[int, int]:
    """Both TUN devices, configured; returns (client fd, lab fd)."""
    enter_netns(args.client_netns)
    client_fd = open_tun(args.client_device)
    configure_client(args.client_device, args.client_address)
    enter_netns(args.lab_netns)  # and stay: the open fds work from any namespace
    lab_fd = open_tun(args.lab_device)
    configure_lab(args.lab_device, args.client_address)
    return client_fd, lab_fd


async def forward(args: argparse.Namespace, client_fd: int, lab_fd: int) -> None:
    """Run both pipes until stdin closes or SIGTERM arrives."""
    loop = asyncio.get_running_loop()
    stop = loop.create_future()
    drop = frozenset(ipaddress.IPv4Address(a).packed for a in args.drop)
    delay = args.one_way_ms / 1000
    Pipe(loop, client_fd, lab_fd, delay, drop).start()
    Pipe(loop, lab_fd, client_fd, delay).start()

    def stdin_readable() -> None:
        if not os.read(0, 4096) and not stop.done():
            stop.set_result(None)

    loop.add_reader(0, stdin_readable)
    loop.add_signal_handler(signal.SIGTERM, lambda: stop.done() or stop.set_result(None))
    print("ready", flush=True)
    await stop


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a Ctrl-C is for the parent, which stops us
    try:
        client_fd, lab_fd = set_up(args)
    except (OSError, RuntimeError) as exc:
        print(f"tunforward: setup failed: {exc}", file=sys.stderr, flush=True)
        return 1
    asyncio.run(forward(args, client_fd, lab_fd))
    return 0


if __name__ == "__main__":
    sys.exit(main())
