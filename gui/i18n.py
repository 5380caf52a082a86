"""The window's language: the system's (QLocale.system()), or the one chosen in Advanced
settings; mailhop's words, Qt's own (dialog buttons) and the core's (findings, labels) follow it.

Sources
    ``resources/i18n/mailhop_<lang>.ts`` are the translations (Qt Linguist's format, filled in
    from ``pyside6-lupdate -extensions py gui/``). ``mailhop_<lang>.qm`` beside each is made by
    ``pyside6-lrelease`` where mailhop is installed or built (``python -m mailhop.gui.i18n``,
    run by installer/debian-dev-setup.sh, run-setup.sh and the bundle build before PyInstaller,
    whose data files are pyproject's package-data), as the core does with its gettext catalogs
    (core/common/i18n.py). Where that step did not run (a wheel, a fresh checkout), or a .ts was
    edited after it, ``TsTranslator`` reads the .ts itself: about 3 ms at start-up and the
    same answers as the compiled file (tests/gui/test_translations.py compares every
    message), so a stale or missing .qm never shows old words.

The choice
    Stored with QSettings (``language``: "" for the system's, or ``en``/``de``/``fr``), the
    place Qt gives each platform for an application's settings. It applies at the next start:
    the pages are built once, in the language loaded then.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QSettings, QTranslator

__all__ = [
    "LANGUAGES",
    "TsTranslator",
    "choices",
    "compile_translations",
    "install",
    "language_for",
    "save_choice",
    "saved_choice",
    "translator_for",
]

LANGUAGES = ("de", "fr")  # shipped translations; English is the source text itself
SETTING = "language"
FOLDER = "i18n"  # in mailhop.resources
_installed: list[QTranslator] = []


def choices() -> list[tuple[str, str]]:
    """(code, name) for the settings dialog; each language named in itself."""
    from .look import tr

    return [("", tr("System default")), ("en", "English"), ("de", "Deutsch"), ("fr", "Français")]


def saved_choice() -> str:
    """The person's choice: "" (the system's language) or a language code."""
    value = QSettings().value(SETTING, "")
    code = value if isinstance(value, str) else ""
    return code if code in ("en", *LANGUAGES) else ""


def save_choice(code: str) -> None:
    settings = QSettings()
    settings.setValue(SETTING, code)
    settings.sync()


def language_for(choice: str, system: QLocale | None = None) -> str:
    """The language to show: the choice, else the first of the system's UI languages that
    mailhop has ("de-CH" is German), else English."""
    if choice:
        return choice
    for name in (system or QLocale.system()).uiLanguages():
        code = name.replace("_", "-").split("-")[0].lower()
        if code == "en" or code in LANGUAGES:
            return code
    return "en"


def install(app: QCoreApplication, code: str | None = None) -> str:
    """Load ``code`` (None: the saved choice, else the system's) for mailhop, Qt and the core;
    returns the language in effect. Translators loaded before are taken out first."""
    language = language_for(saved_choice() if code is None else code)
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    if language != "en":
        QLocale.setDefault(QLocale(language))
        qt = QTranslator(app)
        folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        if qt.load(f"qtbase_{language}", folder):
            _installed.append(qt)
        own = _own_translator(language, app)
        if own is not None:
            _installed.append(own)
    else:
        QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    for translator in _installed:
        app.installTranslator(translator)
    from mailhop.core.common.i18n import set_language

    set_language(language)  # findings and labels (gettext) in the same language
    return language


def _own_translator(language: str, parent: QCoreApplication) -> QTranslator | None:
    with resources.as_file(resources.files("mailhop.resources") / FOLDER) as folder:
        return translator_for(Path(folder), language, parent)


def translator_for(
    folder: Path, language: str, parent: QCoreApplication | None = None
) -> QTranslator | None:
    """The compiled .qm if it is as new as its .ts, else the .ts read here; None: neither."""
    ts, qm = folder / f"mailhop_{language}.ts", folder / f"mailhop_{language}.qm"
    if qm.is_file() and (not ts.is_file() or qm.stat().st_mtime >= ts.stat().st_mtime):
        compiled = QTranslator(parent)
        if compiled.load(str(qm)):
            return compiled
    if ts.is_file():
        return TsTranslator(ts, parent)
    return None


class TsTranslator(QTranslator):
    """A translator that reads a Qt Linguist .ts file (the finished messages only)."""

    def __init__(self, path: Path, parent: QCoreApplication | None = None) -> None:
        super().__init__(parent)
        # mailhop's own file, shipped with it; defusedxml all the same (no entities, no DTD
        # beyond the .ts doctype).
        from defusedxml import ElementTree  # type: ignore[import-untyped, unused-ignore]

        self.table: dict[tuple[str, str], str] = {}
        root = ElementTree.parse(path).getroot()
        self._language: str = root.get("language", "")
        for context in root.iter("context"):
            name = context.findtext("name") or ""
            for message in context.iter("message"):
                translation = message.find("translation")
                if translation is None or translation.get("type") or not translation.text:
                    continue  # unfinished, vanished or obsolete: the source text is shown
                self.table[(name, message.findtext("source") or "")] = translation.text

    def translate(
        self,
        context: str,
        sourceText: str,
        disambiguation: str | None = None,
        n: int = -1,
    ) -> str:
        return self.table.get((context, sourceText), "")

    def isEmpty(self) -> bool:
        return not self.table

    def language(self) -> str:
        """The .ts file's language (QTranslator's own is set only by load(), of a .qm)."""
        return self._language


def compile_translations(folder: Path | None = None) -> list[Path]:
    """Write each .ts's .qm beside it with Qt's lrelease (the build and install step)."""
    import subprocess
    import sys

    if folder is None:
        with resources.as_file(resources.files("mailhop.resources") / FOLDER) as found:
            folder = Path(found)
    # PySide6's own launcher for its lrelease binary: the same on every system.
    tool = "import sys; from PySide6.scripts.pyside_tool import lrelease; sys.exit(lrelease())"
    written = []
    for ts in sorted(folder.glob("mailhop_*.ts")):
        qm = ts.with_suffix(".qm")
        subprocess.run(
            [sys.executable, "-c", tool, "-silent", str(ts), "-qm", str(qm)],
            check=True,
            timeout=120,
        )
        written.append(qm)
    return written


if __name__ == "__main__":  # the build step: python -m mailhop.gui.i18n
    for path in compile_translations():
        print(f"compiled {path.name}")
