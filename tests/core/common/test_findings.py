"""The findings tables: one row per code, templates that say only what a finding carries."""

from __future__ import annotations

import string

from mailhop.core.common.findings import FINDINGS, Severity, finding
from mailhop.core.common.findings_discovery import DISCOVERY_FINDINGS
from mailhop.core.common.findings_probe import PROBE_FINDINGS
from mailhop.core.common.findings_relay_truth import RELAY_TRUTH_FINDINGS
from mailhop.core.common.findings_servers import SERVER_FINDINGS

TABLES = (DISCOVERY_FINDINGS, PROBE_FINDINGS, SERVER_FINDINGS, RELAY_TRUTH_FINDINGS)


def test_every_code_has_one_row_in_one_table() -> None:
    assert len(FINDINGS) == sum(len(table) for table in TABLES)  # no code in two tables
    assert all(code == code.lower() and " " not in code for code in FINDINGS)


def test_a_finding_is_filled_from_its_row_in_english_and_keeps_its_values() -> None:
    for code, text in FINDINGS.items():
        names = {
            field
            for template in (text.summary, text.helpdesk)
            for _lit, field, _spec, _conv in string.Formatter().parse(template)
            if field
        }
        made = finding(code, evidence=("seen",), **{name: f"<{name}>" for name in names})
        assert made.severity is text.severity and isinstance(made.severity, Severity)
        assert made.evidence == ("seen",)
        for name in names:
            assert f"<{name}>" in made.summary + made.helpdesk, (code, name)
        assert dict(made.values).keys() == names
