"""The CLI's exit codes: one table, from which ``--help`` prints its list.

The numbers are a contract with scripts (README.md names them too; a test holds the README
to this table), so a code is never reused for another meaning. The functions at the end
turn a stage's result into its code, so every command says "found", "needs approval" and
"blocked" the same way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..common.i18n import N_, Words

if TYPE_CHECKING:
    from ..run.check import CheckReport
    from ..run.discovery import DiscoveryReport

__all__ = [
    "EXIT_BAD_ADDRESS",
    "EXIT_BLOCKED",
    "EXIT_CODES",
    "EXIT_COULD_NOT_CHECK",
    "EXIT_INTERNAL",
    "EXIT_INTERRUPTED",
    "EXIT_NEEDS_APPROVAL",
    "EXIT_NOTHING_FOUND",
    "EXIT_NOT_SET_UP",
    "EXIT_OK",
    "EXIT_USAGE",
    "check_exit_code",
    "discovery_exit_code",
    "exit_codes_help",
]

EXIT_OK = 0
EXIT_NEEDS_APPROVAL = 1
EXIT_USAGE = 2
EXIT_BAD_ADDRESS = 3
EXIT_NOTHING_FOUND = 4
EXIT_BLOCKED = 5
EXIT_NOT_SET_UP = 6
EXIT_COULD_NOT_CHECK = 7
EXIT_INTERNAL = 70  # EX_SOFTWARE (sysexits.h)
EXIT_INTERRUPTED = 130  # the shell's number for SIGINT

# Each code and what it means, in --help's words (translated when shown).
EXIT_CODES: tuple[tuple[int, str], ...] = (
    (EXIT_OK, N_("settings found for sending and receiving, authenticated (tier A or B)")),
    (
        EXIT_NEEDS_APPROVAL,
        N_(
            "usable with a warning: some settings are unauthenticated (tier C) and need "
            "approval, or (check) a finding deserves attention"
        ),
    ),
    (EXIT_USAGE, N_("usage error (unknown option, unreadable file, bad resolver address)")),
    (EXIT_BAD_ADDRESS, N_("the address is not valid")),
    (EXIT_NOTHING_FOUND, N_("no settings found for sending or for receiving")),
    (
        EXIT_BLOCKED,
        N_(
            "(check only) servers were found, but none passed the checks for sending or "
            "receiving; the findings say why"
        ),
    ),
    (
        EXIT_NOT_SET_UP,
        N_(
            "(setup, forget) nothing was stored or removed: not approved, no usable keyring, "
            "or the sign-in failed; the message says which"
        ),
    ),
    (
        EXIT_COULD_NOT_CHECK,
        N_(
            "(check) this computer could not check the domain: no network, a DNS server "
            "that fails or strips signatures, a wrong clock or intercepted HTTPS; nothing "
            "was learned about the domain"
        ),
    ),
    (
        EXIT_INTERNAL,
        N_(
            "an internal error in mailhop (a bug: please report it; MAILHOP_DEBUG=1 shows "
            "the details)"
        ),
    ),
    (EXIT_INTERRUPTED, N_("interrupted")),
)


def exit_codes_help(width: int = 79) -> str:
    """The table as --help's epilog, in the language of the moment, wrapped to ``width``."""
    import textwrap

    lines = [str(Words(N_("exit codes:")))]
    for code, meaning in EXIT_CODES:
        lead = f"  {code:<3} "
        lines += textwrap.wrap(
            str(Words(meaning)), width, initial_indent=lead, subsequent_indent=" " * len(lead)
        )
    return "\n".join(lines)


def discovery_exit_code(report: DiscoveryReport) -> int:
    """0, 1 (something needs approval) or 4 (nothing to send or to receive with)."""
    from ..common.model import Service

    plan = report.plan
    sending = plan.for_service(Service.SUBMISSION).best
    receiving = plan.access[0] if plan.access else None
    if sending is None or receiving is None:
        return EXIT_NOTHING_FOUND
    if sending.needs_approval or receiving.needs_approval:  # tier C, or a look-alike name
        return EXIT_NEEDS_APPROVAL
    return EXIT_OK


def check_exit_code(report: CheckReport) -> int:
    """7 when this computer could not check; else discovery's code, then the verdict's:
    5 for a block, 1 for a warning."""
    from ..verdict.verdict import Level

    if report.verdict.level is Level.COULD_NOT_CHECK:  # before "nothing found": nothing was
        return EXIT_COULD_NOT_CHECK  # asked successfully, so nothing is known to be missing
    found = discovery_exit_code(report.discovery)
    if found == EXIT_NOTHING_FOUND:
        return found
    level = report.verdict.level
    if level is Level.BLOCK:
        return EXIT_BLOCKED
    return EXIT_NEEDS_APPROVAL if level is Level.WARN else EXIT_OK
