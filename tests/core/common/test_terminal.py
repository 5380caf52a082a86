"""The terminal guard: no control character from a value reaches the terminal as itself."""

from __future__ import annotations

import io

import pytest

from mailhop.core.common.terminal import TerminalText
from mailhop.core.common.text import keep_lines

HOSTILE = [
    ("\x1b[2J\x1b[31mAccount set up", "\\x1b[2J\\x1b[31mAccount set up"),  # ESC: clear, recolour
    ("\x9b31m", "\\x9b31m"),  # C1 CSI: the one-byte form some terminals obey
    ("\x1b]0;title\x07", "\\x1b]0;title\\x07"),  # OSC: rewrite the window title
    ("abc\u202edef", "abc\\u202edef"),  # bidi override: reorders what follows
    ("a\u2066b\u2069", "a\\u2066b\\u2069"),  # bidi isolates
    ("line\rfake", "line\\rfake"),  # a carriage return overwrites mailhop's own line
    ("nul\x00byte", "nul\\x00byte"),
]


@pytest.mark.parametrize(("raw", "shown"), HOSTILE)
def test_control_and_format_characters_are_escaped(raw: str, shown: str) -> None:
    assert keep_lines(raw) == shown


def test_layout_and_letters_of_every_script_pass_unchanged() -> None:
    text = "mailhop check\n\tbücher.example, 例え.テスト, пример.рф — ok"
    assert keep_lines(text) == text


def test_the_stream_escapes_text_and_passes_bytes_written_to_its_buffer() -> None:
    raw = io.BytesIO()
    inner = io.TextIOWrapper(raw, encoding="utf-8")
    stream = TerminalText(inner)
    assert stream.write("a\x1bb\n") == 4
    stream.flush()
    stream.buffer.write(b"\x1b\x00PNG")  # an export on standard output is a file, not text
    stream.flush()
    assert raw.getvalue() == b"a\\x1bb\n\x1b\x00PNG"
