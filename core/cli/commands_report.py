"""`mailhop report ADDRESS [--html FILE] [--pdf FILE] [--mask-address]`: the helpdesk report.

One check, one report (core/report/): without a file option the text goes to stdout (what
the window's "Copy for a helpdesk ticket" copies); --html and --pdf write the page and its
PDF, both from the same model, so the ID in a pasted text matches the attached file.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..common.i18n import _
from .exit_codes import EXIT_BAD_ADDRESS, check_exit_code

__all__ = ["add_parser", "report_command"]


def add_parser(commands: Any, shared: argparse.ArgumentParser, epilog: str) -> None:
    """The `report` sub-command on main.py's sub-parsers (``commands``). The parser is built
    at every start: this module imports the check only when the command runs."""
    report = commands.add_parser(
        "report",
        parents=[shared],
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        help=_("check an address and write one report for a helpdesk (text, HTML, PDF)"),
        description=_(
            "Run the check for ADDRESS and write one self-contained report for a helpdesk: "
            "the verdict in plain words, the three legs, every finding with its evidence, "
            "where each setting came from, the certificates, what could not be checked and "
            "the settings for each mail app, with a report ID to quote. It holds no password."
        ),
    )
    report.add_argument("address", metavar="ADDRESS", help=_("the email address"))
    report.add_argument("--html", type=Path, metavar="FILE", help=_("write the report as HTML"))
    report.add_argument("--pdf", type=Path, metavar="FILE", help=_("write the report as PDF"))
    report.add_argument(
        "--mask-address",
        action="store_true",
        help=_("hide the address's local part (before the @) everywhere in the report"),
    )
    report.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help=_("show each source live on stderr (default: when stderr is a terminal)"),
    )


def report_command(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    import asyncio
    from datetime import UTC, datetime

    from ..report.model import build_report
    from ..report.render_html import render_html
    from ..report.render_text import render_text
    from ..run.check import check
    from .commands import options_from, parsed_address
    from .progress import observer

    options = options_from(parser, args)
    address = parsed_address(args)
    if address is None:
        return EXIT_BAD_ADDRESS
    checked = asyncio.run(check(address, options, observer(args)))
    report = build_report(checked, datetime.now(UTC), mask=args.mask_address)
    if args.html is None and args.pdf is None:
        sys.stdout.write(render_text(report))
        return check_exit_code(checked)
    page = render_html(report)
    try:
        if args.html is not None:
            args.html.write_text(page, encoding="utf-8")
        if args.pdf is not None:
            from ..report.pdf import write_pdf

            write_pdf(page, args.pdf)
    except OSError as exc:
        parser.error(_("cannot write the report: {reason}").format(reason=exc.strerror or exc))
    written = [str(p) for p in (args.html, args.pdf) if p is not None]
    print(_("Report {id} written: {files}").format(id=report.report_id, files=", ".join(written)))
    return check_exit_code(checked)
