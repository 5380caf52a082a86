"""The "Use it" page: a signed Apple profile from certificate files the person names, and
the plain summary on the clipboard."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

from PySide6.QtGui import QGuiApplication

from mailhop.gui.window import MainWindow
from tests.core.export.test_apple import pki  # noqa: F401  (the signing certificates)
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
    for name, check in use.checks.items():
        check.setChecked(name == "apple")
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
    for name, check in use.checks.items():
        check.setChecked(name == "apple")
    use.signing.setChecked(True)
    use.sign_fields[0].setText(str(tmp_path / "nope.pem"))
    use.sign_fields[1].setText(str(tmp_path / "nope.key"))
    use.folder.setText(str(tmp_path / "out"))
    use.save_button.click()
    qtbot.waitUntil(lambda: "Nothing was saved" in use.status.text(), timeout=10000)
    assert "cannot read the signing files" in use.status.text()
    assert not (tmp_path / "out").exists()
