"""Start-up: the first paint needs Qt and mailhop's own widgets, nothing of the network."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from mailhop.gui.look import LEVEL_COLOURS, level_colour


def test_no_dns_http_or_crypto_module_is_loaded_before_the_first_paint() -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-m", "tests.gui.first_paint", "mailhop"],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["heavy"] == [], report


def test_verdict_colours_follow_the_palette(qapp: object) -> None:
    from PySide6.QtGui import QColor, QPalette
    from PySide6.QtWidgets import QApplication

    saved = QApplication.palette()
    try:
        for window_colour, column in (("#f0f0f0", 0), ("#202020", 1)):
            palette = QPalette(saved)
            palette.setColor(QPalette.ColorRole.Window, QColor(window_colour))
            QApplication.setPalette(palette)
            for level, pair in LEVEL_COLOURS.items():
                assert level_colour(level).name() == pair[column]
    finally:
        QApplication.setPalette(saved)
