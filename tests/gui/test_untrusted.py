"""Text from outside mailhop is shown as text, on every page: never as HTML, never with
controls or bidi overrides working, never without end.

The pages are driven with real results: the lab's loginwords.test servers (a refusal written
in HTML, IMAP [ALERT]s with HTML, ANSI escapes and bidi overrides) through the whole window,
and real check reports, profiles and progress events whose server- and document-supplied
values were replaced with hostile ones. Then every widget is walked (labels, item views,
text views, buttons, tooltips), so a future call site that forgets gui/untrusted.py fails
here, whatever page it is on.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6 import QtGui
from PySide6.QtCore import QAbstractItemModel, QModelIndex, Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QGroupBox,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

from mailhop.core.account.accounts import RecheckResult
from mailhop.core.account.profile import Difference
from mailhop.core.common.findings import Finding, Severity
from mailhop.core.discover.report import Source, Status
from mailhop.core.probe.cert_problems import CertProblem, ProblemCode
from mailhop.core.probe.probe_report import ProbeFailure
from mailhop.core.probe.proto_base import FailureCode, ServerAlert
from mailhop.core.run.events import (
    Phase,
    PhaseBegan,
    ProbeFinished,
    ProbeStarted,
    SourceFinished,
    SourceStarted,
)
from mailhop.gui.dialog_accounts import AccountsDialog
from mailhop.gui.dialog_cert import CertificateDialog
from mailhop.gui.page_checking import CheckingPage
from mailhop.gui.page_result import ResultPage
from mailhop.gui.untrusted import (
    DOCUMENT_LIMIT,
    LIMIT,
    message_box,
    neutral,
    set_text,
    tooltip_markup,
)
from mailhop.gui.window import MainWindow, Session
from tests.core.run.test_check import run_check
from tests.gui.conftest import wait_for_page
from tests.gui.test_window import type_address
from tests.lab.lab import LabInfo

MARKUP = (
    "<h1>Account set up, verified by mailhop</h1><font color=red>all good</font> "
    '<a href="https://evil.example/">continue</a> <img src="https://evil.example/x.png">'
)
TRICKS = "\x1b[31mred\x1b[0m \u202egnp.exe\u202c \u2066iso\u2069 \u200e\u200f \x07\x00\x9b"
HOSTILE = MARKUP + " " + TRICKS
LONG = HOSTILE + " " + "A" * 10_000
# Raw characters that must never reach a widget: C0 (but the line break), DEL, C1, bidi.
RAW = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
might_be_rich = QtGui.Qt.mightBeRichText  # Qt's own guess, which QLabel and tooltips use
MOST = LIMIT + 80  # a widget text's length at most: the limit and the note saying so


# -- the walk ------------------------------------------------------------------------------


def rendered_markup(markup: str) -> list[str]:
    """What Qt would draw of ``markup``, taken as rich text, that is not plain text."""
    document = QTextDocument()
    document.setHtml(markup)
    found = set()
    block = document.begin()
    while block.isValid():
        if block.blockFormat().headingLevel():
            found.add("a heading")
        fragments = block.begin()
        while not fragments.atEnd():
            style = fragments.fragment().charFormat()
            if style.isAnchor():
                found.add("a link")
            if style.isImageFormat():
                found.add("an image")
            if style.foreground().style() != Qt.BrushStyle.NoBrush:
                found.add("a colour")
            fragments += 1
        block = block.next()
    return sorted(found)


def text_problems(where: str, text: str, most: int = MOST) -> list[str]:
    problems = []
    if RAW.search(text):
        problems.append(f"{where}: a raw control or bidi character in {text[:80]!r}")
    if len(text) > most:
        problems.append(f"{where}: {len(text)} characters, not cut")
    return problems


def tooltip_problems(where: str, tip: str) -> list[str]:
    if not tip:
        return []
    problems = text_problems(where, tip)
    if might_be_rich(tip):
        problems += [f"{where}: the tooltip renders {what}" for what in rendered_markup(tip)]
    return problems


def model_indexes(model: QAbstractItemModel, parent: QModelIndex) -> Iterator[QModelIndex]:
    try:
        columns = model.columnCount(parent)
    except TypeError:  # a list model: PySide makes its columnCount private
        columns = 1
    for row in range(model.rowCount(parent)):
        for column in range(columns):
            index = model.index(row, column, parent)
            yield index
            if column == 0:
                yield from model_indexes(model, index)


def problems_in(root: QWidget) -> list[str]:
    """Every widget under ``root`` (and ``root``) whose text could show outside words as
    anything but text."""
    problems: list[str] = []
    for widget in [root, *root.findChildren(QWidget)]:
        where = f"{type(widget).__name__} {widget.accessibleName() or widget.objectName()!r}"
        problems += tooltip_problems(f"{where} tooltip", widget.toolTip())
        if isinstance(widget, QLabel):
            text = widget.text()
            rich = widget.textFormat() != Qt.TextFormat.PlainText and might_be_rich(text)
            if rich:
                problems.append(f"{where}: rich text {text[:80]!r}")
            problems += text_problems(where, text)
        elif isinstance(widget, QAbstractButton):
            problems += text_problems(where, widget.text())
        elif isinstance(widget, QGroupBox):
            problems += text_problems(where, widget.title())
        elif isinstance(widget, QTextEdit):
            problems += [f"{where}: renders {what}" for what in rendered_markup(widget.toHtml())]
            problems += text_problems(where, widget.toPlainText())
        elif isinstance(widget, QPlainTextEdit):
            # A document, and the messages appended below it, each capped.
            problems += text_problems(where, widget.toPlainText(), 2 * DOCUMENT_LIMIT)
        if isinstance(widget, QAbstractItemView) and widget.model() is not None:
            model = widget.model()
            for index in model_indexes(model, QModelIndex()):
                cell = f"{where} row {index.row()} column {index.column()}"
                text = model.data(index, Qt.ItemDataRole.DisplayRole)
                problems += text_problems(cell, text if isinstance(text, str) else "")
                tip = model.data(index, Qt.ItemDataRole.ToolTipRole)
                problems += tooltip_problems(f"{cell} tooltip", tip if isinstance(tip, str) else "")
    return problems


def shown_texts(root: QWidget) -> str:
    """Everything ``root`` shows as text, labels, items and tooltips, in one string."""
    texts = []
    for widget in [root, *root.findChildren(QWidget)]:
        texts.append(widget.toolTip())
        if isinstance(widget, QLabel):
            texts.append(widget.text())
        elif isinstance(widget, QPlainTextEdit):
            texts.append(widget.toPlainText())
        if isinstance(widget, QAbstractItemView) and widget.model() is not None:
            model = widget.model()
            for index in model_indexes(model, QModelIndex()):
                for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                    value = model.data(index, role)
                    texts.append(value if isinstance(value, str) else "")
    return "\n".join(texts)


# -- the helper itself ---------------------------------------------------------------------------


def test_neutral_escapes_controls_and_bidi_keeps_line_breaks_and_marks_a_cut() -> None:
    assert neutral("a\nb\x1b[31m \u202eexe\t") == "a\nb\\x1b[31m \\u202eexe\\t"
    long = neutral(LONG)
    assert len(long) <= MOST and long.endswith("more characters not shown]")
    assert not RAW.search(long) and "<h1>" in long  # markup stays, as the characters it is


def test_plain_labels_tooltips_and_message_boxes_show_markup_as_characters(qtbot: Any) -> None:
    label = QLabel()
    qtbot.addWidget(label)
    set_text(label, HOSTILE)
    assert label.textFormat() == Qt.TextFormat.PlainText and "<h1>" in label.text()
    tip = tooltip_markup(HOSTILE)
    assert rendered_markup(tip) == []
    document = QTextDocument()
    document.setHtml(tip)
    assert document.toPlainText().startswith("<h1>Account set up, verified by mailhop</h1>")
    assert rendered_markup(HOSTILE) == ["a colour", "a heading", "a link", "an image"]
    box = message_box(QMessageBox.Icon.Warning, "t", HOSTILE)
    qtbot.addWidget(box)
    assert box.textFormat() == Qt.TextFormat.PlainText and problems_in(box) == []


# -- the lab: a refusal in HTML and [ALERT]s, through the whole window ---------------------------


def sign_in_at(qtbot: Any, window: MainWindow, address: str, password: str) -> None:
    type_address(qtbot, window, address)
    wait_for_page(qtbot, window, window.result_page, timeout=20)
    result = window.result_page
    for check, _ in result.approval_checks:  # tier C: approved by name
        check.setChecked(True)
    result.go.click()
    signin = window.signin_page
    signin.password.setText(password)
    signin.go.click()
    qtbot.waitUntil(lambda: signin.logins.topLevelItemCount() > 0, timeout=20000)
    qtbot.waitUntil(lambda: not signin.busy.isVisible(), timeout=20000)


def test_a_refusal_in_html_and_its_alert_are_the_servers_quoted_words(
    qtbot: Any, open_window: Any, lab_session: Session
) -> None:
    window = open_window(lab_session)
    sign_in_at(qtbot, window, "jo@refuse.loginwords.test", "jo-refuse-lab-password-5T")
    signin = window.signin_page
    assert problems_in(window) == []
    status = signin.status.text()
    assert "nothing was stored" in status
    # mailhop's sentence, then the server's words, named and quoted as the server's.
    assert "The server said: \u201cNO [AUTHENTICATIONFAILED] <h1>Account set up" in status
    assert signin.alerts_box.isVisible() and "not mailhop's" in signin.alerts_box.title()
    assert signin.alerts.text() == (
        "refuse.loginwords.test says: \u201c<h1>Account set up, verified by mailhop</h1> "
        '\\x1b[31mred\\x1b[0m \\u202egnp.exe <a href="https://evil.example/">renew</a>\u201d'
    )


def test_alerts_at_a_sign_in_that_works_are_shown_then_the_profile_values_stay_text(
    qtbot: Any, open_window: Any, lab_session: Session, tmp_path: Path
) -> None:
    window = open_window(lab_session)
    sign_in_at(qtbot, window, "jo@alert.loginwords.test", "jo-alert-lab-password-2W")
    signin = window.signin_page
    assert signin.next.isEnabled(), signin.status.text()
    shown = signin.alerts.text().split("\n")
    assert shown == [
        "alert.loginwords.test says: \u201c<b>Maintenance</b> tonight \\x1b[2J\\u202eenod\u201d",
        "alert.loginwords.test says: \u201c<h1>Mailbox 95% full</h1> \\x1b[31m<a "
        'href="https://evil.example/">upgrade</a>\\x1b[0m\u201d',
    ]
    # The check's own alert shows on the result page's leg card too, quoted the same way.
    assert "alert: alert.loginwords.test says: \u201c<b>Maintenance" in (
        window.result_page.legs.access.lines.text()
    )
    assert problems_in(window) == []
    # The Use page: a saved path and an error holding outside words.
    signin.next.click()
    use = window.use_page
    use.show_saved([f"\u2717 Thunderbird: {HOSTILE}", f"\u2713 Apple: {tmp_path}/{LONG}"])
    # The values to type (issue 16) come from the profile: host and user names from outside.
    from mailhop.core.export.manual_values import FormField, FormSection

    values = (FormSection(HOSTILE, (FormField("Hostname", HOSTILE), FormField("Username", LONG))),)
    use.prepare(HOSTILE, tmp_path, values)
    use.app.setCurrentIndex(use.app.findData("thunderbird"))
    use.show_saved([f"\u2717 Thunderbird: {LONG}"])
    assert problems_in(window) == [] and "<h1>" in use.status.text()
    # The saved accounts: values from a profile file, a re-check's differences, failures.
    dialog = AccountsDialog(window)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.accounts.count() == 1, timeout=5000)
    profile = dialog.accounts.item(0).data(256)
    hostile = dataclasses.replace(
        profile,
        address_unicode=HOSTILE,
        incoming=dataclasses.replace(profile.incoming, host=HOSTILE, username=LONG),
    )
    dialog._listed([hostile, ValueError(HOSTILE)])
    dialog._rechecked(RecheckResult(None, (Difference("new-host", "incoming", HOSTILE, LONG),)))
    dialog._rechecked(RecheckResult(HOSTILE, ()))
    dialog._failed(RuntimeError(HOSTILE), "")
    assert problems_in(dialog) == []
    assert "<h1>Account set up" in dialog.details.toPlainText()
    # A failure whose words came from outside: the window's message box.
    window.failed(ValueError(LONG), "")
    assert window.error_box is not None and problems_in(window) == []
    assert "<h1>" in window.error_box.text()


# -- real check results with hostile values --------------------------------------------------------


def hostile_report(lab: LabInfo) -> Any:
    """The check of jo@alert.loginwords.test, with every outside value made hostile."""
    report = run_check(lab, "jo@alert.loginwords.test")
    verdict = report.verdict
    hostile_finding = Finding(
        code="hostile",
        severity=Severity.WARN,
        summary=HOSTILE,
        helpdesk=LONG,
        evidence=(HOSTILE, LONG),
    )

    def spoiled(probe: Any) -> Any:
        entry = probe.entry
        origins = tuple(
            dataclasses.replace(origin, target=f"https://h.test/<h1>x</h1>?{HOSTILE}")
            for origin in entry.origins
        )
        cert = dataclasses.replace(
            probe.cert,
            subject=HOSTILE,
            issuer=LONG,
            names=(HOSTILE,),
            chain_subjects=(HOSTILE, LONG),
            problems=(CertProblem(ProblemCode.UNKNOWN_ISSUER, HOSTILE),),
        )
        return dataclasses.replace(
            probe,
            entry=dataclasses.replace(entry, origins=origins, username=HOSTILE),
            cert=cert,
            pkix=dataclasses.replace(probe.pkix, error=HOSTILE),
            dane=dataclasses.replace(probe.dane, detail=LONG),
            dialogue=dataclasses.replace(
                probe.dialogue, alerts=(ServerAlert("IMAP", entry.hostname, HOSTILE),)
            ),
        )

    def service(service_verdict: Any) -> Any:
        chosen = service_verdict.chosen
        return dataclasses.replace(
            service_verdict,
            chosen=spoiled(chosen) if chosen is not None else None,
            findings=(*service_verdict.findings, hostile_finding),
        )

    chosen = verdict.imap.chosen
    relay_host = dataclasses.replace(
        report.relay[0] if report.relay else _relay_from(chosen),
        host=HOSTILE,
        # The MTA-STS mode is an enum the parser chose, no longer text a server could spoil.
        probe=dataclasses.replace(
            chosen, failure=ProbeFailure(code=FailureCode.PROTOCOL, detail=LONG)
        ),
    )
    spoilt = dataclasses.replace(
        verdict,
        submission=service(verdict.submission),
        imap=service(verdict.imap),
        relay=dataclasses.replace(verdict.relay, hosts=(relay_host,), findings=(hostile_finding,)),
        discovery_findings=(hostile_finding,),
        findings=(*verdict.findings, hostile_finding),  # the deduplicated list the page shows
    )
    return dataclasses.replace(report, verdict=spoilt)


def _relay_from(probe: Any) -> Any:
    from mailhop.core.probe.probe_report import RelayProbe

    return RelayProbe(host=probe.entry.hostname, preference_order=0, probe=probe)


def test_the_result_page_and_certificate_show_hostile_check_values_as_text(
    qtbot: Any, lab: LabInfo
) -> None:
    report = hostile_report(lab)
    page = ResultPage()
    qtbot.addWidget(page)
    page.show_report(report)
    page.details_toggle.setChecked(True)  # the findings and origins: the helpdesk details
    assert problems_in(page) == []
    everything = shown_texts(page)
    assert "<h1>Account set up" in everything and "more characters not shown]" in everything
    assert f"says: \u201c{MARKUP}" in page.legs.access.lines.text()  # the alert, quoted
    dialog = CertificateDialog(f"imap {HOSTILE}", page.choice.incoming, page)
    qtbot.addWidget(dialog)
    assert problems_in(dialog) == []
    assert "subject: <h1>Account set up" in shown_texts(dialog)


@pytest.mark.parametrize("probe", [False, True])
def test_the_checking_page_shows_hostile_sources_and_errors_as_text(
    qtbot: Any, probe: bool
) -> None:
    page = CheckingPage()
    qtbot.addWidget(page)
    page.begin(HOSTILE, 8.0)
    if probe:
        page.on_event(ProbeStarted(target=HOSTILE, at=0.0, checks=HOSTILE))
        page.on_event(ProbeFinished(target=HOSTILE, at=0.1, status=Status.FAILED, detail=LONG))
        page.on_event(ProbeFinished(target=LONG, at=0.2, status=Status.FAILED, detail=HOSTILE))
    else:
        source = Source.AUTOCONFIG
        page.on_event(SourceStarted(source=source, target=HOSTILE, at=0.0, task="t"))
        failed = Status.FAILED
        page.on_event(
            SourceFinished(source=source, target=LONG, at=0.1, task="t", status=failed, detail=LONG)
        )
        page.on_event(
            SourceFinished(
                source=source, target=HOSTILE, at=0.2, task="t", status=failed, detail=HOSTILE
            )
        )
    page.on_event(PhaseBegan(phase=Phase.PLAIN_HTTP_AND_GUESSES, at=0.3))
    assert problems_in(page) == []
    page.finish(HOSTILE)
    assert problems_in(page) == [] and "<h1>Account set up" in shown_texts(page)


def test_the_address_page_shows_a_pasted_address_in_its_error_as_text(
    qtbot: Any, open_window: Any, lab_session: Session
) -> None:
    window = open_window(lab_session)
    window.address_page.field.setText(f"{HOSTILE}@x.example")
    window.address_page._submit()
    assert window.address_page.error.text()
    assert problems_in(window) == []
