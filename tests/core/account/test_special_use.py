"""The Sent and Drafts folders from LIST (SPECIAL-USE) answers (special_use.py): the server's
words, kept only when they can stand as a folder name in a profile and an export."""

from __future__ import annotations

import pytest

from mailhop.core.account.special_use import (
    MAX_FOLDER_NAME,
    SpecialFolders,
    folder_name,
    special_folders,
)


def test_the_first_sent_and_drafts_flags_name_the_folders() -> None:
    listed = [
        ((b"\\HasNoChildren",), "INBOX"),
        ((b"\\HasNoChildren", b"\\SENT"), "Sent Messages"),  # flags ignore case
        ((b"\\Drafts",), "Entwürfe"),
        ((b"\\Sent",), "Second Sent"),  # the first one stays
        ((b"\\Trash",), "Trash"),
    ]
    assert special_folders(listed) == SpecialFolders(sent="Sent Messages", drafts="Entwürfe")


def test_a_server_that_marks_nothing_gives_no_names() -> None:
    assert special_folders([((b"\\HasNoChildren",), "INBOX")]) == SpecialFolders()
    assert special_folders([]) == SpecialFolders("", "")


@pytest.mark.parametrize(
    "name",
    [
        "Sent\r\nset record = x",  # a forged line in a line-based export
        "Sent\x00",
        "Sent\x1b[31m",  # a terminal escape
        "Sent\x85",  # C1 NEL
        "Sent\x7f",
        "",
        "S" * (MAX_FOLDER_NAME + 1),
        42,  # a number where a name belongs (IMAPClient parses a bare 42 as int)
        None,
        b"Sent",  # undecoded bytes
    ],
)
def test_a_name_no_export_could_carry_is_dropped_not_fixed(name: object) -> None:
    assert folder_name(name) is None
    assert special_folders([((b"\\Sent",), name), ((b"\\Sent",), "Sent")]).sent == "Sent"


@pytest.mark.parametrize(
    "name", ['Sent "quoted"', "Gesendet $HOME `id` %41 ?x #y ;", "送信済み", "a/b.c", "S" * 255]
)
def test_odd_but_printable_names_are_kept_as_the_server_wrote_them(name: str) -> None:
    # Quoting is each export's job (core/export/), not this module's.
    assert folder_name(name) == name
    assert special_folders([((b"\\Drafts",), name)]).drafts == name
