"""The command line's grammar: every sub-command, its options and its help.

The help is built in the language of the moment (``main`` sets it from --lang or the
system locale before it builds the parser), so a German system gets German --help.
Each sub-command has its own small builder; options several commands share are built
once here.
"""

from __future__ import annotations

import argparse
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import TypeAlias

from .. import __version__
from ..common.i18n import LANGUAGES, N_, Words, _
from .commands_audit import add_parser as add_audit_parser
from .commands_report import add_parser as add_report_parser
from .exit_codes import exit_codes_help
from .publish import add_parser as add_publish_parser

__all__ = ["DESCRIPTION", "build_parser", "language_asked"]

DESCRIPTION = N_(
    "Set up a mail account securely from nothing but an email address: mailhop discovers what "
    "the domain publishes (DNSSEC, DANE, MTA-STS, autoconfig, SRV), verifies every server over "
    "TLS, and exports ready-made settings for your mail client."
)


def build_parser() -> argparse.ArgumentParser:
    """The parser, its help in the language of the moment."""
    epilog = exit_codes_help()
    parser = argparse.ArgumentParser(
        prog="mailhop",
        description=textwrap.fill(str(Words(DESCRIPTION)), 79),
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"mailhop {__version__}")
    _language_argument(parser, default=None)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    _discover_command(commands, epilog)
    _check_command(commands, epilog)
    _profiles_command(commands)
    _recheck_command(commands)
    _setup_command(commands, epilog)
    _forget_command(commands)
    _lint_command(commands)
    _export_command(commands)
    add_publish_parser(commands, _shared_options(), epilog)
    add_report_parser(commands, _shared_options(), epilog)
    add_audit_parser(commands, _shared_options(), epilog)
    for command in commands.choices.values():  # the raw formatter keeps the epilog's layout,
        _language_argument(command, default=argparse.SUPPRESS)  # before or after the command
        if command.description:  # so descriptions are wrapped here
            command.description = textwrap.fill(command.description, 79)
    return parser


def language_asked(words: Sequence[str]) -> str | None:
    """The language --lang names (``--lang de`` or ``--lang=de``), or None for the system's;
    a wrong value is left to the parser to refuse."""
    for index, word in enumerate(words):
        value = word.partition("=")[2] if word.startswith("--lang=") else None
        if word == "--lang" and index + 1 < len(words):
            value = words[index + 1]
        if value in LANGUAGES:
            return value
    return None


# What add_subparsers returns (argparse names its class private; typeshed spells it so).
Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def _network_command(
    commands: Commands, name: str, epilog: str, *, help: str, description: str
) -> argparse.ArgumentParser:
    """A command that goes to the network: the shared options, and the exit codes below."""
    return commands.add_parser(
        name,
        parents=[_shared_options()],
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        help=help,
        description=description,
    )


def _discover_command(commands: Commands, epilog: str) -> None:
    discover = _network_command(
        commands,
        "discover",
        epilog,
        help=_("find every published source of settings for an address and rank them"),
        description=_(
            "Ask every source of mail settings for ADDRESS at once (DNS SRV, MX, "
            "TLSA, MTA-STS, autoconfig, PACC, Autodiscover, the provider database) and print, "
            "per service, the ranked servers with where each came from and how far it can be "
            "trusted. Nothing is sent to a mail server and no password is asked for."
        ),
    )
    _address_arguments(discover)


def _check_command(commands: Commands, epilog: str) -> None:
    check = _network_command(
        commands,
        "check",
        epilog,
        help=_("discover, then connect to every server over TLS and give a verdict"),
        description=_(
            "Discover the settings for ADDRESS, connect to every candidate server "
            "(TLS from the first byte, or STARTTLS that must succeed), verify each certificate "
            "with this computer's trust store and the domain's DANE records, and print for "
            "each leg (sending, server to server, receiving) the server to use, how it was "
            "verified and what is wrong. No password is asked for or sent."
        ),
    )
    _address_arguments(check)


def _profiles_command(commands: Commands) -> None:
    profiles = commands.add_parser(
        "profiles",
        help=_("list the saved accounts"),
        description=_("List the accounts saved by `mailhop setup` (no secrets are in them)."),
    )
    _profile_dir_argument(profiles)


def _recheck_command(commands: Commands) -> None:
    recheck = commands.add_parser(
        "recheck",
        parents=[_shared_options()],
        help=_("check a saved account again and report every difference (changes nothing)"),
        description=_(
            "Run the check for a saved account and compare the result with what was "
            "saved: a new host, a changed port or security, a rotated key, a certificate that now "
            "fails. The saved profile is never changed; run `mailhop setup` to accept changes."
        ),
    )
    _address_arguments(recheck)
    _profile_dir_argument(recheck)


def _setup_command(commands: Commands, epilog: str) -> None:
    setup = _network_command(
        commands,
        "setup",
        epilog,
        help=_("check, approve, test the sign-in, store the password in the OS keyring"),
        description=_(
            "Set up an account: run the check, ask you to approve any server nobody "
            "authenticated (naming its domain in full), read the password without echo, test the "
            "sign-in over verified TLS only, then store the password in the OS keyring and the "
            "settings (never the password) in a profile."
        ),
    )
    _address_arguments(setup)
    _profile_dir_argument(setup)
    setup.add_argument(
        "--password-stdin",
        action="store_true",
        help=_("read the password from standard input (for scripts) instead of asking"),
    )
    setup.add_argument(
        "--approve",
        metavar="DOMAIN",
        action="append",
        default=[],
        help=_("approve this registrable domain in advance (as shown by `check`); repeatable"),
    )
    setup.add_argument("--name", default="", help=_("your name, as mail clients show it"))
    setup.add_argument(
        "--oauth-client-id",
        metavar="ID",
        default=None,
        help=_(
            "OAuth2 accounts: the client ID your administrator or provider registered for "
            "desktop mail programs, for providers that do not let programs register "
            "themselves (mailhop ships none of its own)"
        ),
    )
    setup.add_argument(
        "--oauth-minutes",
        type=float,
        default=5.0,
        help=_("OAuth2 accounts: how long to wait for you to sign in at the browser"),
    )


def _forget_command(commands: Commands) -> None:
    forget = commands.add_parser(
        "forget",
        parents=[_shared_options()],  # the issuer of an OAuth2 account is asked to revoke
        help=_("remove a saved account: its profile and its keyring entries"),
    )
    forget.add_argument("address", metavar="ADDRESS", help=_("the email address"))
    _profile_dir_argument(forget)


def _lint_command(commands: Commands) -> None:
    lint = commands.add_parser(
        "lint",
        help=_("check a published settings file by the rules of the clients that read it"),
        description=_(
            "Check FILE (autoconfig XML, .mobileconfig, Autodiscover response, PACC "
            "JSON, MTA-STS policy, Thunderbird for Android .k9s) and report every problem a mail "
            "client would have with it, before you publish it."
        ),
    )
    lint.add_argument("file", metavar="FILE", type=Path)
    lint.add_argument("--json", action="store_true", help=_("print the findings as JSON"))


def _export_command(commands: Commands) -> None:
    from ..export.formats import FORMATS  # the one list of formats, light to import

    export = commands.add_parser(
        "export",
        help=_("write a saved account as settings for a mail client (never a password)"),
        description=_(
            "Write the saved account ADDRESS in a format a mail client reads: "
            "thunderbird (autoconfig XML), thunderbird-userjs (prefs for a new profile), apple "
            "(.mobileconfig for iOS, iPadOS and macOS Mail; optionally signed), or sheet (a "
            "printable summary for any other client). No export ever contains a password."
        ),
    )
    export.add_argument("address", metavar="ADDRESS", help=_("the email address"))
    export.add_argument("--format", required=True, choices=sorted(f.name for f in FORMATS))
    export.add_argument(
        "--output",
        "-o",
        metavar="FILE",
        type=Path,
        default=None,
        help=_("where to write it (default: standard output)"),
    )
    export.add_argument(
        "--sign-cert", metavar="PEM", type=Path, help=_("apple: signing certificate")
    )
    export.add_argument("--sign-key", metavar="PEM", type=Path, help=_("apple: its private key"))
    export.add_argument("--sign-chain", metavar="PEM", type=Path, help=_("apple: intermediates"))
    export.add_argument(
        "--xml-path",
        metavar="PATH",
        help=_("outlook-reg: where the Autodiscover XML will be on the Windows machine"),
    )
    export.add_argument("--allow-test-domains", action="store_true", help=argparse.SUPPRESS)
    _profile_dir_argument(export)


def _shared_options() -> argparse.ArgumentParser:
    """Options every network command shares (discover, check, setup, ...)."""
    shared = argparse.ArgumentParser(add_help=False)
    group = shared.add_argument_group(_("network and trust options"))
    group.add_argument(
        "--resolver",
        metavar="IP[:PORT]",
        help=_(
            "recursive DNS resolver to send queries to (default: the system's first one); "
            "its AD bit is never trusted, mailhop validates DNSSEC itself"
        ),
    )
    group.add_argument(
        "--trust-anchor",
        metavar="FILE",
        type=Path,
        help=_(
            "DNSSEC trust anchor: DS or DNSKEY records of the root, zone-file form "
            "(default: the IANA root keys shipped with mailhop)"
        ),
    )
    group.add_argument(
        "--ca-file",
        metavar="PEM",
        type=Path,
        help=_("extra trusted certificate authorities, added to the system's store"),
    )
    group.add_argument(
        "--ispdb-url",
        metavar="URL",
        help=_("base URL of the provider database (default: Thunderbird's ISPDB)"),
    )
    group.add_argument(
        "--allow-test-domains",
        action="store_true",
        help=_("accept the reserved .test names (for the test lab and demos)"),
    )
    group.add_argument(
        "--deadline",
        metavar="SECONDS",
        type=float,
        default=None,
        help=_("give up on any source after this many seconds (default 8)"),
    )
    return shared


def _language_argument(command: argparse.ArgumentParser, default: object) -> None:
    command.add_argument(
        "--lang",
        choices=LANGUAGES,
        default=default,
        help=_(
            "the language of mailhop's words (default: the system's, from LANGUAGE, LC_ALL, "
            "LC_MESSAGES or LANG); JSON output and exported files do not change with it"
        ),
    )


def _profile_dir_argument(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--profile-dir",
        metavar="DIR",
        type=Path,
        default=None,
        help=_("where account profiles are kept (default: your user config folder)"),
    )


def _address_arguments(command: argparse.ArgumentParser) -> None:
    command.add_argument("address", metavar="ADDRESS", help=_("the email address"))
    command.add_argument("--json", action="store_true", help=_("print the result as JSON"))
    command.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help=_("show each source live on stderr (default: when stderr is a terminal)"),
    )
