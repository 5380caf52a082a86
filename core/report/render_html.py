"""The helpdesk report as one self-contained HTML page: inline CSS and SVG, nothing fetched.

The page loads no script, font, image or style sheet from anywhere (a Content-Security-
Policy says so to the browser too), so it opens the same offline, in a mail attachment
and in a ticket system. Every value goes through ``html.escape``, the translated words
too: server text, host names and URLs are data, never markup (DESIGN.md section 4, rule
10). It follows the reader's light or dark scheme on screen and prints light, one section
after the other, with no section's table split over a page when it fits on one.
"""

from __future__ import annotations

from html import escape

from ..common.i18n import _, language
from .picture import legs_svg
from .render_text import severity_shown
from .sections import HelpdeskReport
from .wording import level_shown

__all__ = ["render_html"]

_CSS = """
:root { color-scheme: light dark; --fg: #1f2328; --muted: #57606a; --bg: #ffffff;
  --panel: #f6f8fa; --line: #d0d7de; --ok: #1a7f37; --warn: #9a6700; --block: #cf222e;
  --none: #57606a; --cnc: #0969da; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e6edf3; --muted: #9198a1; --bg: #0d1117; --panel: #161b22;
    --line: #30363d; --ok: #3fb950; --warn: #d29922; --block: #f85149; --none: #9198a1;
    --cnc: #58a6ff; }
  svg.legs text.label, svg.legs text.leg { fill: #c9d1d9; }
}
html { background: var(--bg); color: var(--fg); }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif;
  max-width: 60rem; margin: 0 auto; padding: 1rem 1.25rem 3rem; overflow-wrap: anywhere; }
h1 { font-size: 1.5rem; margin: 0 0 .25rem; }
h2 { font-size: 1.15rem; margin: 1.6rem 0 .5rem; border-bottom: 1px solid var(--line);
  padding-bottom: .2rem; }
h3 { font-size: 1rem; margin: 1rem 0 .3rem; }
.meta { color: var(--muted); margin: 0 0 1rem; }
.id { font: bold 1.05rem ui-monospace, "DejaVu Sans Mono", monospace; }
.verdict { border-left: 6px solid var(--none); background: var(--panel);
  padding: .6rem .9rem; margin: 1rem 0; }
.verdict p { margin: .25rem 0; }
.level-ok { border-color: var(--ok); } .level-warn { border-color: var(--warn); }
.level-block { border-color: var(--block); } .level-could-not-check { border-color: var(--cnc); }
.tag { font-weight: bold; }
.tag-ok { color: var(--ok); } .tag-warn { color: var(--warn); } .tag-error, .tag-block
  { color: var(--block); } .tag-info, .tag-none { color: var(--muted); }
.tag-could-not-check { color: var(--cnc); }
table { border-collapse: collapse; width: 100%; margin: .3rem 0 .8rem; }
th, td { text-align: left; vertical-align: top; padding: .3rem .5rem;
  border-bottom: 1px solid var(--line); }
th { color: var(--muted); font-weight: 600; width: 14rem; }
code, .mono { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: .92em; }
ul { margin: .2rem 0 .6rem; padding-left: 1.3rem; }
.finding { margin: .6rem 0; padding: .4rem .7rem; background: var(--panel);
  border-left: 4px solid var(--line); }
.finding.error { border-color: var(--block); } .finding.warn { border-color: var(--warn); }
.finding p { margin: .2rem 0; }
.legs { max-width: 100%; height: auto; }
table { break-inside: avoid; }
@media print {
  :root { --fg: #000; --bg: #fff; --panel: #f6f8fa; }
  body { max-width: none; padding: 0; font-size: 11pt; }
  h2 { break-after: avoid; }
}
@page { size: A4; margin: 16mm 14mm; }
"""


def render_html(report: HelpdeskReport) -> str:
    """The whole page as text (UTF-8 when written)."""
    e = escape
    title = _("mailhop report for {address}").format(address=report.address)
    body = [
        f"<h1>{e(title)}</h1>",
        '<p class="meta">'
        + e(_("Report ID"))
        + f': <span class="id">{e(report.report_id)}</span> · '
        + e(
            _("checked {time} (UTC) in {seconds} s by mailhop {version}").format(
                time=report.checked_at, seconds=report.seconds, version=report.version
            )
        )
        + (" · " + e(_("address masked")) if report.masked else "")
        + "</p>",
        _verdict(report),
        _section("legs", _("The three legs"), legs_svg(report) + _legs(report)),
        _section("findings", _("Findings"), _findings(report)),
        _section("origins", _("Where each setting came from"), _origins(report)),
        _section("certificates", _("Certificates"), _certificates(report)),
        _section("unchecked", _("Could not be checked"), _unchecked(report)),
        _section("clients", _("Settings for each mail app"), _clients(report)),
        '<p class="meta">'
        + e(_("This report holds no password and nothing from the keyring."))
        + "</p>",
    ]
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{e(language())}"><head><meta charset="utf-8">\n'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; img-src data:\">\n"
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{e(title)}</title>\n<style>{_CSS}</style></head>\n<body>\n"
        + "\n".join(body)
        + "\n</body></html>\n"
    )


def _section(ident: str, title: str, inner: str) -> str:
    return f'<section id="{ident}"><h2>{escape(title)}</h2>\n{inner}\n</section>'


def _tag(level: str, words: str) -> str:
    return f'<span class="tag tag-{escape(level)}">{escape(words)}</span>'


def _verdict(report: HelpdeskReport) -> str:
    level = report.level
    return (
        f'<div class="verdict level-{escape(level)}" id="verdict">'
        f"<p>{_tag(level, level_shown(level))} {escape(report.headline)}</p>"
        f"<p>{escape(report.next_step)}</p></div>"
    )


def _legs(report: HelpdeskReport) -> str:
    rows = []
    for leg in report.legs:
        lines = "<br>".join(escape(line) for line in leg.lines)
        rows.append(
            f"<tr><th>{escape(leg.title)}</th><td>{_tag(leg.level, level_shown(leg.level))}"
            f"<br>{lines}</td></tr>"
        )
    return "<table>" + "".join(rows) + "</table>"


def _findings(report: HelpdeskReport) -> str:
    if not report.findings:
        return f"<p>{escape(_('Nothing to report.'))}</p>"
    parts = []
    for found in report.findings:
        evidence = "".join(f"<li><code>{escape(item)}</code></li>" for item in found.evidence)
        parts.append(
            f'<div class="finding {escape(found.severity)}">'
            f"<p>{_tag(found.severity, severity_shown(found.severity))} "
            f"<strong>{escape(found.summary)}</strong> <code>[{escape(found.code)}]</code></p>"
            f"<p>{escape(found.helpdesk)}</p>"
            + (f"<p>{escape(_('Evidence'))}:</p><ul>{evidence}</ul>" if evidence else "")
            + "</div>"
        )
    return "\n".join(parts)


def _origins(report: HelpdeskReport) -> str:
    if not report.origins:
        return f"<p>{escape(_('No server was chosen, so no setting was taken.'))}</p>"
    parts = []
    for origin in report.origins:
        rows = [
            _row(_("Server"), origin.endpoint),
            _row(_("Trust"), origin.tier),
            _row(_("User name"), origin.username),
        ]
        rows += [
            f'<tr><th>{escape(how)}</th><td class="mono">{escape(target)}</td></tr>'
            for how, target in origin.origins
        ]
        parts.append(f"<h3>{escape(origin.title)}</h3><table>{''.join(rows)}</table>")
    return "\n".join(parts)


def _row(name: str, value: str, *, mono: bool = False) -> str:
    cls = ' class="mono"' if mono else ""
    return f"<tr><th>{escape(name)}</th><td{cls}>{escape(value)}</td></tr>"


def _certificates(report: HelpdeskReport) -> str:
    if not report.certificates:
        return f"<p>{escape(_('No server showed a certificate.'))}</p>"
    parts = []
    for cert in report.certificates:
        rows = [
            _row(_("Verified"), cert.verified),
            _row(_("Subject"), cert.subject),
            _row(_("Issuer"), cert.issuer),
            _row(_("Names"), ", ".join(cert.names) or "-"),
            _row(
                _("Valid until"),
                cert.validity,
            ),
            _row(_("Key"), cert.key),
            _row(_("Key pin (SPKI SHA-256)"), cert.pin, mono=True),
            _row(_("Chain (leaf first)"), " ← ".join(cert.chain) or "-"),
            _row("DANE", cert.dane),
        ]
        rows += [_row(_("Problem"), problem) for problem in cert.problems]
        where = "<br>".join(escape(endpoint) for endpoint in cert.endpoints)
        parts.append(f'<h3 class="mono">{where}</h3><table>{"".join(rows)}</table>')
    return "\n".join(parts)


def _unchecked(report: HelpdeskReport) -> str:
    if not report.unchecked:
        return f"<p>{escape(_('Everything mailhop asked answered.'))}</p>"
    rows = "".join(_row(item.what, item.why) for item in report.unchecked)
    return f"<table>{rows}</table>"


def _clients(report: HelpdeskReport) -> str:
    if not report.servers:
        return f"<p>{escape(_('Nothing to set up: no server passed the checks.'))}</p>"
    parts = []
    for server in report.servers:
        rows = [
            _row(_("Server name"), server.host, mono=True),
            _row(_("Port"), str(server.port)),
            _row(_("Security"), server.security),
            _row(_("Authentication"), server.authentication),
            _row(_("User name"), server.username, mono=True),
        ]
        parts.append(f"<h3>{escape(server.title)}</h3><table>{''.join(rows)}</table>")
    steps = "".join(
        f"<tr><th>{escape(client.client)}</th><td>"
        + (f'<span class="mono">{escape(client.file)}</span>: ' if client.file else "")
        + f"{escape(client.how)}</td></tr>"
        for client in report.clients
    )
    parts.append(f"<h3>{escape(_('Each mail app'))}</h3><table>{steps}</table>")
    return "\n".join(parts)
