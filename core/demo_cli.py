"""``mailhop demo --cli``: the offline demo walked through in the terminal.

Starts the demo domain (demo.py), then runs the very stages ``mailhop check``, ``setup``
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
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from .approval import ApprovalRequest
    from .demo import DemoDomain
    from .profile import AccountProfile
    from .secrets import Password

__all__ = ["EXPORTS", "run_demo_cli"]

# The export formats the walk-through writes (names of core/export_formats.py's table).
EXPORTS = ("thunderbird", "apple", "sheet")


def run_demo_cli(
    out: TextIO,
    *,
    interactive: bool,
    export_dir: Path | None = None,
    read_secret: Callable[[str], str] = getpass.getpass,
    read_line: Callable[[str], str] = input,
) -> int:
    """Run the demo in the terminal; the exit code follows ``mailhop setup``'s (cli.py).

    `export_dir`: where the exports go and stay; by default the demo's temporary folder,
    removed when the demo ends. `read_secret` and `read_line` are used only when
    `interactive` (the password prompt, and the pause before the end).
    """
    from . import cli
    from .demo import start_demo

    started = time.monotonic()
    print("mailhop demo: a whole mail domain on this computer, offline.", file=out)
    try:
        with start_demo() as demo:
            _introduce(out, demo, time.monotonic() - started)
            code = _walk(out, demo, interactive, export_dir, read_secret)
            if interactive and export_dir is None:
                with contextlib.suppress(EOFError):  # stdin closed: end now
                    read_line("Press Enter to end the demo (its folder is removed then). ")
    except OSError as exc:  # a loopback socket refused: nothing the person can fix here
        print(f"mailhop: the demo domain could not run: {exc}", file=out)
        return cli.EXIT_NOT_SET_UP
    where = f"; the exports stay in {export_dir}" if export_dir else ""
    print(f"The demo has ended: its servers stopped and its folder is gone{where}.", file=out)
    return code


def _introduce(out: TextIO, demo: DemoDomain, seconds: float) -> None:
    ports = demo.ports
    print(
        f"Started in {seconds:.2f} s on {demo.resolver.address}, at ports the system picked; "
        "the domain publishes the standard ones:\n"
        f"  DNS, DNSSEC-signed with a key made for this run:  {demo.resolver}\n"
        f"  HTTPS autoconfig.{demo.domain}, mta-sts.{demo.domain}:  443 -> {ports[443]}\n"
        f"  IMAP mail.{demo.domain}:  993 (TLS) -> {ports[993]}, "
        f"143 (STARTTLS) -> {ports[143]}\n"
        f"  SMTP mail.{demo.domain}:  465 (TLS) -> {ports[465]}, "
        f"587 (STARTTLS) -> {ports[587]}, 25 (server to server) -> {ports[25]}\n"
        f"  demo CA, trusted by this run only:  {demo.ca_file}\n"
        f"  DNSSEC trust anchor of this run:  {demo.anchor_file}\n"
        f"  keyring:  {demo.store.name}\n"
        f"  the account:  {demo.address}, password {demo.password.reveal()!r} "
        "(made for this run; it opens only this demo)\n",
        file=out,
    )


def _walk(
    out: TextIO,
    demo: DemoDomain,
    interactive: bool,
    export_dir: Path | None,
    read_secret: Callable[[str], str],
) -> int:
    from . import cli
    from .address import parse_address
    from .check import check
    from .render_check import render_check
    from .render_login import render_logins
    from .secrets import InvalidPassword, Password
    from .setup import run_setup
    from .verdict import Level

    address = parse_address(demo.address, allow_test_domains=demo.allow_test_domains)
    print(f"Step 1 of 3, the check (as `mailhop check {address.display}`):\n", file=out)
    report = asyncio.run(check(address, demo.options))
    out.write(render_check(report))
    if report.verdict.level is Level.BLOCK:
        return cli.EXIT_BLOCKED

    async def ask_approval(request: ApprovalRequest) -> bool:
        print(request.question(), file=out)
        print("The demo does not approve unauthenticated settings on your behalf.", file=out)
        return False

    async def ask_password() -> Password:
        if not interactive:
            print("The demo types its own password for you (not shown again).", file=out)
            return demo.password
        try:
            typed = read_secret(
                f"Password for {address.display} (Enter for the demo's; try another to see "
                "the servers refuse it): "
            )
        except EOFError:  # stdin closed: as if Enter
            typed = ""
        try:
            return Password(typed) if typed else demo.password
        except InvalidPassword as exc:
            print(f"{exc}; using the demo's password instead.", file=out)
            return demo.password

    print("\nStep 2 of 3, setup (as `mailhop setup`): sign-in test, keyring, profile\n", file=out)
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
    if outcome.status != "saved" or outcome.profile is None:
        return cli.EXIT_BLOCKED if outcome.status == "blocked" else cli.EXIT_NOT_SET_UP
    for ref in outcome.stored:
        print(f"  in {outcome.keyring_name}: service {ref.service}, user {ref.username}", file=out)
    print(f"  the settings (no password) are in {outcome.profile_path}", file=out)
    print("\nStep 3 of 3, exports (as `mailhop export`):\n", file=out)
    if not _export(out, outcome.profile, export_dir or demo.export_dir):
        return cli.EXIT_NOT_SET_UP
    return cli.EXIT_NEEDS_APPROVAL if report.verdict.level is Level.WARN else cli.EXIT_OK


def _export(out: TextIO, profile: AccountProfile, folder: Path) -> bool:
    from .export_apple import ExportError
    from .export_formats import export_format, render_export, save_exports
    from .lint import Format, lint

    for name in EXPORTS:
        item = export_format(name)
        try:
            files = render_export(profile, name)
            (path,) = save_exports(files, folder)
        except (OSError, ValueError, ExportError) as exc:
            print(f"mailhop: the {item.client} export failed: {exc}", file=out)
            return False
        data = files[0].data
        checked = lint(data, path.name)
        note = ""
        if checked.format is not Format.UNKNOWN:
            note = "; lint: ok" if checked.ok else f"; lint: {len(checked.problems)} problem(s)"
        print(f"  {item.client}, {item.kind}: {path} ({len(data)} bytes{note})", file=out)
    print(
        "\nNone of these files holds the password. Where a client needs it, they name the "
        "command that reads it from the keyring: on this computer that finds nothing, since "
        "the demo kept its password in memory only.",
        file=out,
    )
    return True
