"""The report as text ("Copy for a helpdesk ticket"): every section of the model, uncut."""

from __future__ import annotations

import pytest

from mailhop.core.report.model import build_report
from mailhop.core.report.render_text import render_text
from mailhop.core.run.check import CheckReport
from tests.core.report.conftest import CASES, CHECKED_AT
from tests.core.report.sections import HEADINGS, missing


@pytest.mark.parametrize("case", list(CASES))
def test_the_text_holds_every_section_whole(checks: dict[str, CheckReport], case: str) -> None:
    report = build_report(checks[case], CHECKED_AT)
    text = render_text(report)
    assert missing(report, text) == []
    lines = text.splitlines()
    assert [line for line in lines if line in HEADINGS] == list(HEADINGS)  # in that order
    assert "…" not in text and "--json" not in text
    for finding in report.findings:  # each line as the model has it: no wrapping, no cut
        assert f"  {finding.helpdesk}" in lines
    assert all(line.isprintable() for line in lines)


def test_the_masked_text_never_names_the_local_part(checks: dict[str, CheckReport]) -> None:
    text = render_text(build_report(checks["warn"], CHECKED_AT, mask=True))
    assert "frank" not in text and "***@blackhole.test" in text
