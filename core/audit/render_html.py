"""The audit's overview as one self-contained HTML page: counts per level and per finding,
the domains worst first, each linked to its own entry below.

Every value is escaped (``html.escape`` with quotes), domains and input lines included: a
domain list is untrusted too. Nothing is fetched: the CSS is inline and the page's own
Content-Security-Policy forbids scripts and any load, so a value that slipped through would
still run nothing. Anchors are made of line numbers only, never of a value.
"""

from __future__ import annotations

from html import escape

from ..common.i18n import _, language
from .summary import Overview, Row, RowLevel

__all__ = ["render_html"]

_CSS = """
body{font:15px/1.45 system-ui,sans-serif;margin:2em auto;max-width:70em;padding:0 1em;
color:#1b1b1b;background:#fff}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.25em .6em;
text-align:left;vertical-align:top}th{background:#f2f2f2}
.block{color:#a40000}.warn{color:#8a5a00}.could-not-check{color:#1c4f9c}.ok{color:#1d6b2a}
code{overflow-wrap:anywhere}
@media (prefers-color-scheme:dark){body{background:#161616;color:#e8e8e8}th{background:#2a2a2a}
.block{color:#ff8a80}.warn{color:#ffd180}.could-not-check{color:#90caf9}.ok{color:#a5d6a7}}
"""

_CSP = "default-src 'none'; style-src 'unsafe-inline'"


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def render_html(view: Overview, *, title: str) -> str:
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{_e(language())}"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{_e(title)}</h1>",
        f"<p>{_e(_('{count} domains').format(count=len(view.rows)))}</p>",
        _levels(view),
        _findings(view),
        _table(view.rows),
        _details(view.rows),
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"


def _levels(view: Overview) -> str:
    rows = "".join(
        f'<tr><td class="{level.value}">{_e(level.value)}</td><td>{view.levels[level]}</td></tr>'
        for level in RowLevel
        if view.levels.get(level)
    )
    head = f"<tr><th>{_e(_('Verdict'))}</th><th>{_e(_('Domains'))}</th></tr>"
    return f"<h2>{_e(_('Verdicts'))}</h2><table>{head}{rows}</table>"


def _findings(view: Overview) -> str:
    if not view.findings:
        return ""
    ranked = sorted(view.findings.items(), key=lambda item: (-item[1], item[0]))
    rows = "".join(
        f"<tr><td><code>{_e(code)}</code></td><td>{_e(severity)}</td><td>{count}</td></tr>"
        for (code, severity), count in ranked
    )
    head = (
        f"<tr><th>{_e(_('Finding'))}</th><th>{_e(_('Severity'))}</th>"
        f"<th>{_e(_('Domains'))}</th></tr>"
    )
    return f"<h2>{_e(_('Findings'))}</h2><table>{head}{rows}</table>"


def _table(rows: tuple[Row, ...]) -> str:
    head = (
        f"<tr><th>{_e(_('Domain'))}</th><th>{_e(_('Verdict'))}</th>"
        f"<th>{_e(_('Findings'))}</th></tr>"
    )
    body = "".join(
        f'<tr><td><a href="#{row.anchor}">{_e(row.domain or row.input)}</a></td>'
        f'<td class="{row.level.value}">{_e(row.level.value)}</td><td>{len(row.findings)}</td></tr>'
        for row in rows
    )
    return f"<h2>{_e(_('Domains, worst first'))}</h2><table>{head}{body}</table>"


def _details(rows: tuple[Row, ...]) -> str:
    parts = [f"<h2>{_e(_('Each domain'))}</h2>"]
    for row in rows:
        line = _e(_("input line {line}").format(line=row.line)) if row.line > 0 else ""
        found = "".join(
            f"<li><code>{_e(code)}</code> ({_e(severity)})</li>" for code, severity in row.findings
        )
        detail = f"<p>{_e(row.detail)}</p>" if row.detail else ""
        parts.append(
            f'<section id="{row.anchor}"><h3>{_e(row.domain or row.input)}</h3>'
            f'<p><span class="{row.level.value}">{_e(row.level.value)}</span> · {line} · '
            f"<code>{_e(row.input)}</code></p>{detail}"
            + (f"<ul>{found}</ul>" if found else "")
            + "</section>"
        )
    return "\n".join(parts)
