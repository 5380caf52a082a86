"""The findings tables: one row per code, templates that say only what a finding carries."""

from __future__ import annotations

import string

from mailhop.core.common.findings import FINDINGS, Severity, finding
from mailhop.core.common.findings_discovery import DISCOVERY_FINDINGS
from mailhop.core.common.findings_servers import SERVER_FINDINGS


def test_every_code_has_one_row_in_one_table() -> None:
    assert not set(DISCOVERY_FINDINGS) & set(SERVER_FINDINGS)
    assert len(FINDINGS) == len(DISCOVERY_FINDINGS) + len(SERVER_FINDINGS)
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
