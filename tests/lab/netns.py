"""The lab's own network namespace: loopback only, so the standard ports are free and no test
packet can reach a real network (LAB-NOTES.md, "Hermetic option").

`ip netns exec` also bind-mounts /etc/netns/NAME/resolv.conf over /etc/resolv.conf, which makes
glibc (and so smtplib, imaplib, ssl) resolve lab names through the lab's resolver.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Sequence
from pathlib import Path

from . import addresses
from .procs import LabError, run

NAME = os.environ.get("MAILHOP_LAB_NETNS_NAME", "mailhop-lab")
ENV_MARK = "MAILHOP_LAB_NETNS"  # set inside the namespace by exec_argv()
ETC_DIR = Path("/etc/netns") / NAME


def exists() -> bool:
    return Path("/run/netns", NAME).exists()


def inside() -> bool:
    """True when this process runs in the lab's namespace."""
    try:
        return os.stat("/proc/self/ns/net").st_ino == os.stat(f"/run/netns/{NAME}").st_ino
    except OSError:
        return False


def ensure() -> bool:
    """Create the namespace if needed; returns True if this call created it."""
    if os.geteuid() != 0:
        raise LabError("the lab needs root (network namespace, ports 53, 443, 993, 25)")
    if shutil.which("ip") is None:
        raise LabError("`ip` is missing: install iproute2")
    created = False
    if not exists():
        run(["ip", "netns", "add", NAME])
        created = True
    run(["ip", "-n", NAME, "link", "set", "lo", "up"])
    ETC_DIR.mkdir(parents=True, exist_ok=True)
    (ETC_DIR / "resolv.conf").write_text(f"nameserver {addresses.RESOLVER}\noptions timeout:2\n")
    (ETC_DIR / "hosts").write_text("127.0.0.1 localhost\n")
    return created


def exec_argv(argv: Sequence[str]) -> list[str]:
    return ["ip", "netns", "exec", NAME, "env", f"{ENV_MARK}={NAME}", *argv]


def delete() -> None:
    if exists():
        run(["ip", "netns", "delete", NAME])
    shutil.rmtree(ETC_DIR, ignore_errors=True)
