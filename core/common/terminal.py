"""The terminal as the last line of defence for untrusted text (DESIGN rule 10).

Call sites escape server and document text with ``text.one_line``; this stream wrapper makes
the rule hold even where one forgets: whatever the CLI writes as text, no control character but
newline and tab reaches the terminal, so no value can move the cursor, recolour mailhop's own
lines, rewrite the title bar or reorder text with a bidi override. Bytes written to ``buffer``
(an export sent to standard output) pass untouched: they are a file, not text for a person.
"""

from __future__ import annotations

import io
from typing import Any, BinaryIO, TextIO

from .text import keep_lines

__all__ = ["TerminalText"]


class TerminalText(io.TextIOBase):
    """A text stream that escapes what ``text.keep_lines`` escapes, then writes to ``inner``."""

    def __init__(self, inner: TextIO) -> None:
        self._inner = inner

    def write(self, text: str) -> int:
        self._inner.write(keep_lines(text))
        return len(text)

    def redraw(self, text: str) -> None:
        """Replace the cursor's line with `text` (a progress bar): the carriage return is
        mailhop's own, the text is escaped like any other."""
        self._inner.write("\r" + keep_lines(text).replace("\n", " "))

    def flush(self) -> None:
        self._inner.flush()

    def isatty(self) -> bool:
        return self._inner.isatty()

    def fileno(self) -> int:
        return self._inner.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self._inner, "encoding", None) or "utf-8"

    @property
    def buffer(self) -> BinaryIO:
        return self._inner.buffer

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)
