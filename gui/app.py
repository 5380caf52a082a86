"""Opening the window: the Qt application, its style and translations, the window itself.

``run_window`` is what ``mailhop``, ``mailhop gui`` and ``mailhop demo`` end in. Only Qt is
imported before the first paint; the core's network and crypto modules load when a check
starts (tests/bench/bench_window.py measures this against a bare PySide6 window).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from importlib import resources

from PySide6.QtWidgets import QApplication

from . import i18n
from .session import Session
from .window import MainWindow

__all__ = ["application", "run_window"]


def application(argv: Sequence[str] = ()) -> QApplication:
    """The one QApplication, made once, with mailhop's names, style rules and translations."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    app = QApplication(["mailhop", *argv])
    app.setApplicationName("mailhop")
    app.setApplicationDisplayName("mailhop")
    app.setOrganizationName("mailhop")
    app.setDesktopFileName("org.mailhop.mailhop")  # installer/linux/*.desktop
    style = resources.files("mailhop.resources").joinpath("mailhop.qss").read_text("utf-8")
    app.setStyleSheet(style)
    # Before any widget is made: the pages take their words when they are built. mailhop's,
    # Qt's own (dialog buttons) and the core's words, in the saved choice or the system's.
    i18n.install(app)
    return app


def run_window(session: Session | None = None, argv: Sequence[str] = ()) -> int:
    app = application(argv)
    window = MainWindow(session)
    window.show()
    return app.exec()


def main(argv: Sequence[str] = ()) -> int:
    return run_window(None, argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
