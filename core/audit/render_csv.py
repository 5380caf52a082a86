"""The audit's CSV summary: one row per domain, in input order.

Spreadsheets run a cell that starts with ``=``, ``+``, ``-``, ``@`` (or a tab or carriage
return) as a formula (CSV injection, OWASP): a domain list or a server's words could start
so. Such a cell gets a leading apostrophe, which the spreadsheet shows as text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from .summary import Row

__all__ = ["COLUMNS", "render_csv"]

COLUMNS = ("line", "input", "domain", "level", "findings", "detail")
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def render_csv(rows: Iterable[Row]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180
    writer.writerow(COLUMNS)
    for row in sorted(rows, key=lambda r: r.line):
        codes = " ".join(code for code, _ in row.findings)
        cells = (str(row.line), row.input, row.domain, row.level.value, codes, row.detail)
        writer.writerow([_inert(cell) for cell in cells])
    return out.getvalue()


def _inert(cell: str) -> str:
    return "'" + cell if cell.startswith(_FORMULA) else cell
