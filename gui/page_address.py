"""Page 1: one field for the address, checked as it is typed; Enter starts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from .look import heading, show_as_error, tr
from .untrusted import set_text

if TYPE_CHECKING:  # not at run time: this page is part of the first paint, the core is not
    from mailhop.core.common.address import AddressError, EmailAddress

__all__ = ["AddressPage"]


class AddressPage(QWidget):
    """Emits ``start(EmailAddress)`` when a valid address is submitted, ``manual(EmailAddress)``
    when the person wants to type the servers in themselves."""

    start = Signal(object)
    manual = Signal(object)

    def __init__(self, allow_test_domains: bool = False) -> None:
        super().__init__()
        self.allow_test_domains = allow_test_domains
        self.field = QLineEdit()
        self.field.setPlaceholderText(tr("you@example.com"))
        self.field.setAccessibleName(tr("Email address"))
        self.field.setAccessibleDescription(
            tr("The address of the account to set up. Press Enter to check it.")
        )
        self.field.setClearButtonEnabled(True)
        self.field.textChanged.connect(self._validate)
        self.field.returnPressed.connect(self._submit)
        self.error = QLabel()
        show_as_error(self.error)
        self.error.setWordWrap(True)
        self.error.setAccessibleName(tr("Problem with the address"))
        self.go = QPushButton(tr("&Check this address"))
        self.go.setAccessibleName(tr("Check this address"))
        self.go.setDefault(True)
        self.go.setEnabled(False)
        self.go.clicked.connect(self._submit)
        self.by_hand = QPushButton(tr("Enter the servers &yourself…"))
        self.by_hand.setAccessibleName(tr("Enter the servers yourself"))
        self.by_hand.setAccessibleDescription(
            tr("When nothing is published, or you know the settings better")
        )
        self.by_hand.setEnabled(False)
        self.go.setToolTip(tr("Type your email address first."))
        self.by_hand.setToolTip(tr("Type your email address first."))
        self.by_hand.clicked.connect(lambda: self._submit(by_hand=True))

        label = QLabel(tr("Your &email address:"))
        label.setBuddy(self.field)
        intro = QLabel(
            tr(
                "mailhop asks the address's own domain how mail clients must reach it, checks "
                "every server it names, and tells you what it found before any password is "
                "sent."
            )
        )
        intro.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.field, 1)
        row.addWidget(self.go)
        layout = QVBoxLayout(self)
        layout.addWidget(heading(tr("Set up a mail account")))
        layout.addWidget(intro)
        layout.addSpacing(12)
        layout.addWidget(label)
        layout.addLayout(row)
        layout.addWidget(self.error)
        hand_row = QHBoxLayout()
        hand_row.addStretch(1)
        hand_row.addWidget(self.by_hand)
        layout.addLayout(hand_row)
        layout.addStretch(1)

    def set_address(self, text: str) -> None:
        self.field.setText(text)
        self.field.setFocus()

    def _parse(self) -> EmailAddress | AddressError:
        """The address, or why it is not one (the core's error: a code and words)."""
        from mailhop.core.common.address import AddressError, parse_address

        try:
            return parse_address(self.field.text(), allow_test_domains=self.allow_test_domains)
        except AddressError as exc:
            return exc

    def _validate(self) -> None:
        text = self.field.text().strip()
        # Disabled only with nothing to check, and then it says why; a wrong address keeps
        # the buttons, whose click names the problem (a disabled button explains nothing).
        why = "" if text else tr("Type your email address first.")
        for button in (self.go, self.by_hand):
            button.setEnabled(bool(text))
            button.setToolTip(why or button.accessibleDescription())
        if not text:
            self.error.clear()
            return
        parsed = self._parse()
        failed = isinstance(parsed, Exception)
        # While the person is still typing the domain, say nothing yet.
        if failed and "@" in text and "." in text.rpartition("@")[2]:
            set_text(self.error, str(parsed))  # it quotes what was typed or pasted
        else:
            self.error.clear()

    def _submit(self, by_hand: bool = False) -> None:
        parsed = self._parse()
        if isinstance(parsed, Exception):
            set_text(self.error, str(parsed))
            self.field.setFocus()
            return
        self.error.clear()
        (self.manual if by_hand else self.start).emit(parsed)
