"""Text from outside mailhop made safe to show: one module, one rule, three contracts.

A server's greeting, a fetched document's field, a certificate's subject or a file name
can hold characters that act instead of showing: C0/C1 controls that move the cursor or
recolour the terminal, line and paragraph separators, and the bidi overrides and isolates
(U+202A-202E, U+2066-2069) that make "exe.gnp" read "png.exe" (DESIGN rule 10). The rule
is Python's own ``str.isprintable``: every character of Unicode category C (control,
format, surrogate, private use, unassigned) or Z (separators) except the plain space is
shown as its escape, spelt one way everywhere (``escape``):

    \\n \\r \\t              the three a person knows
    \\xNN                  below U+0100 (C0, DEL, C1, NBSP)
    \\uNNNN, \\UNNNNNNNN     above, always four or eight digits, so an escape never runs
                          into the digits after it

The three contracts:

* ``one_line(text)``: escapes every such character, newline and tab included: the text
  stays on its own line (a finding's summary, a lint message, a host name in a table).
* ``keep_lines(text)``: the same but newline and tab pass, for text whose lines are
  mailhop's own (the terminal guard ``terminal.TerminalText``, a multi-line view).
* ``server_text(raw, limit)``: bytes or text a server or certificate sent, kept for
  people: invalid UTF-8 as ``\\xNN``, then ``one_line``, then cut at ``limit``
  characters with an ellipsis (never inside an escape).
"""

from __future__ import annotations

__all__ = ["error_words", "escape", "keep_lines", "one_line", "server_text"]

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_KEPT_LINES = frozenset("\n\t")


def escape(char: str) -> str:
    """One character as its escape (the module's table), whatever it is."""
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def _shown(char: str) -> str:
    return char if char.isprintable() else escape(char)  # the space is printable


def one_line(text: str) -> str:
    """``text`` with every control, format and separator character but the space escaped."""
    if text.isprintable():  # the common case: nothing to do
        return text
    return "".join(map(_shown, text))


def keep_lines(text: str) -> str:
    """``one_line``, except that newline and tab pass as themselves."""
    if text.isprintable():
        return text
    return "".join(char if char in _KEPT_LINES else _shown(char) for char in text)


def server_text(raw: bytes | str, limit: int) -> str:
    """Server text made safe to show and cut to at most ``limit`` characters plus "…"."""
    text = raw.decode("utf-8", "backslashreplace") if isinstance(raw, bytes) else raw
    shown: list[str] = []
    size = 0
    for char in text:
        piece = _shown(char)
        if size + len(piece) > limit:
            shown.append("…")
            break
        shown.append(piece)
        size += len(piece)
    return "".join(shown)


def error_words(error: BaseException, limit: int = 160) -> str:
    """A library's exception as one line safe to show: its message (or its type's name when
    it has none), its text treated as server text (it may quote the bytes it choked on)."""
    return server_text(str(error) or type(error).__name__, limit)
