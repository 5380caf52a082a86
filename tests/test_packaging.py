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


def test_make_run_needs_no_root_and_installs_no_debian_package() -> None:
    # What `make run` would do on a fresh clone (-B: as if nothing were set up yet).
    planned = subprocess.run(
        ["make", "-n", "-B", "run"], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout
    assert "installer/run-setup.sh" in planned
    for root_only in ("debian-dev-setup", "apt-get", "sudo", "dpkg"):
        assert root_only not in planned
    commands = [
        line
        for line in (REPO / "installer" / "run-setup.sh").read_text().splitlines()
        if line.strip() and not line.lstrip().startswith(("#", "echo"))
    ]
    assert not [line for line in commands if any(w in line for w in ("apt", "dpkg", "sudo"))]
    # ... while `make test` still brings the lab's packages.
    tested = subprocess.run(
        ["make", "-n", "-B", "test"], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout
    assert "installer/debian-dev-setup.sh" in tested


def test_pip_install_gives_the_window_and_the_cli_alone_lists_the_rest() -> None:
    import tomllib

    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    runtime = project["dependencies"]
    assert any(dep.startswith("PySide6-Essentials") for dep in runtime)
    cli_only = [
        line.strip()
        for line in (REPO / "installer" / "requirements-cli.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert cli_only == [dep for dep in runtime if not dep.startswith("PySide6")]


def test_the_launcher_names_a_missing_system_library_instead_of_letting_qt_abort() -> None:
    from mailhop.gui.launcher import XCB_LIBRARIES, missing_libraries

    assert missing_libraries(XCB_LIBRARIES) is None  # the set-up installed them all
    why = missing_libraries([*XCB_LIBRARIES[:2], ("libmailhop-absent.so.7", "libmailhop7")])
    assert why is not None
    assert "libmailhop-absent.so.7" in why and "libmailhop7" in why
    assert "libxcb-cursor" not in why
