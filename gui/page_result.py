"""Page 3: the verdict. Three legs, where every setting came from, findings, certificates,
and (for unauthenticated settings) the approval the person must give, domain by domain."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtGui import QGuiApplication, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QTreeWidget,
    QVBoxLayout,
    QWidget,
)

from .dialog_cert import CertificateDialog
from .legs import LegsPicture
from .look import heading, icon, seconds, tr
from .untrusted import item, label, set_item_tooltip, set_text

if TYPE_CHECKING:  # types only: the page is built before any check has loaded the core
    from mailhop.core.account.account import AccountChoice
    from mailhop.core.account.approval import ApprovalRequest
    from mailhop.core.probe.probe_report import EndpointProbe
    from mailhop.core.report.model import HelpdeskReport
    from mailhop.core.run.check import CheckReport
    from mailhop.core.verdict.verdict import Level

__all__ = ["ResultPage"]


# Tables of words are functions of literal tr() calls: lupdate reads literals only, and the
# words must be looked up after the person's language is loaded, not at import.
def headline(level: Level) -> str:
    from mailhop.core.verdict.verdict import Level

    return {
        Level.OK: tr("Ready to set up"),
        Level.WARN: tr("Usable, but read the warnings"),
        Level.BLOCK: tr("This account cannot be set up safely"),
        Level.COULD_NOT_CHECK: tr("Could not check from this computer"),
    }[level]


class ResultPage(QWidget):
    """Emits ``proceed(tuple of approved ApprovalRequest)`` and ``back``."""

    proceed = Signal(object)
    back = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.report: CheckReport | None = None
        self.checked_at = datetime.now(UTC)  # set again by each report shown
        self.choice: AccountChoice | None = None
        self.headline = heading("")
        self.summary = label()
        self.summary.setWordWrap(True)
        self.legs = LegsPicture()
        self._make_tables()
        self.approval_box = QGroupBox(tr("Your approval is needed"))
        self.approval_layout = QVBoxLayout(self.approval_box)
        self.approval_checks: list[tuple[QCheckBox, ApprovalRequest]] = []
        self._make_buttons()
        self._lay_out()

    def _make_tables(self) -> None:
        """Where each setting came from, and the findings (expandable for the helpdesk)."""
        self.origins = QTreeWidget()
        self.origins.setAccessibleName(tr("Where each setting came from"))
        self.origins.setHeaderLabels([tr("Setting"), tr("Value"), tr("Where it came from")])
        header = self.origins.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        self.findings = QTreeWidget()
        self.findings.setObjectName("findings")  # the core's words only (tests/gui/language_driver)
        self.findings.setAccessibleName(tr("Findings; expand one for the helpdesk details"))
        self.findings.setHeaderLabels([tr("Finding"), tr("Code")])
        self.findings.setWordWrap(True)  # a finding is a sentence: wrap it, never cut it
        self.findings.setUniformRowHeights(False)
        self.findings.header().setStretchLastSection(False)
        self.findings.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.findings.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.findings.setMinimumHeight(180)
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
        details_layout.addWidget(QLabel(tr("Where each setting came from")))
        details_layout.addWidget(self.origins)
        details_layout.addWidget(QLabel(tr("Findings")))
        details_layout.addWidget(self.findings, 1)
        self.details.setVisible(False)
        self.details_toggle.toggled.connect(self.details.setVisible)
        inner.addWidget(self.details_toggle)
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
        self._origins(report, choice)
        self._findings(report)
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
        # The cards say what the terminal says: one set of words in the core (verdict/words).
        from mailhop.core.verdict.relay_mx import MxAnswer
        from mailhop.core.verdict.verdict import Level
        from mailhop.core.verdict.words import leg_lines, relay_lines

        verdict = report.verdict
        for card, leg in (
            (self.legs.submission, verdict.submission),
            (self.legs.access, verdict.access),
        ):
            card.show_leg(leg.level, list(leg_lines(leg)))
        relay = verdict.relay
        known = (
            relay.hosts or relay.level is Level.COULD_NOT_CHECK or relay.mx is not MxAnswer.HOSTS
        )
        level = relay.level if known else None
        self.legs.relay.show_leg(level, list(relay_lines(relay))[:3])

    def _origins(self, report: CheckReport, choice: AccountChoice) -> None:
        from mailhop.core.policy.tiers import Tier
        from mailhop.core.verdict.labels import SECURITY, TIER, provenance_label

        self.origins.clear()
        domain = report.discovery.address.domain_unicode
        for title, probe in (
            (tr("Incoming server"), choice.incoming),
            (tr("Outgoing server"), choice.outgoing),
        ):
            if probe is None:
                continue
            entry = probe.entry
            value = f"{entry.name.shown}:{entry.port} ({SECURITY[entry.security]})"
            row = item([title, value, TIER[entry.tier]])
            row.setIcon(2, icon("ok" if entry.tier in (Tier.A, Tier.B) else "warn"))
            for origin in entry.origins:
                badge = provenance_label(origin.source, origin.auth, domain)
                # The address in an autoconfig URL's query adds nothing here: the tooltip
                # has the whole URL.
                shown = origin.target.partition("?")[0]
                child = item(["", shown, badge])
                set_item_tooltip(child, 1, origin.target)
                set_item_tooltip(child, 2, f"{badge}\n{TIER[origin.tier]}")
                row.addChild(child)
            user = entry.username or report.discovery.address.ascii
            said = (
                tr("from the settings") if entry.username else tr("your address (the usual rule)")
            )
            row.addChild(item(["", tr("user name: {user}").format(user=user), said]))
            self.origins.addTopLevelItem(row)
            row.setExpanded(True)
        _fit_height(self.origins)
        self._fit_origin_columns()

    def _fit_origin_columns(self) -> None:
        """Where each setting came from is read whole: the value column (host, URL, with the
        whole URL in its tooltip) gives up room first. A German or French badge ("... (DNS-
        SRV-Eintrag), DNSSEC-signiert") is a third longer, and its last word is the one that
        matters."""
        tree = self.origins
        if tree.topLevelItemCount() == 0:
            return
        tree.resizeColumnToContents(1)
        room = tree.viewport().width() - tree.columnWidth(0) - tree.sizeHintForColumn(2)
        tree.setColumnWidth(1, max(160, min(tree.columnWidth(1), 420, room)))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_origin_columns()  # the columns are measured against the width shown

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._fit_origin_columns()

    def _findings(self, report: CheckReport) -> None:
        from mailhop.core.common.finding_text import Severity

        verdict = report.verdict
        self.findings.clear()
        found = verdict.findings  # the same finding for the same host once (verdict.py)
        severity_icon = {Severity.ERROR: "block", Severity.WARN: "warn", Severity.INFO: "info"}
        for finding in found:
            row = item([finding.shown_summary, finding.code])  # the CLI's words
            row.setIcon(0, icon(severity_icon[finding.severity]))
            set_item_tooltip(row, 0, finding.shown_helpdesk)
            row.addChild(item([finding.shown_helpdesk, ""]))
            for evidence in finding.evidence:
                row.addChild(item([evidence, ""]))
            self.findings.addTopLevelItem(row)
        if not found:
            self.findings.addTopLevelItem(item([tr("Nothing to report."), ""]))
        self.findings.resizeColumnToContents(1)

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

    def _helpdesk_report(self) -> HelpdeskReport:
        from mailhop.core.report.model import build_report

        # The buttons are on the page only once a report is shown.
        assert self.report is not None
        return build_report(self.report, self.checked_at)

    def report_text(self) -> str:
        """The helpdesk report as text (core/report): what the copy button copies, whole."""
        from mailhop.core.report.render_text import render_text

        return render_text(self._helpdesk_report())

    def _copy_report(self) -> None:
        QGuiApplication.clipboard().setText(self.report_text())
        self.copy.setText(tr("Copied the report"))

    def write_report(self, target: Path) -> None:
        """The helpdesk report as one file: PDF for a ``.pdf`` name, else HTML."""
        from mailhop.core.report.render_html import render_html

        page = render_html(self._helpdesk_report())
        if target.suffix.lower() == ".pdf":
            from mailhop.core.report.pdf import write_pdf

            write_pdf(page, target)
        else:
            target.write_text(page, encoding="utf-8")

    def _save_report(self) -> None:
        from mailhop.core.common.errors import UsageError

        assert self.report is not None
        domain = self.report.discovery.address.domain
        name, chosen = QFileDialog.getSaveFileName(
            self,
            tr("Save the report for your helpdesk"),
            f"mailhop-report-{domain}.html",
            tr("Web page (*.html);;PDF (*.pdf)"),
        )
        if not name:
            return
        target = Path(name)
        if not target.suffix:  # the filter chosen says which
            target = target.with_suffix(".pdf" if "pdf" in chosen else ".html")
        try:
            self.write_report(target)
        except (OSError, UsageError) as exc:
            QMessageBox.warning(
                self,
                tr("Report not saved"),
                tr("The report could not be saved: {why}").format(why=exc),
            )


def _fit_height(tree: QTreeWidget, most: int = 320) -> None:
    """As tall as its rows (up to ``most``), so the findings below get the rest."""
    rows = 0
    for index in range(tree.topLevelItemCount()):
        top = tree.topLevelItem(index)
        if top is not None:  # None only past the last row
            rows += 1 + (top.childCount() if top.isExpanded() else 0)
    row = tree.fontMetrics().height() + 6
    frame = 2 * tree.frameWidth() + tree.header().sizeHint().height() + 6
    tree.setFixedHeight(min(most, frame + rows * row))
