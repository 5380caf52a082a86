"""The sub-commands about saved accounts: setup, profiles, recheck and forget.

Setup asks the person twice (approve a server nobody authenticated, then the password);
both questions are answered from the terminal, or from --approve and --password-stdin in
a script. Nothing here stores anything itself: account/ does, and says how it went.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from ..common.i18n import _
from .commands import options_from, parsed_address, print_json, saved_profile
from .exit_codes import (
    EXIT_BAD_ADDRESS,
    EXIT_BLOCKED,
    EXIT_NEEDS_APPROVAL,
    EXIT_NOT_SET_UP,
    EXIT_OK,
    EXIT_USAGE,
)
from .progress import observer

if TYPE_CHECKING:
    from ..account.accounts import RecheckResult
    from ..account.approval import ApprovalRequest
    from ..account.oauth_discover import IssuerAttempt
    from ..account.oauth_signin import OAuthSetup, OAuthSignIn
    from ..account.profile import AccountProfile
    from ..account.secrets import Password
    from ..account.setup import SetupOutcome
    from ..common.address import EmailAddress
    from ..run.check import CheckReport
    from ..run.discovery import DiscoveryOptions

__all__ = ["forget_command", "profiles_command", "recheck_command", "setup_command"]


def profiles_command(args: argparse.Namespace) -> int:
    from ..account.profile import ProfileError, default_directory, list_profiles

    folder = args.profile_dir or default_directory()
    found = list_profiles(folder)
    if not found:
        print(_("No saved accounts (in {folder}).").format(folder=folder))
        return EXIT_OK
    for item in found:
        if isinstance(item, ProfileError):
            print("  " + _("(unreadable) {error}").format(error=item))
        else:
            _print_profile(item)
    print(_("({count} account(s) in {folder})").format(count=len(found), folder=folder))
    return EXIT_OK


def _print_profile(item: AccountProfile) -> None:
    from ..common.lookalike import shown_host

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
            service=incoming.service.value,
            host=into,
            port=incoming.port,
            security=incoming.security.value,
            user=incoming.username,
        )
    )
    print(
        "  "
        + _("send:    {host}:{port} {security} as {user}").format(
            host=out_to,
            port=outgoing.port,
            security=outgoing.security.value,
            user=outgoing.username,
        )
    )


def recheck_command(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    from ..account.accounts import recheck_against
    from ..run.check import check
    from .discovery_json import finding_to_json

    options = options_from(parser, args)
    address = parsed_address(args)
    if address is None:
        return EXIT_BAD_ADDRESS
    saved = saved_profile(address, args)
    if saved is None:
        return EXIT_USAGE
    report = asyncio.run(check(address, options, observer(args, quiet=args.json)))
    result = recheck_against(saved, report)
    if result.blocked is not None:
        print(
            _("{address}: now blocked: {reason}. The saved profile is unchanged.").format(
                address=address.display, reason=result.blocked
            )
        )
        return EXIT_BLOCKED
    differences, weaker = result.differences, result.downgrades
    if args.json:
        rows = [{"kind": d.kind, "leg": d.leg, "old": d.old, "new": d.new} for d in differences]
        downgrades = [finding_to_json(f) for f in weaker]
        print_json({"address": address.ascii, "differences": rows, "downgrades": downgrades})
    else:
        _say_changes(address.display, saved.checked_at, result)
    if saved.oauth2 and not args.json and not _oauth_still_works(address.ascii, report, options):
        return EXIT_BLOCKED
    return EXIT_NEEDS_APPROVAL if differences or weaker else EXIT_OK


def _say_changes(address: str, when: str, result: RecheckResult) -> None:
    """A re-check's downgrades (first, as warnings of their own) and differences."""
    from ..account.security_state import downgrade_lines

    for line in downgrade_lines(result.downgrades):
        print(line)
    differences = result.differences
    if not differences:
        print(_("{address}: no differences since {when}.").format(address=address, when=when))
        return
    many = _("{address}: {count} difference(s) since {when}:")
    print(many.format(address=address, count=len(differences), when=when))
    for difference in differences:
        print(f"  {difference.describe()}")
    print(_("Nothing was changed. Run `mailhop setup` to accept the new settings."))


def _oauth_still_works(address: str, report: CheckReport, options: DiscoveryOptions) -> bool:
    """An OAuth2 account's stored sign-in, tried again (refresh, then the login test)."""
    from ..account.account import choose
    from ..account.oauth_signin import fetcher_factory, recheck_account, vouched_issuers
    from ..account.secrets import SecretStore
    from ..net.tlscontext import client_context

    choice = choose(report)

    async def run() -> OAuthSignIn:
        async with fetcher_factory(options, 30)() as fetcher:
            return await recheck_account(
                address,
                # Only the servers that sign in with OAuth2 (chosen per server, signin.py):
                # a token offered to the account's password server would fail there.
                choice.oauth2_legs,
                store=SecretStore(),
                fetcher=fetcher,
                context=client_context(options.extra_ca_file),
                deadline=time.monotonic() + 30,
                approved_endpoint=True,
                vouched=vouched_issuers(report.discovery),
            )

    done = asyncio.run(run())
    if done.ok:
        print(_("OAuth2 sign-in: the stored sign-in still works for receiving and sending."))
        return True
    failed = next((r for r in done.logins if not r.ok), None)
    reason = done.reason or (failed.advice if failed else "")
    print(_("OAuth2 sign-in: it no longer works: {reason}").format(reason=reason))
    return False


def setup_command(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    from ..account.secrets import SecretStore
    from ..account.setup import run_setup
    from ..run.check import check
    from .render_check import render_check
    from .render_login import render_logins

    options = options_from(parser, args)
    address = parsed_address(args)
    if address is None:
        return EXIT_BAD_ADDRESS
    report = asyncio.run(check(address, options, observer(args)))
    sys.stdout.write(render_check(report))
    outcome = asyncio.run(
        run_setup(
            report,
            ask_approval=_approval_asker(args),
            ask_password=_password_asker(args, address),
            store=SecretStore(),
            extra_ca_file=args.ca_file,
            profile_dir=args.profile_dir,
            display_name=args.name,
            oauth=_oauth_setup(args, options),
        )
    )
    for line in render_logins(outcome.logins):
        print(line)
    print(outcome.message)
    return _setup_told(outcome)


def _oauth_setup(args: argparse.Namespace, options: DiscoveryOptions) -> OAuthSetup:
    """OAuth2 in a terminal: the sign-in URL is printed, and setup waits for the browser."""
    from ..account.oauth_signin import OAuthSetup, fetcher_factory

    seconds = max(30.0, args.oauth_minutes * 60)

    def show(url: str) -> None:
        print(_("Sign in with your browser: open this address (it belongs to your provider)."))
        print(url, flush=True)
        print(
            _("Waiting up to {minutes} minutes for the sign-in; Ctrl-C cancels.").format(
                minutes=round(seconds / 60)
            ),
            flush=True,
        )

    approved = {a.lower().rstrip(".") for a in args.approve}

    async def ask_issuer(issuer: IssuerAttempt) -> bool:
        domain = issuer.registrable or ""
        if domain in approved:
            print(_("Approved by --approve: {domain}").format(domain=domain))
            return True
        print(issuer.reason)
        if not sys.stdin.isatty() or args.password_stdin:
            print(_("Not approved. To approve, add: --approve {alabel}").format(alabel=domain))
            return False
        typed = input(_("Type the domain name {domain} to approve it: ").format(domain=domain))
        return typed.strip().lower().rstrip(".") == domain

    return OAuthSetup(
        fetcher=fetcher_factory(options, seconds),
        open_browser=show,
        ask_issuer=ask_issuer,
        client_id=args.oauth_client_id,
        seconds=seconds,
    )


def _approval_asker(args: argparse.Namespace) -> Callable[[ApprovalRequest], Awaitable[bool]]:
    """Approval from --approve, else by typing the domain's name at a terminal; a script
    without --approve is told the option that would approve."""
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

    return ask_approval


def _password_asker(
    args: argparse.Namespace, address: EmailAddress
) -> Callable[[], Awaitable[Password]]:
    """The password from one line of stdin (--password-stdin), else asked without echo."""
    from ..account.secrets import Password

    async def ask_password() -> Password:
        if args.password_stdin:
            line = sys.stdin.readline()
            return Password(line[:-1] if line.endswith("\n") else line)
        import getpass

        asked = _("Password for {address} (not shown): ").format(address=address.display)
        return Password(getpass.getpass(asked))

    return ask_password


def _setup_told(outcome: SetupOutcome) -> int:
    """Where the password and the settings went, and the exit code of the setup."""
    from ..account.setup import SetupStatus

    if outcome.status is not SetupStatus.SAVED:
        return EXIT_BLOCKED if outcome.status is SetupStatus.BLOCKED else EXIT_NOT_SET_UP
    if outcome.stored:
        print(_("The password is in {keyring}, under:").format(keyring=outcome.keyring_name))
        for ref in outcome.stored:
            where = _("service {service}, user {user}").format(
                service=ref.service, user=ref.username
            )
            print(f"  {where}")
    print(_("The settings (no password) are in {path}.").format(path=outcome.profile_path))
    return EXIT_OK


def forget_command(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    from ..account.accounts import forget_account_revoking
    from ..account.oauth_forget import REVOKE_SECONDS, Revocation
    from ..account.oauth_signin import fetcher_factory
    from ..account.secrets import SecretStore, SecretStoreError

    options = options_from(parser, args)
    address = parsed_address(args)
    if address is None:
        return EXIT_BAD_ADDRESS
    try:
        result = asyncio.run(
            forget_account_revoking(
                address.ascii,
                args.profile_dir,
                SecretStore(),
                fetcher_factory(options, REVOKE_SECONDS),
            )
        )
    except SecretStoreError as exc:
        print(_("mailhop: nothing was removed: {reason}").format(reason=exc), file=sys.stderr)
        return EXIT_NOT_SET_UP
    revocation = result.revocation
    if revocation is not None and revocation.status is not Revocation.NONE:
        # Said before the removals: whether the sign-in still works elsewhere matters most.
        print(revocation.words, file=sys.stdout if revocation.revoked else sys.stderr)
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
