"""For a domain's administrator: what the domain should publish, as `mailhop publish` makes it.

The dialog asks for the domain and its servers, runs core/publish on the window's worker (the
servers are connected to, no login) and shows the zone-file lines, the files and what was left
out, or the refusals with their reasons. "Save files…" writes the set into a folder, as
`mailhop publish --output` does. Everything shown is plain text (rule 10: a refusal quotes the
server's own words).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from .look import tr
from .session import failure_message

if TYPE_CHECKING:
    from mailhop.core.common.model import Service
    from mailhop.core.publish.compose import PublishSet
    from mailhop.core.publish.gather import ServerSpec
    from mailhop.core.publish.request import PublishRequest

    from .runner import AsyncRunner, Job
    from .session import Session

__all__ = ["PublishDialog"]


class PublishDialog(QDialog):
    def __init__(self, session: Session, runner: AsyncRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.runner = runner
        self.job: Job | None = None
        self.published: PublishSet | None = None
        self.setWindowTitle(tr("Publish a domain's settings"))
        self.domain = QLineEdit()
        self.domain.setPlaceholderText("example.org")
        self.imap = QLineEdit()
        self.pop3 = QLineEdit()
        self.submission = QLineEdit()
        self.mx = QLineEdit()
        for field in (self.imap, self.pop3, self.submission, self.mx):
            field.setPlaceholderText(tr("host names, separated by spaces"))
        self.username = QComboBox()
        self.username.addItem(tr("the whole address"), "address")
        self.username.addItem(tr("the part before the @"), "localpart")
        self.sts_mode = QComboBox()
        self.sts_mode.addItem(tr("testing (reports first)"), "testing")
        self.sts_mode.addItem(tr("enforce"), "enforce")
        self.dane_only = QCheckBox(tr("Accept a certificate only DANE-EE vouches for"))
        self.output = QPlainTextEdit()  # plain text only: never read as HTML
        self.output.setReadOnly(True)
        self.output.setMinimumSize(760, 320)
        self.output.setAccessibleName(tr("What to publish"))
        self.generate = QPushButton(tr("&Generate"))
        self.generate.clicked.connect(self.start)
        self.save = QPushButton(tr("&Save files…"))
        self.save.setEnabled(False)
        self.save.clicked.connect(self.choose_folder)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self._lay_out()

    def _lay_out(self) -> None:
        form = QFormLayout()
        for words, widget in (
            (tr("&Domain:"), self.domain),
            (tr("&IMAP servers:"), self.imap),
            (tr("&POP3 servers:"), self.pop3),
            (tr("S&ubmission servers:"), self.submission),
            (tr("&MX hosts:"), self.mx),
            (tr("Users sign in &with:"), self.username),
            (tr("MTA-STS m&ode:"), self.sts_mode),
        ):
            label = QLabel(words)
            label.setBuddy(widget)
            widget.setAccessibleName(words.replace("&", "").rstrip(":"))
            form.addRow(label, widget)
        form.addRow("", self.dane_only)
        buttons = QHBoxLayout()
        buttons.addWidget(self.generate)
        buttons.addWidget(self.save)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        layout.addWidget(self.output)

    def request(self) -> PublishRequest:
        """The request the fields describe; a UsageError says what is wrong with them."""
        from mailhop.core.common.address import parse_address
        from mailhop.core.common.errors import UsageError
        from mailhop.core.common.model import Service
        from mailhop.core.discover.parse_mtasts import MtaStsMode
        from mailhop.core.publish.request import PublishRequest, UsernameStyle

        domain = parse_address(
            f"postmaster@{self.domain.text().strip()}",
            allow_test_domains=self.session.allow_test_domains,
        ).domain
        specs = (
            *_specs(Service.IMAP, self.imap.text()),
            *_specs(Service.POP3, self.pop3.text()),
            *_specs(Service.SUBMISSION, self.submission.text()),
            *_specs(Service.RELAY, self.mx.text()),
        )
        if not specs:
            raise UsageError(tr("Name at least one server."))
        return PublishRequest(
            domain=domain,
            servers=specs,
            username=UsernameStyle(self.username.currentData()),
            sts_mode=MtaStsMode(self.sts_mode.currentData()),
            dane_only=self.dane_only.isChecked(),
        )

    def start(self) -> None:
        from mailhop.core.common.errors import UsageError

        try:
            request = self.request()
        except UsageError as exc:  # the fields' fault, said as it is
            self.status.setText(str(exc))
            return
        except Exception as exc:  # a bug: worded as mailhop's own fault, as on the worker
            self._failed(exc, "")
            return
        from mailhop.core.publish.compose import prepare

        self.generate.setEnabled(False)
        self.save.setEnabled(False)
        self.status.setText(tr("Connecting to each server (no login)…"))
        session = self.session

        async def run() -> PublishSet:
            return await prepare(request, session.discovery_options(), datetime.now(UTC))

        self.job = self.runner.submit(run(), done=self.show_set, failed=self._failed)

    def show_set(self, published: PublishSet) -> None:
        self.generate.setEnabled(True)
        self.published = published
        if published.refusals:
            self.status.setText(
                tr("Nothing can be published: these servers would make clients less safe.")
            )
            lines = [f"{r.endpoint}: {r.reason} [{r.code}]" for r in published.refusals]
            self.output.setPlainText("\n".join(lines))
            return
        self.save.setEnabled(True)
        self.status.setText(tr("Publish these records and files; the README says where."))
        self.output.setPlainText(published.readme)

    def _failed(self, error: BaseException, _trace: str) -> None:
        from mailhop.core.common.errors import is_persons_to_fix

        # The exception tree decides the words: a setting of the person's, or mailhop's fault.
        self.generate.setEnabled(True)
        if is_persons_to_fix(error):
            self.status.setText(tr("Generating failed: {error}").format(error=error))
        else:
            self.status.setText(failure_message(error))

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, tr("Save the files into"))
        if folder:
            self.save_into(Path(folder))

    def save_into(self, folder: Path) -> tuple[Path, ...]:
        from mailhop.core.publish.compose import write

        if self.published is None:
            return ()
        written = write(self.published, folder)
        self.status.setText(
            tr("{count} files written to {folder}.").format(count=len(written), folder=folder)
        )
        return written


def _specs(service: Service, text: str) -> list[ServerSpec]:
    """The servers one field names (spaces or commas between them); ServerNameError if one
    cannot be a server, as the CLI says it."""
    from mailhop.core.publish.request import parse_server

    return [parse_server(service, word) for word in text.replace(",", " ").split()]
