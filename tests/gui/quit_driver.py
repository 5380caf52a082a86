"""A child process for the quit tests: `mailhop demo`, a check cancelled, another started, quit.

    python -m tests.gui.quit_driver CANCEL_MS QUIT_MS

Opens the window the way `mailhop demo` does (gui/launcher.py), clicks "Check this address",
clicks Cancel after CANCEL_MS, starts a second check as soon as the first one has let go,
and chooses Accounts > Quit QUIT_MS later, while that check runs. The exit code is the
launcher's; the parent asserts it is 0 and that nothing at all was written to stderr (a
"Task was destroyed", an "Event loop is closed" or a fatal error at exit is a failure).

Qt's offscreen platform warns once per shown window that it "does not support
propagateSizeHints()": that line is the test platform's, not mailhop's, so it alone is
dropped; every other Qt message still reaches stderr.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QTimer, QtMsgType, qInstallMessageHandler
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication

from mailhop.gui import launcher
from mailhop.gui.app import application
from mailhop.gui.window import MainWindow

OFFSCREEN_NOISE = "This plugin does not support propagateSizeHints()"
WATCHDOG_MS = 30_000  # far beyond a demo check: a stuck step is a failure, never a hang
POLL_MS = 5


def _messages(kind: QtMsgType, context: object, message: str) -> None:
    if message != OFFSCREEN_NOISE:
        sys.stderr.write(f"{message}\n")


def _window() -> MainWindow | None:
    return next((w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)), None)


def _when(ready: object, then: object) -> None:
    """Call ``then()`` as soon as ``ready()`` is true (polled on the GUI thread)."""

    def poll() -> None:
        if ready():  # type: ignore[operator]
            then()  # type: ignore[operator]
        else:
            QTimer.singleShot(POLL_MS, poll)

    QTimer.singleShot(0, poll)


def drive(cancel_ms: int, quit_ms: int) -> None:
    def first() -> None:
        window = _window()
        assert window is not None
        window.address_page.go.click()
        QTimer.singleShot(cancel_ms, lambda: cancel(window))

    def cancel(window: MainWindow) -> None:
        window.checking_page.stop.click()  # a check that already finished ignores it
        _when(lambda: window.job is None, lambda: second(window))

    def second(window: MainWindow) -> None:
        window.show_page(window.address_page)  # where Cancel leads; the result page's Back
        window.address_page.go.click()
        QTimer.singleShot(quit_ms, lambda: quit_(window))

    def quit_(window: MainWindow) -> None:
        (action,) = [
            a
            for a in window.menuBar().actions()[0].menu().actions()
            if a.shortcut() == QKeySequence(QKeySequence.StandardKey.Quit)
        ]
        action.trigger()

    def stuck() -> None:
        sys.stderr.write("quit_driver: the window did not get through the steps in time\n")
        QApplication.exit(3)

    # The menus' actions (Quit among them) come just after the first paint.
    _when(lambda: (w := _window()) is not None and w.menus_ready(), first)
    QTimer.singleShot(WATCHDOG_MS, stuck)


def main(argv: list[str]) -> int:
    cancel_ms, quit_ms = (int(value) for value in argv)
    qInstallMessageHandler(_messages)
    app = application()  # the launcher's window uses this one; the timers need it first
    drive(cancel_ms, quit_ms)
    code = launcher.main(["demo"])
    del app
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
