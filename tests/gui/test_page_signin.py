"""The sign-in page for an OAuth2 account: a button opens the browser, the page waits with
Cancel and the deadline, and the outcome says where the token went.

The window's ``open_url`` is the one seam replaced: instead of the system browser, the test
plays the person (tests/lab/consent.py) against the lab's authorization server, or does
nothing at all (to wait, and to cancel)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QMessageBox

from mailhop.core.account.secrets import MemoryKeyring
from mailhop.gui.window import MainWindow, Session
from tests.gui.conftest import wait_for_page
from tests.gui.test_window import type_address
from tests.lab import consent
from tests.lab.lab import LabInfo

JO = "jo@oauthsignin.test"


def to_signin(
    qtbot: Any, open_window: Callable[[Session], MainWindow], session: Session
) -> MainWindow:
    window = open_window(session)
    type_address(qtbot, window, JO)
    wait_for_page(qtbot, window, window.result_page)
    window.result_page.go.click()
    return window


def person_at_browser(lab: LabInfo, seen: list[str]) -> Callable[[str], None]:
    password = lab.scenario("oauthsignin.test").accounts[0].password

    def open_url(url: str) -> None:  # on the GUI thread, as QDesktopServices would be
        seen.append(url)

        def act() -> None:
            consent.deliver(consent.answer(url, JO, password, lab.ca_file))

        threading.Thread(target=act, daemon=True).start()

    return open_url


def test_the_browser_button_signs_in_and_keeps_only_the_token(
    qtbot: Any,
    open_window: Callable[[Session], MainWindow],
    lab_session: Session,
    keyring: MemoryKeyring,
    lab: LabInfo,
) -> None:
    window = to_signin(qtbot, open_window, lab_session)
    page = window.signin_page
    assert not page.password.isVisible() and page.client_id.isVisible()
    assert "browser" in page.go.text().replace("&", "")
    seen: list[str] = []
    window.open_url = person_at_browser(lab, seen)
    page.go.click()
    qtbot.waitUntil(page.next.isEnabled, timeout=20000)
    assert seen and seen[0].startswith("https://accounts.oauthsignin.test/authorize?")
    text = page.status.text()
    assert "Signed in with OAuth2" in text and "sign-in token is in" in text
    assert keyring.services() == ((f"mailhop:oauth2:{JO}", JO),)
    assert page.logins.topLevelItemCount() == 2


def test_the_page_waits_with_cancel_and_the_deadline_and_cancel_stores_nothing(
    qtbot: Any,
    open_window: Callable[[Session], MainWindow],
    lab_session: Session,
    keyring: MemoryKeyring,
) -> None:
    window = to_signin(qtbot, open_window, lab_session)
    page = window.signin_page
    seen: list[str] = []
    window.open_url = seen.append  # nobody at the browser
    page.go.click()
    qtbot.waitUntil(lambda: bool(seen), timeout=15000)
    qtbot.waitUntil(lambda: "waits until" in page.status.text(), timeout=5000)
    assert page.stop.isVisible() and page.busy.isVisible()
    assert "accounts.oauthsignin.test" in page.status.text()
    page.stop.click()
    qtbot.waitUntil(lambda: "Cancelled" in page.status.text(), timeout=5000)
    assert "no sign-in was stored" in page.status.text()
    assert keyring.services() == () and not page.next.isEnabled()


def test_a_sign_in_service_on_another_domain_is_asked_about_by_name(
    qtbot: Any,
    open_window: Callable[[Session], MainWindow],
    lab_session: Session,
    keyring: MemoryKeyring,
) -> None:
    """foreign.oauthsignin.test's server names login.idp-elsewhere.test: the window asks,
    naming the domain; No saves the settings untested and signs in nowhere."""
    window = open_window(lab_session)
    type_address(qtbot, window, "jo@foreign.oauthsignin.test")
    wait_for_page(qtbot, window, window.result_page)
    window.result_page.go.click()
    seen: list[str] = []
    window.open_url = seen.append
    window.signin_page.go.click()
    qtbot.waitUntil(lambda: window.issuer_box is not None, timeout=15000)
    box = window.issuer_box
    assert box is not None and "idp-elsewhere.test" in box.text()
    box.button(QMessageBox.StandardButton.No).click()
    page = window.signin_page
    qtbot.waitUntil(page.next.isEnabled, timeout=15000)
    assert "could not test the sign-in" in page.status.text() and not seen
    assert keyring.services() == ()


def test_approving_the_foreign_sign_in_service_signs_in_there(
    qtbot: Any,
    open_window: Callable[[Session], MainWindow],
    lab_session: Session,
    keyring: MemoryKeyring,
    lab: LabInfo,
) -> None:
    """Yes: the browser opens at login.idp-elsewhere.test; its token is then refused by the
    mail server (which accepts none), so nothing is stored and the page says why."""
    window = open_window(lab_session)
    type_address(qtbot, window, "jo@foreign.oauthsignin.test")
    wait_for_page(qtbot, window, window.result_page)
    window.result_page.go.click()
    seen: list[str] = []
    window.open_url = person_at_browser(lab, seen)
    window.signin_page.go.click()
    qtbot.waitUntil(lambda: window.issuer_box is not None, timeout=15000)
    assert window.issuer_box is not None
    window.issuer_box.button(QMessageBox.StandardButton.Yes).click()
    page = window.signin_page
    qtbot.waitUntil(lambda: "did not work" in page.status.text(), timeout=20000)
    assert seen and seen[0].startswith("https://login.idp-elsewhere.test/authorize?")
    assert keyring.services() == () and not page.next.isEnabled()


def test_a_password_server_next_to_an_oauth2_server_asks_for_the_password(
    qtbot: Any,
    open_window: Callable[[Session], MainWindow],
    lab_session: Session,
    keyring: MemoryKeyring,
    lab: LabInfo,
) -> None:
    """mixedauth.test: IMAP signs in with OAuth2 only (no issuer known, so that server is
    saved untested), the submission server takes the password (issue 15: the method is
    chosen per server). The page shows the password field (before: only the browser button,
    and the password server was saved as OAuth2); the password is kept for submission only."""
    address = "mo@mixedauth.test"
    window = open_window(lab_session)
    type_address(qtbot, window, address)
    wait_for_page(qtbot, window, window.result_page)
    window.result_page.go.click()
    page = window.signin_page
    assert page.password.isVisibleTo(window)
    seen: list[str] = []
    window.open_url = seen.append
    page.password.setText(lab.scenario("mixedauth.test").accounts[0].password)
    page.go.click()
    qtbot.waitUntil(page.next.isEnabled, timeout=20000)
    assert "Account set up" in page.status.text() and "OAuth2" in page.status.text()
    assert keyring.services() == ((f"mailhop:submission:{address}", address),)
    assert not seen  # no issuer: no browser
