"""Help > About: mailhop's name, version and licence, and which keyring keeps the passwords.

The keyring is named because it is where a person's secrets end up: "the Secret Service
keyring", "KWallet", "the macOS Keychain", "Windows Credential Manager", the demo's in-memory
one, or why there is none. Finding it opens the keyring backend (a D-Bus round trip on Linux),
so that runs on the worker and the box says "looking…" until it answers. The box is not
``QMessageBox.about``: that one runs a modal loop and guesses rich text, and the reason a
keyring is missing quotes the environment and keyring's own words, so the body is plain
text through gui/untrusted.py like every other outside value.
"""

from __future__ import annotations

import asyncio
import platform
from typing import TYPE_CHECKING

from PySide6 import __version__ as pyside_version
from PySide6.QtWidgets import QMessageBox

from mailhop.core import __version__

from .look import tr
from .untrusted import message_box, neutral

if TYPE_CHECKING:
    from mailhop.core.account.secrets import SecretStore

    from .window import MainWindow

__all__ = ["LICENCE", "about_text", "show_about"]

LICENCE = "MIT"  # pyproject.toml's project.license (tests/gui/test_about.py compares them)


def about_text(keyring: str) -> str:
    return tr(
        "mailhop {version}\n\n"
        "Sets up a mail account securely from nothing but an email address.\n\n"
        "Licence: {licence}\n"
        "Passwords are kept in: {keyring}\n\n"
        "Python {python}, Qt for Python {qt}"
    ).format(
        version=__version__,
        licence=LICENCE,
        keyring=keyring,
        python=platform.python_version(),
        qt=pyside_version,
    )


def keyring_name(store: SecretStore | None) -> str:
    """The keyring a store would use, in words; why there is none if so (blocks: a thread)."""
    from mailhop.core.account.secrets import SecretStore, SecretStoreError

    try:
        return str((store or SecretStore()).name)
    except SecretStoreError as exc:
        return tr("none usable. {why}").format(why=exc)


def show_about(window: MainWindow) -> QMessageBox:
    box = message_box(
        QMessageBox.Icon.Information, tr("About mailhop"), about_text(tr("looking…")), window
    )
    box.setObjectName("about")
    box.setIconPixmap(window.windowIcon().pixmap(64, 64))
    box.open()  # not exec(): no modal loop over the window's work

    def found(name: str) -> None:
        box.setText(neutral(about_text(name)))

    def failed(error: BaseException, _trace: str) -> None:
        found(tr("unknown ({kind})").format(kind=type(error).__name__))

    window.runner.submit(
        asyncio.to_thread(keyring_name, window.session.store), done=found, failed=failed
    )
    return box
