"""Page 4: the password (never for OAuth2 accounts), the login tests, and where things went.

An OAuth2 account has no password field: a button opens the provider's sign-in page in the
system browser (the window's ``open_url``) and the page waits, with Cancel and the time it
waits until; an optional client ID field takes an administrator's client ID for providers
that do not let programs register themselves (core/account/oauth_flow.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from .look import heading, icon, show_as_error, tr
from .untrusted import item, label, server_words, set_item_tooltip, set_text

if TYPE_CHECKING:
    from mailhop.core.account.setup import SetupOutcome

__all__ = ["SignInPage"]


class SignInPage(QWidget):
    """Emits ``sign_in(password or None)`` (None: OAuth2, nothing to type) and ``done``."""

    sign_in = Signal(object)
    done = Signal()
    back = Signal()
    cancel = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.title = heading(tr("Sign in"))
        self.explain = label()
        self.explain.setWordWrap(True)
        self._make_fields()
        self._make_buttons()
        self._make_outcome()
        self.busy = QProgressBar()  # no percentage to give: the login test is one exchange
        self.busy.setRange(0, 0)
        self.busy.setAccessibleName(tr("Signing in"))
        self.busy.setVisible(False)
        self.next = QPushButton(tr("Use it in your mail &client →"))
        self.next.setAccessibleName(tr("Use it in your mail client"))
        self.next.clicked.connect(self.done.emit)
        self._lay_out()
        self.oauth2 = False

    def _make_fields(self) -> None:
        """The person's name, the password, and the OAuth2 client ID some providers need."""
        self.name_label = QLabel(tr("Your &name:"))
        self.name = QLineEdit()
        self.name.setAccessibleName(tr("Your name"))
        self.name.setAccessibleDescription(
            tr("Shown to the people you write to; every settings file carries it")
        )
        self.name_label.setBuddy(self.name)
        self.password_label = QLabel(tr("&Password:"))
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName(tr("Password"))
        self.password.setAccessibleDescription(
            tr("Sent only to the verified servers shown, then kept only in the keyring")
        )
        self.password_label.setBuddy(self.password)
        self.client_label = QLabel(tr("Client &ID (only if your administrator gave you one):"))
        self.client_id = QLineEdit()
        self.client_id.setAccessibleName(tr("OAuth2 client ID"))
        self.client_id.setAccessibleDescription(
            tr("For providers that need a registered client; mailhop ships none of its own")
        )
        self.client_label.setBuddy(self.client_id)
        self.password.returnPressed.connect(self._submit)

    def _make_buttons(self) -> None:
        self.go = QPushButton(tr("Sign in and &save"))
        self.go.setAccessibleName(tr("Sign in and save"))
        self.go.setDefault(True)
        self.go.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self.go.clicked.connect(self._submit)
        self.back_button = QPushButton(tr("&Back"))
        self.back_button.setAccessibleName(tr("Back"))
        self.back_button.clicked.connect(self.back.emit)
        self.stop = QPushButton(tr("&Cancel"))
        self.stop.setAccessibleName(tr("Cancel the sign-in test"))
        self.stop.clicked.connect(self.cancel.emit)
        self.stop.setVisible(False)

    def _make_outcome(self) -> None:
        """Where the outcome shows: the words, the login table, the servers' own alerts."""
        self.status = label()
        self.status.setWordWrap(True)
        self.status.setAccessibleName(tr("Outcome"))
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.logins = QTreeWidget()
        self.logins.setAccessibleName(tr("Login tests"))
        self.logins.setHeaderLabels([tr("Server"), tr("Outcome"), tr("Details")])
        self.logins.setRootIsDecorated(False)
        header = self.logins.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        # IMAP [ALERT]s: the person MUST see them (RFC 3501 section 7.1), as the servers'
        # words, in a box of their own that says whose they are.
        self.alerts_box = QGroupBox(tr("The servers' own words (not mailhop's)"))
        self.alerts = label()
        self.alerts.setWordWrap(True)
        self.alerts.setAccessibleName(tr("Messages from the servers"))
        self.alerts.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        QVBoxLayout(self.alerts_box).addWidget(self.alerts)
        self.alerts_box.setVisible(False)

    def _lay_out(self) -> None:
        name_row = QHBoxLayout()
        name_row.addWidget(self.name_label)
        name_row.addWidget(self.name, 1)
        client_row = QHBoxLayout()
        client_row.addWidget(self.client_label)
        client_row.addWidget(self.client_id, 1)
        row = QHBoxLayout()
        row.addWidget(self.password_label)
        row.addWidget(self.password, 1)
        row.addWidget(self.go)
        row.addStretch(0)
        buttons = QHBoxLayout()
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.stop)
        buttons.addWidget(self.next)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.explain)
        layout.addLayout(name_row)
        layout.addLayout(client_row)
        layout.addLayout(row)
        layout.addWidget(self.busy)
        layout.addWidget(self.status)
        layout.addWidget(self.alerts_box)
        layout.addWidget(self.logins, 1)
        layout.addStretch(0)  # takes the room while the login table is hidden
        layout.addLayout(buttons)

    def prepare(
        self,
        address: str,
        oauth2: bool,
        hosts: tuple[str, str],
        keyring: str,
        hint: str = "",
        name: str = "",
    ) -> None:
        self.oauth2 = oauth2
        if not self.name.text().strip():  # Back and forth keeps what the person typed
            self.name.setText(name)
        set_text(self.title, tr("Sign in as {address}").format(address=address))
        self.password.clear()
        self.logins.clear()
        self.logins.setVisible(False)  # shown with the first login test
        self.status.clear()
        self.alerts.clear()
        self.alerts_box.setVisible(False)
        self.next.setEnabled(False)
        self.go.setEnabled(True)
        self.password.setVisible(not oauth2)
        self.password_label.setVisible(not oauth2)
        self.client_id.setVisible(oauth2)
        self.client_label.setVisible(oauth2)
        if oauth2:
            set_text(
                self.explain,
                tr(
                    "This provider signs in with OAuth2: mailhop opens the provider's own "
                    "sign-in page in your browser and never sees your password. Once you have "
                    "signed in there, mailhop tests receiving and sending at {incoming} and "
                    "{outgoing} and keeps only the sign-in token, in {keyring}."
                ).format(incoming=hosts[0], outgoing=hosts[1], keyring=keyring),
            )
            self.go.setText(tr("Sign in with the &browser"))
            self.go.setAccessibleName(tr("Sign in with the browser"))
            self.go.setFocus()
        else:
            set_text(
                self.explain,
                tr(
                    "mailhop tests your password at {incoming} and {outgoing}, over the verified "
                    "connections shown before, and keeps it only in {keyring}. It is never "
                    "written to a file."
                ).format(incoming=hosts[0], outgoing=hosts[1], keyring=keyring)
                + (
                    "\n\n" + tr("This is the demo: its password is {hint}").format(hint=hint)
                    if hint
                    else ""
                ),
            )
            self.go.setText(tr("Sign in and &save"))
            self.go.setAccessibleName(tr("Sign in and save"))
            self.password.setFocus()

    def _submit(self) -> None:
        if self.oauth2:
            self.go.setEnabled(False)
            set_text(self.status, tr("Finding your provider's sign-in page…"))
            self._busy(True)
            self.sign_in.emit(None)
            return
        text = self.password.text()
        if not text:
            set_text(self.status, tr("Type the password first."))
            return
        self.password.clear()  # the worker has it now; the field does not keep it
        self.go.setEnabled(False)
        set_text(self.status, tr("Testing the sign-in…"))
        self._busy(True)
        self.sign_in.emit(text)

    def show_outcome(self, outcome: SetupOutcome) -> None:
        self._busy(False)
        self.logins.clear()
        self.logins.setVisible(bool(outcome.logins))
        for login in outcome.logins:
            state = tr("signed in") if login.ok else tr("sign-in failed")
            how = f"{login.username_used or '-'}" + (
                f", {login.mechanism}" if login.mechanism else ""
            )
            detail = how if login.ok else login.advice
            if not login.ok and login.server_said and login.server_said not in detail:
                detail += " " + server_words(login.host, login.server_said)
            row: QTreeWidgetItem = item([f"{login.host}:{login.port}", state, detail])
            row.setIcon(1, icon("ok" if login.ok else "block"))
            set_item_tooltip(row, 2, detail)
            self.logins.addTopLevelItem(row)
        alerts = [alert.said() for login in outcome.logins for alert in login.alerts]
        set_text(self.alerts, "\n".join(alerts))
        self.alerts_box.setVisible(bool(alerts))
        lines = [outcome.message]
        if outcome.stored:
            stored = (
                tr("The sign-in token is in {keyring}, under: {entries}.")
                if self.oauth2
                else tr("The password is in {keyring}, under: {entries}.")
            )
            lines.append(
                stored.format(
                    keyring=outcome.keyring_name,
                    entries="; ".join(
                        tr("service {service}, user {user}").format(
                            service=ref.service, user=ref.username
                        )
                        for ref in outcome.stored
                    ),
                )
            )
        if outcome.profile_path is not None:
            lines.append(
                tr("The settings (no password) are in {path}.").format(path=outcome.profile_path)
            )
        set_text(self.status, "\n".join(lines))
        from mailhop.core.account.setup import SetupStatus

        saved = outcome.status is SetupStatus.SAVED
        show_as_error(self.status, not saved)
        self.next.setEnabled(saved)
        self.go.setEnabled(not saved)
        (self.next if saved else self.password).setFocus()

    def waiting_for_browser(self, url: str, until: str) -> None:
        """The browser shows the sign-in page: wait, with Cancel and the deadline."""
        host = url.split("/")[2] if url.count("/") >= 2 else url
        set_text(
            self.status,
            tr(
                "Your browser shows the sign-in page of {host}. Sign in there; mailhop waits "
                "until {until}. Cancel stops waiting."
            ).format(host=host, until=until),
        )
        self.status.setToolTip(url)

    def _busy(self, busy: bool) -> None:
        self.busy.setVisible(busy)
        self.stop.setVisible(busy)
        self.back_button.setEnabled(not busy)
        if busy:
            show_as_error(self.status, False)  # a new try: the last failure's colour goes
            self.stop.setFocus()

    def cancelled(self) -> None:
        self._busy(False)
        self.go.setEnabled(True)
        if self.oauth2:
            set_text(self.status, tr("Cancelled: no sign-in was stored and nothing was saved."))
        else:
            set_text(self.status, tr("Cancelled: no password was stored and nothing was saved."))
        (self.go if self.oauth2 else self.password).setFocus()

    def show_error(self, message: str) -> None:
        self._busy(False)
        set_text(self.status, message)
        show_as_error(self.status)
        self.go.setEnabled(True)
