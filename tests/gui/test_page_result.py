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
    """The same lines, in plain words on the cards; with their codes in the details."""
    from mailhop.core.verdict.words import leg_lines, relay_lines

    page = ResultPage()
    qtbot.addWidget(page)
    report = run_check(lab, "alice@healthy.test")
    page.show_report(report)
    verdict = report.verdict
    cards = (page.legs.submission, page.legs.access)
    for card, leg in zip(cards, (verdict.submission, verdict.access), strict=True):
        assert card.lines.text() == "\n".join(leg_lines(leg, plain=True))
        assert "\n".join(f"  {line}" for line in leg_lines(leg)) in page.leg_codes.text()
    relay = relay_lines(verdict.relay)
    assert page.legs.relay.lines.text() == "\n".join(relay_lines(verdict.relay, plain=True)[:3])
    assert "\n".join(f"  {line}" for line in relay) in page.leg_codes.text()


def test_the_leg_cards_name_no_protocol_codes(qtbot: Any, lab: LabInfo) -> None:
    """Plain words first (issue 16): DANE-EE, STARTTLS, TLSv1.3, MTA-STS are the helpdesk's,
    behind the details' tick box."""
    page = ResultPage()
    qtbot.addWidget(page)
    page.show_report(run_check(lab, "alice@healthy.test"))
    cards = [card.lines.text() for card in (page.legs.submission, page.legs.access)]
    cards.append(page.legs.relay.lines.text())
    for code in ("DANE", "STARTTLS", "TLSv1", "MTA-STS"):
        assert not any(code in text for text in cards), (code, cards)
    assert "verified by the key the domain published in its signed DNS" in cards[1]
    assert "DANE-EE" in page.leg_codes.text()
    assert page.details.isAncestorOf(page.leg_codes)


def test_copy_for_a_helpdesk_ticket_copies_the_whole_report(qtbot: Any, lab: LabInfo) -> None:
    """The clipboard gets the helpdesk report's text (core/report), every section, uncut,
    not the terminal's check text that ends in "Use --json"."""
    from PySide6.QtGui import QGuiApplication

    from mailhop.core.report.model import build_report
    from mailhop.core.report.render_text import render_text
    from tests.core.report.sections import missing

    page = ResultPage()
    qtbot.addWidget(page)
    report = run_check(lab, "alice@healthy.test")
    page.show_report(report)
    page.copy.click()
    copied = QGuiApplication.clipboard().text()
    model = build_report(report, page.checked_at)
    assert copied == render_text(model) and missing(model, copied) == []
    assert "--json" not in copied and "…" not in copied


def test_the_report_button_writes_the_html_and_pdf_with_the_copys_id(
    qtbot: Any, lab: LabInfo, tmp_path: Any
) -> None:
    import subprocess

    page = ResultPage()
    qtbot.addWidget(page)
    page.show_report(run_check(lab, "alice@healthy.test"))
    assert page.save_report.isEnabled() and page.save_report.accessibleName()
    report_id = page.report_text().splitlines()[2].rpartition(" ")[2]
    assert report_id.startswith("MH-")
    page.write_report(tmp_path / "report.html")
    page.write_report(tmp_path / "report.pdf")
    assert report_id in (tmp_path / "report.html").read_text(encoding="utf-8")
    pdf = subprocess.run(
        ["pdftotext", str(tmp_path / "report.pdf"), "-"], capture_output=True, text=True
    )
    assert report_id in pdf.stdout


def test_the_published_end_to_end_keys_are_shown_as_the_terminal_says_them(
    qtbot: Any, lab: LabInfo
) -> None:
    from mailhop.core.cli.render_check import render_check

    page = ResultPage()
    qtbot.addWidget(page)
    report = run_check(lab, "alice@e2ekeys.test")
    page.show_report(report)
    shown = page.findChild(QLabel, "encryption_keys")
    assert shown is not None and shown.isVisibleTo(page)
    lines = shown.text().splitlines()
    assert lines[0] == "End-to-end encryption keys for alice@e2ekeys.test"
    assert "  OpenPGP key in DNS (OPENPGPKEY): published, DNSSEC-signed" in lines
    assert "    fingerprint 8E32 112F 29AA A181 403E D0A3 E6E7 E955 758F BFD1 (OpenPGP v4)" in lines
    assert all(line in render_check(report) for line in lines)


def test_the_result_page_fits_800_pixels_with_the_helpdesk_buttons(
    qtbot: Any, lab: LabInfo
) -> None:
    """Issue 16: at 800x600 nothing is cut off; four buttons in one row needed 867 pixels."""
    page = ResultPage()
    qtbot.addWidget(page)
    page.show_report(run_check(lab, "alice@healthy.test"))
    assert page.minimumSizeHint().width() <= 800


def test_could_not_check_reads_and_looks_unlike_blocked(qtbot: Any, lab: LabInfo) -> None:
    """A resolver that denies every name (tests/lab/bad_resolvers.py): the page names this
    computer's side, not the domain's, and its cards are not the red of a block."""
    from mailhop.core.dns.resolver import Upstream
    from mailhop.gui.look import level_colour
    from tests.lab.bad_resolvers import Behaviour, bad_resolver

    page = ResultPage()
    qtbot.addWidget(page)
    with bad_resolver(Behaviour.NXDOMAIN) as liar:
        report = run_check(lab, "alice@healthy.test", upstream=Upstream(*liar))
    page.show_report(report)
    assert page.headline.text() == "Could not check from this computer"
    assert "answers that no name exists" in page.summary.text()
    assert "Nothing can be set up" not in page.summary.text()
    card = page.legs.submission
    assert card.level.text() == "Could not check"
    blocked = level_colour("block").name()
    assert blocked not in card.styleSheet()
    assert level_colour("could-not-check").name() in card.styleSheet()
    assert not page.go.isEnabled()


def test_the_report_is_saved_on_the_worker_and_masked_when_asked(
    qtbot: Any, demo_window: Any, tmp_path: Any
) -> None:
    """The PDF engine's first start froze the window for a second or two: the file is written
    on the worker while the button says so; "hide my name" is the CLI's --mask-address."""
    import subprocess

    from PySide6.QtCore import Qt

    from mailhop.core.report.masking import HIDDEN
    from tests.gui.conftest import wait_for_page

    window = demo_window
    qtbot.keyClick(window.address_page.field, Qt.Key.Key_Return)
    wait_for_page(qtbot, window, window.result_page)
    page = window.result_page
    local = window.address_page.field.text().partition("@")[0]
    assert f"{local}@" in page.report_text()
    asked: list[str] = []
    page.ask_file = lambda parent, domain: asked.append(domain) or tmp_path / "report.pdf"
    page.mask_address.setChecked(True)
    assert f"{local}@" not in page.report_text() and f"{HIDDEN}@" in page.report_text()
    page.save_report.click()
    assert not page.save_report.isEnabled()  # busy: the window goes on meanwhile
    assert page.save_report.text() == "Saving the report…"
    qtbot.waitUntil(page.save_report.isEnabled, timeout=30000)
    assert asked == ["mailhop-demo.test"] and page.save_error is None
    pdf = subprocess.run(
        ["pdftotext", str(tmp_path / "report.pdf"), "-"], capture_output=True, text=True
    ).stdout
    assert f"{HIDDEN}@mailhop-demo.test" in pdf and f"{local}@" not in pdf


def test_a_report_that_cannot_be_written_says_why(
    qtbot: Any, demo_window: Any, tmp_path: Any
) -> None:
    from PySide6.QtCore import Qt

    from tests.gui.conftest import wait_for_page

    window = demo_window
    qtbot.keyClick(window.address_page.field, Qt.Key.Key_Return)
    wait_for_page(qtbot, window, window.result_page)
    page = window.result_page
    page.ask_file = lambda parent, domain: tmp_path / "no such folder" / "report.html"
    page.save_report.click()
    qtbot.waitUntil(lambda: page.save_error is not None, timeout=30000)
    assert page.save_error is not None and "could not be saved" in page.save_error.text()
    assert "no such folder" in page.save_error.text() and page.save_report.isEnabled()
    page.save_error.close()
