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


def test_the_plain_lines_carry_the_same_facts_without_codes(lab: LabInfo) -> None:
    """The window's cards (plain=True): which server, encrypted or not, verified how; the
    codes (DANE-EE, STARTTLS, TLSv1.3, MTA-STS) stay in the terminal's lines."""
    set_language("en")
    verdict = run_check(lab, "alice@healthy.test").verdict
    assert verdict.access.chosen is not None
    plain = leg_lines(verdict.access, plain=True)
    coded = leg_lines(verdict.access)
    assert plain[0].split()[0] == coded[0].split()[0]  # the same host and port
    assert plain[0].endswith("encrypted") and plain[1].startswith("verified by ")
    relay = relay_lines(verdict.relay, plain=True)
    assert len(relay) == len(relay_lines(verdict.relay))
    for line in (*plain, *relay):
        for code in ("DANE", "STARTTLS", "TLSv1", "MTA-STS"):
            assert code not in line, line
    assert any("DANE" in line for line in (*coded, *relay_lines(verdict.relay)))
