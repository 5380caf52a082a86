"""Findings: stable codes, a severity, and the words a person and a helpdesk read.

All finding text lives in tables by stage (``findings_discovery`` for what discovery and
policy find, ``findings_probe`` for what a probe finds connecting and in a certificate,
``findings_servers`` for what the verdict finds, ``findings_relay_truth``), joined here as
``FINDINGS`` so it can be reviewed and translated in one place. ``summary`` is one line
for the person at the screen; ``helpdesk`` says what is wrong and who can fix it. Both
are ``str.format`` templates over the finding's ``values``; server- or document-supplied
text only ever enters through ``values`` and is shown as plain text (DESIGN.md section 4,
rule 10). The words about look-alike names are in ``lookalike_words``.
"""

from __future__ import annotations

from dataclasses import dataclass

from .finding_text import FindingText, Severity
from .findings_discovery import DISCOVERY_FINDINGS
from .findings_probe import PROBE_FINDINGS
from .findings_relay_truth import RELAY_TRUTH_FINDINGS
from .findings_servers import SERVER_FINDINGS
from .i18n import Words, english

# LOOKALIKE_CONSEQUENCE and lookalike_words are said with the findings they end; their home
# is lookalike_words.py.
from .lookalike_words import LOOKALIKE_CONSEQUENCE, lookalike_words

__all__ = [
    "FINDINGS",
    "LOOKALIKE_CONSEQUENCE",
    "Finding",
    "FindingText",
    "Severity",
    "finding",
    "lookalike_words",
]

# Every finding code: a code is in exactly one of the tables (a test holds it).
FINDINGS: dict[str, FindingText] = {
    **DISCOVERY_FINDINGS,
    **PROBE_FINDINGS,
    **SERVER_FINDINGS,
    **RELAY_TRUTH_FINDINGS,
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Finding:
    """One thing mailhop wants a person or a helpdesk to know, with its evidence."""

    code: str
    severity: Severity
    summary: str  # English, as JSON and files carry it
    helpdesk: str  # English
    evidence: tuple[str, ...] = ()
    values: tuple[tuple[str, object], ...] = ()  # what the table's templates are filled with
    # The endpoint it is about (host A-label, port), so that the verdict can say the same
    # finding for the same host once, with every port (verdict.py).
    host: str | None = None
    port: int | None = None

    def summary_words(self) -> Words:
        """The summary as Words: in the person's language when shown (``str``)."""
        return self._words(0)

    def helpdesk_words(self) -> Words:
        return self._words(1)

    @property
    def shown_summary(self) -> str:
        """The summary in the language chosen (i18n.set_language), for the screen."""
        return str(self.summary_words())

    @property
    def shown_helpdesk(self) -> str:
        return str(self.helpdesk_words())

    def _words(self, which: int) -> Words:
        text = FINDINGS.get(self.code)
        if text is None:  # not from the table: its words are as given
            return Words("{text}", (("text", (self.summary, self.helpdesk)[which]),))
        return Words((text.summary, text.helpdesk)[which], self.values)


def finding(code: str, *, evidence: tuple[str, ...] = (), **values: object) -> Finding:
    """Build a finding from the table; a missing value is a programming error."""
    text = FINDINGS[code]
    words = {key: english(value) for key, value in values.items()}
    return Finding(
        code=code,
        severity=text.severity,
        summary=text.summary.format(**words),
        helpdesk=text.helpdesk.format(**words),
        evidence=evidence,
        values=tuple(values.items()),
    )
