"""The result page's approval box, against the lab (tests/lab/scenarios/lookalike.test.toml)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLabel

from mailhop.gui.page_result import ResultPage
from tests.core.run.test_check import run_check
from tests.lab.lab import LabInfo


def test_a_signed_look_alike_host_outside_the_domain_is_approved_by_both_names(
    qtbot: Any, lab: LabInfo
) -> None:
    page = ResultPage()
    qtbot.addWidget(page)
    page.show_report(run_check(lab, "jo@lookalike.test"))
    assert not page.approval_box.isHidden()
    ((check, request),) = page.approval_checks
    assert request.registrable == "xn--prvider-bjg.test"
    assert "pr\u043evider.test (xn--prvider-bjg.test)" in check.text()  # Cyrillic o
    (question,) = page.approval_box.findChildren(QLabel)
    words = question.text()
    assert "imap.pr\u043evider.test (imap.xn--prvider-bjg.test)" in words
    assert "mixes Cyrillic and Latin letters" in words and "U+043E" in words
    assert not page.go.isEnabled()
    check.setChecked(True)
    assert page.go.isEnabled()


def test_every_host_on_the_result_page_is_shown_by_both_names(qtbot: Any, lab: LabInfo) -> None:
    page = ResultPage()
    qtbot.addWidget(page)
    page.show_report(run_check(lab, "jo@lookalike.test"))
    # The submission server and MX are xn--mil-6cd.lookalike.test (Cyrillic a), the IMAP
    # server imap.xn--prvider-bjg.test (Cyrillic o): the cards and origins name both forms.
    cards = page.legs.access.lines.text() + page.legs.relay.lines.text()
    assert "imap.pr\u043evider.test (imap.xn--prvider-bjg.test)" in cards
    assert "(xn--mil-6cd.lookalike.test)" in page.legs.relay.lines.text()
    origins = [
        page.origins.topLevelItem(i).text(1) for i in range(page.origins.topLevelItemCount())
    ]
    assert any("(imap.xn--prvider-bjg.test)" in value for value in origins), origins


def test_the_leg_cards_say_what_the_terminal_says(qtbot: Any, lab: LabInfo) -> None:
    from mailhop.core.verdict.words import leg_lines, relay_lines

    page = ResultPage()
    qtbot.addWidget(page)
    report = run_check(lab, "alice@healthy.test")
    page.show_report(report)
    verdict = report.verdict
    assert page.legs.submission.lines.text() == "\n".join(leg_lines(verdict.submission))
    assert page.legs.access.lines.text() == "\n".join(leg_lines(verdict.access))
    assert page.legs.relay.lines.text() == "\n".join(relay_lines(verdict.relay)[:3])
