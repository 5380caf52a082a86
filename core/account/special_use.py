"""The Sent and Drafts mailboxes a server marks (RFC 6154 SPECIAL-USE), read at the login test.

After a successful IMAP login the session asks ``LIST (SPECIAL-USE) "" "*"`` (RFC 6154
section 2, selection option; login_imap.py) and hands the answer here: the first mailbox
flagged ``\\Sent`` and the first flagged ``\\Drafts``. The exports that name folders (aerc
``copy-to``/``postpone``, neomutt ``record``/``postponed``, ...) write these instead of
guessing "Sent" and "Drafts", which a server with "Sent Messages" or a translated name
does not have (the client then fails to save the copy, or creates a second folder).

The names are the server's words: untrusted. A name is kept only if a person could read it
as a folder name: 1 to 255 characters after modified UTF-7 decoding (RFC 3501 section 5.1.3,
done by IMAPClient), none of them a control character (C0, DEL, C1: a line break would forge
a line in the line-based exports), and no NUL. Anything else is dropped, never fixed up;
each export then quotes the name by its client's own rules (core/export/).

Pure: data in, data out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["MAX_FOLDER_NAME", "SpecialFolders", "folder_name", "special_folders"]

MAX_FOLDER_NAME = 255  # characters; real ones are short, and this bounds every export line
MAX_LISTED = 1000  # LIST lines looked at: a server may list thousands of folders


@dataclass(frozen=True, slots=True)
class SpecialFolders:
    """The server's Sent and Drafts mailboxes; "" where it marks none (the exports then
    write no folder, or their old default with a comment)."""

    sent: str = ""
    drafts: str = ""


def folder_name(name: object) -> str | None:
    """``name`` if it may stand as a folder name in a profile and an export, else None."""
    if not isinstance(name, str) or not 1 <= len(name) <= MAX_FOLDER_NAME:
        return None
    if any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in name):
        return None
    return name


def special_folders(listed: Iterable[tuple[Iterable[object], object]]) -> SpecialFolders:
    """The first usable ``\\Sent`` and ``\\Drafts`` among LIST's (flags, name) pairs; flags
    compare without case (RFC 3501 flags are case-insensitive atoms)."""
    found: dict[bytes, str] = {}
    for index, (flags, name) in enumerate(listed):
        if index >= MAX_LISTED:
            break
        usable = folder_name(name)
        if usable is None:
            continue
        for flag in flags:
            key = flag.lower() if isinstance(flag, bytes) else str(flag).encode("utf-8").lower()
            if key in (b"\\sent", b"\\drafts"):
                found.setdefault(key, usable)
    return SpecialFolders(sent=found.get(b"\\sent", ""), drafts=found.get(b"\\drafts", ""))
