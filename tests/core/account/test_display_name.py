"""The display name suggested from the system account: GECOS's first part, "&" as the login
name, else the login name; one line, bounded."""

from __future__ import annotations

import getpass
import os
import pwd

import pytest

from mailhop.core.account import display_name
from mailhop.core.account.display_name import MAX_NAME, system_display_name


def passwd(gecos: str) -> pwd.struct_passwd:
    return pwd.struct_passwd(("jo", "x", 1000, 1000, gecos, "/home/jo", "/bin/sh"))


@pytest.mark.parametrize(
    ("gecos", "expected"),
    [
        ("Jo Zoë Müller,Room 4,+49 1,", "Jo Zoë Müller"),
        ("&,,,", "Jo"),  # the BSD finger convention
        ("", "jo"),  # no full name: the login name
        ("Jo\nEvil: header\tx", "Jo Evil: header x"),  # one line for a From: header
        ("x" * 500, "x" * MAX_NAME),
    ],
)
def test_the_name_from_the_account(
    monkeypatch: pytest.MonkeyPatch, gecos: str, expected: str
) -> None:
    monkeypatch.setattr(getpass, "getuser", lambda: "jo")
    monkeypatch.setattr(pwd, "getpwuid", lambda uid: passwd(gecos))
    assert system_display_name() == expected


def test_no_passwd_entry_and_no_login_name_is_no_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(*_: object) -> pwd.struct_passwd:
        raise KeyError("no such uid")

    def no_login() -> str:
        raise OSError("no login name")

    monkeypatch.setattr(pwd, "getpwuid", missing)
    monkeypatch.setattr(getpass, "getuser", no_login)
    assert system_display_name() == ""


def test_the_real_account(monkeypatch: pytest.MonkeyPatch) -> None:
    entry = pwd.getpwuid(os.getuid())
    expected = " ".join((entry.pw_gecos.split(",")[0] or getpass.getuser()).split())
    assert system_display_name() == expected.replace("&", entry.pw_name.capitalize())
    assert display_name.MAX_NAME == MAX_NAME
