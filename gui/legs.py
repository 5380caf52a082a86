"""The picture of a message's trip: your device -> outgoing server, server -> server,
incoming server -> your devices; each leg a card coloured by its verdict."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from .look import icon, level_colour, tr
from .untrusted import label, neutral, set_text

if TYPE_CHECKING:  # types only: the first paint loads no core module
    from mailhop.core.verdict.verdict import Level

__all__ = ["LegCard", "LegsPicture", "headline", "level_text"]


def level_text(level: Level | None) -> str:
    """A verdict level in words (literal tr() calls, so lupdate extracts each); None is a
    leg with nothing found."""
    from mailhop.core.verdict.verdict import Level

    words = {
        Level.OK: tr("OK"),
        Level.WARN: tr("Warning"),
        Level.BLOCK: tr("Blocked"),
        Level.COULD_NOT_CHECK: tr("Could not check"),
    }
    return words[level] if level is not None else tr("Not found")


def _look(level: Level | None) -> str:
    """The name of the level's icon and colour (resources/icons, look.LEVEL_COLOURS)."""
    return level.value if level is not None else "none"


# Tables of words are functions of literal tr() calls: lupdate reads literals only, and the
# words must be looked up after the person's language is loaded, not at import.
def headline(level: Level) -> str:
    from mailhop.core.verdict.verdict import Level

    return {
        Level.OK: tr("Ready to set up"),
        Level.WARN: tr("Usable, but read the warnings"),
        Level.BLOCK: tr("This account cannot be set up safely"),
        Level.COULD_NOT_CHECK: tr("Could not check from this computer"),
    }[level]


class LegCard(QFrame):
    def __init__(self, title: str) -> None:
        super().__init__()
        self.setObjectName("leg")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.title = label(title)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.title.setWordWrap(True)
        self.mark = QLabel()
        self.level = label()
        self.lines = label()
        self.lines.setWordWrap(True)
        self.lines.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        top = QHBoxLayout()
        top.addWidget(self.mark)
        top.addWidget(self.level, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(top)
        layout.addWidget(self.lines, 1)
        self.setMinimumWidth(200)

    def show_leg(self, level: Level | None, lines: list[str]) -> None:
        words = level_text(level)
        self.mark.setPixmap(icon(_look(level)).pixmap(22, 22))
        set_text(self.level, words)
        set_text(self.lines, "\n".join(lines))  # host names, a relay's failure: outside words
        colour = level_colour(_look(level)).name()
        self.setStyleSheet(f"QFrame#leg {{ border-color: {colour}; }}")
        self.setAccessibleName(f"{self.title.text()}: {words}")
        self.setAccessibleDescription(neutral(" ".join(lines)))


class LegsPicture(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.submission = LegCard(tr("Your device → outgoing server (sending)"))
        self.relay = LegCard(tr("Server → server (mail to your domain)"))
        self.access = LegCard(tr("Incoming server → your devices (receiving)"))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for position, card in enumerate((self.submission, self.relay, self.access)):
            if position:
                arrow = QLabel("→")
                arrow.setAccessibleName(tr("then"))
                arrow.setAlignment(Qt.AlignmentFlag.AlignCenter)
                layout.addWidget(arrow)
            layout.addWidget(card, 1)
