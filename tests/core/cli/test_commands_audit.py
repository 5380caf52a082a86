"""`mailhop audit` end to end in the lab: the three files and what is in them, hostile lines,
and --resume after a run killed mid-record (nothing checked twice, nothing lost)."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

from tests.lab.lab import LabInfo
from tests.test_cli import lab_options

LIST = """# two hosted at one provider, one black-holed, hostile lines between
hosted.test
blackhole.test
<script>alert(1)</script>.test
=HYPERLINK("http://evil")
dave@Provider.test
bücher.test
"""


def audit(
    lab: LabInfo, folder: Path, *extra: str, stdin: str = LIST
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "mailhop.gui.launcher",
            "audit",
            "-",
            "--output",
            str(folder),
            *lab_options(lab),
            *list(extra),
        ],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def records(folder: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in (folder / "audit.jsonl").read_text().splitlines()]


class Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        found = dict(attrs)
        if found.get("id"):
            self.ids.add(str(found["id"]))
        if tag == "a":
            self.links.append(str(found.get("href")))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_the_three_files_say_the_same_in_input_order(lab: LabInfo, tmp_path: Path) -> None:
    done = audit(lab, tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""  # no progress bar when stderr is no terminal
    found = records(tmp_path)
    assert [r["audit"]["line"] for r in found] == [2, 3, 4, 5, 6, 7]  # type: ignore[index]
    checked = [r for r in found if r["schema"] == "mailhop.check/1"]
    assert [r["domain"] for r in checked] == [
        "hosted.test",
        "blackhole.test",
        "provider.test",
        "xn--bcher-kva.test",
    ]
    assert all(r["address"] == f"postmaster@{r['domain']}" for r in checked)  # no local part
    refused = [r["audit"] for r in found if r["schema"] == "mailhop.audit/1"]
    assert len(refused) == 2 and all(a["refused"] for a in refused)  # type: ignore[index]

    with (tmp_path / "audit.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["line"] for row in rows] == ["2", "3", "4", "5", "6", "7"]
    assert rows[3]["input"].startswith("'=HYPERLINK")  # a formula stays text
    assert {row["level"] for row in rows} >= {"ok", "refused", "block"}
    by_domain = {row["domain"]: row for row in rows}
    assert by_domain["hosted.test"]["level"] == "ok"

    page_text = (tmp_path / "audit.html").read_text()
    assert "<script>" not in page_text and "&lt;script&gt;" in page_text
    page = Page()
    page.feed(page_text)
    assert "script" not in page.tags and "link" not in page.tags and "img" not in page.tags
    assert {link.removeprefix("#") for link in page.links} <= page.ids  # each row to its entry
    assert len(page.links) == 6
    words = "".join(page.text)
    assert "hosted.test" in words and "relay-no-mx" in words  # a finding, counted
    levels = [row["level"] for row in rows]
    worst = page_text.index('href="#line-7"')  # bücher.test: blocked, first in the table
    assert all(worst <= page_text.index(f'href="#line-{n}"') for n in range(2, 8)), levels


def test_resume_after_a_kill_mid_record_checks_only_what_is_missing(
    lab: LabInfo, tmp_path: Path
) -> None:
    first = audit(lab, tmp_path, stdin="hosted.test\nprovider.test\nhealthy.test\n")
    assert first.returncode == 0, first.stderr
    lines = (tmp_path / "audit.jsonl").read_text().splitlines(keepends=True)
    kept = lines[0] + lines[1][: len(lines[1]) // 2]  # killed while writing the second
    (tmp_path / "audit.jsonl").write_text(kept)
    again = audit(lab, tmp_path, stdin="hosted.test\nprovider.test\nhealthy.test\n")
    assert again.returncode == 2 and "--resume" in again.stderr  # never overwritten unasked
    resumed = audit(lab, tmp_path, "--resume", stdin="hosted.test\nprovider.test\nhealthy.test\n")
    assert resumed.returncode == 0, resumed.stderr
    found = records(tmp_path)
    assert [r["domain"] for r in found] == ["hosted.test", "provider.test", "healthy.test"]
    assert found[0]["check_elapsed"] == json.loads(lines[0])["check_elapsed"]  # not re-checked
    with (tmp_path / "audit.csv").open(newline="") as handle:
        assert len(list(csv.DictReader(handle))) == 3
