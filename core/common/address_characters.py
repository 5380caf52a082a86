"""The character checks of an address: controls, bidi controls, invisible characters and
spaces are refused, each with the code point named (address.py's docstring says why).

Its own module so that the address and its domain checks both use it without importing
each other.
"""

from __future__ import annotations

import unicodedata

from .address_error import AddressError
from .i18n import _

__all__ = ["BLANKS", "check_characters", "codepoint", "shown"]

# Whitespace that may surround a pasted address; other C0/C1 controls are refused instead.
BLANKS = "".join(
    c
    for c in map(chr, range(0x3001))
    if c.isspace() and (c in "\t\n\r" or unicodedata.category(c) != "Cc")
)
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Default_Ignorable_Code_Point (Unicode DerivedCoreProperties.txt): invisible when rendered.
_IGNORABLE = (
    (0x00AD, 0x00AD), (0x034F, 0x034F), (0x061C, 0x061C), (0x115F, 0x1160), (0x17B4, 0x17B5),
    (0x180B, 0x180F), (0x200B, 0x200F), (0x202A, 0x202E), (0x2060, 0x206F), (0x3164, 0x3164),
    (0xFE00, 0xFE0F), (0xFEFF, 0xFEFF), (0xFFA0, 0xFFA0), (0xFFF0, 0xFFF8), (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A), (0xE0000, 0xE0FFF),
)  # fmt: skip
_CONTROL_NAMES = {"\0": "NUL", "\n": "LINE FEED", "\r": "CARRIAGE RETURN"}


def codepoint(ch: str) -> str:
    return f"U+{ord(ch):04X} {_CONTROL_NAMES.get(ch) or unicodedata.name(ch, '')}".rstrip()


def shown(text: str) -> str:
    """``text`` for a message, with anything unprintable escaped."""
    return text if text.isprintable() else ascii(text)


def check_characters(text: str) -> None:
    for i, ch in enumerate(text):
        # Where, in words that fit the sentences below in each language.
        where = _("after '{text}'").format(text=text[:i]) if i else _("at the start")
        what = codepoint(ch)
        if ch in _BIDI:
            raise AddressError(
                "bidi",
                _(
                    "The address contains the invisible text-direction control {what} {where}; "
                    "it can make an address display in a misleading order. Type the address by "
                    "hand."
                ).format(what=what, where=where),
            )
        category = unicodedata.category(ch)
        if category in ("Cc", "Cs") and ch != "\t":
            raise AddressError(
                "control",
                _("The address contains the control character {what} {where}. Remove it.").format(
                    what=what, where=where
                ),
            )
        if category == "Cf" or any(lo <= ord(ch) <= hi for lo, hi in _IGNORABLE):
            raise AddressError(
                "invisible",
                _(
                    "The address contains the invisible character {what} {where}. Remove it, or "
                    "type the address by hand instead of pasting it."
                ).format(what=what, where=where),
            )
        if ch.isspace():
            raise AddressError(
                "whitespace",
                _("The address contains a space, {what}, {where}. Remove it.").format(
                    what=what, where=where
                ),
            )
