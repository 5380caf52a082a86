"""The sub-commands that look an address up: discover, check and lint.

Each takes the parser (to report a usage error the argparse way, exit 2) and the parsed
arguments, writes text or JSON to stdout and returns an exit code (``exit_codes``). The
stages are imported when a command runs: `mailhop --help` loads no network code.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from typing import TYPE_CHECKING

from ..common.i18n import _
from .exit_codes import (
    EXIT_BAD_ADDRESS,
    EXIT_NEEDS_APPROVAL,
    EXIT_OK,
    check_exit_code,
    discovery_exit_code,
)
from .progress import observer

if TYPE_CHECKING:
    from ..account.profile import AccountProfile
    from ..common.address import EmailAddress
    from ..run.discovery import DiscoveryOptions

__all__ = [
    "check_command",
    "discover_command",
    "lint_command",
    "options_from",
    "parsed_address",
    "print_json",
    "saved_profile",
]


def options_from(parser: argparse.ArgumentParser, args: argparse.Namespace) -> DiscoveryOptions:
    """The shared options as DiscoveryOptions; a bad value is a usage error (exit 2)."""
    from ..common.errors import UsageError
    from ..run.settings import Settings, options_from_settings

    settings = Settings(
        resolver=args.resolver or "",
        trust_anchor=args.trust_anchor,
        ca_file=args.ca_file,
        ispdb_url=args.ispdb_url or "",
        deadline=args.deadline,
    )
    try:
        return options_from_settings(settings)
    except UsageError as exc:  # the settings' own refusal: a bug is not a usage error
        parser.error(str(exc))


def parsed_address(args: argparse.Namespace) -> EmailAddress | None:
    """The command's address, or None after telling stderr what is wrong with it."""
    from ..common.address import AddressError, parse_address

    try:
        return parse_address(args.address, allow_test_domains=args.allow_test_domains)
    except AddressError as exc:
        print(f"mailhop: {exc}", file=sys.stderr)
        return None


def saved_profile(address: EmailAddress, args: argparse.Namespace) -> AccountProfile | None:
    """The saved profile of ``address``, or None after telling stderr why there is none."""
    from ..account.profile import ProfileError, load_profile

    try:
        return load_profile(address.ascii, args.profile_dir)
    except ProfileError as exc:
        print(f"mailhop: {exc}", file=sys.stderr)
        return None


def print_json(value: object) -> None:
    """``value`` as indented JSON on stdout; non-ASCII stays readable."""
    json.dump(value, sys.stdout, indent=2, ensure_ascii=False)
    print()


def discover_command(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    from ..run.discovery import discover

    options = options_from(parser, args)  # usage errors first: they are the caller's
    address = parsed_address(args)
    if address is None:
        return EXIT_BAD_ADDRESS
    report = asyncio.run(discover(address, options, observer(args, quiet=args.json)))
    if args.json:
        from .discovery_json import report_to_json

        print_json(report_to_json(report))
    else:
        from .render_text import render_discovery

        sys.stdout.write(render_discovery(report))
    return discovery_exit_code(report)


def check_command(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    from ..run.check import check

    options = options_from(parser, args)
    address = parsed_address(args)
    if address is None:
        return EXIT_BAD_ADDRESS
    report = asyncio.run(check(address, options, observer(args, quiet=args.json)))
    if args.json:
        from .check_json import check_to_json

        print_json(check_to_json(report))
    else:
        from .render_check import render_check

        sys.stdout.write(render_check(report))
    return check_exit_code(report)


def lint_command(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    from ..common.text import one_line
    from ..common.untrusted import MAX_DOCUMENT_BYTES
    from ..export.lint import lint

    try:
        with args.file.open("rb") as handle:  # past the cap lint refuses: read no further
            data = handle.read(MAX_DOCUMENT_BYTES + 1)
    except OSError as exc:
        parser.error(
            _("cannot read {path}: {reason}").format(path=args.file, reason=exc.strerror or exc)
        )
    report = lint(data, args.file.name)
    if args.json:
        print_json(report.to_json())
        return EXIT_OK if report.ok else EXIT_NEEDS_APPROVAL
    problems = _("{file}: {format}, {count} problem(s)")
    print(problems.format(file=args.file, format=report.format.value, count=len(report.problems)))
    for problem in report.problems:
        where = " " + _("at {where}").format(where=one_line(problem.where)) if problem.where else ""
        print(f"  {problem.severity.value:5}  {one_line(problem.message)}{where}  [{problem.code}]")
    return EXIT_OK if report.ok else EXIT_NEEDS_APPROVAL
