"""Settings by hand in the window (issue 16): mxonly.test publishes no client settings (only
its MX); the person types its server in, mailhop checks exactly that server, asks for the
approval a typed name needs, and signs in."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from mailhop.core.account.secrets import MemoryKeyring
from mailhop.gui.window import MainWindow, Session
from tests.gui.conftest import wait_for_page
from tests.gui.test_window import type_address

MO = ("mo@mxonly.test", "mo-lab-password-7R")


def test_servers_entered_by_hand_are_checked_and_signed_in(
    qtbot: Any, open_window: Any, lab_session: Session, keyring: MemoryKeyring
) -> None:
    window: MainWindow = open_window(lab_session)
    address = window.address_page
    qtbot.keyClicks(address.field, MO[0])
    address.by_hand.setFocus()
    qtbot.keyClick(address.by_hand, Qt.Key.Key_Space)
    page = window.manual_page
    assert window.stack.currentWidget() is page and MO[0] in page.title.text()
    assert window.focusWidget() is page.incoming.host
    qtbot.keyClicks(page.incoming.host, "mx01.mxonly.test")
    assert page.incoming.port.value() == 993  # follows IMAP and SSL/TLS
    page.incoming.security.setCurrentIndex(1)
    assert page.incoming.port.value() == 143  # ... and STARTTLS
    page.incoming.security.setCurrentIndex(0)
    page.outgoing.host.setText("mx01.mxonly.test")
    assert page.outgoing.port.value() == 465
    page.go.click()
    result = window.result_page
    wait_for_page(qtbot, window, result, timeout=30)
    origins = result.origins.topLevelItem(0)
    badges = [origins.child(i).text(2) for i in range(origins.childCount())]
    assert badges[0] == "entered by you", badges  # the host, port and security
    # A typed name is no one's word but the person's: the approval before the password.
    assert result.approval_checks and not result.go.isEnabled()
    assert "Next: read the question below" in result.summary.text()  # plain words first
    for check, _ in result.approval_checks:
        check.setChecked(True)
    assert result.go.isEnabled()
    result.go.click()
    signin = window.signin_page
    signin.password.setText(MO[1])
    signin.go.click()
    qtbot.waitUntil(signin.next.isEnabled, timeout=20000)
    assert len(keyring.services()) == 2
    assert window.profile is not None
    assert window.profile.incoming.host == "mx01.mxonly.test"
    assert window.profile.incoming.sources == ("manual: mx01.mxonly.test:993 (entered)",)


def test_a_bad_entry_is_named_and_nothing_runs(
    qtbot: Any, open_window: Any, lab_session: Session
) -> None:
    window: MainWindow = open_window(lab_session)
    type_address_only(qtbot, window, MO[0])
    window.address_page.by_hand.click()
    page = window.manual_page
    page.incoming.host.setText("bad host")
    page.go.click()
    assert "Receiving server" in page.error.text() and "white space" in page.error.text()
    assert window.job is None and window.stack.currentWidget() is page
    page.back_button.click()
    assert window.stack.currentWidget() is window.address_page


def test_the_result_page_leads_to_the_servers_by_hand(
    qtbot: Any, open_window: Any, lab_session: Session
) -> None:
    window: MainWindow = open_window(lab_session)
    type_address(qtbot, window, MO[0])
    wait_for_page(qtbot, window, window.result_page, timeout=30)
    window.result_page.by_hand.click()
    assert window.stack.currentWidget() is window.manual_page
    assert MO[0] in window.manual_page.title.text()


def type_address_only(qtbot: Any, window: MainWindow, address: str) -> None:
    qtbot.keyClicks(window.address_page.field, address)


def test_a_blocked_result_says_what_to_do_next(
    qtbot: Any, open_window: Any, lab_session: Session
) -> None:
    window: MainWindow = open_window(lab_session)
    qtbot.keyClicks(window.address_page.field, MO[0])
    window.address_page.by_hand.click()
    page = window.manual_page
    page.incoming.host.setText("mx10.mxonly.test")  # a typo: nothing answers there
    page.outgoing.host.setText("mx01.mxonly.test")
    page.go.click()
    result = window.result_page
    wait_for_page(qtbot, window, result, timeout=30)
    assert not result.go.isEnabled()
    assert "Next: ask your provider or administrator" in result.summary.text()
    assert result.by_hand.isVisible()
