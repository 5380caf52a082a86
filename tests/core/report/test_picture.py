"""The legs picture: one arrow per leg in its level's colour and words, text escaped, and
labels short enough to read in their boxes, whatever the domain's length."""

from __future__ import annotations

import dataclasses
import re

from defusedxml import ElementTree

from mailhop.core.report.model import build_report
from mailhop.core.report.picture import COLOURS, legs_svg
from mailhop.core.run.check import CheckReport
from tests.core.report.conftest import CHECKED_AT

SVG = "{http://www.w3.org/2000/svg}"


def test_each_leg_is_drawn_in_its_levels_colour_and_words(checks: dict[str, CheckReport]) -> None:
    report = build_report(checks["warn"], CHECKED_AT)
    root = ElementTree.fromstring(legs_svg(report))
    arrows = [line.get("stroke") for line in root.iter(f"{SVG}line")]
    assert arrows == [COLOURS[leg.level] for leg in report.legs]
    levels = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "level"]
    assert levels == ["OK", "Warning", "Warning"]


def test_a_long_or_hostile_domain_stays_readable_and_inert(
    checks: dict[str, CheckReport],
) -> None:
    long = "a-very-long-mail-domain-name-for-a-helpdesk.example-provider.co.uk"
    report = dataclasses.replace(build_report(checks["ok"], CHECKED_AT), domain=long + "<b>")
    svg = legs_svg(report)
    root = ElementTree.fromstring(svg)  # well-formed: the "<b>" is text
    assert not list(root.iter("b")) and not list(root.iter(f"{SVG}b"))
    lines = [t.text or "" for t in root.iter(f"{SVG}text")]
    assert all(len(line) <= 24 for line in lines), [x for x in lines if len(x) > 24]
    assert long in (root.findtext(f"{SVG}desc") or "") or long in re.sub(r"\s", "", svg)
