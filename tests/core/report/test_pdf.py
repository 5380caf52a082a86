"""The report as PDF, as a person sees it: rendered to images (poppler's pdftoppm) and read
back as text (pdftotext), which holds every section of the model."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from mailhop.core.report.model import build_report
from mailhop.core.report.pdf import write_pdf
from mailhop.core.report.render_html import render_html
from mailhop.core.run.check import CheckReport
from tests.core.report.conftest import CASES, CHECKED_AT
from tests.core.report.sections import missing


def poppler(tool: str, *args: str) -> str:
    found = shutil.which(tool)
    assert found, f"{tool} is missing: installer/debian-dev-setup.sh installs poppler-utils"
    done = subprocess.run([found, *args], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.parametrize("case", list(CASES))
def test_the_pdf_shows_every_section(
    checks: dict[str, CheckReport], case: str, tmp_path: Path
) -> None:
    report = build_report(checks[case], CHECKED_AT)
    pdf = tmp_path / f"{case}.pdf"
    write_pdf(render_html(report), pdf)
    assert pdf.read_bytes().startswith(b"%PDF-")
    # -raw: the text in the order drawn (the page's order); the default reading order
    # splits a table cell whose words change font.
    text = poppler("pdftotext", "-raw", "-enc", "UTF-8", str(pdf), "-")
    assert missing(report, text, hyphens=False) == []
    poppler("pdftoppm", "-r", "50", "-png", str(pdf), str(tmp_path / "page"))
    pages = sorted(tmp_path.glob("page-*.png"))
    assert pages and all(page.stat().st_size > 5_000 for page in pages)


def test_the_pdf_engine_fetches_nothing(tmp_path: Path) -> None:
    """A page naming an image (a real PNG, on disk) still makes a PDF, without the image: the
    engine fetched nothing. The same page with fetching allowed would embed it."""
    from PIL import Image

    image = tmp_path / "dot.png"
    Image.new("RGB", (40, 40), "red").save(image)
    page = f'<html><body><p>x</p><img src="{image.as_uri()}"></body></html>'
    write_pdf(page, tmp_path / "x.pdf")
    data = (tmp_path / "x.pdf").read_bytes()
    assert data.startswith(b"%PDF-") and b"/Subtype /Image" not in data
