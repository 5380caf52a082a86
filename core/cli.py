"""The command-line shell: parses arguments and renders the core's results as text.

Sub-commands arrive with the stages they drive (discover, check, setup, export, ...).
Imports stay light here: `mailhop --version` must answer without loading the network stack.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from . import __version__

DESCRIPTION = (
    "Set up a mail account securely from nothing but an email address: mailhop discovers what "
    "the domain publishes (DNSSEC, DANE, MTA-STS, autoconfig, SRV), verifies every server over "
    "TLS, and exports ready-made settings for your mail client."
)

EXIT_OK = 0
EXIT_USAGE = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mailhop", description=DESCRIPTION)
    parser.add_argument("--version", action="version", version=f"mailhop {__version__}")
    parser.add_subparsers(dest="command", metavar="COMMAND")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stdout)
        return EXIT_OK
    parser.error(f"unknown command {args.command!r}")  # pragma: no cover - argparse exits first
    return EXIT_USAGE  # pragma: no cover
