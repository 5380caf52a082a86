"""Help > About: name, version, licence and the keyring in use, as plain text."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from mailhop.core import __version__
from mailhop.core.account.secrets import MemoryKeyring, SecretStore
from mailhop.gui import about
from mailhop.gui.window import MainWindow, Session

REPO = Path(__file__).resolve().parents[2]


def help_about(window: MainWindow, qtbot: Any) -> Any:
    """The menu item, once the menus have their actions (just after the first paint)."""
    window.show()
    qtbot.waitUntil(window.menus_ready, timeout=5000)
    menus = {a.text().replace("&", ""): a.menu() for a in window.menuBar().actions()}
    (action,) = [a for a in menus["Help"].actions() if a.text().replace("&", "") == "About mailhop"]
    return action


def test_help_about_names_version_licence_and_the_keyring(qtbot: Any) -> None:
    window = MainWindow(Session(store=SecretStore(MemoryKeyring())))
    qtbot.addWidget(window)
    help_about(window, qtbot).trigger()
    box = window.findChild(QMessageBox, "about")
    assert box is not None and box.isVisible()
    qtbot.waitUntil(lambda: "looking" not in box.text(), timeout=10000)
    text = box.text()
    assert f"mailhop {__version__}" in text
    assert f"Licence: {about.LICENCE}" in text
    assert f"Passwords are kept in: {MemoryKeyring.name}" in text
    assert box.textFormat() == Qt.TextFormat.PlainText
    box.close()
    window.runner.stop()


def test_the_licence_shown_is_the_one_the_package_declares() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    assert project["license"]["text"] == about.LICENCE


def test_a_missing_keyring_is_named_with_its_reason_as_plain_text(
    qtbot: Any, monkeypatch: Any
) -> None:
    # keyring's own choice would land on a backend this machine may lack; name one that
    # mailhop refuses, the way a person's keyringrc.cfg might.
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyrings.alt.file.PlaintextKeyring<b>x</b>")
    window = MainWindow(Session())
    qtbot.addWidget(window)
    box = window.open_about()
    qtbot.waitUntil(lambda: "looking" not in box.text(), timeout=10000)
    assert "Passwords are kept in: none usable." in box.text()
    assert "<b>x</b>" in box.text() and box.textFormat() == Qt.TextFormat.PlainText
    box.close()
    window.runner.stop()
