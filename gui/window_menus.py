"""The window's menus and the dialogs they open (accounts, settings, publish, about).

The menus' titles are there from the start; their actions come just after the first paint:
the first ``setShortcut`` makes PySide create about 93 Qt enum classes (30-70 ms, 40-60 % of
building the window), time the person would otherwise wait for a blank screen (issue 18).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMenu, QMessageBox

from .look import tr

if TYPE_CHECKING:
    from .window import MainWindow

__all__ = ["Menus"]


class Menus:
    """The menu bar's three menus, filled by ``fill`` once the window has painted."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        bar = window.menuBar()
        self.accounts: QMenu = bar.addMenu(tr("&Accounts"))
        self.admin: QMenu = bar.addMenu(tr("For a&dministrators"))
        self.help: QMenu = bar.addMenu(tr("&Help"))
        self.ready = False

    def fill(self) -> None:
        if self.ready:
            return
        from PySide6.QtGui import QAction, QKeySequence

        window = self.window
        accounts = QAction(tr("&Saved accounts…"), window)
        accounts.setShortcut(QKeySequence("Ctrl+L"))
        accounts.triggered.connect(lambda: open_accounts(window))
        settings = QAction(tr("&Advanced settings…"), window)
        settings.setShortcut(QKeySequence("Ctrl+,"))
        settings.triggered.connect(lambda: open_settings(window))
        quit_action = QAction(tr("&Quit"), window)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(window.close)
        for action in (accounts, settings, quit_action):
            self.accounts.addAction(action)
        publish = QAction(tr("&Publish a domain's settings…"), window)
        publish.triggered.connect(lambda: open_publish(window))
        self.admin.addAction(publish)
        about = QAction(tr("&About mailhop"), window)
        about.setMenuRole(QAction.MenuRole.AboutRole)  # macOS moves it to the app menu
        about.triggered.connect(lambda: open_about(window))
        self.help.addAction(about)
        self.ready = True


def open_about(window: MainWindow) -> QMessageBox:
    from .about import show_about

    return show_about(window)


def open_accounts(window: MainWindow) -> None:
    from .dialog_accounts import AccountsDialog

    dialog = AccountsDialog(window)
    if dialog.exec() and dialog.chosen is not None:
        window.use_saved(dialog.chosen)


def open_settings(window: MainWindow) -> None:
    from .dialog_settings import SettingsDialog

    dialog = SettingsDialog(window.session.settings, window)
    if dialog.exec():
        window.session = replace(window.session, settings=dialog.settings())
        window.address_page.allow_test_domains = dialog.settings().allow_test_domains


def open_publish(window: MainWindow) -> None:
    from .dialog_publish import PublishDialog

    PublishDialog(window.session, window.runner, window).exec()
