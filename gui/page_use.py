"""Page 5: the person's own mail app, its steps alone, the one file it needs and the one action
that hands it over (the system opens a profile or a .reg, the QR code for Android, the values
in Thunderbird's field names); the administrators' formats in a part of their own.

The table of apps, files and steps is the core's (core/export/apps.py); this page only shows
the chosen row. Nothing here writes or opens a file: the window does, on the worker.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from .look import heading, tr
from .untrusted import label, set_text
from .use_parts import AdminFiles, fill_values

if TYPE_CHECKING:
    from mailhop.core.export.apps import MailApp
    from mailhop.core.export.manual_values import FormSection

__all__ = ["UsePage"]

# The Apple profile's signing files: certificate, private key, intermediates (optional).
Signing = tuple[Path, Path, Path | None]


class UsePage(QWidget):
    """Emits ``save(formats, folder, signing, open_first)`` (signing: (cert, key, chain) paths
    or None; open_first: the system opens the first file once saved), ``copy_summary``,
    ``back`` and ``finish``."""

    save = Signal(object, object, object, bool)
    copy_summary = Signal()
    back = Signal()
    finish = Signal()

    def __init__(self) -> None:
        super().__init__()
        from mailhop.core.export.apps import APPS

        self.apps: tuple[MailApp, ...] = APPS
        self.platform = sys.platform  # where the "open it" action works; tests set another
        self.address = ""
        self.title = heading(tr("Use it in your mail client"))
        self.app = QComboBox()
        self.app.setAccessibleName(tr("Your mail app"))
        for app in APPS:
            self.app.addItem(app.shown_name, app.key)
        app_label = QLabel(tr("Your &mail app:"))
        app_label.setBuddy(self.app)
        app_row = QHBoxLayout()
        app_row.addWidget(app_label)
        app_row.addWidget(self.app, 1)
        self.steps = label()
        self.steps.setWordWrap(True)
        self.steps.setAccessibleName(tr("Steps"))
        self.steps.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.values_box = QGroupBox(tr("Type these values"))
        self.values = QGridLayout(self.values_box)
        folder_row = self._folder_row()
        sign_form = self._signing_form()
        admin = self._admin_part()
        self._make_buttons()
        self.status = label()
        self.status.setWordWrap(True)
        self.status.setAccessibleName(tr("Saved files"))
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(app_row)
        layout.addWidget(self._scroller(folder_row, sign_form, admin), 1)
        layout.addLayout(self._button_row())
        self.sections: tuple[FormSection, ...] = ()
        self.app.currentIndexChanged.connect(self._show_app)
        self._show_app()

    def _scroller(self, folder_row: QHBoxLayout, sign_form: QWidget, admin: QWidget) -> QWidget:
        """Steps, values, files and the QR code: at 800x600 a long step list and the values
        may not fit, so they scroll down, never sideways (the labels wrap)."""
        left = QVBoxLayout()
        left.addWidget(self.steps)
        left.addWidget(self.values_box)
        left.addLayout(folder_row)
        left.addWidget(self.signing)
        left.addWidget(sign_form)
        left.addWidget(self.status)
        left.addWidget(self.admin_toggle)
        left.addWidget(admin)
        left.addStretch(1)
        columns = QHBoxLayout()
        columns.addLayout(left, 3)
        columns.addWidget(self._qr_box(), 1)
        inner = QWidget()
        inner.setLayout(columns)
        scroll = QScrollArea()
        scroll.setWidget(inner)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroller = scroll
        return scroll

    def _button_row(self) -> QHBoxLayout:
        buttons = QHBoxLayout()
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.copy_button)
        buttons.addStretch(1)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.finish_button)
        return buttons

    # -- parts -------------------------------------------------------------------------------

    def _admin_part(self) -> QWidget:
        """The formats that publish settings for everyone: apart, closed at first."""
        self.admin = AdminFiles()
        self.admin_toggle, self.checks, self.admin_save = (
            self.admin.toggle,
            self.admin.checks,
            self.admin.save,
        )
        self.admin_save.clicked.connect(self._save_admin)
        return self.admin

    def _folder_row(self) -> QHBoxLayout:
        self.folder = QLineEdit()
        self.folder.setAccessibleName(tr("Folder for the files"))
        browse = QPushButton(tr("C&hoose…"))
        browse.setAccessibleName(tr("Choose the folder"))
        browse.clicked.connect(self._browse)
        self.folder_label = QLabel(tr("Save into:"))
        self.browse = browse
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder_label)
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(browse)
        return folder_row

    def _signing_form(self) -> QWidget:
        """A tick box that opens the certificate fields: most people never sign, so the
        fields (and any frame around them) appear only once it is ticked."""
        self.signing = QCheckBox(tr("Sign the Apple profile (optional)"))
        self.signing.setAccessibleName(tr("Sign the Apple profile"))
        sign_form = QWidget()
        form = QFormLayout(sign_form)
        self.sign_fields: list[QLineEdit] = []
        for words in (tr("Certificate (PEM)"), tr("Private key (PEM)"), tr("Intermediates (PEM)")):
            field = QLineEdit()
            field.setAccessibleName(words)
            form.addRow(words + ":", field)
            self.sign_fields.append(field)
        sign_form.setVisible(False)
        self.signing.toggled.connect(lambda on: sign_form.setVisible(on and self._is_apple()))
        self.sign_form = sign_form
        return sign_form

    def _make_buttons(self) -> None:
        self.save_button = QPushButton(tr("Sa&ve the file"))
        self.save_button.setAccessibleName(tr("Save the file"))
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(lambda: self._save(open_first=False))
        self.open_button = QPushButton(tr("Save and &open it"))
        self.open_button.setAccessibleName(tr("Save the file and open it"))
        self.open_button.clicked.connect(lambda: self._save(open_first=True))
        self.copy_button = QPushButton(tr("Copy a &summary for a helpdesk ticket"))
        self.copy_button.setAccessibleName(tr("Copy a summary for a helpdesk ticket"))
        self.copy_button.clicked.connect(self.copy_summary.emit)
        self.back_button = QPushButton(tr("&Back"))
        self.back_button.setAccessibleName(tr("Back"))
        self.back_button.clicked.connect(self.back.emit)
        self.finish_button = QPushButton(tr("&Done"))
        self.finish_button.setAccessibleName(tr("Done"))
        self.finish_button.clicked.connect(self.finish.emit)

    def _qr_box(self) -> QGroupBox:
        """The Thunderbird for Android QR code, shown for that app only."""
        self.qr = QLabel()
        self.qr.setAccessibleName(tr("QR code for Thunderbird for Android"))
        self.qr.setAlignment(Qt.AlignmentFlag.AlignCenter)
        # A short title: a group box's title cannot wrap, and a long one (German, French)
        # widened the page past the window's width.
        self.qr_box = QGroupBox(tr("Thunderbird for Android"))
        QVBoxLayout(self.qr_box).addWidget(self.qr)
        return self.qr_box

    # -- the chosen app ------------------------------------------------------------------------

    def chosen_app(self) -> MailApp:
        return self.apps[max(self.app.currentIndex(), 0)]

    def _is_apple(self) -> bool:
        return "apple" in self.chosen_app().formats

    def _show_app(self) -> None:
        from mailhop.core.export.apps import Handover
        from mailhop.core.export.formats import export_format

        app = self.chosen_app()
        files = [export_format(name).filename for name in app.formats]
        main = self._file_name(app.formats[0]) if app.formats else ""
        steps = app.shown_steps(main)
        set_text(self.steps, "\n".join(f"{n}. {step}" for n, step in enumerate(steps, 1)))
        typed = app.handover is Handover.TYPE_VALUES
        self.values_box.setVisible(typed)
        self.qr_box.setVisible(app.handover is Handover.QR_CODE)
        has_file = bool(files)
        for widget in (self.folder, self.folder_label, self.browse, self.save_button):
            widget.setVisible(has_file)
        self.open_button.setVisible(app.can_open(self.platform))
        self.signing.setVisible(self._is_apple())
        self.sign_form.setVisible(self._is_apple() and self.signing.isChecked())
        self.save_button.setText(tr("Sa&ve the files") if len(files) > 1 else tr("Sa&ve the file"))
        self.status.clear()

    def _file_name(self, name: str) -> str:
        from mailhop.core.export.formats import export_format

        local, _, domain = self.address.rpartition("@")
        return export_format(name).filename.format(local=local, domain=domain)

    # -- the window's calls --------------------------------------------------------------------

    def prepare(self, address: str, folder: Path, sections: tuple[FormSection, ...] = ()) -> None:
        self.address = address
        set_text(self.title, tr("Use {address} in your mail client").format(address=address))
        self.folder.setText(str(folder))
        self.sections = sections
        fill_values(self.values, sections)
        self.qr.clear()
        self._show_app()
        self.app.setFocus()

    def show_qr(self, png: bytes) -> None:
        pixmap = QPixmap()
        pixmap.loadFromData(png, "PNG")
        side = 220
        self.qr.setPixmap(
            pixmap.scaled(
                side,
                side,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.FastTransformation,
            )
        )

    def chosen(self) -> tuple[str, ...]:
        """The administrators' ticked formats."""
        return self.admin.chosen()

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, tr("Save the files into"), self.folder.text()
        )
        if folder:
            self.folder.setText(folder)

    def _save(self, *, open_first: bool) -> None:
        formats = self.chosen_app().formats
        signing: Signing | None = None
        if self._is_apple() and self.signing.isChecked():
            cert, key, chain = (field.text().strip() for field in self.sign_fields)
            if not (cert and key):
                set_text(self.status, tr("Signing needs a certificate and its private key."))
                return
            signing = (Path(cert), Path(key), Path(chain) if chain else None)
        self._emit(formats, signing, open_first)

    def _save_admin(self) -> None:
        formats = self.chosen()
        if not formats:
            set_text(self.status, tr("Tick at least one file."))
            return
        self._emit(formats, None, False)

    def _emit(self, formats: tuple[str, ...], signing: Signing | None, open_first: bool) -> None:
        for button in (self.save_button, self.open_button, self.admin_save):
            button.setEnabled(False)
        set_text(self.status, tr("Saving…"))
        self.save.emit(formats, Path(self.folder.text().strip()).expanduser(), signing, open_first)

    def show_saved(self, lines: list[str]) -> None:
        for button in (self.save_button, self.open_button, self.admin_save):
            button.setEnabled(True)
        set_text(self.status, "\n".join(lines))  # paths and errors: names from outside

    def summary_copied(self, text: str) -> None:
        QGuiApplication.clipboard().setText(text)
        set_text(self.status, tr("A plain summary of the settings is on the clipboard."))
