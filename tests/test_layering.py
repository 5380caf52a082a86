"""The core's layering contract: its packages are stages, and imports only point down.

    common < dns < net < discover < policy < probe < verdict < run < account < export
           < publish < report < cli < demo

Data flows one way (address -> discovery -> policy -> probe -> verdict -> account -> files),
so a module may import from its own package or a lower one, never from a higher one: a
parser that reached up into the CLI, or the verdict into the keyring, would tie a stage to
what is built on it. The pure stages (policy, verdict) also import no network, process or
keyring library: they turn records into records, so a test can run them on any input.
"""

from __future__ import annotations

from pathlib import Path

from tests.test_quality import REPO, imports_of

LAYERS = (
    "common",
    "dns",
    "net",
    "discover",
    "policy",
    "probe",
    "verdict",
    "run",
    "account",
    "export",
    "publish",
    "audit",
    "report",
    "cli",
    "demo",
)
PURE = ("policy", "verdict")
IO_LIBRARIES = (
    "asyncio",
    "socket",
    "ssl",
    "selectors",
    "subprocess",
    "http",
    "urllib.request",
    "httpcore",
    "dns.asyncquery",
    "dns.query",
    "dns.resolver",
    "keyring",
    "imapclient",
    "smtplib",
    "poplib",
)


def layering_violations(core: Path) -> list[str]:
    """Each import that points up the layers, or out of a pure stage into I/O."""
    rank = {name: place for place, name in enumerate(LAYERS)}
    found: list[str] = []
    for path in sorted(core.rglob("*.py")):
        parts = path.relative_to(core).parts
        if len(parts) == 1:
            continue  # core/__init__.py: the version, imported by every layer
        layer = parts[0]
        where = path.relative_to(core.parent)
        if layer not in rank:
            found.append(f"{where}: package {layer!r} is in no layer of {LAYERS}")
            continue
        for line, name in imports_of(path):
            words = name.split(".")
            target = words[2] if words[:2] == ["mailhop", "core"] and len(words) > 2 else ""
            if target in rank and rank[target] > rank[layer]:
                found.append(f"{where}:{line}: {layer} imports up into {name}")
            io = any(name == lib or name.startswith(lib + ".") for lib in IO_LIBRARIES)
            if layer in PURE and io:
                found.append(f"{where}:{line}: the pure stage {layer} imports {name}")
    return found


def test_core_imports_only_point_down_the_layers() -> None:
    assert layering_violations(REPO / "core") == []


def test_every_layer_is_a_package_of_the_core() -> None:
    packages = {p.parent.name for p in (REPO / "core").glob("*/__init__.py")}
    assert packages <= set(LAYERS), sorted(packages - set(LAYERS))


def test_the_layering_check_catches_planted_violations() -> None:
    planted = [
        REPO / "core" / "common" / "_planted_upward_import.py",
        REPO / "core" / "policy" / "_planted_io_import.py",
    ]
    planted[0].write_text("from ..cli import main\nfrom mailhop.core.verdict import verdict\n")
    planted[1].write_text("import socket\nfrom asyncio import sleep\n")
    try:
        found = layering_violations(REPO / "core")
    finally:
        for path in planted:
            path.unlink()
    assert len(found) == 4, found
    assert any("common imports up into mailhop.core.cli" in line for line in found)
    assert any("pure stage policy imports socket" in line for line in found)


def test_every_core_package_is_in_the_wheel() -> None:
    """setuptools installs only the packages pyproject.toml lists: a stage missing there
    works in the editable checkout and is absent from a wheel (core/publish was)."""
    import tomllib

    listed = set(
        tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    )
    stages = {f"mailhop.core.{p.parent.name}" for p in (REPO / "core").glob("*/__init__.py")}
    assert stages - listed == set()
