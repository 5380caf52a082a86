"""Look-alike host names (Unicode UTS #39): which labels could pass for another name.

DESIGN.md section 4, rule 4: a host name with mixed scripts or confusable characters is
flagged wherever it is shown and, outside the address's registrable domain, needs approval
even when an authenticated source named it. This module only classifies; the finding lives
in policy/plan_findings.py, the approval in policy/entries.py and account/approval.py, and
the words in lookalike_words.py.

Theory of operation
-------------------
Each label is taken as a U-label (an A-label is decoded once with ``idna``, IDNA 2008) and
classified by three UTS #39 ideas, each cited to its section:

* **Mixed script** (section 5.1, 5.2): the label's scripts, leaving out Common and Inherited
  (digits, the hyphen, combining marks belong to every script), must fit in one script or
  in one of the combinations the "Highly Restrictive" level allows: Latin + Han + Hiragana +
  Katakana (Japanese), Latin + Han + Bopomofo (Chinese), Latin + Han + Hangul (Korean).
  Anything else, such as a Cyrillic a (U+0430) among Latin letters, is mixed.
* **Whole-script confusable** (section 4): a label in one script other than Latin whose
  every letter looks like an ASCII letter or digit, so that the whole label can pass for an
  ASCII one: ``xn--80ak6aa92e``, five Cyrillic letters that read ``apple``. A Cyrillic word
  with a few such letters (``пример``) reads as Cyrillic and is not flagged.
* **Confusable characters** (section 4, confusables.txt): the non-ASCII characters that look
  like an ASCII letter or digit, listed with what they look like. They are reported where
  they deceive: in a label with Latin letters (``paypal`` spelt with U+0251 LATIN SMALL
  LETTER ALPHA is all Latin, yet reads ``paypal``), in a mixed label, or in a whole-script
  confusable one.

The data is the ``confusable-homoglyphs`` package (UTS #39 confusables.txt and the Unicode
Scripts property, both Unicode 15, bundled as JSON; no network). Where it falls short of
UTS #39, and what this module does instead:

* It has the Script property but not Script_Extensions, so a Common character (the Katakana
  prolonged sound mark U+30FC, say) counts for every script instead of for its extension
  set. That only makes a few rare Common characters more permissive; every letter that can
  carry a spoof has a proper script.
* It has no resolved-script-set, restriction-level or whole-script API: its
  ``is_mixed_script`` calls any two scripts mixed (so Japanese Han + Katakana would be
  flagged) and ``is_dangerous`` knows no allowed combinations. The three rules above are
  therefore implemented here, table-driven, over its per-character data (``alias`` for the
  script, ``is_confusable`` for the homoglyphs).
* Its ``Unknown`` script (a code point newer than its data) is kept as a script of its own,
  so such a character in a Latin label makes it mixed: unknown is never "fine".

The library is imported on first use: it loads about 1 MB of JSON and urllib (about 35 ms),
which the path to the first window need not pay.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

import idna

__all__ = ["Confusable", "HostName", "LabelReport", "Problem", "classify_host", "shown_host"]


class Problem(enum.StrEnum):
    MIXED_SCRIPT = "mixed-script"
    WHOLE_SCRIPT = "whole-script-confusable"
    CONFUSABLE = "confusable-characters"


@dataclass(frozen=True, slots=True)
class Confusable:
    """One character that looks like an ASCII one."""

    char: str
    codepoint: str  # "U+0430 CYRILLIC SMALL LETTER A"
    script: str  # "Cyrillic"
    looks_like: str  # "a"


@dataclass(frozen=True, slots=True)
class LabelReport:
    """One label with at least one problem."""

    ulabel: str
    alabel: str
    scripts: tuple[str, ...]  # sorted, Common and Inherited left out
    problems: tuple[Problem, ...]
    confusables: tuple[Confusable, ...]


@dataclass(frozen=True, slots=True)
class HostName:
    """A host name in both forms, with the labels that could pass for another name."""

    alabel: str  # what goes to DNS, SNI and the certificate check
    ulabel: str  # what a person reads
    suspects: tuple[LabelReport, ...]

    @property
    def lookalike(self) -> bool:
        return bool(self.suspects)

    @property
    def is_idn(self) -> bool:
        return self.ulabel != self.alabel

    @property
    def shown(self) -> str:
        """``U-label (A-label)`` for an IDN, else the name: both forms, never truncated."""
        return f"{self.ulabel} ({self.alabel})" if self.is_idn else self.alabel

    @property
    def scripts(self) -> tuple[str, ...]:
        return tuple(sorted({s for label in self.suspects for s in label.scripts}))

    @property
    def problems(self) -> tuple[Problem, ...]:
        found = {p for label in self.suspects for p in label.problems}
        return tuple(p for p in Problem if p in found)


# UTS #39 section 5.2, "Highly Restrictive": the script sets a label may cover besides one.
_LATIN = "Latin"
ALLOWED_COMBINATIONS: tuple[frozenset[str], ...] = (
    frozenset({_LATIN, "Han", "Hiragana", "Katakana"}),
    frozenset({_LATIN, "Han", "Bopomofo"}),
    frozenset({_LATIN, "Han", "Hangul"}),
)
# Script property values that belong to every script (UTS #39 section 5.1).
_ANY_SCRIPT = frozenset({"Common", "Inherited"})
_LDH = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-")


@cache
def _library() -> tuple[Callable[[str], Any], Callable[..., Any]]:
    from confusable_homoglyphs import categories, confusables

    return categories.alias, confusables.is_confusable


@lru_cache(maxsize=4096)
def _script(char: str) -> str:
    """The Unicode Script property in its long form: "Latin", "Canadian Aboriginal"."""
    alias = str(_library()[0](char))
    return alias.replace("_", " ").title() if alias.isupper() else alias


@lru_cache(maxsize=4096)
def _ascii_lookalike(char: str) -> str | None:
    """What ASCII text (letters, digits, hyphen) ``char`` looks like, or None."""
    if char.isascii():
        return None
    found = _library()[1](char, greedy=True)
    if not found:
        return None
    shapes = [
        str(glyph["c"]).lower() for item in found for glyph in item["homoglyphs"] if glyph.get("c")
    ]
    ascii_shapes = sorted({s for s in shapes if set(s) <= _LDH}, key=lambda s: (len(s), s))
    return ascii_shapes[0] if ascii_shapes else None


def _codepoint(char: str) -> str:
    import unicodedata

    return f"U+{ord(char):04X} {unicodedata.name(char, '')}".rstrip()


def _label_report(ulabel: str, alabel: str) -> LabelReport | None:
    scripts = {_script(c) for c in ulabel} - _ANY_SCRIPT
    mixed = len(scripts) > 1 and not any(scripts <= allowed for allowed in ALLOWED_COMBINATIONS)
    looks: dict[str, str] = {}
    for char in ulabel:
        shape = _ascii_lookalike(char)
        if shape is not None:
            looks.setdefault(char, shape)
    non_ascii = {c for c in ulabel if not c.isascii()}
    whole = (
        len(scripts) == 1
        and _LATIN not in scripts
        and bool(non_ascii)
        and all(c in looks for c in non_ascii)
    )
    deceives = mixed or whole or not scripts or _LATIN in scripts
    confusables = tuple(
        Confusable(c, _codepoint(c), _script(c), shape) for c, shape in looks.items()
    )
    problems = [
        problem
        for problem, found in (
            (Problem.MIXED_SCRIPT, mixed),
            (Problem.WHOLE_SCRIPT, whole),
            (Problem.CONFUSABLE, deceives and bool(confusables)),
        )
        if found
    ]
    if not problems:
        return None
    return LabelReport(
        ulabel,
        alabel,
        tuple(sorted(scripts)),
        tuple(problems),
        confusables if deceives else (),
    )


def _forms(label: str) -> tuple[str, str]:
    """(U-label, A-label) of one label; a label IDNA refuses is kept as it is."""
    try:
        if label.startswith("xn--"):
            return idna.ulabel(label), label
        if label.isascii():
            return label, label
        ulabel = idna.uts46_remap(label, std3_rules=True)
        return ulabel, idna.alabel(ulabel).decode("ascii")
    except (idna.IDNAError, UnicodeError):
        return label, label


@lru_cache(maxsize=1024)
def classify_host(name: str) -> HostName:
    """Classify a host name given as A-labels or U-labels (case and a final dot ignored)."""
    labels = [_forms(label) for label in name.rstrip(".").lower().split(".")]
    suspects = tuple(
        report
        for ulabel, alabel in labels
        if not ulabel.isascii() and (report := _label_report(ulabel, alabel)) is not None
    )
    ulabels = ".".join(u for u, _ in labels)
    alabels = ".".join(a for _, a in labels)
    return HostName(alabels, ulabels, suspects)


def shown_host(name: str) -> str:
    """How a person sees a host name: ``U-label (A-label)`` for an IDN, else as it is."""
    return classify_host(name).shown
