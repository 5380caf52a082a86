"""The core's messages as the code marks them, and the catalogs kept in step with them.

``messages()`` is the extraction: every ``_()``, ``N_()`` and ``ngettext()`` call under core/,
found by parsing the code (an AST scan, as xgettext's Python parser does), with the
non-literal calls that no extraction could see. ``python -m tests.core.i18n_catalog`` adds
new msgids to each core/locale/<lang>/LC_MESSAGES/mailhop.po (empty, for a translator) and
marks vanished ones obsolete; tests/core/common/test_i18n.py holds the catalogs complete.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from pathlib import Path

import polib

CORE = Path(__file__).resolve().parents[2] / "core"
LOCALE = CORE / "locale"
MARKERS = {"_": 1, "N_": 1, "ngettext": 2}  # how many leading arguments are msgids
# The mechanism translates what the others marked: its calls take variables.
MECHANISM = CORE / "common" / "i18n.py"


@dataclass(frozen=True, slots=True)
class Message:
    msgid: str
    plural: str | None
    where: str  # core/file.py:line


def scan(path: Path) -> tuple[list[Message], list[str]]:
    """The marked messages of one file, and where a marker is called with no literal."""
    found: list[Message] = []
    bad: list[str] = []
    where_base = path.relative_to(CORE.parent).as_posix()
    for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
            continue
        count = MARKERS.get(node.func.id)
        if count is None:
            continue
        where = f"{where_base}:{node.lineno}"
        texts = node.args[:count]
        if len(texts) < count or not all(
            isinstance(t, ast.Constant) and isinstance(t.value, str) for t in texts
        ):
            bad.append(where)
            continue
        values = [t.value for t in texts if isinstance(t, ast.Constant)]
        found.append(Message(values[0], values[1] if count == 2 else None, where))
    return found, bad


def messages() -> tuple[dict[str, Message], list[str]]:
    """Every msgid under core/ (first place it is used) and every non-literal marker call."""
    found: dict[str, Message] = {}
    bad: list[str] = []
    for path in sorted(CORE.rglob("*.py")):
        if path == MECHANISM:
            continue
        these, wrong = scan(path)
        bad += wrong
        for message in these:
            found.setdefault(message.msgid, message)
    return found, bad


def catalogs() -> list[Path]:
    return sorted(LOCALE.glob("*/LC_MESSAGES/mailhop.po"))


def update(path: Path) -> tuple[int, int]:
    """Add the code's new msgids to one .po and mark the vanished ones obsolete."""
    found, _ = messages()
    po = polib.pofile(str(path), wrapwidth=100)
    have = {entry.msgid: entry for entry in po}
    added = 0
    for msgid, message in found.items():
        entry = have.get(msgid)
        if entry is None:
            entry = polib.POEntry(msgid=msgid, msgstr="")
            if message.plural is not None:
                entry.msgid_plural = message.plural
                entry.msgstr_plural = {0: "", 1: ""}
            po.append(entry)
            added += 1
        entry.occurrences = [tuple(message.where.rsplit(":", 1))]
        if "{" in msgid:
            entry.flags = sorted({*entry.flags, "python-brace-format"})
    gone = 0
    for entry in po:
        if entry.msgid not in found and not entry.obsolete:
            entry.obsolete = True
            gone += 1
    po.save(str(path))
    return added, gone


if __name__ == "__main__":
    for catalog in catalogs():
        new, old = update(catalog)
        sys.stdout.write(f"{catalog.relative_to(CORE.parent)}: {new} new, {old} obsolete\n")
