"""The project's own promises about its code: lint, types, and the Qt-free core."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FORBIDDEN_IN_CORE = ("PySide6", "PyQt5", "PyQt6", "shiboken6", "mailhop.gui")


def imports_of(path: Path) -> list[tuple[int, str]]:
    """Every module a file imports, relative ones resolved against core/ as mailhop.core."""
    tree = ast.parse(path.read_text(), filename=str(path))
    package = ["mailhop", "core", *path.relative_to(REPO / "core").parent.parts]
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                name = ".".join([*base, node.module] if node.module else base)
            else:
                name = node.module or ""
            found.append((node.lineno, name))
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", ""))
            in ("import_module", "__import__")
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            found.append((node.lineno, str(node.args[0].value)))
    return found


def qt_imports(root: Path) -> list[str]:
    bad = []
    for path in sorted(root.rglob("*.py")):
        for line, name in imports_of(path):
            if any(name == f or name.startswith(f + ".") for f in FORBIDDEN_IN_CORE):
                bad.append(f"{path.relative_to(REPO)}:{line} imports {name}")
    return bad


def test_core_imports_no_qt_and_no_gui() -> None:
    assert qt_imports(REPO / "core") == []


def test_the_import_check_catches_a_planted_violation(tmp_path: Path, monkeypatch) -> None:
    fake_core = REPO / "core" / "_planted_violation_for_test.py"
    fake_core.write_text("from ..gui import launcher\nimport PySide6.QtCore\n")
    try:
        bad = qt_imports(REPO / "core")
    finally:
        fake_core.unlink()
    assert len(bad) == 2


def _tool(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent))
    assert found, f"{name} is not installed in this environment (make setup installs it)"
    return found


def test_ruff_lint_is_clean() -> None:
    done = subprocess.run(
        [_tool("ruff"), "check", "."], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_ruff_format_is_clean() -> None:
    done = subprocess.run(
        [_tool("ruff"), "format", "--check", "."],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_mypy_strict_on_core_and_gui_is_clean() -> None:
    done = subprocess.run([_tool("mypy")], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    # Every module of both folders was checked (pyproject's [tool.mypy] files, through the
    # .typecheck/ symlinks): a folder left out, or a lost symlink, would pass with fewer.
    checked = re.search(r"in (\d+) source files?", done.stdout)
    assert checked, done.stdout
    modules = [*(REPO / "core").rglob("*.py"), *(REPO / "gui").rglob("*.py")]
    assert int(checked.group(1)) == len(modules), done.stdout


def test_gui_reads_the_cores_records_by_typed_attribute() -> None:
    """The window reads what the core returns as typed attributes, which mypy checks, never
    by name with getattr/hasattr: a renamed or missing field would pass as the default."""
    found = []
    for path in sorted((REPO / "gui").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("getattr", "hasattr")
            ):
                found.append(f"{path.relative_to(REPO)}:{node.lineno} {node.func.id}")
    assert found == []
