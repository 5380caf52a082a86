"""The address page: the core's own words while typing; Enter starts only a valid address."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from mailhop.core.common.address import AddressError, parse_address
from mailhop.gui.page_address import AddressPage


def test_inline_error_is_the_cores_text_and_enter_starts_only_when_valid(qtbot: Any) -> None:
    page = AddressPage(allow_test_domains=True)
    qtbot.addWidget(page)
    started: list[Any] = []
    page.start.connect(started.append)
    qtbot.keyClicks(page.field, "jo@exa mple.test")
    try:
        parse_address("jo@exa mple.test", allow_test_domains=True)
    except AddressError as exc:
        expected = str(exc)
    assert page.error.text() == expected
    qtbot.keyClick(page.field, Qt.Key.Key_Return)
    assert started == []
    page.go.click()  # enabled: its click says what is wrong, and starts nothing
    assert page.error.text() == expected and started == []
    page.field.clear()
    qtbot.keyClicks(page.field, "Jo@Faß.test")
    assert page.error.text() == "" and page.go.isEnabled()
    qtbot.keyClick(page.field, Qt.Key.Key_Return)
    assert [address.ascii for address in started] == ["Jo@xn--fa-hia.test"]


def test_test_domains_are_refused_unless_allowed(qtbot: Any) -> None:
    page = AddressPage(allow_test_domains=False)
    qtbot.addWidget(page)
    qtbot.keyClicks(page.field, "jo@healthy.test")
    assert page.error.text() and page.go.isEnabled()


def test_a_button_says_why_it_is_disabled_and_a_click_names_the_problem(qtbot: Any) -> None:
    page = AddressPage(allow_test_domains=True)
    qtbot.addWidget(page)
    started: list[Any] = []
    page.start.connect(started.append)
    page.manual.connect(started.append)
    for button in (page.go, page.by_hand):
        assert not button.isEnabled() and button.toolTip() == "Type your email address first."
    qtbot.keyClicks(page.field, "jo@example")  # still typing the domain: nothing said yet
    assert page.error.text() == "" and page.go.isEnabled() and page.by_hand.isEnabled()
    page.by_hand.click()
    assert page.error.text() and started == []
    page.go.click()
    assert page.error.text() and started == []
    page.field.clear()
    assert not page.go.isEnabled() and page.error.text() == ""
    # The problem reads as one: the block colour and bold (gui/look.py show_as_error).
    from PySide6.QtGui import QPalette

    from mailhop.gui.look import level_colour

    page.show()  # as a person sees it: shown, and polished by the application's style sheet
    page.error.ensurePolished()
    colour = page.error.palette().color(QPalette.ColorRole.WindowText)
    assert colour == level_colour("block") and page.error.objectName() == "errorText"
