"""Text rendering keeps untrusted text on its own line."""

from __future__ import annotations

import pytest

from mailhop.core.cli.render_text import safe


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("plain text", "plain text"),
        ("line\nbreak", "line\\nbreak"),
        ("bell\x07 and escape\x1b[2J", "bell\\x07 and escape\\x1b[2J"),
        ("nul\x00", "nul\\x00"),
        ("c1\x9b31m", "c1\\x9b31m"),
        ("faß.de", "faß.de"),
        ("rtl\u202eoverride", "rtl\\u202eoverride"),
    ],
)
def test_control_characters_are_shown_escaped(text: str, shown: str) -> None:
    assert safe(text) == shown
