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
from ..common.tasks import cancel_and_wait
from .debug import print_crash_traces
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
    from ..run.check import CheckReport
    from ..run.events import ProgressObserver
    from ..run.options import DiscoveryOptions

__all__ = [
    "check_command",
    "discover_command",
    "lint_command",
    "options_from",
    "parsed_address",
    "print_json",
    "saved_profile",
]

# Turns of the event loop dnspython takes to open its socket and send the first question
# (four, measured with an audit hook on socket.sendto); twice that, so a change in the
# resolver's path does not quietly put the imports back in front of the first packet.
QUESTIONS_OUT_TURNS = 8


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
    print_crash_traces(report.attempts)
    if args.json:
        from .discovery_json import report_to_json

        print_json(report_to_json(report))
    else:
        from .render_text import render_discovery

        sys.stdout.write(render_discovery(report))
    return discovery_exit_code(report)


def check_command(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    options = options_from(parser, args)
    address = parsed_address(args)
    if address is None:
        return EXIT_BAD_ADDRESS
    report = asyncio.run(_check_started_early(address, options, observer(args, quiet=args.json)))
    print_crash_traces(report.discovery.attempts, report.probes)
    if args.json:
        from .check_json import check_to_json

        print_json(check_to_json(report))
    else:
        from .render_check import render_check

        sys.stdout.write(render_check(report))
    return check_exit_code(report)


async def _check_started_early(
    address: EmailAddress, options: DiscoveryOptions, watcher: ProgressObserver | None
) -> CheckReport:
    """The check, its first DNS questions sent before the rest of the pipeline has loaded.

    Importing the check's stages (sources, HTTP, TLS probes, verdicts) takes about a
    quarter of a second, and the check's first act is to ask for the DNSSEC chain to the
    address's zone. So the resolver is made from the light modules alone (run/options.py),
    that chain is asked for, the loop turns until the questions have left, and only then
    is the pipeline imported, while they are on the wire (their answers wait in the
    socket). The check runs with this resolver, whose cache holds or awaits those answers:
    nothing is asked twice. Not a worker thread for the import: a thread busy importing
    holds the GIL, and the loop would wait for it at every turn.
    """
    import time

    from ..run.options import discovery_resolver

    resolver = discovery_resolver(options, time.monotonic())
    primer = asyncio.ensure_future(resolver.prime(address.domain))
    for _turn in range(QUESTIONS_OUT_TURNS):
        await asyncio.sleep(0)
    try:
        from ..run.check import check

        return await check(address, options, watcher, resolver=resolver)
    finally:
        await cancel_and_wait([primer])  # done by now, unless the check ended early


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
