"""One row per audited domain, read back from its JSON line, for the CSV and the overview.

The rows are made from the written records, not from the checks in memory, so that a run
continued with ``--resume`` summarises the domains of the first run too, and the summary
never says more than the JSON lines do. The records are our own file, but a run killed
mid-line or a file edited by hand must not stop the summary: a record that is not what
this module expects gives a row that says so (level ``unreadable``).
"""

from __future__ import annotations

import enum
import json
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["RECORD_KEY", "Overview", "Row", "RowLevel", "overview", "read_rows", "row_of"]

RECORD_KEY = "audit"  # the key each JSON line adds to the check schema


class RowLevel(enum.StrEnum):
    """A domain's outcome, worst first (the overview's order)."""

    BLOCK = "block"
    WARN = "warn"
    COULD_NOT_CHECK = "could-not-check"
    ERROR = "error"  # the check failed: mailhop's bug
    REFUSED = "refused"  # the line is no domain
    UNREADABLE = "unreadable"  # the JSON line is not a record
    OK = "ok"

    @property
    def rank(self) -> int:
        return list(RowLevel).index(self)


@dataclass(frozen=True, slots=True)
class Row:
    line: int
    input: str
    domain: str
    level: RowLevel
    findings: tuple[tuple[str, str], ...]  # (code, severity), each code once
    detail: str = ""  # why refused, the error, or the could-not-check cause

    @property
    def anchor(self) -> str:
        """The overview's id for this domain's entry (made of the line number only)."""
        return f"line-{self.line}"


@dataclass(frozen=True, slots=True)
class Overview:
    rows: tuple[Row, ...]  # worst first
    levels: Mapping[RowLevel, int]
    findings: Mapping[tuple[str, str], int]  # (code, severity) -> domains with it


def read_rows(lines: Iterable[str]) -> Iterator[Row]:
    for number, text in enumerate(lines, start=1):
        if text.strip():
            yield row_of(text, number)


def row_of(text: str, number: int) -> Row:
    try:
        record = json.loads(text)
        return _row(record)
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        why = f"record {number} is unreadable ({type(exc).__name__})"
        return Row(-number, "", "", RowLevel.UNREADABLE, (), why)  # no input line: -record


def _row(record: dict[str, Any]) -> Row:
    audit = record[RECORD_KEY]
    line, text, domain = int(audit["line"]), str(audit["input"]), str(audit["domain"])
    if audit.get("refused"):
        return Row(line, text, domain, RowLevel.REFUSED, (), str(audit["refused"]))
    if audit.get("error"):
        return Row(line, text, domain, RowLevel.ERROR, (), str(audit["error"]))
    verdict = record["verdict"]
    level = RowLevel(str(verdict["level"]))
    found: dict[str, str] = {}
    for leg in (verdict["submission"], verdict["access"], verdict["relay"]):
        for finding in leg["findings"]:
            found.setdefault(str(finding["code"]), str(finding["severity"]))
    for finding in record.get("findings", ()):
        found.setdefault(str(finding["code"]), str(finding["severity"]))
    cannot = verdict.get("could_not_check")
    detail = str(cannot["cause"]) if isinstance(cannot, dict) else ""
    return Row(line, text, domain, level, tuple(sorted(found.items())), detail)


def overview(rows: Iterable[Row]) -> Overview:
    """Counts per level and per finding, and the rows worst first (more findings first,
    then input order)."""
    kept = sorted(rows, key=lambda r: (r.level.rank, -len(r.findings), abs(r.line)))
    levels = Counter(r.level for r in kept)
    findings = Counter(f for r in kept for f in r.findings)
    return Overview(tuple(kept), dict(levels), dict(findings))
