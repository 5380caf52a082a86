"""The command-line shell: reads the command, runs it with the terminal guarded.

Imports stay light here: `mailhop --version` must answer without loading the network
stack, so each sub-command imports its stage only when it runs. The shell is laid out by
job: ``parser`` (the grammar and its help), ``commands`` (discover, check, lint),
``commands_account`` (setup, profiles, recheck, forget), ``commands_export``,
``progress`` (live lines on stderr) and ``exit_codes`` (the one table of exit codes,
which ``--help`` prints and README.md repeats).

All text the commands write goes through ``terminal.TerminalText``: no control character a
server or a file supplied can reach the terminal, even where a call site forgot ``one_line``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from ..common.i18n import _, set_language
from .exit_codes import (
    EXIT_BAD_ADDRESS,
    EXIT_BLOCKED,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_NEEDS_APPROVAL,
    EXIT_NOT_SET_UP,
    EXIT_NOTHING_FOUND,
    EXIT_OK,
    EXIT_USAGE,
)
from .parser import build_parser, language_asked

# The exit codes are part of this module's face: callers and tests say ``cli.EXIT_OK``.
__all__ = [
    "EXIT_BAD_ADDRESS",
    "EXIT_BLOCKED",
    "EXIT_INTERNAL",
    "EXIT_INTERRUPTED",
    "EXIT_NEEDS_APPROVAL",
    "EXIT_NOTHING_FOUND",
    "EXIT_NOT_SET_UP",
    "EXIT_OK",
    "EXIT_USAGE",
    "guarded",
    "main",
]


def main(argv: Sequence[str] | None = None) -> int:
    return guarded(lambda: _run(argv))


def guarded(command: Callable[[], int]) -> int:
    """Runs a command with the terminal guarded and a bug reported in one line, not a traceback.

    The text streams are wrapped so that nothing a server or a file supplied can write control
    characters to the terminal. An exception escaping a command is mailhop's bug: the person
    gets what it was and where to report it; the traceback only with MAILHOP_DEBUG=1, since its
    frames may hold what the person typed.
    """
    import os

    from ..common.terminal import TerminalText

    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = TerminalText(out), TerminalText(err)
    try:
        return command()
    except KeyboardInterrupt:
        print("\n" + _("mailhop: interrupted; nothing more was done."), file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:
        if os.environ.get("MAILHOP_DEBUG"):
            import traceback

            traceback.print_exception(exc, file=sys.stderr)
        print(
            _(
                "mailhop: internal error ({error}); this is a bug in mailhop, please report it "
                "(MAILHOP_DEBUG=1 shows the details)."
            ).format(error=type(exc).__name__),
            file=sys.stderr,
        )
        return EXIT_INTERNAL
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        sys.stdout, sys.stderr = out, err


def _run(argv: Sequence[str] | None) -> int:
    words = sys.argv[1:] if argv is None else list(argv)
    set_language(language_asked(words))  # before the parser, so that --help is translated
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stdout)
        return EXIT_OK
    return _command(args.command)(parser, args)


def _command(name: str) -> Callable[[argparse.ArgumentParser, argparse.Namespace], int]:
    """The function that runs sub-command ``name`` (argparse has refused any other name)."""
    from . import (
        commands,
        commands_account,
        commands_audit,
        commands_export,
        commands_report,
        publish,
    )

    with_parser: dict[str, Callable[[argparse.ArgumentParser, argparse.Namespace], int]] = {
        "discover": commands.discover_command,
        "check": commands.check_command,
        "lint": commands.lint_command,
        "recheck": commands_account.recheck_command,
        "setup": commands_account.setup_command,
        "forget": commands_account.forget_command,
        "export": commands_export.export_command,
        "publish": publish.publish_command,
        "report": commands_report.report_command,
        "audit": commands_audit.audit_command,
    }
    without_parser = {
        "profiles": commands_account.profiles_command,
    }
    if name in without_parser:
        return lambda _parser, args: without_parser[name](args)
    return with_parser[name]
