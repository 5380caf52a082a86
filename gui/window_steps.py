"""The step bar above the pages: five names, the current one bold, done ones clickable.

Only Qt and the address page are loaded before the first paint: even Qt's `Qt` namespace
costs about 17 ms on first use, so the bar imports it when a page is first shown.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from .look import tr

__all__ = ["STEP_OF", "StepBar", "step_names"]


def step_names() -> tuple[str, ...]:
    """The five steps' names in the person's language (literal tr() calls: lupdate reads them)."""
    return (tr("Address"), tr("Checking"), tr("Result"), tr("Sign in"), tr("Use it"))


# Each page's step, by class name: the pages' modules load only when a page is first built.
STEP_OF = {
    "AddressPage": 0,
    "ManualPage": 0,
    "CheckingPage": 1,
    "ResultPage": 2,
    "SignInPage": 3,
    "UsePage": 4,
}


class StepBar(QWidget):
    """The row of step names; a click on a step ``can_go_back`` allows calls ``go_to``."""

    def __init__(self, can_go_back: Callable[[int], bool], go_to: Callable[[int], None]) -> None:
        super().__init__()
        self.can_go_back, self.go_to = can_go_back, go_to
        self.steps = [QLabel(f"{n}. {name}") for n, name in enumerate(step_names(), 1)]
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(18)
        for label in self.steps:
            bold = label.font()
            bold.setBold(True)
            # Room for the bold form, so the current step's name is never cut.
            label.setMinimumWidth(QFontMetrics(bold).horizontalAdvance(label.text()) + 4)
            label.setAccessibleName(label.text())
            label.installEventFilter(self)  # a done step is clicked to go back to it
            row.addWidget(label)
        row.addStretch(1)

    def mark(self, current: int) -> None:
        """Bold for ``current``, greyed steps ahead, a hand over the ones to go back to."""
        for index, label in enumerate(self.steps):
            label.setObjectName("stepCurrent" if index == current else "step")
            font = label.font()
            font.setBold(index == current)
            label.setFont(font)
            label.setEnabled(index <= current)
            back = index < current and self.can_go_back(index)
            if back:
                from PySide6.QtCore import Qt

                label.setCursor(Qt.CursorShape.PointingHandCursor)
            else:  # no Qt enum: the first one costs PySide ~90 enum classes before the paint
                label.unsetCursor()
            label.setToolTip(tr("Back to this step") if back else "")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.MouseButtonRelease and watched in self.steps:
            self.go_to(self.steps.index(watched))
            return True
        return super().eventFilter(watched, event)
