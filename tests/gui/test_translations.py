"""The window's words are extractable, and the shipped translations are complete and agree
with the code: an AST scan for calls lupdate cannot read, pyside6-lupdate over gui/ against
the committed .ts files, the translations' placeholders and accelerators, and the compiled
.qm against the .ts that the window reads when no .qm is installed."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from defusedxml import ElementTree

from mailhop.gui import i18n
from mailhop.gui.untrusted import neutral

REPO = Path(__file__).resolve().parents[2]
GUI = REPO / "gui"
I18N = REPO / "resources" / "i18n"
TOOLS = Path(sys.executable).parent
PLACEHOLDER = re.compile(r"\{[^{}]*\}")
# Texts rightly the same as the English source in a language (checked by hand once).
SAME = {
    "de": {"OK", "Code", "Server", "Details", "{n} s", "Port:"},
    "fr": {"OK", "Code", "{host} port {port}, {security}", "port {port}, {security}", "{n} s"},
}
# The one call that translates a variable: tr() itself (gui/look.py).
DEFINITION = ("look.py", "translate")


def untranslatable_calls(source: str, filename: str) -> list[str]:
    """tr(x), translate(ctx, x), QT_TRANSLATE_NOOP(ctx, x) whose text is not a literal."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
        position = {"tr": 0, "translate": 1, "QT_TRANSLATE_NOOP": 1, "QT_TR_NOOP": 0}.get(name)
        if position is None or (filename, name) == DEFINITION:
            continue
        args = node.args
        text = args[position] if len(args) > position else None
        if not (isinstance(text, ast.Constant) and isinstance(text.value, str)):
            found.append(f"{filename}:{node.lineno}: {ast.unparse(node)[:80]}")
        elif name in ("translate", "QT_TRANSLATE_NOOP") and not (
            isinstance(args[0], ast.Constant) and args[0].value == ""
        ):
            found.append(f"{filename}:{node.lineno}: a context other than tr()'s")
    return found


def test_every_translated_text_in_the_window_is_a_literal() -> None:
    found = []
    for path in sorted(GUI.glob("*.py")):
        found += untranslatable_calls(path.read_text("utf-8"), path.name)
    assert found == []


def test_the_scan_catches_what_lupdate_cannot_read() -> None:
    code = 'tr(TABLE[k])\ntr(f"x {y}")\ntr("a" + b)\nQT_TRANSLATE_NOOP("x", "c")\ntr("ok {n}")\n'
    assert len(untranslatable_calls(code, "example.py")) == 4


def messages(ts: Path) -> dict[tuple[str, str], ElementTree.Element]:
    root = ElementTree.parse(ts).getroot()
    return {
        (context.findtext("name") or "", message.findtext("source") or ""): message
        for context in root.iter("context")
        for message in context.iter("message")
    }


def extracted(tmp_path: Path) -> dict[tuple[str, str], ElementTree.Element]:
    ts = tmp_path / "extracted.ts"
    done = subprocess.run(
        [
            str(TOOLS / "pyside6-lupdate"),
            "-extensions",
            "py",
            "-locations",
            "none",
            str(GUI),
            "-ts",
            str(ts),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return messages(ts)


def test_lupdate_extracts_exactly_the_committed_sources(tmp_path: Path) -> None:
    found = extracted(tmp_path)
    assert len(found) > 150
    assert {context for context, _ in found} == {""}  # the context tr() looks up
    # lupdate's Python reader missed none of the literal tr() calls the AST holds.
    literals = set()
    for path in GUI.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "tr" and node.args:
                text = node.args[0]
                if isinstance(text, ast.Constant) and isinstance(text.value, str):
                    literals.add(text.value)
    assert literals == {source for _, source in found}
    for language in i18n.LANGUAGES:
        committed = messages(I18N / f"mailhop_{language}.ts")
        assert sorted(set(found) - set(committed)) == [], f"{language}: not in the .ts yet"
        assert sorted(set(committed) - set(found)) == [], f"{language}: no longer in the code"


@pytest.mark.parametrize("language", i18n.LANGUAGES)
def test_every_text_is_translated_with_its_placeholders(language: str) -> None:
    ts = I18N / f"mailhop_{language}.ts"
    assert ElementTree.parse(ts).getroot().get("language") == language
    problems = []
    for (_, source), message in messages(ts).items():
        translation = message.find("translation")
        assert translation is not None
        words = translation.text or ""
        if translation.get("type") or not words.strip():
            problems.append(f"not translated: {source!r}")
            continue
        if sorted(PLACEHOLDER.findall(words)) != sorted(PLACEHOLDER.findall(source)):
            problems.append(f"placeholders differ: {source!r} -> {words!r}")
        # An accelerator (&x) in the source needs one in the translation, and only one.
        if source.count("&") != words.count("&"):
            problems.append(f"accelerators differ: {source!r} -> {words!r}")
        # Words go on screen through gui/untrusted.py, which shows controls and separators
        # other than the space escaped: a no-break space would read "\xa0".
        if neutral(words) != words:
            problems.append(f"shown escaped: {words!r}")
        if source.endswith("…") != words.endswith("…"):
            problems.append(f"a dialog's '…' differs: {source!r} -> {words!r}")
        if words == source and source not in SAME[language]:
            problems.append(f"left in English: {source!r}")
    assert problems == []


@pytest.mark.parametrize("language", i18n.LANGUAGES)
def test_the_compiled_qm_says_what_the_ts_says(qapp: object, tmp_path: Path, language: str) -> None:
    """The bundles ship lrelease's .qm; a source install reads the .ts: both say the same."""
    from PySide6.QtCore import QTranslator

    ts = I18N / f"mailhop_{language}.ts"
    shutil.copy(ts, tmp_path)
    qm = tmp_path / f"mailhop_{language}.qm"
    assert qm in i18n.compile_translations(tmp_path)  # the install and build step
    compiled = QTranslator()
    assert compiled.load(str(qm))
    from_source = i18n.TsTranslator(ts)
    for (context, source), message in messages(ts).items():
        expected = message.findtext("translation")
        assert compiled.translate(context, source) == expected, source
        assert from_source.translate(context, source) == expected, source
    assert from_source.translate("", "not a message of mailhop") == ""


def test_a_compiled_qm_is_used_only_while_it_is_as_new_as_its_ts(
    qapp: object, tmp_path: Path
) -> None:
    import os

    shutil.copy(I18N / "mailhop_de.ts", tmp_path)
    assert isinstance(i18n.translator_for(tmp_path, "de"), i18n.TsTranslator)  # no .qm yet
    (qm,) = i18n.compile_translations(tmp_path)
    compiled = i18n.translator_for(tmp_path, "de")
    assert compiled is not None and not isinstance(compiled, i18n.TsTranslator)
    assert compiled.translate("", "Checking") == "Prüfung"
    later = qm.stat().st_mtime + 10
    os.utime(tmp_path / "mailhop_de.ts", (later, later))  # the .ts edited after the build
    assert isinstance(i18n.translator_for(tmp_path, "de"), i18n.TsTranslator)
    assert i18n.translator_for(tmp_path, "it") is None
