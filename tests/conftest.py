"""Shared fixtures: the lab, and the rule for tests that read ../shared/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.lab import lab as lab_module
from tests.lab import netns
from tests.lab.lab import LabInfo

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


@pytest.fixture(scope="session")
def lab() -> Iterator[LabInfo]:
    """The running lab: reused if `python -m tests.lab up` started it, else started here."""
    if not netns.inside():
        pytest.fail(
            "the lab runs inside its own network namespace: run the tests with `make test` "
            "(or `python -m tests.lab exec -- python -m pytest ...`)",
            pytrace=False,
        )
    running = lab_module.running()
    if running is not None:
        yield running
        return
    info = lab_module.up()
    try:
        yield info
    finally:
        lab_module.down()


@pytest.fixture(scope="session", autouse=True)
def own_cache_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The user's cache folder (where MTA-STS policies are kept between runs) is the test
    run's own: no test sees a policy the person, or an earlier run, cached."""
    folder = tmp_path_factory.mktemp("user-cache")
    patch = pytest.MonkeyPatch()
    patch.setenv("XDG_CACHE_HOME", str(folder))
    yield folder
    patch.undo()


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    return SHARED


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if SHARED.is_dir():
        return
    needing = [item for item in items if item.get_closest_marker("shared")]
    if not needing:
        return
    items[:] = [item for item in items if not item.get_closest_marker("shared")]
    config.hook.pytest_deselected(items=needing)
    reason = (
        f"deselected {len(needing)} test(s) marked 'shared': they read reference data from "
        f"{SHARED}, which this checkout does not have beside it (CI always has it)"
    )
    config.stash[_SHARED_NOTE] = reason


_SHARED_NOTE = pytest.StashKey[str]()


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, config: pytest.Config
) -> None:
    note = config.stash.get(_SHARED_NOTE, None)
    if note:
        terminalreporter.write_line(note, yellow=True)
