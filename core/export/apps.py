"""Which mail app a person uses, and what finishing the setup takes in that app alone.

One table for the window (and any other shell): each ``MailApp`` names the export formats it
needs (usually one file), the one action that hands the file over where the platform has one,
and the steps in plain words. The admin formats (autoconfig for publishing, Autodiscover XML,
Thunderbird's user.js) are listed apart in ``ADMIN_FORMATS``: a person setting up their own
mail client never needs them, and a list mixing both was the dead end issue 16 describes.

The steps are ``N_`` msgids translated where they are shown (``MailApp.shown_steps``); a
step may name ``{file}``, filled in with the first file's name.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from enum import Enum

from ..common.i18n import N_, Words
from .formats import export_format

__all__ = ["ADMIN_FORMATS", "APPS", "Handover", "MailApp", "mail_app"]


class Handover(Enum):
    """The one action that takes the file (or the values) to the app."""

    OPEN_FILE = "open-file"  # the system opens the file: a profile installs, a .reg imports
    QR_CODE = "qr-code"  # the phone's app scans a code on screen
    TYPE_VALUES = "type-values"  # the app's own manual form, field by field
    SAVE_ONLY = "save-only"  # the file goes where the steps say, by hand


@dataclass(frozen=True, slots=True)
class MailApp:
    key: str
    name: str  # N_ msgid
    formats: tuple[str, ...]  # FORMATS names: the file(s) this app needs, the main one first
    handover: Handover
    steps: tuple[str, ...]  # N_ msgids; "{file}" is the main file's name
    # sys.platform values where OPEN_FILE works (the file is for this very computer);
    # elsewhere the person moves the file to the device the steps name.
    opens_on: tuple[str, ...] = ()

    @property
    def shown_name(self) -> str:
        return str(Words(self.name))

    def shown_steps(self, file: str = "") -> tuple[str, ...]:
        return tuple(str(Words(step, (("file", file),))) for step in self.steps)

    def can_open(self, platform: str | None = None) -> bool:
        """Whether the handover action works on this computer (``sys.platform`` by default)."""
        return self.handover is Handover.OPEN_FILE and (platform or sys.platform) in self.opens_on


APPS: tuple[MailApp, ...] = (
    MailApp(
        "thunderbird",
        N_("Thunderbird (Windows, Mac, Linux)"),
        (),
        Handover.TYPE_VALUES,
        (
            N_("In Thunderbird, open Account Settings, then Account Actions, Add Mail Account."),
            N_("Type your full name and email address, then choose Configure manually."),
            N_("Type each value shown here into the field of the same name, then Done."),
            N_("Thunderbird asks for your password when it first connects."),
        ),
    ),
    MailApp(
        "apple-mac",
        N_("Apple Mail on a Mac"),
        ("apple",),
        Handover.OPEN_FILE,
        (
            N_("Save {file} and open it: macOS shows it under System Settings, Profiles."),
            N_("Double-click the profile there and choose Install; type your password."),
            N_("Open Mail: the account is there."),
        ),
        opens_on=("darwin",),
    ),
    MailApp(
        "apple-ios",
        N_("Apple Mail on iPhone or iPad"),
        ("apple",),
        Handover.SAVE_ONLY,
        (
            N_("Save {file} and send it to the iPhone or iPad (AirDrop, or mail it to yourself)."),
            N_("Open it there, then go to Settings, Profile Downloaded, and tap Install."),
            N_("Type your password when asked; the account appears in Mail."),
        ),
    ),
    MailApp(
        "outlook-classic",
        N_("Outlook for Windows (classic)"),
        ("outlook-reg", "outlook-autodiscover"),
        Handover.OPEN_FILE,
        (
            N_("Save both files into the folder shown; keep them there."),
            N_("Open {file} and let Windows add it to the registry."),
            N_("In Outlook, choose File, Add Account, and type your email address."),
        ),
        opens_on=("win32",),
    ),
    MailApp(
        "outlook-new",
        N_("New Outlook, Outlook for Mac"),
        ("outlook-sheet",),
        Handover.TYPE_VALUES,
        (
            N_("In Outlook, add an account with your email address and choose IMAP."),
            N_("Type each value shown here into Outlook's form."),
        ),
    ),
    MailApp(
        "android",
        N_("Thunderbird for Android"),
        ("k9",),
        Handover.QR_CODE,
        (
            N_("In the app, choose Add account, then Import from Thunderbird."),
            N_("Scan the code shown here; it holds no password."),
            N_("Type your password in the app when it asks."),
        ),
    ),
    MailApp(
        "evolution",
        "Evolution",
        ("evolution",),
        Handover.SAVE_ONLY,
        (
            N_("Save the files, then copy them into ~/.config/evolution/sources/."),
            N_("Start Evolution again: the account is there and asks for your password."),
        ),
    ),
    MailApp(
        "terminal",
        N_("A terminal mail client (aerc, NeoMutt, isync, msmtp)"),
        ("aerc", "neomutt", "mbsync", "msmtp"),
        Handover.SAVE_ONLY,
        (
            N_("Save the files; each is named after its tool."),
            N_("Add the one for your tool to its configuration file, as its first lines say."),
        ),
    ),
    MailApp(
        "other",
        N_("Another mail app"),
        ("sheet",),
        Handover.TYPE_VALUES,
        (
            N_("Add an account in your app and choose to set it up by hand (manually)."),
            N_("Type each value shown here; print or keep {file} for later."),
        ),
    ),
)

# For administrators: files that publish the settings for everyone, or set up a fresh profile.
ADMIN_FORMATS: tuple[str, ...] = (
    "thunderbird",
    "outlook-autodiscover",
    "thunderbird-userjs",
    "k9-qr-svg",
)


def mail_app(key: str) -> MailApp:
    for app in APPS:
        if app.key == key:
            return app
    raise ValueError(f"unknown mail app {key!r}")


# Every format named above exists (a typo would otherwise surface only when a person picks it).
for _name in (*ADMIN_FORMATS, *(name for app in APPS for name in app.formats)):
    export_format(_name)
