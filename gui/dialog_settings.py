"""Advanced settings: the options the CLI has (resolver, trust anchor, extra CA, provider
database, deadline, test domains). Checked by the core when the next check starts.

And the window's language: the system's or one chosen here, kept with QSettings (gui/i18n.py)
and used from the next start (the pages are built once, in the language loaded then)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from . import i18n
from .look import tr

if TYPE_CHECKING:
    from mailhop.core.run.settings import Settings

__all__ = ["SettingsDialog"]


class SettingsDialog(QDialog):
    def __init__(self, current: Settings | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from mailhop.core.run.discovery import DEFAULT_HARD_DEADLINE
        from mailhop.core.run.settings import Settings

        current = current or Settings()
        self.setWindowTitle(tr("Advanced settings"))
        self._make_fields(current)
        self.deadline = QDoubleSpinBox()
        self.deadline.setRange(0.5, 120.0)
        self.deadline.setSuffix(" s")
        self.deadline.setValue(current.deadline or DEFAULT_HARD_DEADLINE)
        self.test_domains = QCheckBox(tr("Allow .test domains (labs and demos)"))
        self.test_domains.setChecked(current.allow_test_domains)
        self.language = QComboBox()
        for code, name in i18n.choices():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(max(0, self.language.findData(i18n.saved_choice())))
        self._lay_out()

    def _make_fields(self, current: Settings) -> None:
        """The text fields, each saying its default when empty."""
        self.resolver = QLineEdit(current.resolver)
        self.resolver.setPlaceholderText(tr("the system's resolver (for example 192.0.2.53:53)"))
        self.anchor = QLineEdit(str(current.trust_anchor or ""))
        self.anchor.setPlaceholderText(tr("IANA's root keys, shipped with mailhop"))
        self.ca_file = QLineEdit(str(current.ca_file or ""))
        self.ca_file.setPlaceholderText(tr("none: only this computer's trust store"))
        self.ispdb = QLineEdit(current.ispdb_url)
        self.ispdb.setPlaceholderText(tr("Thunderbird's provider database"))
        for field in (self.resolver, self.anchor, self.ca_file, self.ispdb):
            # The default is said in the empty field: wide enough to read it whole, in every
            # language (German and French ones are a third longer than the English).
            width = field.fontMetrics().horizontalAdvance(field.placeholderText())
            field.setMinimumWidth(width + 24)

    def _lay_out(self) -> None:
        form = QFormLayout()
        for words, widget in (
            (tr("DNS &resolver:"), self.resolver),
            (tr("DNSSEC &trust anchor file:"), self.anchor),
            (tr("Extra &CA file:"), self.ca_file),
            (tr("&Provider database URL:"), self.ispdb),
            (tr("&Deadline:"), self.deadline),
            (tr("&Language:"), self.language),
        ):
            label = QLabel(words)
            label.setBuddy(widget)
            widget.setAccessibleName(words.replace("&", "").rstrip(":"))
            form.addRow(label, widget)
        form.addRow("", self.test_domains)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._save_language)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        note = QLabel(
            tr(
                "Empty fields use the defaults. The values are checked when a check starts. "
                "A new language is used the next time mailhop starts."
            )
        )
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(buttons)

    def language_choice(self) -> str:
        """ "" for the system's language, else a code (en, de, fr)."""
        return str(self.language.currentData() or "")

    def _save_language(self) -> None:
        i18n.save_choice(self.language_choice())

    def settings(self) -> Settings:
        from mailhop.core.run.settings import Settings

        def path(field: QLineEdit) -> Path | None:
            text = field.text().strip()
            return Path(text).expanduser() if text else None

        return Settings(
            resolver=self.resolver.text().strip(),
            trust_anchor=path(self.anchor),
            ca_file=path(self.ca_file),
            ispdb_url=self.ispdb.text().strip(),
            deadline=self.deadline.value(),
            allow_test_domains=self.test_domains.isChecked(),
        )
