"""``mailhop demo --cli``: the offline demo walked through in the terminal.

Starts the demo domain (demo/domain.py), then runs the very stages ``mailhop check``, ``setup``
and ``export`` run (check -> render_check, run_setup, the exporters), against the demo's
resolver, trust anchor and CA, with the demo's in-memory keyring and temporary folders. It
adds nothing to the pipeline: what the demo shows is what mailhop does for a real domain.

Non-interactive, it answers for the person and says so: approvals (the demo needs none,
every source is authenticated) are refused, and the password is the one made for this run.
Interactive, it asks for the password (Enter takes the demo's; a wrong one shows the
servers' refusal) and waits before the demo ends, so the exports can be looked at.
"""

from __future__ import annotations

import asyncio
import contextlib
import getpass
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from ..common.i18n import _

if TYPE_CHECKING:
    from ..account.approval import ApprovalRequest
    from ..account.profile import AccountProfile
    from ..account.secrets import Password
    from ..common.address import EmailAddress
    from ..run.check import CheckReport
    from .domain import DemoDomain

__all__ = ["EXPORTS", "run_demo_cli"]

# The export formats the walk-through writes (names of core/export/formats.py's table).
EXPORTS = ("thunderbird", "apple", "sheet")


def run_demo_cli(
    out: TextIO,
    *,
    interactive: bool,
    export_dir: Path | None = None,
    read_secret: Callable[[str], str] = getpass.getpass,
    read_line: Callable[[str], str] = input,
) -> int:
    """Run the demo in the terminal; the exit code follows ``mailhop setup``'s (cli/exit_codes.py).

    `export_dir`: where the exports go and stay; by default the demo's temporary folder,
    removed when the demo ends. `read_secret` and `read_line` are used only when
    `interactive` (the password prompt, and the pause before the end).
    """
    from ..cli.exit_codes import EXIT_NOT_SET_UP
    from .domain import start_demo

    started = time.monotonic()
    print(_("mailhop demo: a whole mail domain on this computer, offline."), file=out)
    try:
        with start_demo() as demo:
            _introduce(out, demo, time.monotonic() - started)
            code = _walk(out, demo, interactive, export_dir, read_secret)
            if interactive and export_dir is None:
                with contextlib.suppress(EOFError):  # stdin closed: end now
                    read_line(_("Press Enter to end the demo (its folder is removed then). "))
    except OSError as exc:  # a loopback socket refused: nothing the person can fix here
        print(_("mailhop: the demo domain could not run: {reason}").format(reason=exc), file=out)
        return EXIT_NOT_SET_UP
    if export_dir:
        ended = _(
            "The demo has ended: its servers stopped and its folder is gone; the exports stay "
            "in {folder}."
        ).format(folder=export_dir)
    else:
        ended = _("The demo has ended: its servers stopped and its folder is gone.")
    print(ended, file=out)
    return code


def _introduce(out: TextIO, demo: DemoDomain, seconds: float) -> None:
    ports = demo.ports
    print(
        _(
            "Started in {seconds:.2f} s on {address}, at ports the system picked; the domain "
            "publishes the standard ones:\n"
            "  DNS, DNSSEC-signed with a key made for this run:  {resolver}\n"
            "  HTTPS autoconfig.{domain}, mta-sts.{domain}:  443 -> {https}\n"
            "  IMAP mail.{domain}:  993 (TLS) -> {imaps}, 143 (STARTTLS) -> {imap}\n"
            "  SMTP mail.{domain}:  465 (TLS) -> {submissions}, 587 (STARTTLS) -> "
            "{submission}, 25 (server to server) -> {smtp}\n"
            "  demo CA, trusted by this run only:  {ca}\n"
            "  DNSSEC trust anchor of this run:  {anchor}\n"
            "  keyring:  {keyring}\n"
            "  the account:  {account}, password {password} (made for this run; it opens only "
            "this demo)\n"
        ).format(
            seconds=seconds,
            address=demo.resolver.address,
            resolver=demo.resolver,
            domain=demo.domain,
            https=ports[443],
            imaps=ports[993],
            imap=ports[143],
            submissions=ports[465],
            submission=ports[587],
            smtp=ports[25],
            ca=demo.ca_file,
            anchor=demo.anchor_file,
            keyring=demo.store.name,
            account=demo.address,
            password=repr(demo.password.reveal()),
        ),
        file=out,
    )


def _walk(
    out: TextIO,
    demo: DemoDomain,
    interactive: bool,
    export_dir: Path | None,
    read_secret: Callable[[str], str],
) -> int:
    """The three steps, each as its command would run it; the exit code is setup's."""
    from ..cli import exit_codes
    from ..cli.render_check import render_check
    from ..common.address import parse_address
    from ..run.check import check
    from ..verdict.verdict import Level

    address = parse_address(demo.address, allow_test_domains=demo.allow_test_domains)
    step = _("Step 1 of 3, the check (as `mailhop check {address}`):")
    print(step.format(address=address.display) + "\n", file=out)
    report = asyncio.run(check(address, demo.options))
    out.write(render_check(report))
    if report.verdict.level is Level.BLOCK:
        return exit_codes.EXIT_BLOCKED
    step = _("Step 2 of 3, setup (as `mailhop setup`): sign-in test, keyring, profile")
    print(f"\n{step}\n", file=out)
    profile = _set_up(
        out, demo, report, _password_asker(out, demo, address, interactive, read_secret)
    )
    if isinstance(profile, int):
        return profile
    print("\n" + _("Step 3 of 3, exports (as `mailhop export`):") + "\n", file=out)
    if not _export(out, profile, export_dir or demo.export_dir):
        return exit_codes.EXIT_NOT_SET_UP
    if report.verdict.level is Level.WARN:
        return exit_codes.EXIT_NEEDS_APPROVAL
    return exit_codes.EXIT_OK


def _password_asker(
    out: TextIO,
    demo: DemoDomain,
    address: EmailAddress,
    interactive: bool,
    read_secret: Callable[[str], str],
) -> Callable[[], Awaitable[Password]]:
    """The demo's own password, or (interactive) what the person types: Enter for the
    demo's, another to see the servers refuse it."""
    from ..account.secrets import InvalidPassword, Password

    async def ask_password() -> Password:
        if not interactive:
            print(_("The demo types its own password for you (not shown again)."), file=out)
            return demo.password
        try:
            typed = read_secret(
                _(
                    "Password for {address} (Enter for the demo's; try another to see the "
                    "servers refuse it): "
                ).format(address=address.display)
            )
        except EOFError:  # stdin closed: as if Enter
            typed = ""
        try:
            return Password(typed) if typed else demo.password
        except InvalidPassword as exc:
            print(_("{reason}; using the demo's password instead.").format(reason=exc), file=out)
            return demo.password

    return ask_password


def _set_up(
    out: TextIO,
    demo: DemoDomain,
    report: CheckReport,
    ask_password: Callable[[], Awaitable[Password]],
) -> AccountProfile | int:
    """Step 2 as `mailhop setup` runs it: the saved profile, or setup's exit code."""
    from ..account.setup import SetupStatus, run_setup
    from ..cli import exit_codes
    from ..cli.render_login import render_logins

    async def ask_approval(request: ApprovalRequest) -> bool:
        print(request.question(), file=out)
        print(_("The demo does not approve unauthenticated settings on your behalf."), file=out)
        return False

    outcome = asyncio.run(
        run_setup(
            report,
            ask_approval=ask_approval,
            ask_password=ask_password,
            store=demo.store,
            extra_ca_file=demo.options.extra_ca_file,
            profile_dir=demo.profile_dir,
        )
    )
    for line in render_logins(outcome.logins):
        print(line, file=out)
    print(outcome.message, file=out)
    if outcome.status is not SetupStatus.SAVED or outcome.profile is None:
        if outcome.status is SetupStatus.BLOCKED:
            return exit_codes.EXIT_BLOCKED
        return exit_codes.EXIT_NOT_SET_UP
    for ref in outcome.stored:
        stored = _("in {keyring}: service {service}, user {user}").format(
            keyring=outcome.keyring_name, service=ref.service, user=ref.username
        )
        print(f"  {stored}", file=out)
    saved = _("the settings (no password) are in {path}").format(path=outcome.profile_path)
    print(f"  {saved}", file=out)
    return outcome.profile


def _export(out: TextIO, profile: AccountProfile, folder: Path) -> bool:
    from ..export.apple import ExportError
    from ..export.formats import export_format, render_export, save_exports
    from ..export.lint import Format, lint

    for name in EXPORTS:
        item = export_format(name)
        try:
            files = render_export(profile, name)
            (path,) = save_exports(files, folder)
        except (OSError, ValueError, ExportError) as exc:
            failed = _("mailhop: the {client} export failed: {reason}")
            print(failed.format(client=item.shown_client, reason=exc), file=out)
            return False
        data = files[0].data
        checked = lint(data, path.name)
        note = ""
        if checked.format is not Format.UNKNOWN:
            note = "; lint: " + (
                _("ok")
                if checked.ok
                else _("{count} problem(s)").format(count=len(checked.problems))
            )
        size = _("{size} bytes").format(size=len(data))
        print(f"  {item.shown_client}, {item.shown_kind}: {path} ({size}{note})", file=out)
    print(
        "\n"
        + _(
            "None of these files holds the password. Where a client needs it, they name the "
            "command that reads it from the keyring: on this computer that finds nothing, "
            "since the demo kept its password in memory only."
        ),
        file=out,
    )
    return True
