"""Settings entered by hand, as in Thunderbird's manual configuration: host, port and security
for receiving and for sending (and a user name when it is not the address).

Nothing is trusted because it was typed: the window runs the same check on exactly these
servers (core/run/manual.py), with the certificate check, the verdict, the approval and the
sign-in test of any other account. Ports follow the security the person picks until they
type a port of their own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from .look import heading, show_as_error, tr
from .untrusted import label, set_text

if TYPE_CHECKING:
    from mailhop.core.run.manual import ManualServer

__all__ = ["ManualPage"]

# (service value, security value) -> the standard port (RFC 8314, RFC 6409).
PORTS = {
    ("imap", "implicit-tls"): 993,
    ("imap", "starttls"): 143,
    ("pop3", "implicit-tls"): 995,
    ("pop3", "starttls"): 110,
    ("submission", "implicit-tls"): 465,
    ("submission", "starttls"): 587,
}


class _ServerForm(QGroupBox):
    """One server's fields; ``service`` is fixed for sending, chosen for receiving."""

    def __init__(self, title: str, services: tuple[tuple[str, str], ...]) -> None:
        super().__init__(title)
        self.service = QComboBox()
        for value, words in services:
            self.service.addItem(words, value)
        self.host = QLineEdit()
        self.host.setPlaceholderText("mail.example.com")  # a host name, the same in every language
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.security = QComboBox()
        # Thunderbird's words for the two; protocol names, not translated.
        self.security.addItem("SSL/TLS", "implicit-tls")
        self.security.addItem("STARTTLS", "starttls")
        self.username = QLineEdit()
        self.username.setPlaceholderText(tr("the email address"))
        form = QFormLayout(self)
        rows = (
            (tr("Protocol:"), self.service),
            (tr("Server name:"), self.host),
            (tr("Port:"), self.port),
            (tr("Connection security:"), self.security),
            (tr("User name:"), self.username),
        )
        for words, field in rows:
            field.setAccessibleName(f"{title}: {words.rstrip(':').strip()}")
            if field is not self.service or len(services) > 1:
                form.addRow(words, field)
        self._standard = True
        self.service.currentIndexChanged.connect(self._follow)
        self.security.currentIndexChanged.connect(self._follow)
        self.port.valueChanged.connect(self._typed_port)
        self._follow()

    def _typed_port(self) -> None:
        self._standard = self.port.value() in PORTS.values()

    def _follow(self) -> None:
        """A standard port follows the protocol and security; a typed one stays."""
        if self._standard:
            port = PORTS[(self.service.currentData(), self.security.currentData())]
            self.port.blockSignals(True)
            self.port.setValue(port)
            self.port.blockSignals(False)

    def server(self) -> ManualServer:
        """Raises fields.FieldError or ValueError with what is wrong."""
        from mailhop.core.common.model import Security, Service
        from mailhop.core.run.manual import ManualServer

        return ManualServer.typed(
            Service(self.service.currentData()),
            self.host.text(),
            self.port.value(),
            Security(self.security.currentData()),
            self.username.text(),
        )


class ManualPage(QWidget):
    """Emits ``check(servers)`` (a tuple of ManualServer) and ``back``."""

    check = Signal(object)
    back = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.title = heading(tr("Enter the servers yourself"))
        intro = label(
            tr(
                "Type what your provider or administrator gave you. mailhop then checks exactly "
                "these servers, with the same certificate checks as always, before any password "
                "is sent."
            )
        )
        intro.setWordWrap(True)
        self.incoming = _ServerForm(
            tr("Receiving (incoming server)"), (("imap", "IMAP"), ("pop3", "POP3"))
        )
        self.outgoing = _ServerForm(
            tr("Sending (outgoing server, SMTP)"), (("submission", "SMTP"),)
        )
        self.error = label()
        show_as_error(self.error)
        self.error.setWordWrap(True)
        self.error.setAccessibleName(tr("Problem with the settings"))
        self.back_button = QPushButton(tr("&Back"))
        self.back_button.setAccessibleName(tr("Back"))
        self.back_button.clicked.connect(self.back.emit)
        self.go = QPushButton(tr("Check &these servers"))
        self.go.setAccessibleName(tr("Check these servers"))
        self.go.setDefault(True)
        self.go.clicked.connect(self._submit)
        forms = QHBoxLayout()
        forms.addWidget(self.incoming, 1)
        forms.addWidget(self.outgoing, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.go)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(intro)
        layout.addLayout(forms)
        layout.addWidget(self.error)
        layout.addStretch(1)
        layout.addLayout(buttons)

    def prepare(self, address: str) -> None:
        set_text(self.title, tr("Enter the servers for {address}").format(address=address))
        self.error.clear()
        self.incoming.host.setFocus()

    def _submit(self) -> None:
        from mailhop.core.common.fields import FieldError

        servers = []
        forms = (
            (self.incoming, tr("Receiving server: {problem}")),
            (self.outgoing, tr("Sending server: {problem}")),
        )
        for form, words in forms:
            try:
                servers.append(form.server())
            except (FieldError, ValueError) as exc:
                set_text(self.error, words.format(problem=exc))
                form.host.setFocus()
                return
        self.error.clear()
        self.check.emit(tuple(servers))
