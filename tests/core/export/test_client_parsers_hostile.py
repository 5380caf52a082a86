"""Hostile values through a client's own parser where the client cannot run here (issue 15).

Outlook's .reg goes through regedit: Wine's regedit, programs/regedit/regproc.c at
wine-mirror/wine commit 0a95b94f0969362708c569936450c1f58f95ab09, is transcribed below
(REGPROC_unescape_string, and the file's UTF-16 LE reading with its BOM); the test reads the
exported file by those rules and asserts each value arrives byte for byte.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from mailhop.core.export.outlook import REG_KEY, outlook_reg, reg_bytes
from tests.core.export.test_outlook import PROFILE


def _regedit_unescape(text: str) -> tuple[str, str]:
    """REGPROC_unescape_string: \\\\ and \\" are the character, \\n and \\r a line break, \\0
    fails, any other \\x is x (with a warning); the first bare " ends the string. Returns the
    value and what follows the closing quote; ValueError where regedit returns FALSE."""
    out, i = [], 0
    while i < len(text):
        char = text[i]
        if char == "\\":
            i += 1
            if i == len(text) or text[i] == "0":
                raise ValueError("regedit: bad escape")
            escaped = text[i]
            if escaped in '\\"':
                out.append(escaped)
            elif escaped in "nr":
                out.append({"n": "\n", "r": "\r"}[escaped])
            else:
                raise ValueError(f"regedit warns: unknown escape \\{escaped}")  # not ours
        elif char == '"':
            return "".join(out), text[i + 1 :]
        else:
            out.append(char)
        i += 1
    raise ValueError("regedit: no closing quote")


def _regedit_values(data: bytes) -> dict[str, dict[str, str]]:
    """The keys and REG_SZ/dword values regedit would set from a version 5.00 file."""
    assert data.startswith(b"\xff\xfe"), "regedit reads UTF-16 only with the LE BOM"
    lines = data[2:].decode("utf-16-le").split("\r\n")
    assert lines[0] == "Windows Registry Editor Version 5.00"
    keys: dict[str, dict[str, str]] = {}
    key = ""
    for line in lines[1:]:
        stripped = line.lstrip(" \t")
        if not stripped or stripped.startswith(";"):
            continue
        if stripped.startswith("["):
            key = stripped[1 : stripped.rindex("]")]
            keys[key] = {}
            continue
        assert stripped.startswith('"'), line
        name, rest = _regedit_unescape(stripped[1:])
        rest = rest.lstrip(" \t")
        assert rest.startswith("="), line
        rest = rest[1:].lstrip(" \t")
        if rest.startswith('"'):
            value, tail = _regedit_unescape(rest[1:])
            # string_data_state: after the closing quote only blanks or a ; comment
            assert not tail.strip(" \t") or tail.lstrip(" \t").startswith(";"), line
        else:
            assert rest.startswith("dword:"), line
            value = rest
        keys[key][name] = value
    return keys


HINTS = [
    "C:\\Users\\Jo\\autodiscover-example.com.xml",
    "\\\\server\\share\\Zoë 日本 😀\\a.xml",
    'C:\\odd "quoted" ; # = ] [x] \\0 \\n name.xml',
    "C:\\trailing backslash\\",
]


@pytest.mark.parametrize("hint", HINTS)
def test_regedit_reads_the_path_and_domain_byte_for_byte(hint: str) -> None:
    values = _regedit_values(reg_bytes(outlook_reg(PROFILE, hint)))
    assert values == {
        REG_KEY: {"example.com": hint, "PreferLocalXML": "dword:00000001"},
    }


@pytest.mark.parametrize("hint", ["C:\\a\nb.xml", "C:\\a\rb.xml", "C:\\a\x00b.xml"])
def test_a_line_break_or_nul_in_the_path_is_refused(hint: str) -> None:
    """regedit reads line by line, and \\0 makes REGPROC_unescape_string fail."""
    with pytest.raises(ValueError, match="line break or NUL"):
        outlook_reg(PROFILE, hint)


def test_an_address_domain_arrives_as_the_value_name() -> None:
    profile = replace(PROFILE, address="jo@xn--zo-jia.example", address_unicode="jo@zoë.example")
    values = _regedit_values(reg_bytes(outlook_reg(profile, "C:\\x.xml")))
    assert values[REG_KEY] == {
        "xn--zo-jia.example": "C:\\x.xml",
        "PreferLocalXML": "dword:00000001",
    }
