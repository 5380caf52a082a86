"""A child process for the start-up measurements: show a window, report its first paint.

    python -m tests.gui.first_paint mailhop|bare

Prints one JSON line when the window has painted for the first time: seconds since the
interpreter started (time.perf_counter from the first line of this module is not enough:
the parent also measures from the process's spawn) and the heavy modules already loaded.
"""

from __future__ import annotations

import json
import sys
import time

STARTED = time.perf_counter()
HEAVY = ("dns", "httpcore", "h11", "anyio", "cryptography", "ssl", "keyring", "idna", "asyncio")


def main(kind: str) -> int:
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QWidget

    if kind == "mailhop":
        from mailhop.gui.app import application
        from mailhop.gui.window import MainWindow

        app = application()
        window: QWidget = MainWindow()
    else:
        app = QApplication(["bare"])
        window = QWidget()
        window.resize(980, 720)

    class FirstPaint(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and watched is window:
                loaded = sorted({m.split(".")[0] for m in sys.modules} & set(HEAVY))
                print(json.dumps({"painted": time.perf_counter() - STARTED, "heavy": loaded}))
                sys.stdout.flush()
                QTimer.singleShot(0, app.quit)
                window.removeEventFilter(self)
            return False

    spy = FirstPaint()
    window.installEventFilter(spy)
    window.show()
    QTimer.singleShot(10000, app.quit)  # never hang a benchmark
    app.exec()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
