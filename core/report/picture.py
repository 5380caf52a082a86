"""The three legs as a picture: an inline SVG, no external resource, escaped text.

    your device --sending--> outgoing server --server to server--> the domain's mail
    server --receiving--> your devices

Each arrow is coloured by its leg's level and says it in words beside the colour (a
printout in black and white, or a person who does not see the colour, still reads it).
The picture has its own title and description for screen readers.
"""

from __future__ import annotations

from html import escape

from ..common.i18n import _
from .sections import HelpdeskReport
from .wording import level_shown

__all__ = ["COLOURS", "legs_svg"]

# A level's colour, light enough on white and dark enough on a dark page (WCAG 3:1 for
# graphics on both): the words carry the meaning, the colour repeats it.
COLOURS = {
    "ok": "#2da44e",
    "warn": "#d4a72c",
    "block": "#e5534b",
    "none": "#8c959f",
    "could-not-check": "#6e9bd1",
}
_WIDTH, _HEIGHT = 760, 128
_NODE_W, _NODE_H, _NODE_Y = 130, 54, 12
_LINE = 18  # characters of a box's line at its font size; up to a third more is squeezed


def legs_svg(report: HelpdeskReport) -> str:
    """The picture for ``report``'s legs (sending, relay, receiving, in that order)."""
    named = _("Mail server of {domain}").format(domain=report.domain)
    # A long name (an IDN shown by both its forms, say) cannot be read squeezed into a box:
    # the box then says it in words, and the picture's description and the table below
    # name the domain in full (DESIGN.md section 4, rule 4).
    fits = all(len(line) <= _LINE * 4 // 3 for line in _two_lines(named, _LINE))
    nodes = (
        _("Your device"),
        _("Outgoing server"),
        named if fits else _("The domain's mail server"),
        _("Your devices"),
    )
    gap = (_WIDTH - len(nodes) * _NODE_W) / (len(nodes) - 1)
    xs = [round(i * (_NODE_W + gap)) for i in range(len(nodes))]
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_WIDTH} {_HEIGHT}" '
        f'width="100%" role="img" aria-labelledby="legs-title legs-desc" class="legs">',
        f'<title id="legs-title">{escape(_("The three legs of a message"))}</title>',
        f'<desc id="legs-desc">{escape(_describe(report, named))}</desc>',
    ]
    for x, name in zip(xs, nodes, strict=True):
        parts.append(
            f'<rect x="{x}" y="{_NODE_Y}" width="{_NODE_W}" height="{_NODE_H}" rx="8" '
            f'class="node" fill="none" stroke="#8c959f" stroke-width="1.5"/>'
        )
        parts += _words(name, x + _NODE_W / 2, _NODE_Y + _NODE_H / 2, "label")
    for index, leg in enumerate(report.legs):
        start, end = xs[index] + _NODE_W + 4, xs[index + 1] - 6
        middle = _NODE_Y + _NODE_H / 2
        colour = COLOURS.get(leg.level, COLOURS["none"])
        parts.append(
            f'<line x1="{start}" y1="{middle}" x2="{end}" y2="{middle}" stroke="{colour}" '
            f'stroke-width="6"/>'
            f'<polygon points="{end + 6},{middle} {end - 6},{middle - 9} {end - 6},{middle + 9}" '
            f'fill="{colour}"/>'
        )
        centre = (start + end) / 2
        below = _NODE_Y + _NODE_H + 26
        title = (_("sending"), _("server to server"), _("receiving"))[index]
        parts += _words(title, centre, below, "leg")
        parts.append(
            f'<text x="{centre}" y="{below + 24}" text-anchor="middle" class="level" '
            f'fill="{colour}" font-weight="bold" font-size="15">'
            f"{escape(level_shown(leg.level))}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _words(text: str, x: float, y: float, kind: str) -> list[str]:
    """One centred label, on two lines when it is long (SVG text does not wrap)."""
    lines = _two_lines(text, _LINE)
    first = y - (len(lines) - 1) * 8 + 5
    return [
        f'<text x="{x}" y="{first + 16 * i}" text-anchor="middle" class="{kind}" '
        f'font-size="13" fill="#57606a"{_fitted(line)}>{escape(line)}</text>'
        for i, line in enumerate(lines)
    ]


def _fitted(line: str) -> str:
    """A long line (a long domain name) squeezed into the box, never cut: the name is
    read whole (DESIGN.md section 4, rule 4)."""
    if len(line) <= _LINE:
        return ""
    return f' textLength="{_NODE_W - 10}" lengthAdjust="spacingAndGlyphs"'


def _two_lines(text: str, width: int) -> list[str]:
    """One line, or two split at the space that makes the longer one shortest ("Serveur de
    messagerie" / "de healthy.test", not "Serveur de" / "messagerie de healthy.test")."""
    if len(text) <= width or " " not in text:
        return [text]
    spaces = [i for i, char in enumerate(text) if char == " "]
    cut = min(spaces, key=lambda i: max(i, len(text) - i - 1))
    return [text[:cut], text[cut + 1 :]]


def _describe(report: HelpdeskReport, mail_server: str) -> str:
    legs = "; ".join(f"{leg.title}: {level_shown(leg.level)}" for leg in report.legs)
    return f"{mail_server}. {legs}"
