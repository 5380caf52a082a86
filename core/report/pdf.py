"""The helpdesk report as PDF: the HTML page (``render_html``) laid out by WeasyPrint.

Why WeasyPrint: a maintained HTML/CSS-to-PDF engine in Python (pydyf, Pango for text)
that reads the very page the browser shows, inline SVG included, with no browser, no
display and no network: the PDF says what the HTML says because it is made from it. It
fetches nothing here: its URL fetcher refuses every URL (WeasyPrint 70 takes a
``URLFetcher`` subclass), so a value that slipped into markup still could not make it load
anything. It is imported only when a PDF is asked
for (its import takes about a second).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, NoReturn

from ..common.errors import UsageError

__all__ = ["write_pdf"]


def write_pdf(page: str, target: Path) -> None:
    """Write the HTML ``page`` as a PDF to ``target``; no engine installed is a UsageError."""
    try:
        import weasyprint  # type: ignore[import-untyped]
    except ImportError as exc:  # an optional extra: mailhop[pdf]
        raise UsageError(f"PDF needs WeasyPrint (pip install 'mailhop[pdf]'): {exc}") from None
    from weasyprint.urls import URLFetcher  # type: ignore[import-untyped]

    class _Refuse(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> NoReturn:
            raise ValueError(f"the report loads nothing: {url[:80]}")

    weasyprint.HTML(string=page, url_fetcher=_Refuse(allowed_protocols=())).write_pdf(target)
