"""The three contracts of untrusted text (core/common/text.py), and one spelling of escapes."""

from __future__ import annotations

import pytest

from mailhop.core.common.text import escape, keep_lines, one_line, server_text

ONE_LINE = [
    ("plain text", "plain text"),
    ("line\nbreak", "line\\nbreak"),
    ("tab\there", "tab\\there"),
    ("bell\x07 and escape\x1b[2J", "bell\\x07 and escape\\x1b[2J"),
    ("nul\x00", "nul\\x00"),
    ("c1\x9b31m", "c1\\x9b31m"),  # the one-byte CSI some terminals obey
    ("no\xa0break", "no\\xa0break"),  # a separator that looks like a space
    ("faß.de", "faß.de"),
    ("例え.テスト пример.рф", "例え.テスト пример.рф"),
    ("rtl\u202eoverride", "rtl\\u202eoverride"),
    ("a\u2066b\u2069", "a\\u2066b\\u2069"),  # bidi isolates
    ("para\u2029graph", "para\\u2029graph"),
    ("tag\U000e0041", "tag\\U000e0041"),  # a Unicode tag character: invisible, astral
]


@pytest.mark.parametrize(("text", "shown"), ONE_LINE)
def test_one_line_escapes_what_could_act_instead_of_showing(text: str, shown: str) -> None:
    assert one_line(text) == shown


@pytest.mark.parametrize(("text", "shown"), ONE_LINE)
def test_keep_lines_is_one_line_but_for_newline_and_tab(text: str, shown: str) -> None:
    expected = shown.replace("\\n", "\n").replace("\\t", "\t")
    assert keep_lines(text) == expected


@pytest.mark.parametrize(("raw", "shown"), ONE_LINE)
def test_server_text_within_its_limit_is_one_line(raw: str, shown: str) -> None:
    assert server_text(raw, 512) == shown


def test_server_text_reads_bytes_and_keeps_invalid_utf8_visible() -> None:
    assert server_text(b"ok \xff\xfe\r\n", 512) == "ok \\xff\\xfe\\r\\n"
    assert server_text(b"ok" + "ü".encode(), 512) == "okü"


def test_server_text_is_cut_with_an_ellipsis_never_inside_an_escape() -> None:
    assert server_text("x" * 600, 512) == "x" * 512 + "…"
    assert server_text("\x00" * 10, 9) == "\\x00\\x00…"
    assert server_text("ab\U000e0041", 11) == "ab…"  # the 10-character escape does not fit
    assert len(server_text(b"\x01" * 10_000, 512)) <= 513


def test_every_escape_is_spelt_with_a_fixed_width() -> None:
    # An escape never runs into the digits after it: "\ue0041" would read as U+E004 then "1".
    for char in ("\x00", "\x7f", "\x85", "\u202e", "\ufeff", "\U000e0041", "\U0010fffd"):
        spelt = escape(char)
        assert spelt.encode("ascii").decode("unicode_escape") == char
        assert len(spelt) in (4, 6, 10)
    assert [escape(c) for c in "\n\r\t"] == ["\\n", "\\r", "\\t"]


def test_a_certificates_subject_is_escaped_by_the_same_rule() -> None:
    # The certificate reader had its own copy that spelt U+202E as "\x202e".
    from mailhop.core.probe.cert_read import untrusted_text

    assert untrusted_text("CN=evil\u202egnp.exe") == one_line("CN=evil\u202egnp.exe")
    assert untrusted_text("CN=evil\u202egnp.exe") == "CN=evil\\u202egnp.exe"
