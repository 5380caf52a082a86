"""The words about a look-alike host name (UTS 39: mixed scripts, whole-script look-alikes,
confusable characters), for the lookalike findings and the approval question.

``lookalike_words`` gives a short phrase for the person and the details for a helpdesk,
as ``Words`` translated when shown; script and Unicode character names stay as Unicode
gives them. ``LOOKALIKE_CONSEQUENCE`` ends a lookalike-host finding by where the host is.
"""

from __future__ import annotations

from .i18n import N_, Joined, Words
from .lookalike import HostName, Problem

__all__ = ["LOOKALIKE_CONSEQUENCE", "lookalike_words"]


# The last sentence of a lookalike-host finding, by where the host is and what it is for.
LOOKALIKE_CONSEQUENCE = {
    "outside": N_(
        "It is outside {domain}, so no password goes to it until the person approves "
        "{registrable} by name, even though {sources} named it."
    ),
    "inside": N_(
        "It is inside {domain}, the address's own domain, so it is a warning for the "
        "domain's admin and needs no approval."
    ),
    "relay": N_("Other mail servers deliver mail for {domain} to it; no password goes to it."),
}

_PROBLEM_WORDS = {
    Problem.MIXED_SCRIPT: N_("'{label}' mixes {scripts} letters"),
    Problem.WHOLE_SCRIPT: N_("'{label}' is all {scripts} letters that look like Latin ones"),
    Problem.CONFUSABLE: N_("{chars}"),
}


def lookalike_words(name: HostName) -> tuple[Words, Joined]:
    """(short, details) about a look-alike host name, for a person and for a helpdesk: for
    paypal spelt with a Cyrillic a (shown here as [a]), ("it mixes Cyrillic and Latin
    letters", "'p[a]ypal' mixes Cyrillic and Latin letters; [a] (U+0430 CYRILLIC SMALL
    LETTER A) looks like a"). Words, put into the person's language when shown; script and
    Unicode character names stay as Unicode gives them."""
    details = []
    for label in name.suspects:
        scripts = Joined.of(_AND, label.scripts)
        chars = Joined.of(
            ", ",
            (
                Words(
                    N_("{char} ({codepoint}) looks like {looks_like}"),
                    (
                        ("char", c.char),
                        ("codepoint", c.codepoint),
                        ("looks_like", c.looks_like),
                    ),
                )
                for c in label.confusables
            ),
        )
        for problem in label.problems:
            values = (("label", label.ulabel), ("scripts", scripts), ("chars", chars))
            details.append(Words(_PROBLEM_WORDS[problem], values))
    kinds = set(name.problems)
    scripts = Joined.of(_AND, name.scripts)
    if Problem.MIXED_SCRIPT in kinds:
        short = Words(N_("it mixes {scripts} letters"), (("scripts", scripts),))
    elif Problem.WHOLE_SCRIPT in kinds:
        short = Words(N_("its {scripts} letters look like Latin ones"), (("scripts", scripts),))
    else:
        short = Words(N_("it has letters that look like others"))
    return short, Joined.of("; ", details)


# Between script names (Unicode's own names, "Cyrillic and Latin"); Joined translates it.
_AND = N_(" and ")
