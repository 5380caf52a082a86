"""The command-line shell: parses arguments and renders the core's results as text.

Imports stay light here: `mailhop --version` must answer without loading the network
stack, so each sub-command imports its stage only when it runs.

Exit codes (also in README.md):

    0  settings found for sending and receiving, authenticated (tier A or B)
    1  usable with a warning: unauthenticated settings need approval, or (check) a finding
       deserves attention
    2  usage error: unknown option, unreadable trust anchor or CA file, bad resolver
    3  the address is not valid (the message says what is wrong)
    4  no settings found for sending or for receiving
    5  (check) servers were found, but none passed the checks for sending or receiving
    6  (setup, forget) nothing was stored or removed
   70  an internal error in mailhop: one line naming it, never a traceback (MAILHOP_DEBUG=1
       adds the traceback for a bug report)
  130  interrupted (Ctrl-C)

All text the commands write goes through ``terminal.TerminalText``: no control character a
server or a file supplied can reach the terminal, even where a call site forgot ``safe``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from .. import __version__
from ..common.i18n import N_, Words, _, set_language

if TYPE_CHECKING:
    from ..account.approval import ApprovalRequest
    from ..account.profile import AccountProfile
    from ..common.address import EmailAddress
    from ..run.discovery import DiscoveryOptions, DiscoveryReport
    from ..run.events import ProgressEvent, ProgressObserver

DESCRIPTION = N_(
    "Set up a mail account securely from nothing but an email address: mailhop discovers what "
    "the domain publishes (DNSSEC, DANE, MTA-STS, autoconfig, SRV), verifies every server over "
    "TLS, and exports ready-made settings for your mail client."
)

EXIT_OK = 0
EXIT_NEEDS_APPROVAL = 1
EXIT_USAGE = 2
EXIT_BAD_ADDRESS = 3
EXIT_NOTHING_FOUND = 4
EXIT_BLOCKED = 5
EXIT_NOT_SET_UP = 6
EXIT_INTERNAL = 70  # EX_SOFTWARE (sysexits.h)
EXIT_INTERRUPTED = 130  # the shell's number for SIGINT

EXIT_CODES = N_("""exit codes:
  0  settings found for sending and receiving, authenticated (tier A or B)
  1  usable with a warning: some settings are unauthenticated (tier C) and need
     approval, or (check) a finding deserves attention
  2  usage error (unknown option, unreadable file, bad resolver address)
  3  the address is not valid
  4  no settings found for sending or for receiving
  5  (check only) servers were found, but none passed the checks for sending or
     receiving; the findings say why
  6  (setup, forget) nothing was stored or removed: not approved, no usable keyring,
     or the sign-in failed; the message says which
  70  an internal error in mailhop (a bug: please report it; MAILHOP_DEBUG=1 shows
     the details)
  130 interrupted""")


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


def build_parser() -> argparse.ArgumentParser:
    """The parser, its help in the language of the moment (``_run`` sets it from --lang or the
    system locale first)."""
    exit_codes = str(Words(EXIT_CODES))
    parser = argparse.ArgumentParser(
        prog="mailhop",
        description=textwrap.fill(str(Words(DESCRIPTION)), 79),
        epilog=exit_codes,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"mailhop {__version__}")
    _language_argument(parser, default=None)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    discover = commands.add_parser(
        "discover",
        parents=[_shared_options()],
        epilog=exit_codes,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        help=_("find every published source of settings for an address and rank them"),
        description=_(
            "Ask every source of mail settings for ADDRESS at once (DNS SRV, MX, "
            "TLSA, MTA-STS, autoconfig, PACC, Autodiscover, the provider database) and print, "
            "per service, the ranked servers with where each came from and how far it can be "
            "trusted. Nothing is sent to a mail server and no password is asked for."
        ),
    )
    _address_arguments(discover)
    check = commands.add_parser(
        "check",
        parents=[_shared_options()],
        epilog=exit_codes,
        formatter_class=argparse.RawDescriptionHelpFormatter,
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
    profiles = commands.add_parser(
        "profiles",
        help=_("list the saved accounts"),
        description=_("List the accounts saved by `mailhop setup` (no secrets are in them)."),
    )
    _profile_dir_argument(profiles)
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
    setup = commands.add_parser(
        "setup",
        parents=[_shared_options()],
        epilog=exit_codes,
        formatter_class=argparse.RawDescriptionHelpFormatter,
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
    forget = commands.add_parser(
        "forget",
        help=_("remove a saved account: its profile and its keyring entries"),
    )
    forget.add_argument("address", metavar="ADDRESS", help=_("the email address"))
    forget.add_argument("--allow-test-domains", action="store_true", help=argparse.SUPPRESS)
    _profile_dir_argument(forget)
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
    export.add_argument("--format", required=True, choices=sorted(EXPORT_FORMATS))
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
    for command in commands.choices.values():  # the raw formatter keeps the epilog's layout,
        _language_argument(command, default=argparse.SUPPRESS)  # before or after the command
        if command.description:  # so descriptions are wrapped here
            command.description = textwrap.fill(command.description, 79)
    return parser


def _language_argument(command: argparse.ArgumentParser, default: object) -> None:
    from ..common.i18n import LANGUAGES

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
    set_language(_language_asked(words))  # before the parser, so that --help is translated
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stdout)
        return EXIT_OK
    if args.command == "discover":
        return _discover(parser, args)
    if args.command == "check":
        return _check(parser, args)
    if args.command == "profiles":
        return _profiles(args)
    if args.command == "recheck":
        return _recheck(parser, args)
    if args.command == "setup":
        return _setup(parser, args)
    if args.command == "forget":
        return _forget(args)
    if args.command == "export":
        return _export(parser, args)
    if args.command == "lint":
        return _lint(parser, args)
    parser.error(f"unknown command {args.command!r}")  # pragma: no cover - argparse exits first
    return EXIT_USAGE  # pragma: no cover


def _language_asked(words: Sequence[str]) -> str | None:
    """The language --lang names (``--lang de`` or ``--lang=de``), or None for the system's;
    a wrong value is left to the parser to refuse."""
    from ..common.i18n import LANGUAGES

    for index, word in enumerate(words):
        value = word.partition("=")[2] if word.startswith("--lang=") else None
        if word == "--lang" and index + 1 < len(words):
            value = words[index + 1]
        if value in LANGUAGES:
            return value
    return None


def options_from(parser: argparse.ArgumentParser, args: argparse.Namespace) -> DiscoveryOptions:
    """The shared options as DiscoveryOptions; a bad value is a usage error (exit 2)."""
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
    except ValueError as exc:
        parser.error(str(exc))


def _address(args: argparse.Namespace) -> EmailAddress | None:
    """The command's address, or None after telling stderr what is wrong with it."""
    from ..common.address import AddressError, parse_address

    try:
        return parse_address(args.address, allow_test_domains=args.allow_test_domains)
    except AddressError as exc:
        print(f"mailhop: {exc}", file=sys.stderr)
        return None


def _observer(args: argparse.Namespace, *, quiet: bool = False) -> ProgressObserver | None:
    """Live progress on stderr: when it is a terminal, or as --progress says."""
    progress = sys.stderr.isatty() if args.progress is None else args.progress
    return _progress_printer(sys.stderr) if progress and not quiet else None


def _discover(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    from ..run.discovery import discover

    options = options_from(parser, args)  # usage errors first: they are the caller's
    address = _address(args)
    if address is None:
        return EXIT_BAD_ADDRESS
    observer = _observer(args, quiet=args.json)
    report = asyncio.run(discover(address, options, observer))
    if args.json:
        from .discovery_json import report_to_json

        json.dump(report_to_json(report), sys.stdout, indent=2, ensure_ascii=False)
        print()
    else:
        from .render_text import render_discovery

        sys.stdout.write(render_discovery(report))
    return exit_code(report)


def _check(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    from ..run.check import check

    options = options_from(parser, args)
    address = _address(args)
    if address is None:
        return EXIT_BAD_ADDRESS
    observer = _observer(args, quiet=args.json)
    report = asyncio.run(check(address, options, observer))
    if args.json:
        from .check_json import check_to_json

        json.dump(check_to_json(report), sys.stdout, indent=2, ensure_ascii=False)
        print()
    else:
        from .render_check import render_check

        sys.stdout.write(render_check(report))
    found = exit_code(report.discovery)
    if found == EXIT_NOTHING_FOUND:
        return found
    from ..verdict.verdict import Level

    level = report.verdict.level
    if level is Level.BLOCK:
        return EXIT_BLOCKED
    return EXIT_NEEDS_APPROVAL if level is Level.WARN else EXIT_OK


def _profiles(args: argparse.Namespace) -> int:
    from ..account.profile import ProfileError, default_directory, list_profiles
    from ..common.lookalike import shown_host

    folder = args.profile_dir or default_directory()
    found = list_profiles(folder)
    if not found:
        print(_("No saved accounts (in {folder}).").format(folder=folder))
        return EXIT_OK
    for item in found:
        if isinstance(item, ProfileError):
            print("  " + _("(unreadable) {error}").format(error=item))
            continue
        incoming, outgoing = item.incoming, item.outgoing
        into, out_to = shown_host(incoming.host), shown_host(outgoing.host)  # U (A) for an IDN
        print(
            _("{address}  checked {when}, verdict {verdict}").format(
                address=item.address_unicode, when=item.checked_at, verdict=item.verdict
            )
        )
        print(
            "  "
            + _("receive: {service} {host}:{port} {security} as {user}").format(
                service=incoming.service,
                host=into,
                port=incoming.port,
                security=incoming.security,
                user=incoming.username,
            )
        )
        print(
            "  "
            + _("send:    {host}:{port} {security} as {user}").format(
                host=out_to, port=outgoing.port, security=outgoing.security, user=outgoing.username
            )
        )
    print(_("({count} account(s) in {folder})").format(count=len(found), folder=folder))
    return EXIT_OK


def _recheck(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    from ..account.accounts import recheck_against
    from ..account.profile import ProfileError, load_profile
    from ..run.check import check

    options = options_from(parser, args)
    address = _address(args)
    if address is None:
        return EXIT_BAD_ADDRESS
    try:
        saved = load_profile(address.ascii, args.profile_dir)
    except ProfileError as exc:
        print(f"mailhop: {exc}", file=sys.stderr)
        return EXIT_USAGE
    observer = _observer(args, quiet=args.json)
    report = asyncio.run(check(address, options, observer))
    result = recheck_against(saved, report)
    if result.blocked is not None:
        print(
            _("{address}: now blocked: {reason}. The saved profile is unchanged.").format(
                address=address.display, reason=result.blocked
            )
        )
        return EXIT_BLOCKED
    differences = result.differences
    if args.json:
        rows = [{"kind": d.kind, "leg": d.leg, "old": d.old, "new": d.new} for d in differences]
        json.dump({"address": address.ascii, "differences": rows}, sys.stdout, indent=2)
        print()
    elif not differences:
        print(
            _("{address}: no differences since {when}.").format(
                address=address.display, when=saved.checked_at
            )
        )
    else:
        many = _("{address}: {count} difference(s) since {when}:")
        print(many.format(address=address.display, count=len(differences), when=saved.checked_at))
        for difference in differences:
            print(f"  {difference.describe()}")
        print(_("Nothing was changed. Run `mailhop setup` to accept the new settings."))
    return EXIT_NEEDS_APPROVAL if differences else EXIT_OK


def _setup(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    from ..account.secrets import Password, SecretStore
    from ..account.setup import run_setup
    from ..run.check import check
    from .render_check import render_check
    from .render_login import render_logins

    options = options_from(parser, args)
    address = _address(args)
    if address is None:
        return EXIT_BAD_ADDRESS
    observer = _observer(args)
    report = asyncio.run(check(address, options, observer))
    sys.stdout.write(render_check(report))
    approved = {a.lower().rstrip(".") for a in args.approve}

    async def ask_approval(request: ApprovalRequest) -> bool:
        if {request.registrable, request.unicode} & approved:
            print(
                _("Approved by --approve: {domain} ({alabel})").format(
                    domain=request.unicode, alabel=request.registrable
                )
            )
            return True
        print(request.question())
        if not sys.stdin.isatty() or args.password_stdin:
            print(
                _("Not approved. To approve, add: --approve {alabel}").format(
                    alabel=request.registrable
                )
            )
            return False
        asked = _("Type the domain name {domain} to approve it: ").format(domain=request.unicode)
        typed = input(asked).strip()
        return typed.lower().rstrip(".") in {request.registrable, request.unicode}

    async def ask_password() -> Password:
        if args.password_stdin:
            line = sys.stdin.readline()
            return Password(line[:-1] if line.endswith("\n") else line)
        import getpass

        asked = _("Password for {address} (not shown): ").format(address=address.display)
        return Password(getpass.getpass(asked))

    outcome = asyncio.run(
        run_setup(
            report,
            ask_approval=ask_approval,
            ask_password=ask_password,
            store=SecretStore(),
            extra_ca_file=args.ca_file,
            profile_dir=args.profile_dir,
            display_name=args.name,
        )
    )
    for line in render_logins(outcome.logins):
        print(line)
    print(outcome.message)
    if outcome.status != "saved":
        return EXIT_BLOCKED if outcome.status == "blocked" else EXIT_NOT_SET_UP
    if outcome.stored:
        print(_("The password is in {keyring}, under:").format(keyring=outcome.keyring_name))
        for ref in outcome.stored:
            where = _("service {service}, user {user}").format(
                service=ref.service, user=ref.username
            )
            print(f"  {where}")
    print(_("The settings (no password) are in {path}.").format(path=outcome.profile_path))
    return EXIT_OK


def _forget(args: argparse.Namespace) -> int:
    from ..account.accounts import forget_account
    from ..account.secrets import SecretStore, SecretStoreError

    address = _address(args)
    if address is None:
        return EXIT_BAD_ADDRESS
    try:
        result = forget_account(address.ascii, args.profile_dir, SecretStore())
    except SecretStoreError as exc:
        print(_("mailhop: nothing was removed: {reason}").format(reason=exc), file=sys.stderr)
        return EXIT_NOT_SET_UP
    for ref in result.removed:
        print(
            _("Removed from the keyring: service {service}, user {user}").format(
                service=ref.service, user=ref.username
            )
        )
    if result.profile_error is not None:
        print(
            _("mailhop: the profile was not removed: {reason}").format(reason=result.profile_error),
            file=sys.stderr,
        )
        return EXIT_NOT_SET_UP
    path = result.profile_path
    if path:
        print(_("Removed the profile {path}.").format(path=path))
    else:
        print(_("There was no saved profile."))
    return EXIT_OK


# Every format the export table knows (core/export/formats.py), in its order.
EXPORT_FORMATS = (
    "thunderbird",
    "thunderbird-userjs",
    "apple",
    "outlook-autodiscover",
    "outlook-reg",
    "outlook-sheet",
    "k9",
    "k9-qr-png",
    "k9-qr-svg",
    "aerc",
    "neomutt",
    "mbsync",
    "msmtp",
    "evolution",
    "sheet",
)


def _export(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    from ..account.profile import ProfileError, load_profile

    address = _address(args)
    if address is None:
        return EXIT_USAGE
    try:
        profile = load_profile(address.ascii, args.profile_dir)
    except ProfileError as exc:
        print(f"mailhop: {exc}", file=sys.stderr)
        return EXIT_USAGE
    from ..export.apple import ExportError

    try:
        data = _render_export(args, profile)
    except (ValueError, ExportError) as exc:  # the format cannot say this account
        print(
            _("mailhop: cannot export as {format}: {reason}").format(
                format=args.format, reason=exc
            ),
            file=sys.stderr,
        )
        return EXIT_NOT_SET_UP
    if args.format == "evolution" and args.output is not None:
        from ..export.evolution import evolution_sources

        try:
            args.output.mkdir(parents=True, exist_ok=True)
            for source in evolution_sources(profile):
                (args.output / source.filename).write_text(source.text, "utf-8")
        except OSError as exc:
            parser.error(
                _("cannot write into {path}: {reason}").format(
                    path=args.output, reason=exc.strerror or exc
                )
            )
        print(
            _("Wrote the Evolution source files into {path}.").format(path=args.output),
            file=sys.stderr,
        )
        return EXIT_OK
    if args.output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return EXIT_OK
    try:
        args.output.write_bytes(data)
    except OSError as exc:
        parser.error(
            _("cannot write {path}: {reason}").format(path=args.output, reason=exc.strerror or exc)
        )
    print(
        _("Wrote {path} ({size} bytes, no password in it).").format(
            path=args.output, size=len(data)
        ),
        file=sys.stderr,
    )
    if args.format == "thunderbird":
        from ..export.thunderbird import autoconfig_instructions

        print(autoconfig_instructions(profile), file=sys.stderr)
    return EXIT_OK


def _render_export(args: argparse.Namespace, profile: AccountProfile) -> bytes:
    from ..export.formats import render_export

    signer = None
    if args.format == "apple" and (args.sign_cert or args.sign_key):
        from ..export.apple import Signer

        if not (args.sign_cert and args.sign_key):
            raise ValueError(_("signing needs both --sign-cert and --sign-key"))
        try:
            chain = args.sign_chain.read_bytes() if args.sign_chain else b""
            signer = Signer(args.sign_cert.read_bytes(), args.sign_key.read_bytes(), chain)
        except OSError as exc:
            raise ValueError(
                _("cannot read the signing files: {reason}").format(reason=exc.strerror or exc)
            ) from exc
    files = render_export(profile, args.format, signer=signer, reg_xml_path=args.xml_path)
    if len(files) == 1:
        return files[0].data
    # Several files (Evolution): one text with file markers on stdout; --output writes a folder.
    parts = [f"# --- {item.filename}\n{item.data.decode('utf-8')}" for item in files]
    return "\n".join(parts).encode("utf-8")


def _lint(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    from ..common.untrusted import MAX_DOCUMENT_BYTES
    from ..export.lint import lint
    from .render_text import safe

    try:
        with args.file.open("rb") as handle:  # past the cap lint refuses: read no further
            data = handle.read(MAX_DOCUMENT_BYTES + 1)
    except OSError as exc:
        parser.error(
            _("cannot read {path}: {reason}").format(path=args.file, reason=exc.strerror or exc)
        )
    report = lint(data, args.file.name)
    if args.json:
        json.dump(report.to_json(), sys.stdout, indent=2, ensure_ascii=False)
        print()
    else:
        problems = _("{file}: {format}, {count} problem(s)")
        print(
            problems.format(file=args.file, format=report.format.value, count=len(report.problems))
        )
        for problem in report.problems:
            where = " " + _("at {where}").format(where=safe(problem.where)) if problem.where else ""
            print(f"  {problem.severity.value:5}  {safe(problem.message)}{where}  [{problem.code}]")
    return EXIT_OK if report.ok else EXIT_NEEDS_APPROVAL


def exit_code(report: DiscoveryReport) -> int:
    from ..common.model import Service

    plan = report.plan
    sending = plan.for_service(Service.SUBMISSION).best
    receiving = plan.access[0] if plan.access else None
    if sending is None or receiving is None:
        return EXIT_NOTHING_FOUND
    if sending.needs_approval or receiving.needs_approval:  # tier C, or a look-alike name
        return EXIT_NEEDS_APPROVAL
    return EXIT_OK


def _progress_printer(stream: TextIO) -> ProgressObserver:
    """Each phase and each source's outcome as a line; starts and probes stay quiet."""
    from ..run.events import PHASE, PhaseBegan, SourceFinished
    from ..verdict.labels import SOURCE, STATUS

    def show(event: ProgressEvent) -> None:
        match event:
            case PhaseBegan(phase=phase, at=at):
                stream.write(f"  {at:6.3f}s  {PHASE[phase]}\n")
            case SourceFinished(source=source, target=target, at=at, status=status):
                stream.write(f"  {at:6.3f}s  {SOURCE[source]}: {STATUS[status]}  ({target})\n")
            case _:
                return
        stream.flush()

    return show
