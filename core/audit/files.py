"""The audit's output folder: ``audit.jsonl`` (one record a line, input order), ``audit.csv``
and ``audit.html`` (made from the JSON lines at the end).

``--resume`` reads which input lines already have a record and checks only the others. A
run killed while writing leaves a last line without its newline: that record is cut off
(its domain is checked again), never half-read. Without ``--resume`` an existing record
file is not overwritten: the person asked for a new run into a folder that holds one.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, TextIO

from ..common.errors import UsageError
from ..common.i18n import _
from .summary import RECORD_KEY

__all__ = [
    "CSV_NAME",
    "HTML_NAME",
    "JSONL_NAME",
    "open_records",
    "records_done",
    "replace_text",
    "write_record",
]

JSONL_NAME = "audit.jsonl"
CSV_NAME = "audit.csv"
HTML_NAME = "audit.html"


def records_done(path: Path) -> set[int]:
    """The input lines that have a complete record in `path`; cuts off a partial last line."""
    if not path.exists():
        return set()
    with path.open("rb+") as handle:
        data = handle.read()
        end = data.rfind(b"\n") + 1
        if end < len(data):  # killed mid-line: that record is not there
            handle.truncate(end)
    done: set[int] = set()
    for line in data[:end].splitlines():
        try:
            record = json.loads(line)
            done.add(int(record[RECORD_KEY]["line"]))
        except (ValueError, TypeError, KeyError):
            continue  # not one of our records: its line (if any) is checked again
    return done


def open_records(folder: Path, *, resume: bool) -> TextIO:
    """The record file to append to; a new run refuses a folder that holds one."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / JSONL_NAME
    if path.exists() and not resume and path.stat().st_size > 0:
        raise UsageError(
            _(
                "{path} holds an earlier run: use --resume to continue it, or another --output"
            ).format(path=path)
        )
    return path.open("a", encoding="utf-8", newline="\n")


def write_record(stream: TextIO, record: dict[str, Any]) -> None:
    """One record as one line; flushed, so that a killed run loses at most the line it was
    writing (and --resume finds the rest). ASCII: a lone surrogate a server sent cannot
    stop the write, and no Unicode line separator splits a record for a line-based reader."""
    stream.write(json.dumps(record, separators=(",", ":")) + "\n")
    stream.flush()


def replace_text(path: Path, text: str) -> None:
    """Write `text` to `path` whole or not at all (a reader never sees half a page)."""
    part = path.with_name(path.name + ".part")
    part.write_text(text, encoding="utf-8", newline="")
    os.replace(part, path)
