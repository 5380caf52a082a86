"""Rows from the records: a damaged or foreign line gives a row that says so, never a crash,
and the overview orders the worst first (more findings first, then input order)."""

from __future__ import annotations

import json

from mailhop.core.audit.render_csv import render_csv
from mailhop.core.audit.render_html import render_html
from mailhop.core.audit.summary import RowLevel, overview, read_rows


def record(line: int, level: str, codes: list[str]) -> str:
    findings = [{"code": code, "severity": "warn"} for code in codes]
    leg = {"findings": findings}
    verdict = {"level": level, "submission": leg, "access": {"findings": []}, "relay": leg}
    audit = {"line": line, "input": f"d{line}.org", "domain": f"d{line}.org"}
    return json.dumps({"schema": "mailhop.check/1", "verdict": verdict, "audit": audit})


def test_damaged_records_are_rows_that_say_so_and_the_worst_come_first() -> None:
    lines = [
        record(1, "ok", []),
        '{"audit": {"line": 2, "input": "<b>x</b>", "domain": "x"}, "verdict": 7}',
        record(3, "warn", ["a"]),
        record(4, "warn", ["a", "b"]),
        "[1, 2",
        record(6, "block", []),
        json.dumps({"audit": {"line": 7, "input": "=1+1", "domain": "", "refused": "no"}}),
    ]
    view = overview(read_rows(lines))
    assert [(r.line, r.level) for r in view.rows] == [
        (6, RowLevel.BLOCK),
        (4, RowLevel.WARN),
        (3, RowLevel.WARN),
        (7, RowLevel.REFUSED),
        (-2, RowLevel.UNREADABLE),
        (-5, RowLevel.UNREADABLE),
        (1, RowLevel.OK),
    ]
    assert view.findings == {("a", "warn"): 2, ("b", "warn"): 1}
    assert "'=1+1" in render_csv(view.rows)
    assert "<b>" not in render_html(view, title="<i>t</i>")
