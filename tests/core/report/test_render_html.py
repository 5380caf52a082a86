"""The report page as a person sees it: rendered by a real browser (Debian's Chromium,
headless), its text holding every section of the model, nothing loaded from outside, and a
server's hostile words shown as text, never as markup."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from mailhop.core.report.model import build_report
from mailhop.core.report.render_html import render_html
from mailhop.core.run.check import CheckReport
from tests.core.report.browser import dump_dom, screenshot
from tests.core.report.conftest import CASES, CHECKED_AT, check_address
from tests.core.report.sections import missing
from tests.lab.lab import LabInfo


def visible_text(dom: str) -> str:
    """The text of the page as the browser parsed it: no style, no markup."""
    body = re.sub(r"(?is)<(style|title)\b.*?</\1>", " ", dom)
    return html.unescape(re.sub(r"(?s)<[^>]*>", " ", body))


@pytest.mark.parametrize("case", list(CASES))
def test_the_browser_shows_every_section(
    checks: dict[str, CheckReport], case: str, tmp_path: Path
) -> None:
    report = build_report(checks[case], CHECKED_AT)
    page = tmp_path / f"{case}.html"
    page.write_text(render_html(report), encoding="utf-8")
    dom = dump_dom(page)
    assert missing(report, visible_text(dom)) == []
    assert dom.count("<section") == 6 and "<svg" in dom
    # Light and dark at both sizes for one case; the rest once (the machine is shared).
    sizes = ((800, 600), (1280, 800)) if case == "warn" else ((800, 600),)
    for width, height in sizes:
        for dark in (False, True) if case == "warn" else (False,):
            shot = tmp_path / f"{case}-{width}x{height}-{'dark' if dark else 'light'}.png"
            screenshot(page, shot, width, height, dark=dark)


def test_the_page_loads_nothing_from_outside(checks: dict[str, CheckReport]) -> None:
    page = render_html(build_report(checks["ok"], CHECKED_AT))
    assert not re.search(r"(?i)\b(src|href|srcset|action)\s*=", page)
    assert not re.search(r"(?i)<(script|link|img|iframe|object|embed)\b", page)
    assert "url(" not in page and "@import" not in page
    assert "default-src 'none'" in page


def test_a_servers_hostile_words_are_text_in_the_browser(lab: LabInfo, tmp_path: Path) -> None:
    """loginwords.test.toml: jo@alert's IMAP greets with an [ALERT] in HTML with an ANSI
    escape and a bidi override; the report quotes it and the browser shows it as text."""
    report = build_report(check_address(lab, "jo@alert.loginwords.test"), CHECKED_AT)
    said = [line for leg in report.legs for line in leg.lines if "<b>Maintenance" in line]
    assert said, [leg.lines for leg in report.legs]
    page = tmp_path / "hostile.html"
    page.write_text(render_html(report), encoding="utf-8")
    dom = dump_dom(page)
    assert "&lt;b&gt;Maintenance&lt;/b&gt; tonight" in dom
    assert not re.search(r"(?i)<b>", dom)  # no element of the server's
    assert "\u202e" not in dom and "\x1b" not in dom  # the model spelt them \u202e, \x1b
    assert "\\u202e" in dom
