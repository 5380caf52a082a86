"""`mailhop report`: the text on stdout, or the HTML and PDF written, with one report ID."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from mailhop.core.cli import main as cli
from tests.lab.lab import LabInfo
from tests.test_cli import lab_options, run


def test_report_writes_html_and_pdf_with_one_id(lab: LabInfo, tmp_path: Path) -> None:
    page, pdf = tmp_path / "r.html", tmp_path / "r.pdf"
    done = run(
        "report",
        "alice@healthy.test",
        "--html",
        str(page),
        "--pdf",
        str(pdf),
        "--mask-address",
        *lab_options(lab),
    )
    assert done.returncode == cli.EXIT_OK, done.stderr
    (report_id,) = re.findall(r"MH-[0-9A-F]{4}-[0-9A-F]{4}", done.stdout)
    html = page.read_text(encoding="utf-8")
    assert report_id in html and "***@healthy.test" in html and "alice" not in html
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert report_id in text and "alice" not in text


def test_report_without_a_file_prints_the_text_and_exits_as_check_does(lab: LabInfo) -> None:
    done = run("report", "jo@strip.cases.test", "--deadline", "4", *lab_options(lab))
    assert done.returncode == cli.EXIT_BLOCKED, done.stderr
    assert "Report ID: MH-" in done.stdout and "starttls-missing" in done.stdout
    assert "Settings for each mail app" in done.stdout
