"""Saved accounts in the window: re-check shows differences and changes nothing; forget
removes the keyring entries and the profile."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from mailhop.core.account.secrets import MemoryKeyring
from mailhop.core.discover.parse_mtasts import MtaStsMode
from mailhop.gui.dialog_accounts import AccountsDialog
from mailhop.gui.window import MainWindow, Session
from tests.gui.conftest import wait_for_page
from tests.gui.test_page_signin import person_at_browser, to_signin
from tests.lab.lab import LabInfo


def set_up_demo_account(qtbot: Any, window: MainWindow, demo: Any) -> None:
    window.address_page._submit()
    wait_for_page(qtbot, window, window.result_page)
    window.result_page.go.click()
    window.signin_page.password.setText(demo.password.reveal())
    window.signin_page.go.click()
    qtbot.waitUntil(window.signin_page.next.isEnabled, timeout=15000)


def test_recheck_then_forget(qtbot: Any, demo_window: MainWindow, demo: Any) -> None:
    set_up_demo_account(qtbot, demo_window, demo)
    profile = next(demo.profile_dir.glob("*.json"))
    saved = profile.read_bytes()
    dialog = AccountsDialog(demo_window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(
        lambda: dialog.accounts.count() == 1 and dialog.recheck.isEnabled(), timeout=5000
    )
    assert dialog.accounts.item(0).text() == demo.address
    dialog.recheck.click()
    qtbot.waitUntil(lambda: "No differences" in dialog.details.toPlainText(), timeout=15000)
    assert profile.read_bytes() == saved  # a re-check never writes
    # The confirmation is a modal question; answer it as a person would. Its body names the
    # address from the profile file: plain text, never guessed to be HTML.
    asked: list[QMessageBox] = []

    def answer_yes() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        asked.append(box)
        assert box.textFormat() == Qt.TextFormat.PlainText and demo.address in box.text()
        box.button(QMessageBox.StandardButton.Yes).click()

    QTimer.singleShot(0, answer_yes)
    dialog.forget.click()
    assert len(asked) == 1
    qtbot.waitUntil(lambda: "keyring entries: 2." in dialog.note.text(), timeout=5000)
    assert dialog.accounts.count() == 0 and "No saved accounts" in dialog.note.text()
    assert not profile.exists() and demo.keyring.services() == ()


def test_a_recheck_says_a_weaker_relay_policy_first(
    qtbot: Any, demo_window: MainWindow, lab: LabInfo
) -> None:
    from dataclasses import replace

    from mailhop.core.account.accounts import recheck_against
    from tests.core.account.test_security_state import checked, profile_of

    # ststesting.test publishes MTA-STS in testing mode; the profile remembers enforce.
    report = checked(lab, "alice@ststesting.test")
    fresh = profile_of(report)
    assert fresh.relay is not None
    saved = replace(fresh, relay=replace(fresh.relay, mta_sts_mode=MtaStsMode.ENFORCE))
    dialog = AccountsDialog(demo_window)
    qtbot.addWidget(dialog)
    dialog._rechecked(recheck_against(saved, report))
    text = dialog.details.toPlainText()
    assert "enforce before, testing now.  [downgrade-mta-sts]" in text
    assert text.index("Weaker security than at setup:") < text.index("No differences")


def test_forgetting_an_oauth2_account_says_the_issuer_revoked_it(
    qtbot: Any,
    open_window: Callable[[Session], MainWindow],
    lab_session: Session,
    keyring: MemoryKeyring,
    lab: LabInfo,
) -> None:
    window = to_signin(qtbot, open_window, lab_session)
    window.open_url = person_at_browser(lab, [])
    window.signin_page.go.click()
    qtbot.waitUntil(window.signin_page.next.isEnabled, timeout=20000)
    assert keyring.services() == (("mailhop:oauth2:jo@oauthsignin.test", "jo@oauthsignin.test"),)
    dialog = AccountsDialog(window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.accounts.count() == 1 and dialog.forget.isEnabled())
    QTimer.singleShot(
        0,
        lambda: (
            QApplication.activeModalWidget()
            .button(QMessageBox.StandardButton.Yes)  # type: ignore[union-attr]
            .click()
        ),
    )
    dialog.forget.click()
    qtbot.waitUntil(lambda: "revoked" in dialog.note.text(), timeout=15000)
    assert "https://accounts.oauthsignin.test revoked the stored OAuth2 sign-in." in (
        dialog.note.text()
    )
    assert keyring.services() == () and dialog.accounts.count() == 0
