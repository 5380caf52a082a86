"""Page 5: settings files for the person's mail clients, the Android QR code on screen,
optional signing of the Apple profile, and a plain summary for a helpdesk ticket."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from .look import heading, tr
from .untrusted import label, set_text

__all__ = ["UsePage"]

# Ticked at first: one file each for the clients most people use.
DEFAULT_FORMATS = ("thunderbird", "apple", "k9", "sheet")
# The Apple profile's signing files: certificate, private key, intermediates (optional).
Signing = tuple[Path, Path, Path | None]


class UsePage(QWidget):
    """Emits ``save(formats, folder, signing)`` (signing: (cert, key, chain) paths or None),
    ``copy_summary`` and ``finish``."""

    save = Signal(object, object, object)
    copy_summary = Signal()
    finish = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.title = heading(tr("Use it in your mail client"))
        pick = self._format_picker()
        folder_row = self._folder_row()
        sign_form = self._signing_form()
        self._make_buttons()
        self.status = label()
        self.status.setWordWrap(True)
        self.status.setAccessibleName(tr("Saved files"))
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        left = QVBoxLayout()
        left.addWidget(pick)
        left.addLayout(folder_row)
        left.addWidget(self.signing)
        left.addWidget(sign_form)
        left.addWidget(self.status, 1)
        columns = QHBoxLayout()
        columns.addLayout(left, 3)
        columns.addWidget(self._qr_box(), 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.copy_button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.finish_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(columns, 1)
        layout.addLayout(buttons)

    def _format_picker(self) -> QGroupBox:
        """One tick box per export format, the common ones ticked."""
        from mailhop.core.export.formats import FORMATS

        pick = QGroupBox(tr("Files for your mail clients (none holds your password)"))
        grid = QGridLayout(pick)
        self.checks: dict[str, QCheckBox] = {}
        for position, item in enumerate(FORMATS):
            check = QCheckBox(f"{item.shown_client}: {item.shown_kind}")
            check.setToolTip(item.shown_what)
            check.setAccessibleName(f"{item.shown_client}, {item.name}")
            check.setChecked(item.name in DEFAULT_FORMATS)
            grid.addWidget(check, position // 2, position % 2)
            self.checks[item.name] = check
        return pick

    def _folder_row(self) -> QHBoxLayout:
        self.folder = QLineEdit()
        self.folder.setAccessibleName(tr("Folder for the files"))
        browse = QPushButton(tr("C&hoose…"))
        browse.setAccessibleName(tr("Choose the folder"))
        browse.clicked.connect(self._browse)
        folder_row = QHBoxLayout()
        folder_row.addWidget(QLabel(tr("Save into:")))
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
        self.signing.toggled.connect(sign_form.setVisible)
        return sign_form

    def _make_buttons(self) -> None:
        self.save_button = QPushButton(tr("&Save the chosen files"))
        self.save_button.setAccessibleName(tr("Save the chosen files"))
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self._save)
        self.copy_button = QPushButton(tr("Copy a &summary for a helpdesk ticket"))
        self.copy_button.setAccessibleName(tr("Copy a summary for a helpdesk ticket"))
        self.copy_button.clicked.connect(self.copy_summary.emit)
        self.finish_button = QPushButton(tr("&Done"))
        self.finish_button.setAccessibleName(tr("Done"))
        self.finish_button.clicked.connect(self.finish.emit)

    def _qr_box(self) -> QGroupBox:
        """The Thunderbird for Android QR code and how to use it."""
        self.qr = QLabel()
        self.qr.setAccessibleName(tr("QR code for Thunderbird for Android"))
        self.qr.setAlignment(Qt.AlignmentFlag.AlignCenter)
        # A short title: a group box's title cannot wrap, and a long one (German, French)
        # widened the page past the window's width. The instructions wrap below the code.
        qr_box = QGroupBox(tr("Thunderbird for Android"))
        qr_layout = QVBoxLayout(qr_box)
        qr_layout.addWidget(self.qr)
        hint = QLabel(
            tr(
                "Scan this code in the app: Add account, then Import from Thunderbird. "
                "No password is in it."
            )
        )
        hint.setWordWrap(True)
        qr_layout.addWidget(hint)
        return qr_box

    def prepare(self, address: str, folder: Path) -> None:
        set_text(self.title, tr("Use {address} in your mail client").format(address=address))
        self.folder.setText(str(folder))
        self.status.clear()
        self.qr.clear()
        self.save_button.setFocus()

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
        return tuple(name for name, check in self.checks.items() if check.isChecked())

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, tr("Save the files into"), self.folder.text()
        )
        if folder:
            self.folder.setText(folder)

    def _save(self) -> None:
        formats = self.chosen()
        if not formats:
            set_text(self.status, tr("Tick at least one client."))
            return
        signing: Signing | None = None
        if self.signing.isChecked():
            cert, key, chain = (field.text().strip() for field in self.sign_fields)
            if not (cert and key):
                set_text(self.status, tr("Signing needs a certificate and its private key."))
                return
            signing = (Path(cert), Path(key), Path(chain) if chain else None)
        self.save_button.setEnabled(False)
        set_text(self.status, tr("Saving…"))
        self.save.emit(formats, Path(self.folder.text().strip()).expanduser(), signing)

    def show_saved(self, lines: list[str]) -> None:
        self.save_button.setEnabled(True)
        set_text(self.status, "\n".join(lines))  # paths and errors: names from outside

    def summary_copied(self, text: str) -> None:
        QGuiApplication.clipboard().setText(text)
        set_text(self.status, tr("A plain summary of the settings is on the clipboard."))
