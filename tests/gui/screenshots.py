"""Screenshots of every page in a real window on an X server (Xvfb), for people to look at.

    python -m tests.gui.screenshots OUTDIR                    # the demo domain
    python -m tests.gui.screenshots OUTDIR --lang de          # ... in German (fr, en)
    python -m tests.lab exec -- python -m tests.gui.screenshots OUTDIR --lab   # + warnings

Starts its own Xvfb when no DISPLAY is set. Each picture is taken from the X server
(QScreen.grabWindow), as a person would see it, not rendered offscreen. With --lab it also
walks a domain with warnings (unsigned.test: tier C, approval needed), the OAuth2 sign-in
page (jo@oauth.test: settings saved untested; jo@oauthsignin.test: the browser sign-in, its
wait with Cancel and the deadline, and the outcome), and sign-ins whose servers answer in
HTML and with IMAP [ALERT]s; --dark repeats the
demo's result page on a dark palette.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

DISPLAY = ":97"


@contextmanager
def x_server() -> Iterator[None]:
    if os.environ.get("DISPLAY"):
        yield
        return
    if shutil.which("Xvfb") is None:
        sys.exit("screenshots: Xvfb is not installed (apt-get install xvfb)")
    server = subprocess.Popen(
        ["Xvfb", DISPLAY, "-screen", "0", "1280x900x24", "-nolisten", "tcp"],
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.environ["DISPLAY"] = DISPLAY
    os.environ.pop("QT_QPA_PLATFORM", None)
    time.sleep(0.5)
    try:
        yield
    finally:
        server.terminate()
        server.wait(5)


def pump(app: Any, until: Callable[[], bool], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not until():
        if time.monotonic() > deadline:
            raise TimeoutError("the window did not get there in time")
        app.processEvents()
        time.sleep(0.01)
    for _ in range(20):  # let layouts settle and paint
        app.processEvents()
        time.sleep(0.01)


def shoot(app: Any, widget: Any, path: Path) -> None:
    pump(app, lambda: True)
    screen = app.primaryScreen()
    picture = screen.grabWindow(widget.winId())
    picture.save(str(path))
    print(f"  {path}")


def walk(app: Any, window: Any, folder: Path, prefix: str, password: str | None) -> None:
    """Address -> checking -> result (-> sign in -> use it), a picture at each page."""
    folder.mkdir(parents=True, exist_ok=True)
    shoot(app, window, folder / f"{prefix}-1-address.png")
    window.address_page._submit()
    pump(app, lambda: window.stack.currentWidget() is window.checking_page)
    time.sleep(0.15)
    shoot(app, window, folder / f"{prefix}-2-checking.png")
    pump(app, lambda: window.stack.currentWidget() is not window.checking_page)
    # The checking page once more, finished, with every row: the run above may be too fast.
    window.stack.setCurrentWidget(window.checking_page)
    shoot(app, window, folder / f"{prefix}-2-checking-done.png")
    window.show_page(window.result_page)
    shoot(app, window, folder / f"{prefix}-3-result.png")
    result = window.result_page
    if result.cert_in.isEnabled():
        from mailhop.gui.dialog_cert import CertificateDialog

        probe = result.choice.incoming
        dialog = CertificateDialog(probe.entry.hostname, probe, window)
        dialog.show()
        shoot(app, dialog, folder / f"{prefix}-3-certificate.png")
        dialog.close()
    for check, _ in result.approval_checks:
        check.setChecked(True)
    if not result.go.isEnabled():
        return
    result.go.click()
    pump(app, lambda: window.stack.currentWidget() is window.signin_page)
    shoot(app, window, folder / f"{prefix}-4-signin.png")
    if password is None and not window.signin_page.oauth2:
        return
    if password is not None:
        window.signin_page.password.setText(password)
    window.signin_page.go.click()
    pump(app, lambda: not window.signin_page.busy.isVisible())  # saved, refused or failed
    shoot(app, window, folder / f"{prefix}-4-signin-done.png")
    if not window.signin_page.next.isEnabled():
        return
    window.signin_page.next.click()
    pump(
        app,
        lambda: (
            window.use_page.qr.pixmap() is not None and not window.use_page.qr.pixmap().isNull()
        ),
    )
    window.use_page.app.setCurrentIndex(window.use_page.app.findData("apple-mac"))  # a file
    window.use_page._save(open_first=False)
    pump(app, lambda: window.use_page.save_button.isEnabled())
    shoot(app, window, folder / f"{prefix}-5-use.png")
    walk_apps(app, window, folder, prefix)
    from mailhop.gui.dialog_accounts import AccountsDialog

    accounts = AccountsDialog(window)
    accounts.show()
    pump(app, lambda: accounts.accounts.count() > 0)
    shoot(app, accounts, folder / f"{prefix}-6-accounts.png")
    accounts.close()
    from mailhop.gui.dialog_settings import SettingsDialog

    settings = SettingsDialog(window.session.settings, window)
    settings.show()
    shoot(app, settings, folder / f"{prefix}-7-settings.png")
    settings.close()


def walk_apps(app: Any, window: Any, folder: Path, prefix: str) -> None:
    """The mail-app page for each kind of finish (issue 16), the administrators' part, the
    step bar's way back, and the servers typed in by hand."""
    use = window.use_page
    for key in ("thunderbird", "android", "outlook-classic", "terminal"):
        use.app.setCurrentIndex(use.app.findData(key))
        shoot(app, window, folder / f"{prefix}-5-use-{key}.png")
    use.admin_toggle.setChecked(True)
    shoot(app, window, folder / f"{prefix}-5-use-administrators.png")
    use.admin_toggle.setChecked(False)
    window.go_to_step(0)
    window.address_page.by_hand.click()
    page = window.manual_page
    page.incoming.host.setText("mail.example.com")
    page.outgoing.host.setText("bad host")
    page.go.click()  # the problem, named in red before anything runs
    shoot(app, window, folder / f"{prefix}-1-manual.png")
    page.back_button.click()


def walk_oauth(app: Any, window: Any, folder: Path, prefix: str, info: Any) -> None:
    """An OAuth2 sign-in (oauthsignin.test): the browser button, the wait with Cancel and
    the deadline, the outcome, then the exports. The browser is played by consent.py."""
    import threading

    from tests.lab import consent

    folder.mkdir(parents=True, exist_ok=True)
    window.address_page._submit()
    pump(app, lambda: window.stack.currentWidget() is window.result_page, timeout=30)
    shoot(app, window, folder / f"{prefix}-3-result.png")
    window.result_page.go.click()
    page = window.signin_page
    pump(app, lambda: window.stack.currentWidget() is page)
    shoot(app, window, folder / f"{prefix}-4-signin.png")
    shown: list[str] = []
    window.open_url = shown.append  # the browser opens; nobody has signed in yet
    page.go.click()
    pump(app, lambda: page.status.toolTip().startswith("https://"), timeout=30)  # any language
    shoot(app, window, folder / f"{prefix}-4-signin-waiting.png")
    address = window.report.discovery.address.ascii
    password = next(a.password for s in info.scenarios for a in s.accounts if a.address == address)

    def person() -> None:
        consent.deliver(consent.answer(shown[0], address, password, info.ca_file))

    threading.Thread(target=person, daemon=True).start()
    pump(app, lambda: not page.busy.isVisible(), timeout=30)
    shoot(app, window, folder / f"{prefix}-4-signin-done.png")
    if not page.next.isEnabled():
        return
    page.next.click()
    pump(app, lambda: window.stack.currentWidget() is window.use_page)
    window.use_page.app.setCurrentIndex(window.use_page.app.findData("apple-mac"))  # a file
    window.use_page._save(open_first=False)
    pump(app, lambda: window.use_page.save_button.isEnabled())
    shoot(app, window, folder / f"{prefix}-5-use.png")


def dark_palette(app: Any) -> None:
    from PySide6.QtGui import QColor, QPalette

    app.setStyle("Fusion")
    palette = QPalette()
    for role, colour in (
        (QPalette.ColorRole.Window, "#2b2b2b"),
        (QPalette.ColorRole.WindowText, "#e8e8e8"),
        (QPalette.ColorRole.Base, "#1e1e1e"),
        (QPalette.ColorRole.AlternateBase, "#333333"),
        (QPalette.ColorRole.Text, "#e8e8e8"),
        (QPalette.ColorRole.Button, "#3a3a3a"),
        (QPalette.ColorRole.ButtonText, "#e8e8e8"),
        (QPalette.ColorRole.Highlight, "#2f6fde"),
    ):
        palette.setColor(role, QColor(colour))
    app.setPalette(palette)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--lab", action="store_true", help="also a domain with warnings (lab)")
    parser.add_argument("--dark", action="store_true", help="also the demo on a dark palette")
    parser.add_argument("--size", default="980x720", help="the window's size, WIDTHxHEIGHT")
    parser.add_argument(
        "--lang",
        choices=["en", "de", "fr"],
        help="the window's language (default: the saved choice, else the system's)",
    )
    args = parser.parse_args(argv)
    width, height = (int(n) for n in args.size.split("x"))
    with x_server():
        from mailhop.core.demo.domain import start_demo
        from mailhop.gui.app import application
        from mailhop.gui.demo_window import demo_session
        from mailhop.gui.window import MainWindow

        app = application()
        if args.lang:
            from mailhop.gui import i18n

            i18n.install(app, args.lang)  # before any window: pages take their words when built
        print(f"screenshots on {os.environ['DISPLAY']} into {args.folder}:")
        with start_demo() as demo:
            window = MainWindow(demo_session(demo))
            window.show()
            window.resize(width, height)
            walk(app, window, args.folder, "demo", demo.password.reveal())
            window.close()
            if args.dark:
                dark_palette(app)
                window = MainWindow(demo_session(demo))
                window.show()
                window.resize(width, height)
                walk(app, window, args.folder, "dark", demo.password.reveal())
                window.close()
        if args.lab:
            from mailhop.core.account.secrets import MemoryKeyring, SecretStore
            from mailhop.core.run.settings import Settings
            from mailhop.gui.window import Session
            from tests.core.run.test_discovery import options
            from tests.lab import lab as lab_module

            info = lab_module.running() or lab_module.up()
            for prefix, address, password in (
                ("warnings", "carol@unsigned.test", None),
                ("oauth", "jo@oauth.test", None),
                # loginwords.test: a refusal in HTML, and IMAP [ALERT]s, as the person sees them
                ("refusal", "jo@refuse.loginwords.test", "jo-refuse-lab-password-5T"),
                ("alert", "jo@alert.loginwords.test", "jo-alert-lab-password-2W"),
            ):
                session = Session(
                    settings=Settings(allow_test_domains=True),
                    options=options(info),
                    store=SecretStore(MemoryKeyring()),
                    keyring_label="a keyring in memory (screenshots)",
                    profile_dir=args.folder / "profiles",
                    export_dir=args.folder / "exports",
                    address=address,
                )
                window = MainWindow(session)
                window.show()
                window.resize(width, height)
                walk(app, window, args.folder, prefix, password)
                window.close()
            session = Session(
                settings=Settings(allow_test_domains=True),
                options=options(info),
                store=SecretStore(MemoryKeyring()),
                keyring_label="a keyring in memory (screenshots)",
                profile_dir=args.folder / "profiles",
                export_dir=args.folder / "exports",
                address="jo@oauthsignin.test",
            )
            window = MainWindow(session)
            window.show()
            window.resize(width, height)
            walk_oauth(app, window, args.folder, "oauth-signin", info)
            window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
