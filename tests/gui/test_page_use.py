"""The "Use it" page: a signed Apple profile from certificate files the person names, and
the plain summary on the clipboard."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

from PySide6.QtGui import QGuiApplication

from mailhop.gui.window import MainWindow
from tests.core.export.test_apple import pki  # noqa: F401  (the signing certificates)
from tests.gui.conftest import wait_for_page
from tests.gui.test_dialog_accounts import set_up_demo_account


def test_signed_apple_profile_and_summary(
    qtbot: Any,
    demo_window: MainWindow,
    demo: Any,
    pki: dict[str, Any],  # noqa: F811  (the fixture imported above)
    tmp_path: Path,
) -> None:
    window = demo_window
    set_up_demo_account(qtbot, window, demo)
    window.signin_page.next.click()
    use = window.use_page
    use.app.setCurrentIndex(use.app.findData("apple-mac"))
    files = {}
    for name in ("leaf", "leaf_key", "chain"):
        files[name] = tmp_path / f"{name}.pem"
        files[name].write_bytes(pki[name])
    use.signing.setChecked(True)
    for field, name in zip(use.sign_fields, ("leaf", "leaf_key", "chain"), strict=True):
        assert field.isVisible()
        field.setText(str(files[name]))
    use.folder.setText(str(tmp_path / "out"))
    use.save_button.click()
    qtbot.waitUntil(lambda: "✓" in use.status.text() or "✗" in use.status.text(), timeout=10000)
    (profile,) = (tmp_path / "out").iterdir()
    signed = profile.read_bytes()
    assert signed[:1] == b"\x30"  # DER: a CMS SignedData, not the bare plist
    done = subprocess.run(
        ["openssl", "cms", "-verify", "-inform", "DER", "-noverify", "-in", str(profile)],
        capture_output=True,
        timeout=30,
    )
    assert done.returncode == 0 and b"com.apple.mail.managed" in done.stdout
    use.copy_button.click()
    qtbot.waitUntil(lambda: "clipboard" in use.status.text(), timeout=5000)
    assert "mail.mailhop-demo.test" in QGuiApplication.clipboard().text()


def test_missing_signing_files_are_named_and_nothing_is_written(
    qtbot: Any, demo_window: MainWindow, demo: Any, tmp_path: Path
) -> None:
    window = demo_window
    set_up_demo_account(qtbot, window, demo)
    window.signin_page.next.click()
    use = window.use_page
    use.app.setCurrentIndex(use.app.findData("apple-ios"))
    use.signing.setChecked(True)
    use.sign_fields[0].setText(str(tmp_path / "nope.pem"))
    use.sign_fields[1].setText(str(tmp_path / "nope.key"))
    use.folder.setText(str(tmp_path / "out"))
    use.save_button.click()
    qtbot.waitUntil(lambda: "Nothing was saved" in use.status.text(), timeout=10000)
    assert "cannot read the signing files" in use.status.text()
    assert not (tmp_path / "out").exists()


def press(qtbot: Any, button: Any) -> None:
    """A button as the keyboard presses it: focused (Tab), then Space. (Qt's test keys do
    not reach Alt+letter shortcuts on the offscreen platform; accelerators() checks those.)"""
    from PySide6.QtCore import Qt

    assert button.isVisible() and button.isEnabled(), button.text()
    button.setFocus()
    qtbot.keyClick(button, Qt.Key.Key_Space)


def accelerators(page: Any) -> list[str]:
    """The Alt+letter of every visible button and tick box on ``page``, in order."""
    from PySide6.QtWidgets import QAbstractButton

    return sorted(
        button.shortcut().toString()
        for button in page.findChildren(QAbstractButton)
        if button.isVisible() and not button.shortcut().isEmpty()
    )


def test_each_mail_apps_finish_by_keyboard(
    qtbot: Any, demo_window: MainWindow, demo: Any, tmp_path: Path
) -> None:
    """Every app of the core's table, chosen with the arrow keys: its steps alone, its files
    saved with the keyboard (and opened by the system where the platform can), the values in
    Thunderbird's field names, the QR code for Android; then Back, and Done."""
    from PySide6.QtCore import Qt

    from mailhop.core.export.apps import APPS, Handover
    from mailhop.core.export.formats import export_format

    window = demo_window
    set_up_demo_account(qtbot, window, demo)
    press(qtbot, window.signin_page.next)
    use = window.use_page
    assert window.stack.currentWidget() is use
    assert use.app.hasFocus() and use.app.currentIndex() == 0
    opened: list[Path] = []
    window.open_file = opened.append
    local, _, domain = demo.address.rpartition("@")
    for index, app in enumerate(APPS):
        out = tmp_path / app.key
        use.folder.setText(str(out))
        use.platform = app.opens_on[0] if app.opens_on else "sunos5"
        if index:
            use.app.setFocus()
            qtbot.keyClick(use.app, Qt.Key.Key_Down)
        assert use.chosen_app() is app
        main = export_format(app.formats[0]).filename if app.formats else ""
        main = main.format(local=local, domain=domain)
        steps = use.steps.text().splitlines()
        assert steps == [f"{n}. {s}" for n, s in enumerate(app.shown_steps(main), 1)]
        typed = app.handover is Handover.TYPE_VALUES
        assert use.values_box.isVisible() is typed
        if typed:
            shown = [w.text() for w in use.values_box.findChildren(type(use.steps))]
            assert "Hostname:" in shown and "mail.mailhop-demo.test" in shown
            assert "Your full name:" in shown
        assert use.qr_box.isVisible() is (app.handover is Handover.QR_CODE)
        if app.handover is Handover.QR_CODE:
            qtbot.waitUntil(lambda: not use.qr.pixmap().isNull(), timeout=10000)
        if not app.formats:
            assert not use.save_button.isVisible()
            continue
        opens = app.can_open(use.platform)
        assert use.open_button.isVisible() is opens
        press(qtbot, use.open_button if opens else use.save_button)
        qtbot.waitUntil(lambda: "✓" in use.status.text() or "✗" in use.status.text(), timeout=10000)
        assert "✗" not in use.status.text(), use.status.text()
        saved = sorted(p.name for p in out.rglob("*") if p.is_file())
        assert saved, app.key
        if app.key != "evolution":  # Evolution's files are named by the sources they hold
            expected = {
                export_format(n).filename.format(local=local, domain=domain) for n in app.formats
            }
            assert set(saved) == expected
        if opens:
            assert opened[-1] == out / main
    assert len(opened) == 2  # the Mac's profile, Windows' .reg
    # The administrators' files are apart, and closed until asked for.
    assert not use.admin.isVisible()
    press(qtbot, use.admin_toggle)
    assert use.admin.isVisible()
    assert accelerators(use) == sorted(set(accelerators(use)))  # no letter does two things
    # Back to the sign-in page and on again, then Done: a fresh address.
    press(qtbot, use.back_button)
    assert window.stack.currentWidget() is window.signin_page
    press(qtbot, window.signin_page.next)
    assert window.stack.currentWidget() is use
    press(qtbot, use.finish_button)
    assert window.stack.currentWidget() is window.address_page


def test_the_name_the_person_gives_is_in_every_file(
    qtbot: Any, demo_window: MainWindow, demo: Any, tmp_path: Path
) -> None:
    from mailhop.core.account.display_name import system_display_name

    window = demo_window
    window.address_page._submit()
    wait_for_page(qtbot, window, window.result_page)
    window.result_page.go.click()
    page = window.signin_page
    assert page.name.text() == system_display_name() != ""
    page.name.setText("Zoë  Müller\n")
    page.password.setText(demo.password.reveal())
    page.go.click()
    qtbot.waitUntil(page.next.isEnabled, timeout=15000)
    page.next.click()
    use = window.use_page
    use.app.setCurrentIndex(use.app.findData("other"))
    use.folder.setText(str(tmp_path))
    use.save_button.click()
    qtbot.waitUntil(lambda: "✓" in use.status.text(), timeout=10000)
    (sheet,) = tmp_path.iterdir()
    assert "Your name:         Zo\\xeb M\\xfcller" in sheet.read_text()
    assert window.profile is not None and window.profile.display_name == "Zoë Müller"
