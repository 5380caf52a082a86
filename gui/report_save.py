"""The result page's report for a helpdesk: copied as text, or saved as a web page or PDF.

The file is written on the worker (gui/runner.py): the PDF engine takes a second or two the
first time, which on the interface thread froze the window. ``mask`` hides the part of the
address before the @, as the command line's ``--mask-address`` does.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .look import tr

if TYPE_CHECKING:
    from datetime import datetime

    from PySide6.QtWidgets import QWidget

    from mailhop.core.run.check import CheckReport

__all__ = ["ask_report_file", "report_text", "save_failure", "write_report"]


def report_text(report: CheckReport, checked_at: datetime, *, mask: bool = False) -> str:
    """The helpdesk report as text (core/report): what the copy button copies, whole."""
    from mailhop.core.report.model import build_report
    from mailhop.core.report.render_text import render_text

    return render_text(build_report(report, checked_at, mask=mask))


def write_report(
    report: CheckReport, checked_at: datetime, target: Path, *, mask: bool = False
) -> Path:
    """The helpdesk report as one file: PDF for a ``.pdf`` name, else HTML. No Qt: it runs
    on the worker thread."""
    from mailhop.core.report.model import build_report
    from mailhop.core.report.render_html import render_html

    page = render_html(build_report(report, checked_at, mask=mask))
    if target.suffix.lower() == ".pdf":
        from mailhop.core.report.pdf import write_pdf

        write_pdf(page, target)
    else:
        target.write_text(page, encoding="utf-8")
    return target


def ask_report_file(parent: QWidget, domain: str) -> Path | None:
    """Where to save the report, from the system's save dialog (None: the person cancelled)."""
    from PySide6.QtWidgets import QFileDialog

    name, chosen = QFileDialog.getSaveFileName(
        parent,
        tr("Save the report for your helpdesk"),
        f"mailhop-report-{domain}.html",
        tr("Web page (*.html);;PDF (*.pdf)"),
    )
    if not name:
        return None
    target = Path(name)
    if not target.suffix:  # the filter chosen says which
        target = target.with_suffix(".pdf" if "pdf" in chosen else ".html")
    return target


def save_failure(error: BaseException, trace: str) -> str:
    """Why the report was not saved: the system's words for a file that could not be written
    or a setting of the person's; anything else is mailhop's fault (its trace to the log)."""
    from mailhop.core.common.errors import is_persons_to_fix

    if isinstance(error, OSError) or is_persons_to_fix(error):
        return str(error) or type(error).__name__
    import sys

    from .session import failure_message

    print(trace, file=sys.stderr)
    return failure_message(error)
