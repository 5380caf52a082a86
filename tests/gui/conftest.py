"""The GUI's tests: real widgets on Qt's offscreen platform, driven with pytest-qt, against
the lab's servers and the offline demo domain. No display is needed (CI has none)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from mailhop.core.account.secrets import MemoryKeyring, SecretStore
from mailhop.core.demo.domain import start_demo
from mailhop.core.run.settings import Settings
from mailhop.gui.app import application
from mailhop.gui.demo_window import demo_session
from mailhop.gui.window import MainWindow, Session
from tests.core.run.test_discovery import options
from tests.lab.lab import LabInfo


@pytest.fixture(scope="session")
def qapp_cls() -> Any:
    """pytest-qt's application is mailhop's own (its style rules and names)."""
    from PySide6.QtWidgets import QApplication

    return QApplication


@pytest.fixture(scope="session")
def qapp(qapp_args: list[str], tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The tests' window speaks English whatever the machine's locale (the translated window
    is tested in child processes, tests/gui/test_language.py), and the language setting goes
    to a folder of the tests' own, never the person's QSettings."""
    from PySide6.QtCore import QSettings

    from mailhop.gui import i18n

    folder = str(tmp_path_factory.mktemp("qsettings"))
    for kind in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(kind, QSettings.Scope.UserScope, folder)
    app = application(qapp_args)
    i18n.install(app, "en")
    return app


@pytest.fixture
def keyring() -> MemoryKeyring:
    return MemoryKeyring()


@pytest.fixture
def lab_session(lab: LabInfo, tmp_path: Path, keyring: MemoryKeyring) -> Session:
    return Session(
        settings=Settings(allow_test_domains=True),
        options=options(lab),
        store=SecretStore(keyring),
        keyring_label="the test keyring",
        profile_dir=tmp_path / "profiles",
        export_dir=tmp_path / "exports",
    )


@pytest.fixture
def open_window(qtbot: Any) -> Iterator[Callable[[Session], MainWindow]]:
    windows: list[MainWindow] = []

    def make(session: Session) -> MainWindow:
        window = MainWindow(session)
        qtbot.addWidget(window)
        window.show()
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.close()


@pytest.fixture
def demo() -> Iterator[Any]:
    with start_demo() as running:
        yield running


@pytest.fixture
def demo_window(open_window: Callable[[Session], MainWindow], demo: Any) -> MainWindow:
    return open_window(demo_session(demo))


def wait_for_page(qtbot: Any, window: MainWindow, page: Any, timeout: float = 15.0) -> float:
    """Seconds until ``page`` is shown; fails with the page that is shown instead."""
    started = time.monotonic()
    qtbot.waitUntil(lambda: window.stack.currentWidget() is page, timeout=int(timeout * 1000))
    return time.monotonic() - started
