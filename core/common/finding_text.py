"""The shape of a row of the findings tables: a severity and two templates.

``summary`` is one line for the person at the screen; ``helpdesk`` says what is wrong and
who can fix it. Both are ``str.format`` templates over the finding's values, marked for
translation (``N_``) and put into the person's language when shown.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

__all__ = ["FindingText", "Severity"]


class Severity(enum.StrEnum):
    INFO = "info"
    WARN = "warn"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class FindingText:
    severity: Severity
    summary: str
    helpdesk: str
