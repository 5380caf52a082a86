"""The report's model from real checks in the lab: the level in plain words for an OK, a
warned, a blocked and a could-not-check domain, each section filled, the address masked on
request, and an ID that follows the content."""

from __future__ import annotations

import dataclasses

import pytest

from mailhop.core.report.model import build_report, report_id
from mailhop.core.report.wording import COULD_NOT_CHECK
from mailhop.core.run.check import CheckReport
from tests.core.report.conftest import CASES, CHECKED_AT


@pytest.mark.parametrize("case", list(CASES))
def test_each_check_gets_its_level_and_every_section(
    checks: dict[str, CheckReport], case: str
) -> None:
    report = build_report(checks[case], CHECKED_AT)
    assert report.level == case
    assert [leg.level for leg in report.legs if case == COULD_NOT_CHECK] in (
        [],
        [COULD_NOT_CHECK] * 3,
    )
    assert report.checked_at == "2026-12-03T17:00:00Z" and report.version
    if case in ("ok", "warn"):
        assert {s.title for s in report.servers} == {"Incoming mail", "Outgoing mail"}
        assert report.origins and report.certificates
        assert all(c.pin and c.chain and c.valid_until for c in report.certificates)
        assert any(c.file.endswith(".mobileconfig") for c in report.clients)
    else:  # nothing to type where nothing passed
        assert report.servers == () and report.origins == ()
    if case == "warn":
        assert "better-endpoint-failed" in {f.code for f in report.findings}
        assert any("dead.blackhole.test" in u.what for u in report.unchecked)
    if case == "block":
        assert {f.severity for f in report.findings} >= {"error"}
        assert "starttls-missing" in {f.code for f in report.findings}
    if case == COULD_NOT_CHECK:
        assert report.unchecked and report.findings == ()


def test_the_same_certificate_on_many_ports_is_one_section(checks: dict[str, CheckReport]) -> None:
    report = build_report(checks["ok"], CHECKED_AT)
    pins = [c.pin for c in report.certificates]
    dane = next(c for c in report.certificates if "mail.healthy.test:993" in c.endpoints[0])
    assert len(dane.endpoints) >= 2  # 993 and 465: the same key, matched by DANE on both
    assert len(set(zip(pins, (c.dane for c in report.certificates), strict=True))) == len(pins)


def test_masking_hides_the_local_part_everywhere(checks: dict[str, CheckReport]) -> None:
    plain = build_report(checks["ok"], CHECKED_AT)
    masked = build_report(checks["ok"], CHECKED_AT, mask=True)
    assert "alice" in repr(plain)  # the address, the user names, the autoconfig URL's query
    assert "alice" not in repr(masked)
    assert masked.address == "***@healthy.test" and masked.masked
    assert {s.username for s in masked.servers} == {"***@healthy.test"}


def test_the_report_id_follows_the_content(checks: dict[str, CheckReport]) -> None:
    first = build_report(checks["ok"], CHECKED_AT)
    assert build_report(checks["ok"], CHECKED_AT).report_id == first.report_id
    assert report_id(first) == first.report_id
    assert first.report_id.startswith("MH-") and len(first.report_id) == 12
    changed = dataclasses.replace(first, headline=first.headline + "!")
    assert report_id(changed) != first.report_id
    assert build_report(checks["warn"], CHECKED_AT).report_id != first.report_id
