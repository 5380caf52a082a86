"""Bringing the whole lab up and down, and what tests learn about it.

    Lab.up()  -> certificates, DNS (Knot + Unbound), a second DNS tree signed by real signers
                 (signers.py), mail (Dovecot + Postfix),
                 our own Python servers (web hosts, hostile servers), firewall (black holes)
    Lab.down() stops them in reverse order and removes the work folder.

Each part is a Component: `start(ctx)` returns the pids it started and the facts tests need
(files, addresses); `stop(ctx, state)` undoes it. The state goes to `state.json` in the work
folder, so `python -m tests.lab down` in another process can take down what `up` started.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Protocol

from . import addresses, certs, procs, scenario
from .scenario import Scenario

DEFAULT_WORKDIR = Path(os.environ.get("MAILHOP_LAB_DIR", "/run/mailhop-lab"))
REPO_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True, slots=True)
class ComponentState:
    pids: tuple[int, ...] = ()
    facts: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class LabContext:
    workdir: Path
    scenarios: tuple[Scenario, ...]
    pki: certs.LabPKI
    python: str = sys.executable

    def hosts(self) -> list[scenario.Host]:
        return [host for s in self.scenarios for host in s.hosts]

    def placeholders(self) -> dict[str, Callable[[str], str]]:
        """Values known only once the lab is built, for scenario.expand()."""
        pki = self.pki
        return {
            "spki-sha256": lambda host: pki.for_host(host).spki_sha256,
            "cert-sha256": lambda host: pki.for_host(host).cert_sha256,
            "spki-sha512": lambda host: pki.for_host(host).spki_sha512,
            "cert-sha512": lambda host: pki.for_host(host).cert_sha512,
            "ca-spki-sha256": lambda ca: certs.digest(
                certs.spki_bytes(pki.authority(ca).key.public_key()), "sha256"
            ),
            "ca-cert-sha256": lambda ca: certs.digest(certs.der(pki.authority(ca).cert), "sha256"),
            "key-spki-sha256": lambda key: certs.digest(
                certs.spki_bytes(pki.spare_key(key).public_key()), "sha256"
            ),
        }


class Component(Protocol):
    name: str

    def start(self, ctx: LabContext) -> ComponentState: ...

    def stop(self, ctx: LabContext, state: ComponentState) -> None: ...


@dataclass(frozen=True, slots=True)
class LabInfo:
    """What a test needs to talk to the lab; read back from state.json."""

    workdir: Path
    resolver: str
    resolver_port: int
    authoritative: str
    ca_file: Path  # the lab root CA: pass it as mailhop's extra trust anchor
    started_at: float
    startup_seconds: float
    components: Mapping[str, ComponentState]

    def fact(self, component: str, key: str) -> str:
        return self.components[component].facts[key]

    @property
    def scenarios(self) -> tuple[Scenario, ...]:
        return scenario.load_all()

    def scenario(self, domain: str) -> Scenario:
        for item in self.scenarios:
            if item.domain == domain:
                return item
        raise KeyError(domain)


# In start order. MAILHOP_LAB_PARTS="dns,mail" brings up only some (for working on one part).
PARTS = ("dns", "signers", "mail", "pyservers", "firewall")


def components() -> list[Component]:
    # Imported here so that `python -m tests.lab status` does not load every server module.
    import importlib

    chosen = os.environ.get("MAILHOP_LAB_PARTS", ",".join(PARTS)).split(",")
    parts: list[Component] = []
    for name in PARTS:
        if name in chosen:
            module = importlib.import_module(f"{__package__}.{name}")
            parts.append(module.COMPONENT)
    return parts


def state_file(workdir: Path = DEFAULT_WORKDIR) -> Path:
    return workdir / "state.json"


def read_state(workdir: Path = DEFAULT_WORKDIR) -> LabInfo | None:
    try:
        raw = json.loads(state_file(workdir).read_text())
    except (OSError, ValueError):
        return None
    return LabInfo(
        workdir=Path(raw["workdir"]),
        resolver=raw["resolver"],
        resolver_port=raw["resolver_port"],
        authoritative=raw["authoritative"],
        ca_file=Path(raw["ca_file"]),
        started_at=raw["started_at"],
        startup_seconds=raw["startup_seconds"],
        components={
            name: ComponentState(tuple(c["pids"]), dict(c["facts"]))
            for name, c in raw["components"].items()
        },
    )


def running(workdir: Path = DEFAULT_WORKDIR) -> LabInfo | None:
    """The lab described by the state file, if every process it lists is still alive.

    A state file whose processes died (a killed test run, a rebooted machine) is cleaned up,
    so the next `up` starts from nothing instead of trusting a dead lab.
    """
    info = read_state(workdir)
    if info is None:
        return None
    if all(procs.alive(pid) for state in info.components.values() for pid in state.pids):
        return info
    down(workdir)
    return None


def _context(workdir: Path) -> LabContext:
    scenarios = scenario.load_all()
    kinds = {host.name: host.cert for s in scenarios for host in s.hosts}
    kinds[addresses.AUTHORITATIVE_NAME.rstrip(".")] = "good"
    pki = certs.build(workdir / "certs", kinds)
    return LabContext(workdir=workdir, scenarios=scenarios, pki=pki)


def up(workdir: Path = DEFAULT_WORKDIR) -> LabInfo:
    """Start every part; on any failure, stop what started and raise."""
    if running(workdir) is not None:
        raise procs.LabError(f"the lab is already up ({state_file(workdir)}); take it down first")
    began = time.monotonic()
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    ctx = _context(workdir)
    started: dict[str, ComponentState] = {}
    parts = components()
    try:
        for part in parts:
            started[part.name] = part.start(ctx)
    except BaseException:
        _stop_all(ctx, parts, started)
        shutil.rmtree(workdir, ignore_errors=True)
        raise
    info = LabInfo(
        workdir=workdir,
        resolver=addresses.RESOLVER,
        resolver_port=addresses.DNS_PORT,
        authoritative=addresses.AUTHORITATIVE,
        ca_file=ctx.pki.ca_file,
        started_at=time.time(),
        startup_seconds=round(time.monotonic() - began, 3),
        components=started,
    )
    raw = asdict(info)
    raw = json.loads(json.dumps(raw, default=str))
    state_file(workdir).write_text(json.dumps(raw, indent=2))
    return info


def down(workdir: Path = DEFAULT_WORKDIR) -> float:
    """Stop everything the state file lists and remove the work folder; returns seconds taken."""
    began = time.monotonic()
    info = read_state(workdir)
    if info is not None:
        ctx = LabContext(workdir=workdir, scenarios=scenario.load_all(), pki=_pki_stub(workdir))
        _stop_all(ctx, components(), dict(info.components))
    shutil.rmtree(workdir, ignore_errors=True)
    return time.monotonic() - began


def _stop_all(ctx: LabContext, parts: list[Component], started: dict[str, ComponentState]) -> None:
    errors = []
    for part in reversed(parts):
        state = started.get(part.name)
        if state is None:
            continue
        try:
            part.stop(ctx, state)
        except Exception as exc:  # keep stopping the others; report at the end
            errors.append(f"{part.name}: {exc}")
        for pid in state.pids:
            procs.stop(pid)
    if errors:
        raise procs.LabError("; ".join(errors))


def _pki_stub(workdir: Path) -> certs.LabPKI:
    """Stopping needs no keys; components only read file paths from their own state."""
    return certs.LabPKI(workdir / "certs" / "lab-root-ca.pem", None, None, None, {})  # type: ignore[arg-type]
