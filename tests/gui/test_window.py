"""The whole window, page by page, on the demo domain and on the lab's scenarios."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QAbstractButton, QLineEdit, QTreeWidget, QWidget

from mailhop.core.account.secrets import MemoryKeyring
from mailhop.gui.look import level_colour
from mailhop.gui.window import MainWindow, Session
from tests.gui.conftest import wait_for_page

ALICE = ("alice@healthy.test", "alice-lab-password-7Q")


def type_address(qtbot: Any, window: MainWindow, address: str) -> None:
    field = window.address_page.field
    field.clear()
    qtbot.keyClicks(field, address)
    qtbot.keyClick(field, Qt.Key.Key_Return)


def test_demo_runs_from_address_to_exports_by_keyboard(
    qtbot: Any, demo_window: MainWindow, demo: Any
) -> None:
    window = demo_window
    assert window.address_page.field.text() == demo.address  # filled in by the demo
    qtbot.keyClick(window.address_page.field, Qt.Key.Key_Return)
    wait_for_page(qtbot, window, window.result_page)
    result = window.result_page
    assert result.headline.text() == "Ready to set up"
    assert "OK" in result.legs.submission.level.text() and "OK" in result.legs.access.level.text()
    # The card in plain words; its code (DANE-EE) in the helpdesk's details.
    assert "the key the domain published" in result.legs.access.lines.text()
    assert "DANE-EE" in result.leg_codes.text()
    # Every setting says where it came from: the signed SRV record and the HTTPS autoconfig.
    badges = [
        result.origins.topLevelItem(0).child(i).text(2)
        for i in range(result.origins.topLevelItem(0).childCount())
    ]
    assert any("DNSSEC-signed" in badge for badge in badges), badges
    assert any("over HTTPS" in badge for badge in badges), badges
    assert result.go.hasFocus()
    qtbot.keyClick(result.go, Qt.Key.Key_Space)
    wait_for_page(qtbot, window, window.signin_page)
    signin = window.signin_page
    assert signin.password.isVisible() and signin.password.hasFocus()
    qtbot.keyClicks(signin.password, demo.password.reveal())
    qtbot.keyClick(signin.password, Qt.Key.Key_Return)
    assert signin.password.text() == ""  # the field lets go of it at once
    qtbot.waitUntil(signin.next.isEnabled, timeout=15000)
    assert "Account set up." in signin.status.text()
    assert "the demo keyring" in signin.status.text()
    logins = [
        signin.logins.topLevelItem(i).text(1) for i in range(signin.logins.topLevelItemCount())
    ]
    assert logins == ["signed in", "signed in"]
    assert len(demo.keyring.services()) == 2  # stored in the demo's keyring, nowhere else
    assert list(demo.profile_dir.glob("*.json"))
    qtbot.keyClick(signin.next, Qt.Key.Key_Space)
    wait_for_page(qtbot, window, window.use_page)
    use = window.use_page
    qtbot.waitUntil(
        lambda: use.qr.pixmap() is not None and not use.qr.pixmap().isNull(), timeout=10000
    )
    assert use.app.hasFocus()
    qtbot.keyClick(use.app, Qt.Key.Key_Down)  # Apple Mail on a Mac: its one file
    assert use.chosen_app().key == "apple-mac"
    use.save_button.setFocus()
    qtbot.keyClick(use.save_button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: "✓" in use.status.text(), timeout=10000)
    written = sorted(path.name for path in demo.export_dir.iterdir())
    assert written == ["you@mailhop-demo.test.mobileconfig"]
    assert all(
        demo.password.reveal().encode() not in p.read_bytes() for p in demo.export_dir.iterdir()
    )


def test_lab_account_signs_in_and_a_wrong_password_stores_nothing(
    qtbot: Any, open_window: Any, lab_session: Session, keyring: MemoryKeyring
) -> None:
    window = open_window(lab_session)
    type_address(qtbot, window, ALICE[0])
    wait_for_page(qtbot, window, window.result_page)
    window.result_page.go.click()
    signin = window.signin_page
    signin.password.setText("not-the-password")
    signin.go.click()
    qtbot.waitUntil(
        lambda: signin.go.isEnabled() and signin.logins.topLevelItemCount() > 0, timeout=20000
    )
    assert "failed" in signin.status.text() and "nothing was stored" in signin.status.text()
    assert not signin.next.isEnabled() and keyring.services() == ()
    # An error reads as one: the block colour, bold; the next outcome in the usual colour.
    red = level_colour("block")
    signin.status.ensurePolished()
    assert signin.status.palette().color(QPalette.ColorRole.WindowText) == red
    assert signin.status.objectName() == "errorText"
    signin.password.setText(ALICE[1])
    signin.go.click()
    qtbot.waitUntil(signin.next.isEnabled, timeout=20000)
    assert len(keyring.services()) == 2
    signin.status.ensurePolished()
    assert signin.status.palette().color(QPalette.ColorRole.WindowText) != red
    # On to the exports, as with the demo: every format, each parsed by its client's rules.
    signin.next.click()
    use = window.use_page
    for app in use.apps:  # every file of every app, and the administrators' files
        if app.formats:
            use.app.setCurrentIndex(use.app.findData(app.key))
            use.save_button.click()
            qtbot.waitUntil(
                lambda: use.save_button.isEnabled() and "✓" in use.status.text(), timeout=15000
            )
            assert "✗" not in use.status.text(), use.status.text()
    use.admin_toggle.setChecked(True)
    for check in use.checks.values():
        check.setChecked(True)
    use.admin_save.click()
    qtbot.waitUntil(lambda: use.admin_save.isEnabled() and "✓" in use.status.text(), timeout=15000)
    assert "✗" not in use.status.text(), use.status.text()
    exported = lab_session.export_dir
    names = {path.name for path in exported.iterdir()}
    assert "config-v1.1-healthy.test.xml" in names and "alice@healthy.test.mobileconfig" in names
    from mailhop.core.export.lint import lint

    for name in ("config-v1.1-healthy.test.xml", "alice@healthy.test.mobileconfig"):
        report = lint((exported / name).read_bytes(), name)
        assert report.ok, (name, report.problems)


def test_cancel_stops_a_stalled_check_and_the_window_stays_responsive(
    qtbot: Any, open_window: Any, lab_session: Session
) -> None:
    window = open_window(lab_session)
    gaps: list[float] = []
    last = [time.monotonic()]

    def beat() -> None:
        now = time.monotonic()
        gaps.append(now - last[0])
        last[0] = now

    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(beat)
    timer.start()
    type_address(qtbot, window, "frank@blackhole.test")
    wait_for_page(qtbot, window, window.checking_page)
    rows = window.checking_page.rows
    # The black-holed autoconfig host keeps its row running: the stalled source.
    qtbot.waitUntil(
        lambda: any(
            "blackhole" in key and "autoconfig" in key for key in window.checking_page.started_at
        ),
        timeout=5000,
    )
    qtbot.wait(500)
    stalled = [key for key in window.checking_page.started_at if "autoconfig" in key]
    assert stalled and rows[stalled[0]].text(2) == "running…"
    gaps.clear()
    qtbot.wait(1000)  # the event loop while the source stalls
    worst = max(gaps)
    job = window.job
    assert job is not None
    started = time.monotonic()
    qtbot.mouseClick(window.checking_page.stop, Qt.MouseButton.LeftButton)
    wait_for_page(qtbot, window, window.address_page, timeout=2)
    took = time.monotonic() - started
    timer.stop()
    assert job.done and window.job is None
    assert "cancelled" in window.address_page.error.text()
    # Really stopped: nothing of the check is left running on the worker's loop.
    qtbot.waitUntil(lambda: window.runner.running_tasks() == 0, timeout=2000)
    assert took < 0.5, took
    assert worst < 0.1, f"the event loop stalled for {worst * 1000:.0f} ms"
    print(
        f"stalled source: worst event-loop gap {worst * 1000:.1f} ms, cancel {took * 1000:.0f} ms"
    )


def test_tier_c_result_needs_the_approval_of_each_domain(
    qtbot: Any, open_window: Any, lab_session: Session
) -> None:
    window = open_window(lab_session)
    type_address(qtbot, window, "carol@unsigned.test")
    wait_for_page(qtbot, window, window.result_page)
    result = window.result_page
    assert result.approval_box.isVisible()
    assert result.approval_checks and not result.go.isEnabled()
    check, request = result.approval_checks[0]
    assert request.registrable in check.text() and "unsigned.test" in check.text()
    assert check.hasFocus()
    qtbot.keyClick(check, Qt.Key.Key_Space)
    assert result.go.isEnabled()


def test_idn_approval_shows_both_forms_of_the_domain(
    qtbot: Any, open_window: Any, lab_session: Session
) -> None:
    window = open_window(lab_session)
    type_address(qtbot, window, "jo@faß.test")
    wait_for_page(qtbot, window, window.result_page)
    texts = " ".join(check.text() for check, _ in window.result_page.approval_checks)
    if window.result_page.approval_checks:
        assert "faß.test" in texts and "xn--fa-hia.test" in texts
    else:  # signed: no approval; the display form is still the U-label
        assert "faß.test" in window.result_page.summary.text()


def test_oauth2_account_shows_no_password_field(
    qtbot: Any, open_window: Any, lab_session: Session, keyring: MemoryKeyring
) -> None:
    window = open_window(lab_session)
    type_address(qtbot, window, "jo@oauth.test")
    wait_for_page(qtbot, window, window.result_page)
    window.result_page.go.click()
    signin = window.signin_page
    assert not signin.password.isVisible()
    assert "OAuth2" in signin.explain.text()
    signin.go.click()
    qtbot.waitUntil(signin.next.isEnabled, timeout=15000)
    assert keyring.services() == ()
    assert "no password was asked for or stored" in signin.status.text()


def test_a_profile_that_cannot_be_saved_is_a_readable_outcome_not_a_traceback(
    qtbot: Any, open_window: Any, lab_session: Session, tmp_path: Path
) -> None:
    """Saving the settings fails (a file where the folder should be): setup's outcome
    'profile-failed', said on the sign-in page, with no way on to the exports."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the profile folder should be")
    session = Session(**{**lab_session.__dict__, "profile_dir": blocker})
    window = open_window(session)
    type_address(qtbot, window, "jo@oauth.test")
    wait_for_page(qtbot, window, window.result_page)
    window.result_page.go.click()
    window.signin_page.go.click()
    status = window.signin_page.status
    qtbot.waitUntil(lambda: "Nothing was set up" in status.text(), timeout=15000)
    text = status.text()
    assert "Traceback" not in text and 'File "' not in text
    assert "cannot save the profile" in text and "not-a-folder" in text
    assert window.error_box is None and not window.signin_page.next.isEnabled()


def test_a_bad_setting_is_named_before_anything_runs(
    qtbot: Any, open_window: Any, lab_session: Session, tmp_path: Path
) -> None:
    from mailhop.core.run.settings import Settings

    missing = tmp_path / "no-such-anchor.ds"
    session = Session(
        **{
            **lab_session.__dict__,
            "options": None,
            "settings": Settings(trust_anchor=missing, allow_test_domains=True),
        }
    )
    window = open_window(session)
    type_address(qtbot, window, ALICE[0])
    qtbot.waitUntil(lambda: window.error_box is not None, timeout=10000)
    assert "cannot read the trust anchor" in window.error_box.text()
    assert window.stack.currentWidget() is window.address_page


def test_every_control_has_an_accessible_name(demo_window: MainWindow) -> None:
    unnamed = []
    for widget in demo_window.findChildren(QWidget):
        if (
            isinstance(widget, QAbstractButton | QLineEdit | QTreeWidget)
            and widget.focusPolicy() != Qt.FocusPolicy.NoFocus
        ) and not (
            widget.accessibleName() or (isinstance(widget, QAbstractButton) and widget.text())
        ):
            unnamed.append(f"{type(widget).__name__} {widget.objectName()}")
    assert unnamed == []


def test_cancel_during_a_stalled_sign_in_stores_nothing(
    qtbot: Any, open_window: Any, lab_session: Session, keyring: MemoryKeyring
) -> None:
    """stall.logincases.test passes the check, then says nothing once a login arrives."""
    window = open_window(lab_session)
    type_address(qtbot, window, "jo@stall.logincases.test")
    wait_for_page(qtbot, window, window.result_page)
    result = window.result_page
    for check, _ in result.approval_checks:  # tier C: the domain must be approved by name
        check.setChecked(True)
    result.go.click()
    signin = window.signin_page
    signin.password.setText("a password for a server that will stall")
    signin.go.click()
    qtbot.waitUntil(signin.stop.isVisible, timeout=5000)
    qtbot.wait(300)  # the login command is out; the server is silent
    assert signin.busy.isVisible() and not signin.back_button.isEnabled()
    qtbot.mouseClick(signin.stop, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Cancelled" in signin.status.text(), timeout=2000)
    qtbot.waitUntil(lambda: window.runner.running_tasks() == 0, timeout=2000)
    assert keyring.services() == () and not any(lab_session.profile_dir.glob("*.json"))
    assert signin.go.isEnabled() and not signin.stop.isVisible()


def test_a_step_that_raised_is_worded_by_the_core_s_exception_tree() -> None:
    """The person's own setting (a UsageError, a keyring or profile error) reads as "could
    not run"; a bare ValueError is a bug like any other, not "what you gave"."""
    from mailhop.core.account.secrets import KeyringLocked
    from mailhop.core.common.errors import UsageError
    from mailhop.gui.session import failure_message

    for mine in (UsageError("extra CA file x.pem does not exist"), KeyringLocked("locked")):
        assert failure_message(mine).startswith("This step could not run"), mine
    bug = failure_message(ValueError("invalid literal for int() with base 10: 'x'"))
    assert "Something went wrong inside mailhop" in bug and "ValueError" in bug


def test_escape_cancels_a_running_check(qtbot: Any, open_window: Any, lab_session: Session) -> None:
    window = open_window(lab_session)
    type_address(qtbot, window, "frank@blackhole.test")  # a source that stalls
    wait_for_page(qtbot, window, window.checking_page)
    assert window.job is not None
    qtbot.keyClick(window.focusWidget() or window, Qt.Key.Key_Escape)
    wait_for_page(qtbot, window, window.address_page)
    assert window.job is None and "cancelled" in window.address_page.error.text()


def test_done_steps_are_clicked_to_go_back(qtbot: Any, demo_window: MainWindow, demo: Any) -> None:
    from tests.gui.test_dialog_accounts import set_up_demo_account

    window = demo_window
    set_up_demo_account(qtbot, window, demo)
    window.signin_page.next.click()
    assert window.stack.currentWidget() is window.use_page
    assert "Next: sign in once" in window.result_page.summary.text()
    address, checking, result, _signin, use = window.steps
    assert result.toolTip() == "Back to this step" and checking.toolTip() == ""
    hand, arrow = Qt.CursorShape.PointingHandCursor, Qt.CursorShape.ArrowCursor
    assert result.cursor().shape() == hand and checking.cursor().shape() == arrow
    qtbot.mouseClick(checking, Qt.MouseButton.LeftButton)  # the check itself is no page
    assert window.stack.currentWidget() is window.use_page
    qtbot.mouseClick(result, Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget() is window.result_page
    qtbot.mouseClick(use, Qt.MouseButton.LeftButton)  # not done from here: ahead
    assert window.stack.currentWidget() is window.result_page
    qtbot.mouseClick(address, Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget() is window.address_page
    assert result.cursor().shape() == arrow  # ahead of the address: no hand any more


def test_a_saved_account_goes_to_the_mail_app_page(
    qtbot: Any, demo_window: MainWindow, demo: Any
) -> None:
    from mailhop.gui.dialog_accounts import AccountsDialog
    from tests.gui.test_dialog_accounts import set_up_demo_account

    window = demo_window
    set_up_demo_account(qtbot, window, demo)
    window.restart()
    window.profile = None
    dialog = AccountsDialog(window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.use.isEnabled(), timeout=5000)
    dialog.use.click()
    assert dialog.chosen is not None and dialog.result() == dialog.DialogCode.Accepted
    window.use_saved(dialog.chosen)
    assert window.stack.currentWidget() is window.use_page
    assert demo.address in window.use_page.title.text()


def cut_off(window: MainWindow) -> list[str]:
    """Widgets of the shown page narrower than their words need, or past the window's edge;
    any visible horizontal scroll bar (the page did not fit its width)."""
    from PySide6.QtCore import QPoint
    from PySide6.QtWidgets import QAbstractButton, QLabel, QLineEdit, QScrollBar

    page = window.stack.currentWidget()
    found = []
    for widget in page.findChildren(QWidget):
        if not widget.isVisible():
            continue
        name = type(widget).__name__
        horizontal = Qt.Orientation.Horizontal
        if isinstance(widget, QScrollBar) and widget.orientation() == horizontal:
            found.append(f"horizontal scroll bar in {type(widget.parent()).__name__}")
        # Words that must show whole (a line edit's own clear button has none: Qt's part).
        words = isinstance(widget, (QAbstractButton, QLineEdit)) or (
            isinstance(widget, QLabel) and not widget.wordWrap()
        )
        if words and widget.text():
            need = widget.minimumSizeHint().width()
            if widget.width() < need - 1:
                found.append(f"{name} {widget.text()!r}: {widget.width()} < {need}")
        corner = widget.mapTo(window, QPoint(widget.width(), 0))
        if corner.x() > window.width() + 1:
            found.append(f"{name} ends at x={corner.x()}")
    return found


def test_at_800_by_600_nothing_is_cut_off(qtbot: Any, demo_window: MainWindow, demo: Any) -> None:
    from tests.gui.test_dialog_accounts import set_up_demo_account

    window = demo_window
    window.resize(800, 600)
    qtbot.waitUntil(lambda: window.width() == 800)
    seen = {}

    def look(name: str) -> None:
        qtbot.wait(50)  # layouts settle
        assert window.width() == 800 and window.height() == 600, (name, window.size())
        seen[name] = cut_off(window)

    look("address")
    window.address_page.field.setText(demo.address)
    window.address_page.by_hand.click()
    look("manual")
    window.manual_page.back_button.click()
    set_up_demo_account(qtbot, window, demo)
    window.show_page(window.result_page)
    look("result")
    window.show_page(window.signin_page)
    look("sign-in")
    window.signin_page.next.click()
    use = window.use_page
    for index in range(use.app.count()):
        use.app.setCurrentIndex(index)
        look(f"use: {use.chosen_app().key}")
    use.admin_toggle.setChecked(True)
    look("use: administrators")
    assert {name: found for name, found in seen.items() if found} == {}


def test_the_helpdesk_details_are_one_tick_away(
    qtbot: Any, demo_window: MainWindow, open_window: Any, lab_session: Session
) -> None:
    """Plain words first: an OK result hides the record names, codes and pins behind "Show
    details for your helpdesk"; a result with warnings opens them at once."""
    window = demo_window
    window.address_page._submit()
    wait_for_page(qtbot, window, window.result_page)
    result = window.result_page
    assert not result.details.isVisible() and not result.origins.isVisible()
    assert not result.details_toggle.isChecked()
    result.details_toggle.setChecked(True)
    assert result.origins.isVisible() and result.findings.isVisible()
    warned = open_window(lab_session)
    type_address(qtbot, warned, "carol@unsigned.test")
    wait_for_page(qtbot, warned, warned.result_page, timeout=30)
    assert warned.result_page.details_toggle.isChecked()
    assert warned.result_page.origins.isVisible()


def test_menus_get_their_actions_just_after_the_first_paint(qtbot: Any) -> None:
    """The first shortcut costs PySide dozens of enum classes (issue 18): the menus' titles
    are there at once, their actions only once the window has painted."""
    from PySide6.QtGui import QKeySequence

    window = MainWindow(Session())
    qtbot.addWidget(window)
    titles = [action.text() for action in window.menuBar().actions()]
    assert titles == ["&Accounts", "For a&dministrators", "&Help"]
    assert not window.menus_ready()
    assert all(not action.menu().actions() for action in window.menuBar().actions())
    window.show()
    qtbot.waitUntil(window.menus_ready, timeout=5000)
    shortcuts = [a.shortcut() for a in window.menuBar().actions()[0].menu().actions()]
    assert QKeySequence(QKeySequence.StandardKey.Quit) in shortcuts
    assert all(action.menu().actions() for action in window.menuBar().actions())
