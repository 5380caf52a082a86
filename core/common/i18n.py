"""The core's words in the person's language: one mechanism (stdlib gettext) for the CLI and the
window alike, so a finding reads the same in both.

How it works
    Texts are English msgids marked in the code: ``_("...")`` where a sentence is made,
    ``N_("...")`` in tables built at import time (findings, labels), which are translated
    where they are shown, so switching language after import works. ``ngettext`` for counts.
    A sentence that is kept and shown later (a finding) is a ``Words``: the marked template and
    its values, put into words when shown: ``str(words)`` in the chosen language for a person,
    ``words.english()`` for JSON and files, which never change with the language.

Catalogs
    ``core/locale/<lang>/LC_MESSAGES/mailhop.po`` are the sources; ``mailhop.mo`` beside each
    is made at build and install time (``python -m mailhop.core.common.i18n``, run by the installer
    scripts and the bundle build). A checkout where that step did not run, or where a .po
    was edited after it, still shows the current words: the .po is then compiled in memory
    on first use (polib, the same code as the build step), never written anywhere.

The language is the system's (LANGUAGE, LC_ALL, LC_MESSAGES, LANG, in gettext's order) unless
a front end calls ``set_language`` with the person's choice (``--lang``, the window's setting).
"""

from __future__ import annotations

import gettext
import io
import os
import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

__all__ = [
    "LANGUAGES",
    "N_",
    "Joined",
    "Labels",
    "Words",
    "_",
    "compile_catalogs",
    "english",
    "language",
    "ngettext",
    "set_language",
    "system_language",
]

DOMAIN = "mailhop"
LANGUAGES = ("en", "de", "fr")  # English is the msgids themselves
# Beside the code, not importlib.resources: a frozen bundle's MultiplexedPath has no mtime to
# compare, and PyInstaller keeps package data at the module's own path.
LOCALE_DIR = Path(__file__).resolve().parents[1] / "locale"

# Empty until first use: then the system's language, unless a front end chose one before.
_state: dict[str, gettext.NullTranslations | str] = {}


def _catalog() -> gettext.NullTranslations:
    if "catalog" not in _state:
        set_language(None)
    found = _state["catalog"]
    assert isinstance(found, gettext.NullTranslations)
    return found


def _(message: str) -> str:
    """``message`` (an English msgid, a literal) in the chosen language."""
    return _catalog().gettext(message)


def N_(message: str) -> str:
    """Marks a literal for translation where it is defined; ``_()`` translates it when shown."""
    return message


def ngettext(singular: str, plural: str, count: int) -> str:
    return _catalog().ngettext(singular, plural, count)


def language() -> str:
    """The language in effect: one of LANGUAGES."""
    _catalog()
    return str(_state["language"])


def system_language(environ: dict[str, str] | None = None) -> str:
    """The first supported language the environment asks for, as gettext reads it (LANGUAGE
    may list several, ``de:fr``); ``C``, ``POSIX`` or nothing is English."""
    env = os.environ if environ is None else environ
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(variable, "")
        if not value:
            continue
        for item in value.split(":"):
            code = _code(item)
            if code in LANGUAGES:
                return code
        if variable != "LANGUAGE":  # the first set locale variable decides, as in gettext
            return "en"
    return "en"


def _code(locale_name: str) -> str:
    """``de_DE.UTF-8@euro`` -> ``de``; ``C``/``POSIX`` -> ``en``."""
    base = locale_name.split(".")[0].split("@")[0].strip()
    if base in ("C", "POSIX", ""):
        return "en"
    return base.split("_")[0].split("-")[0].lower()


def set_language(code: str | None) -> str:
    """Show the core's words in ``code`` (``de``, ``fr``, ``en``, or a locale name such as
    ``de_DE.UTF-8``); None follows the system locale. An unsupported language is English.
    Returns the language now in effect."""
    chosen = system_language() if code is None else _code(code)
    if chosen not in LANGUAGES:
        chosen = "en"
    _state["catalog"] = gettext.NullTranslations() if chosen == "en" else _load(chosen)
    _state["language"] = chosen
    return chosen


def _load(code: str, locale_dir: Path = LOCALE_DIR) -> gettext.NullTranslations:
    """The catalog of ``code``: its .mo, unless the .po beside it is newer (edited since the
    build step), then the .po compiled in memory."""
    folder = locale_dir / code / "LC_MESSAGES"
    po, mo = folder / f"{DOMAIN}.po", folder / f"{DOMAIN}.mo"
    if mo.is_file() and (not po.is_file() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as stream:
            return gettext.GNUTranslations(stream)
    if po.is_file():
        return gettext.GNUTranslations(io.BytesIO(_compile(po)))
    return gettext.NullTranslations()  # pragma: no cover - a bundle always carries its .mo


def _compile(po: Path) -> bytes:
    import polib  # type: ignore[import-untyped]  # only where no fresh .mo was built

    return bytes(polib.pofile(str(po)).to_binary())


def compile_catalogs(folder: Path = LOCALE_DIR) -> list[Path]:
    """Write each .po's .mo beside it (the build and install step); returns the .mo files."""
    written = []
    for po in sorted(folder.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        mo = po.with_suffix(".mo")
        mo.write_bytes(_compile(po))
        written.append(mo)
    return written


K = TypeVar("K")


class Labels(Mapping[K, str]):
    """A table of marked words (``N_``) built at import time that reads out in the language
    chosen when it is read: ``SOURCE[Source.SRV]`` is German after ``set_language("de")``."""

    __slots__ = ("_table",)

    def __init__(self, table: Mapping[K, str]) -> None:
        self._table = dict(table)

    def __getitem__(self, key: K) -> str:
        return _(self._table[key])

    def __iter__(self) -> Iterator[K]:
        return iter(self._table)

    def __len__(self) -> int:
        return len(self._table)

    def english(self, key: K) -> str:
        return self._table[key]


# -- words kept for later ---------------------------------------------------------------


def english(value: object) -> str:
    """A value as English text: ``Words`` and ``Joined`` in their English form."""
    if isinstance(value, Words | Joined):
        return value.english()
    return str(value)


@dataclass(frozen=True, slots=True)
class Words:
    """A marked template (``N_``) and its values, put into words when shown. Values may be
    Words or Joined themselves (a finding's details); anything else is shown as ``str``."""

    template: str
    values: tuple[tuple[str, object], ...] = ()

    def english(self) -> str:
        return self.template.format(**{key: english(value) for key, value in self.values})

    def __str__(self) -> str:
        return _(self.template).format(**{key: str(value) for key, value in self.values})


@dataclass(frozen=True, slots=True)
class Joined:
    """Several Words shown as one text, e.g. ``"; "``-separated; a separator marked with
    ``N_`` (``" and "``) is translated too."""

    separator: str
    parts: tuple[object, ...]

    @classmethod
    def of(cls, separator: str, parts: Iterable[object]) -> Joined:
        return cls(separator, tuple(parts))

    def english(self) -> str:
        return self.separator.join(english(part) for part in self.parts)

    def __str__(self) -> str:
        return _(self.separator).join(str(part) for part in self.parts)


if __name__ == "__main__":  # the build step: python -m mailhop.core.common.i18n
    for path in compile_catalogs():
        sys.stdout.write(f"compiled {path.parent.parent.name}: {path.name}\n")
