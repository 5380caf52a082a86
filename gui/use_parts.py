"""Two parts of the mail-app page (page_use.py) with a job of their own: the administrators'
formats, apart and closed at first, and the grid of values to type into a mail app."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QGridLayout, QGroupBox, QPushButton, QVBoxLayout

from .look import tr
from .untrusted import label

if TYPE_CHECKING:
    from mailhop.core.export.manual_values import FormSection

__all__ = ["AdminFiles", "fill_values"]


class AdminFiles(QGroupBox):
    """The formats that publish settings for everyone, shown once ``toggle`` is ticked."""

    def __init__(self) -> None:
        super().__init__(tr("For administrators (publishing the settings)"))
        from mailhop.core.export.apps import ADMIN_FORMATS
        from mailhop.core.export.formats import export_format

        self.toggle = QCheckBox(tr("Show the &files for administrators"))
        self.toggle.setAccessibleName(tr("Show the files for administrators"))
        grid = QVBoxLayout(self)
        self.checks: dict[str, QCheckBox] = {}
        for name in ADMIN_FORMATS:
            item = export_format(name)
            check = QCheckBox(f"{item.shown_client}: {item.shown_kind}")
            check.setToolTip(item.shown_what)
            check.setAccessibleName(f"{item.shown_client}, {item.name}")
            grid.addWidget(check)
            self.checks[name] = check
        self.save = QPushButton(tr("Save the ticked files"))
        self.save.setAccessibleName(tr("Save the ticked files for administrators"))
        grid.addWidget(self.save, 0, Qt.AlignmentFlag.AlignLeft)
        self.setVisible(False)
        self.toggle.toggled.connect(self.setVisible)

    def chosen(self) -> tuple[str, ...]:
        """The ticked formats."""
        return tuple(name for name, check in self.checks.items() if check.isChecked())


def fill_values(grid: QGridLayout, sections: tuple[FormSection, ...]) -> None:
    """``sections`` in ``grid``: a bold title, then each field's name and its value, all
    plain text (host and user names come from outside) and the values selectable."""
    while grid.count():
        taken = grid.takeAt(0)
        if taken is not None and (widget := taken.widget()) is not None:
            widget.deleteLater()
    row = 0
    for section in sections:
        if section.title:
            title = label(section.title)
            font = title.font()
            font.setBold(True)
            title.setFont(font)
            grid.addWidget(title, row, 0, 1, 2)
            row += 1
        for field in section.fields:
            grid.addWidget(label(field.label + ":"), row, 0)
            value = label(field.value)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setAccessibleName(field.label)
            grid.addWidget(value, row, 1)
            row += 1
    grid.setColumnStretch(1, 1)
