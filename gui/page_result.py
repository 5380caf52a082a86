"""Page 3: the verdict. Three legs, where every setting came from, findings, certificates,
and (for unauthenticated settings) the approval the person must give, domain by domain."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from .dialog_cert import CertificateDialog
from .legs import LegsPicture, headline
from .look import heading, seconds, tr
from .report_save import ask_report_file, report_text, write_report
from .result_details import (
    fill_findings,
    fill_origins,
    findings_tree,
    fit_origin_columns,
    origins_tree,
)
from .untrusted import label, message_box, set_text

if TYPE_CHECKING:  # types only: the page is built before any check has loaded the core
    from mailhop.core.account.account import AccountChoice
    from mailhop.core.account.approval import ApprovalRequest
    from mailhop.core.probe.probe_report import EndpointProbe
    from mailhop.core.run.check import CheckReport

__all__ = ["ResultPage"]


class ResultPage(QWidget):
    """Emits ``proceed(tuple of approved ApprovalRequest)`` and ``back``."""

    proceed = Signal(object)
    back = Signal()
    save_wanted = Signal(object, bool)  # (target Path, mask the address): the window saves

    def __init__(self) -> None:
        super().__init__()
        self.report: CheckReport | None = None
        self.checked_at = datetime.now(UTC)  # set again by each report shown
        self.choice: AccountChoice | None = None
        self.headline = heading("")
        self.summary = label()
        self.summary.setWordWrap(True)
        self.legs = LegsPicture()
        self._make_labels()
        # Where each setting came from, and the findings (expandable for the helpdesk).
        self.origins, self.findings = origins_tree(), findings_tree()
        self.approval_box = QGroupBox(tr("Your approval is needed"))
        self.approval_layout = QVBoxLayout(self.approval_box)
        self.approval_checks: list[tuple[QCheckBox, ApprovalRequest]] = []
        self._make_buttons()
        self._lay_out()

    def _make_labels(self) -> None:
        # The leg cards' lines as the terminal says them, codes and all, for the helpdesk.
        self.leg_codes = label()
        self.leg_codes.setObjectName("leg_codes")
        self.leg_codes.setWordWrap(True)
        self.leg_codes.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # Published OpenPGP/S-MIME keys, the core's words (e2e_keys.key_section), plain text.
        self.keys = label()
        self.keys.setObjectName("encryption_keys")
        self.keys.setWordWrap(True)

    def _make_buttons(self) -> None:
        self.cert_in = QPushButton(tr("Certificate of the &incoming server…"))
        self.cert_out = QPushButton(tr("Certificate of the &outgoing server…"))
        self.cert_in.clicked.connect(lambda: self._certificate(incoming=True))
        self.cert_out.clicked.connect(lambda: self._certificate(incoming=False))
        self.copy = QPushButton(tr("Copy the report for a &helpdesk"))
        self.copy.clicked.connect(self._copy_report)
        self.save_report = QPushButton(tr("&Report for your helpdesk…"))
        self.save_report.clicked.connect(self._save_report)
        self.ask_file: Callable[[QWidget, str], Path | None] = ask_report_file  # tests answer
        self.save_error: QMessageBox | None = None
        # The CLI's --mask-address: the report may go to people who need not see who asked.
        self.mask_address = QCheckBox(tr("Hide my &name (before the @) in the report"))
        self.mask_address.setAccessibleName(tr("Hide my name in the report"))
        self.back_button = QPushButton(tr("&Back"))
        self.back_button.clicked.connect(self.back.emit)
        # The "enter them by hand" of a finding, and for a person who knows better.
        self.by_hand = QPushButton(tr("Enter the servers &yourself…"))
        self.by_hand.setAccessibleName(tr("Enter the servers yourself"))
        self.go = QPushButton(tr("Continue to &sign in"))
        self.go.setDefault(True)
        self.go.clicked.connect(self._proceed)
        buttons = (self.cert_in, self.cert_out, self.copy, self.save_report, self.back_button)
        for button in (*buttons, self.go):
            button.setAccessibleName(button.text().replace("&", "").rstrip("…"))

    def _lay_out(self) -> None:
        """The report scrolls; the buttons stay below it."""
        body = QWidget()
        inner = QVBoxLayout(body)
        inner.addWidget(self.summary)
        inner.addWidget(self.legs)
        inner.addWidget(self.approval_box)
        # Plain words first: the codes (record names, dane-ee, pins, finding codes) are the
        # helpdesk's, behind one tick box; open at once when something is wrong.
        self.details_toggle = QCheckBox(tr("Show de&tails for your helpdesk"))
        self.details_toggle.setAccessibleName(tr("Show details for your helpdesk"))
        self.details = QWidget()
        details_layout = QVBoxLayout(self.details)
        details_layout.setContentsMargins(0, 0, 0, 0)
        details_layout.addWidget(QLabel(tr("The three ways, with their codes")))
        details_layout.addWidget(self.leg_codes)
        details_layout.addWidget(QLabel(tr("Where each setting came from")))
        details_layout.addWidget(self.origins)
        details_layout.addWidget(QLabel(tr("Findings")))
        details_layout.addWidget(self.findings, 1)
        self.details.setVisible(False)
        self.details_toggle.toggled.connect(self.details.setVisible)
        helpdesk_row = QHBoxLayout()  # the report's choice beside its details, not in the
        helpdesk_row.addWidget(self.details_toggle)  # buttons' row: that one is full at 800
        helpdesk_row.addStretch(1)
        helpdesk_row.addWidget(self.mask_address)
        inner.addLayout(helpdesk_row)
        inner.addWidget(self.details, 100)  # open: nearly all the room goes to the tables
        inner.addWidget(self.keys)  # the person's own business: which keys are published
        inner.addStretch(1)  # closed: the room stays below, the leg cards keep their size
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        details = QHBoxLayout()
        for button in (self.cert_in, self.cert_out):
            details.addWidget(button)
        details.addStretch(1)
        details.addWidget(self.by_hand)
        # The helpdesk's two buttons beside Back: in the certificates' row the page would
        # need 867 pixels, and at 800 the way on would be cut off.
        buttons = QHBoxLayout()
        for button in (self.back_button, self.copy, self.save_report):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.go)
        layout = QVBoxLayout(self)
        layout.addWidget(self.headline)
        layout.addWidget(scroll, 1)
        layout.addLayout(details)
        layout.addLayout(buttons)

    # -- filling in ------------------------------------------------------------------------

    def show_report(self, report: CheckReport) -> None:
        from mailhop.core.account.account import choose
        from mailhop.core.discover.e2e_keys import key_section

        self.report = report
        self.checked_at = datetime.now(UTC)  # one time, so the copy and the files share an ID
        self.choice = choice = choose(report)
        verdict = report.verdict
        address = report.discovery.address
        set_text(self.headline, headline(verdict.level))
        words = tr("Checked {address} in {time}. No password was used.").format(
            address=address.display, time=seconds(report.elapsed)
        )
        cannot = verdict.could_not_check  # this computer's side: said instead of a block
        if cannot is not None:
            words += f" {cannot.summary()} {cannot.advice()}"
        elif choice.blocked is not None:
            words += " " + tr("Nothing can be set up: {why}.").format(why=choice.blocked)
            # What to do next, in plain words: the way on is closed, two ways remain.
            words += "\n" + tr(
                "Next: ask your provider or administrator for the right settings and enter the "
                "servers yourself, or check the address again later."
            )
        elif choice.approvals:
            words += "\n" + tr(
                "Next: read the question below; only if you trust those servers, approve them "
                "and continue to sign in."
            )
        else:
            words += "\n" + tr("Next: sign in once, then set up your mail app with one file.")
        set_text(self.summary, words)  # names the address and why it is blocked
        self._legs(report)
        fill_origins(self.origins, report, choice)
        fill_findings(self.findings, report)
        keys = key_section(address.display, report.discovery.attempts)
        set_text(self.keys, "\n".join(keys))
        self.keys.setVisible(bool(keys))
        self._approvals(choice.approvals)
        self.cert_in.setEnabled(choice.incoming is not None)
        self.cert_out.setEnabled(choice.outgoing is not None)
        self.go.setEnabled(choice.blocked is None)
        from mailhop.core.verdict.verdict import Level

        self.details_toggle.setChecked(verdict.level is not Level.OK)
        self._update_go()
        # Keyboard first: the approval to give, else the way on, else the way back.
        if self.approval_checks:
            self.approval_checks[0][0].setFocus()
        elif self.go.isEnabled():
            self.go.setFocus()
        else:
            self.back_button.setFocus()

    def _legs(self, report: CheckReport) -> None:
        # The cards say what the terminal says, in plain words (verdict/words, plain=True);
        # the same lines with their codes (DANE-EE, STARTTLS, MTA-STS) are the helpdesk's.
        from mailhop.core.verdict.relay_mx import MxAnswer
        from mailhop.core.verdict.verdict import Level
        from mailhop.core.verdict.words import leg_lines, relay_lines

        verdict, legs = report.verdict, self.legs
        relay = verdict.relay
        for card, leg in ((legs.submission, verdict.submission), (legs.access, verdict.access)):
            card.show_leg(leg.level, list(leg_lines(leg, plain=True)))
        known = (
            relay.hosts or relay.level is Level.COULD_NOT_CHECK or relay.mx is not MxAnswer.HOSTS
        )
        relay_words = list(relay_lines(relay, plain=True))[:3]
        legs.relay.show_leg(relay.level if known else None, relay_words)
        codes: list[str] = []  # in the cards' order: sending, server to server, receiving
        for card, lines in (
            (legs.submission, leg_lines(verdict.submission)),
            (legs.relay, relay_lines(relay)),
            (legs.access, leg_lines(verdict.access)),
        ):
            codes += [card.title.text(), *(f"  {line}" for line in lines)]
        set_text(self.leg_codes, "\n".join(codes))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        fit_origin_columns(self.origins)  # the columns are measured against the width shown

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        fit_origin_columns(self.origins)

    def _approvals(self, requests: tuple[ApprovalRequest, ...]) -> None:
        while self.approval_layout.count():
            taken = self.approval_layout.takeAt(0)
            child = taken.widget() if taken is not None else None
            if child is not None:
                child.deleteLater()
        self.approval_checks = []
        self.approval_box.setVisible(bool(requests))
        for request in requests:
            question = label(request.question())
            question.setWordWrap(True)
            # Both forms of the domain in full, "faß.de (xn--fa-hia.de)", as in the question.
            name = request.domain_shown
            check = QCheckBox(tr("Yes, I trust {domain} with my password").format(domain=name))
            check.setAccessibleName(check.text())
            check.toggled.connect(self._update_go)
            self.approval_layout.addWidget(question)
            self.approval_layout.addWidget(check)
            self.approval_checks.append((check, request))

    def _update_go(self) -> None:
        choice = self.choice
        usable = choice is not None and choice.blocked is None
        approved = all(check.isChecked() for check, _ in self.approval_checks)
        self.go.setEnabled(bool(usable and approved))

    # -- actions ---------------------------------------------------------------------------

    def _proceed(self) -> None:
        approved = tuple(request for check, request in self.approval_checks if check.isChecked())
        self.proceed.emit(approved)

    def _certificate(self, *, incoming: bool) -> None:
        if self.choice is None:
            return
        probe: EndpointProbe | None = self.choice.incoming if incoming else self.choice.outgoing
        if probe is None:
            return
        title = tr("incoming server") if incoming else tr("outgoing server")
        CertificateDialog(f"{probe.entry.name.shown} ({title})", probe, self).exec()

    def report_text(self) -> str:
        """The helpdesk report as text (core/report): what the copy button copies, whole."""
        assert self.report is not None  # the buttons are on the page once a report is shown
        return report_text(self.report, self.checked_at, mask=self.mask_address.isChecked())

    def _copy_report(self) -> None:
        QGuiApplication.clipboard().setText(self.report_text())
        self.copy.setText(tr("Copied the report"))

    def write_report(self, target: Path) -> None:
        """The helpdesk report as one file, here and now (the save button uses the worker)."""
        assert self.report is not None
        write_report(self.report, self.checked_at, target, mask=self.mask_address.isChecked())

    def _save_report(self) -> None:
        assert self.report is not None
        target = self.ask_file(self, self.report.discovery.address.domain)
        if target is not None:
            self.save_report.setEnabled(False)  # busy: the file is written on the worker
            self.save_report.setText(tr("Saving the report…"))
            self.save_wanted.emit(target, self.mask_address.isChecked())

    def report_saved(self, target: Path | None, why: str = "") -> None:
        """The worker's answer: the file written, or (None) the reason it was not."""
        self.save_report.setEnabled(True)
        self.save_report.setText(tr("&Report for your helpdesk…"))
        if target is None:
            box = message_box(
                QMessageBox.Icon.Warning,
                tr("Report not saved"),
                tr("The report could not be saved: {why}").format(why=why),
                self,
            )
            box.open()  # not exec(): the window goes on
            self.save_error = box
