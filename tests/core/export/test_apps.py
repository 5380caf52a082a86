"""The mail apps' table: every app's steps in words, its files real formats, the admin formats
apart, and the "open it" action only where the platform has one."""

from __future__ import annotations

import pytest

from mailhop.core.common.i18n import set_language
from mailhop.core.export.apps import ADMIN_FORMATS, APPS, Handover, mail_app
from mailhop.core.export.formats import FORMATS

ASKED = {  # issue 16's list, each app once
    "thunderbird",
    "apple-mac",
    "apple-ios",
    "outlook-classic",
    "outlook-new",
    "android",
    "evolution",
    "terminal",
    "other",
}


def test_every_app_the_issue_names_is_there_once() -> None:
    keys = [app.key for app in APPS]
    assert sorted(keys) == sorted(ASKED)


def test_admin_formats_are_apart_from_what_a_person_needs() -> None:
    person = {name for app in APPS for name in app.formats}
    assert "thunderbird" in ADMIN_FORMATS and "thunderbird" not in person  # publishing only
    assert "outlook-autodiscover" in ADMIN_FORMATS
    assert {f.name for f in FORMATS} >= person | set(ADMIN_FORMATS)


@pytest.mark.parametrize("app", APPS, ids=lambda app: app.key)
def test_steps_name_the_file_and_are_translated(app: object) -> None:
    from mailhop.core.export.apps import MailApp

    assert isinstance(app, MailApp)
    english = app.shown_steps("FILE.x")
    assert english and all(step.strip() for step in english)
    if any("{file}" in step for step in app.steps):
        assert any("FILE.x" in step for step in english)
    for language in ("de", "fr"):
        set_language(language)
        try:
            shown = app.shown_steps("FILE.x")
        finally:
            set_language("en")
        assert shown != english, f"{app.key}: steps not translated into {language}"
        assert len(shown) == len(english)


def test_the_open_action_only_where_the_system_can_open_the_file() -> None:
    assert mail_app("apple-mac").can_open("darwin")
    assert not mail_app("apple-mac").can_open("linux")
    assert mail_app("outlook-classic").can_open("win32")
    assert not mail_app("apple-ios").can_open("darwin")  # the file goes to the phone
    assert mail_app("android").handover is Handover.QR_CODE
    assert mail_app("thunderbird").handover is Handover.TYPE_VALUES
    with pytest.raises(ValueError, match="unknown mail app"):
        mail_app("pine")
