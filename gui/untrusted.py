"""Text from outside mailhop, shown as text: the one way the window puts words on screen.

Why. Qt guesses: a QLabel, a tooltip or a QMessageBox body whose text "might be rich text"
(``Qt.mightBeRichText``: a tag near the start of the first line) is rendered as HTML. A
server's refusal holding ``<h1>``, ``<font color=...>`` or ``<a href=...>`` would then be
painted as a headline or a link inside mailhop's own message, so a server could write
"Account set up, verified by mailhop" on mailhop's page (DESIGN rule 10: server text is
data). Text from a server, a fetched document, a certificate or a saved profile also carries
characters that rearrange or hide what is around it: C0/C1 controls, and the bidi overrides
and isolates (U+202A-202E, U+2066-2069, U+200E/F) that make "exe.gnp" read "png.exe".

So every widget text that can hold such words goes through this module:

* ``neutral(text)``: every character of category C or Z but the space and the line break
  escaped as ``\\xNN``/``\\uNNNN`` (core's ``text.one_line``, line by line, so mailhop's own line
  breaks stay), and text longer than ``LIMIT`` cut with a visible note of what was left out;
* ``set_text`` / ``label`` / ``heading``: a QLabel with ``Qt.PlainText``, never auto-detect;
* ``set_tooltip``: a tooltip can only be rich or guessed, so it is escaped HTML (``<qt>``
  and ``html.escape``): the tags show as the characters they are;
* ``item`` / ``set_item_text``: tree and list items (drawn as plain text by the delegate,
  but the characters above still need neutralising), tooltips as above;
* ``message_box`` / ``ask``: a QMessageBox whose body is plain text;
* ``plain_document``: a QPlainTextEdit's whole text.

Where mailhop's words surround a server's, the server's stay quoted and named:
``server_words(host, text)`` gives "host said: “…”" (core's ``quote_server``).

tests/gui/test_untrusted.py walks every widget of every page fed hostile values, so a call
site that forgets this module fails there.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

from PySide6.QtWidgets import (
    QLabel,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QTreeWidgetItem,
    QWidget,
)

from .look import tr

__all__ = [
    "DOCUMENT_LIMIT",
    "LIMIT",
    "TOOLTIP_LIMIT",
    "ask",
    "item",
    "label",
    "list_item",
    "message_box",
    "neutral",
    "plain_document",
    "server_words",
    "set_item_text",
    "set_item_tooltip",
    "set_text",
    "set_tooltip",
]

LIMIT = 4000  # characters of one widget's text: more than any message mailhop writes
TOOLTIP_LIMIT = 1500
DOCUMENT_LIMIT = 20_000  # a scrolling text view (the certificate's facts, an account's)


def neutral(text: object, limit: int = LIMIT) -> str:
    """``text`` with every control, format (bidi) and separator character but the space and
    the line break shown escaped, cut at ``limit`` characters with a note saying so."""
    from mailhop.core.common.text import one_line

    words = str(text)
    head = words[:limit]  # escaping only lengthens: the rest cannot fit anyway
    # Line by line, so that line breaks stay (a tab is escaped: a label has no tab stops).
    shown = "\n".join(one_line(line) for line in head.split("\n"))
    left = len(words) - len(head)
    if len(shown) > limit:
        shown = shown[:limit]
        left = max(left, 1)
    if left > 1:
        shown += " " + tr("[… shortened: {n} more characters not shown]").format(n=left)
    elif left:
        shown += " " + tr("[… shortened]")
    return shown


def server_words(host: str, text: str) -> str:
    """A server's words inside mailhop's sentence: named and quoted, "host said: “…”"."""
    from mailhop.core.probe.proto_base import quote_server

    return tr("{host} said: {words}").format(host=host, words=quote_server(text))


def set_text(widget: QLabel, text: object, limit: int = LIMIT) -> None:
    # Qt's `Qt` namespace costs ~15 ms on first use: imported here, after the first paint.
    from PySide6.QtCore import Qt

    widget.setTextFormat(Qt.TextFormat.PlainText)
    widget.setText(neutral(text, limit))


def label(text: object = "", parent: QWidget | None = None) -> QLabel:
    made = QLabel(parent)
    set_text(made, text)
    return made


def tooltip_markup(text: object, limit: int = TOOLTIP_LIMIT) -> str:
    """A tooltip that shows ``text`` as text: escaped HTML, line breaks kept."""
    words = neutral(text, limit)
    if not words:
        return ""
    return "<qt>" + html.escape(words).replace("\n", "<br>") + "</qt>"


def set_tooltip(widget: QWidget, text: object) -> None:
    widget.setToolTip(tooltip_markup(text))


def item(texts: Iterable[object], tooltips: dict[int, object] | None = None) -> QTreeWidgetItem:
    made = QTreeWidgetItem([neutral(text) for text in texts])
    for column, tip in (tooltips or {}).items():
        set_item_tooltip(made, column, tip)
    return made


def set_item_text(row: QTreeWidgetItem, column: int, text: object) -> None:
    row.setText(column, neutral(text))


def set_item_tooltip(row: QTreeWidgetItem, column: int, text: object) -> None:
    row.setToolTip(column, tooltip_markup(text))


def list_item(text: object) -> QListWidgetItem:
    return QListWidgetItem(neutral(text))


def plain_document(edit: QPlainTextEdit, text: object, *, append: bool = False) -> None:
    if append:  # a message added below: capped as one
        edit.appendPlainText(neutral(text))
    else:
        edit.setPlainText(neutral(text, DOCUMENT_LIMIT))


def message_box(
    icon: QMessageBox.Icon, title: str, text: object, parent: QWidget | None = None
) -> QMessageBox:
    from PySide6.QtCore import Qt

    box = QMessageBox(icon, neutral(title, 200), "", parent=parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(neutral(text))
    return box


def ask(parent: QWidget, title: str, question: object) -> bool:
    """A yes/no question whose body is plain text; True for yes."""
    box = message_box(QMessageBox.Icon.Question, title, question, parent)
    box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
    box.setDefaultButton(QMessageBox.StandardButton.No)
    return box.exec() == QMessageBox.StandardButton.Yes
