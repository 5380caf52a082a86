"""The distribution: a wheel with `mailhop.core` and `mailhop.gui`, and a working command."""

from __future__ import annotations

import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--disable-pip-version-check",
            "-q",
            "-w",
            str(out),
            str(REPO),
        ],
        check=True,
        timeout=240,
    )
    (found,) = out.glob("mailhop-*.whl")
    return found


def test_wheel_holds_the_two_import_packages_under_mailhop(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert "mailhop/core/__init__.py" in names
    assert "mailhop/gui/launcher.py" in names
    assert "mailhop/core/py.typed" in names
    # The folders' own names must not leak into site-packages as top-level packages.
    assert not [n for n in names if n.startswith(("core/", "gui/", "tests/"))]


def test_wheel_installs_into_a_fresh_venv_and_runs(wheel: Path, tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    # No network in the lab's namespace: the command's --version needs no dependency.
    subprocess.run(
        [
            str(env_dir / "bin" / "python"),
            "-m",
            "pip",
            "install",
            "-q",
            "--no-index",
            "--no-deps",
            "--disable-pip-version-check",
            str(wheel),
        ],
        check=True,
        timeout=240,
    )
    done = subprocess.run(
        [str(env_dir / "bin" / "mailhop"), "--version"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert done.stdout.strip() == "mailhop 0.1.0"


def test_editable_install_points_at_the_checkout() -> None:
    import mailhop.core
    import mailhop.gui

    assert Path(mailhop.core.__file__).resolve() == REPO / "core" / "__init__.py"
    assert Path(mailhop.gui.__file__).resolve() == REPO / "gui" / "__init__.py"
