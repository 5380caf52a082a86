"""Shared look: translation, verdict colours that read on light and dark palettes, headings.

Colours are only accents (a border, an icon); text always uses the platform palette, so a
dark theme stays dark and high-contrast themes keep their contrast.
"""

from __future__ import annotations

from importlib import resources

from PySide6.QtCore import QCoreApplication, QLocale
from PySide6.QtGui import QColor, QIcon, QPalette
from PySide6.QtWidgets import QApplication, QFrame, QLabel, QWidget

__all__ = ["LEVEL_COLOURS", "heading", "icon", "is_dark", "level_colour", "show_as_error", "tr"]

# Verdict level -> (light theme, dark theme) accent; each meets 3:1 against its background.
LEVEL_COLOURS = {
    "ok": ("#1b7f3b", "#4cc36f"),
    "warn": ("#9a5b00", "#f0b429"),
    "block": ("#b3261e", "#ff7a70"),
    # Not the domain's fault: blue, never the red of a block (DESIGN.md section 4, rule 11).
    "could-not-check": ("#1f5fa8", "#7fb0ff"),
    "none": ("#6b6b6b", "#9a9a9a"),
}


# pyside6-lupdate files a bare ``tr("...")`` call under the empty context, wherever it stands
# (it knows only ``self.tr`` as a class's own): the look-up uses the same one, so what lupdate
# extracts is what the window asks for (tests/gui/test_translations.py).
CONTEXT = ""


def tr(text: str) -> str:
    """Text for people, through Qt's translator. Call it with a literal (or a literal marked
    with QT_TRANSLATE_NOOP("", ...)) so lupdate can extract it; placeholders are {names},
    filled in by .format() after translating."""
    return QCoreApplication.translate(CONTEXT, text)


def seconds(value: float, digits: int = 1) -> str:
    """A duration in seconds, written the person's way ("0.5 s", "0,5 s")."""
    return tr("{n} s").format(n=QLocale().toString(float(value), "f", digits))


def is_dark() -> bool:
    palette = QApplication.palette()
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def level_colour(level: str) -> QColor:
    light, dark = LEVEL_COLOURS.get(level, LEVEL_COLOURS["none"])
    return QColor(dark if is_dark() else light)


def show_as_error(label: QLabel, error: bool = True) -> None:
    """Words of a problem in the block colour and bold; ``error=False`` gives the label back
    its palette's colour. A style sheet of the label's own, not its palette: the application's
    style sheet polishes a widget again when it is first shown, which resets a palette set
    before. Both accents keep 4.5:1 against their theme's window colour."""
    label.setObjectName("errorText" if error else "")
    colour = level_colour("block").name()
    label.setStyleSheet(f"QLabel {{ color: {colour}; font-weight: bold; }}" if error else "")


def heading(text: str, parent: QWidget | None = None, *, size: float = 1.4) -> QLabel:
    label = QLabel(text, parent)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * size)
    font.setBold(True)
    label.setFont(font)
    label.setWordWrap(True)
    label.setAccessibleName(text)
    return label


def separator() -> QFrame:
    line = QFrame()
    line.setFrameShape(QFrame.Shape.HLine)
    line.setFrameShadow(QFrame.Shadow.Sunken)
    return line


def icon(name: str) -> QIcon:
    """An SVG from resources/icons (shipped as mailhop.resources)."""
    # One name per step: in a frozen bundle this is Python 3.11's MultiplexedPath, whose
    # joinpath() takes a single name (tests/installer/test_bundle_linux.py runs it).
    path = resources.files("mailhop.resources") / "icons" / f"{name}.svg"
    with resources.as_file(path) as real:
        return QIcon(str(real))
