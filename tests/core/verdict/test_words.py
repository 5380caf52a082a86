"""A verdict's legs in words: the terminal says what the window's cards say (one place)."""

from __future__ import annotations

from mailhop.core.cli.render_check import render_check
from mailhop.core.common.i18n import set_language
from mailhop.core.common.model import Service
from mailhop.core.verdict.verdict import Level, RelayVerdict, ServiceVerdict
from mailhop.core.verdict.words import leg_lines, relay_lines, verified_line
from tests.core.run.test_check import run_check
from tests.lab.lab import LabInfo


def test_the_terminal_shows_each_legs_lines_from_the_one_place(lab: LabInfo) -> None:
    set_language("en")
    report = run_check(lab, "alice@healthy.test")
    verdict = report.verdict
    text = render_check(report)
    for lines in (leg_lines(verdict.submission), leg_lines(verdict.access)):
        assert lines[0].startswith(
            ("imap.healthy.test:", "smtp.healthy.test:", "mail.healthy.test:")
        )
        assert "\n".join("  " + line for line in lines) in text
    relay = relay_lines(verdict.relay)
    assert relay and all(f"  {line}\n" in text for line in relay)
    assert verified_line(verdict.access.chosen.authenticated_by) in leg_lines(verdict.access)  # type: ignore[union-attr]


def test_a_leg_with_no_server_and_a_relay_with_no_mx_say_so() -> None:
    set_language("en")
    nothing = ServiceVerdict(Service.IMAP, Level.BLOCK, None, (), ())
    assert leg_lines(nothing) == ("none found",)
    assert relay_lines(RelayVerdict(Level.WARN, (), ())) == ("no MX host found",)
