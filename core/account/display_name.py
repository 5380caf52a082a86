"""The person's name as mail shows it (the display name), guessed from the system account.

Only a suggestion for the field the person checks: the GECOS field's first part on Unix (its
other comma-separated parts are room, phone numbers), where "&" stands for the login name
with a capital (the BSD finger convention); else the login name itself. Never an error: a
system without either gives "".
"""

from __future__ import annotations

import getpass
import os

__all__ = ["system_display_name"]

MAX_NAME = 200  # a display name longer than this is no name; the field still takes one


def _login() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):  # no LOGNAME/USER and no passwd entry
        return ""


def _gecos_name(uid: int, login: str) -> str:
    try:
        import pwd
    except ImportError:  # Windows
        return ""
    try:
        gecos = pwd.getpwuid(uid).pw_gecos
    except KeyError:  # a uid without a passwd entry (containers)
        return ""
    name = gecos.split(",", 1)[0].strip()
    return name.replace("&", login[:1].upper() + login[1:])


def system_display_name() -> str:
    """The name to prefill: the account's full name, else the login name, else ""."""
    login = _login()
    getuid = getattr(os, "getuid", None)
    name = _gecos_name(getuid(), login) if getuid is not None else ""
    name = " ".join((name or login).split())  # no line breaks or tabs into a From: header
    return name[:MAX_NAME]
