"""Setting up an account: check, approval, login test, keyring, profile — in that order.

The one flow every front end drives (the CLI's ``setup``, the GUI's sign-in page). It does
no terminal or window I/O itself: the front end passes ``ask_approval`` and
``ask_password`` callbacks, so the order of the steps lives here once:

    check -> blocked? stop
          -> approvals (each registrable domain by name, A-label and U-label)
          -> OAuth2? no password: the mail client signs in; save the profile
          -> keyring usable? (asked BEFORE the password, so a missing keyring costs nothing)
          -> password -> login test, receiving and sending, over verified TLS only
          -> both succeeded? store the password (both entries or neither), save the profile

Nothing is stored when a login fails, and a failure after storing rolls the keyring back:
a profile that cannot be saved is an outcome (``profile-failed``), anything else is raised
after the rollback. Either way no password stays in the keyring without a profile naming it.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from ..common.i18n import _
from ..run.check import CheckReport
from .account import choose, profile_from_check, usernames
from .approval import Approval, ApprovalRequest, is_approved
from .login import LoginResult, login_test
from .profile import AccountProfile, ProfileError, SecretRef, save_profile
from .secrets import Password, SecretStore, SecretStoreError, secret_ref

__all__ = ["SetupOutcome", "run_setup"]

AskApproval = Callable[[ApprovalRequest], Awaitable[bool]]
AskPassword = Callable[[], Awaitable[Password]]


@dataclass(frozen=True, slots=True)
class SetupOutcome:
    """How setup ended: ``status`` is ``saved``, ``blocked``, ``not-approved``,
    ``keyring`` (no usable keyring), ``login-failed``, ``storage-failed`` or
    ``profile-failed`` (the settings could not be written; the keyring is as it was)."""

    status: str
    message: str
    profile: AccountProfile | None = None
    profile_path: Path | None = None
    logins: tuple[LoginResult, ...] = ()
    stored: tuple[SecretRef, ...] = ()
    keyring_name: str = ""


async def run_setup(
    report: CheckReport,
    *,
    ask_approval: AskApproval,
    ask_password: AskPassword,
    store: SecretStore,
    extra_ca_file: Path | None,
    profile_dir: Path | None,
    display_name: str = "",
    deadline_seconds: float = 15.0,
) -> SetupOutcome:
    choice = choose(report)
    if choice.blocked is not None or choice.incoming is None or choice.outgoing is None:
        return SetupOutcome(
            "blocked", _("Nothing was set up: {reason}.").format(reason=choice.blocked)
        )
    approvals: list[Approval] = []
    for request in choice.approvals:
        if not await ask_approval(request):
            return SetupOutcome(
                "not-approved",
                _("Nothing was set up: {domain} ({alabel}) was not approved.").format(
                    domain=request.unicode, alabel=request.registrable
                ),
            )
        approvals.append(Approval.grant(request))
    incoming, outgoing = choice.incoming, choice.outgoing
    assert all(is_approved(p.entry, approvals) for p in (incoming, outgoing))
    address = report.discovery.address.ascii
    if choice.oauth2:
        profile = profile_from_check(
            report,
            choice,
            usernames_used=(address, address),
            approvals=approvals,
            display_name=display_name,
        )
        try:
            path = save_profile(profile, profile_dir)
        except ProfileError as exc:
            return SetupOutcome(
                "profile-failed", _("Nothing was set up: {reason}.").format(reason=exc)
            )
        return SetupOutcome(
            "saved",
            _(
                "This account signs in with OAuth2: no password was asked for or stored; your "
                "mail client will open the provider's sign-in page."
            ),
            profile,
            path,
        )
    try:
        keyring_name = store.ensure_usable()
    except SecretStoreError as exc:
        return SetupOutcome("keyring", _("Nothing was set up: {reason}").format(reason=exc))
    password = await ask_password()
    deadline = time.monotonic() + deadline_seconds
    logins = []
    for probe in (incoming, outgoing):
        result = await login_test(
            probe,
            password,
            address=address,
            usernames=usernames(probe.entry, address),
            approved=True,
            extra_ca_file=extra_ca_file,
            deadline=deadline,
        )
        logins.append(result)
        if not result.ok:
            return SetupOutcome(
                "login-failed",
                _("Sign-in to {host} failed, so nothing was stored: {advice}").format(
                    host=probe.entry.name.shown, advice=result.advice
                ),
                logins=tuple(logins),
            )
    refs = [secret_ref(address, probe.entry.service) for probe in (incoming, outgoing)]
    try:
        stored = store.store_all([(ref, password) for ref in refs])
    except SecretStoreError as exc:
        return SetupOutcome(
            "storage-failed",
            _("Nothing was stored: {reason}").format(reason=exc),
            logins=tuple(logins),
        )
    # From here on the password is in the keyring: every way out but "saved" takes it back.
    try:
        used = (logins[0].username_used or address, logins[1].username_used or address)
        profile = profile_from_check(
            report,
            choice,
            usernames_used=used,
            approvals=approvals,
            secrets=tuple(refs),
            display_name=display_name,
        )
        path = save_profile(profile, profile_dir)
    except ProfileError as exc:
        return SetupOutcome(
            "profile-failed", _not_saved(exc, stored.undo(), keyring_name), logins=tuple(logins)
        )
    except BaseException:  # a bug, or an interrupt: raised, but the keyring is as it was
        stored.undo()
        raise
    return SetupOutcome(
        "saved", _("Account set up."), profile, path, tuple(logins), tuple(refs), keyring_name
    )


def _not_saved(error: ProfileError, left: tuple[SecretRef, ...], keyring_name: str) -> str:
    """The sign-in worked but the settings could not be written: say so, and where the
    password is (nowhere, unless taking it back out failed too)."""
    words = _("The sign-in worked, but nothing was set up: {reason}.").format(reason=error)
    if not left:
        return " ".join(
            (
                words,
                _(
                    "The password was taken back out of {keyring}; fix that and run the setup "
                    "again."
                ).format(keyring=keyring_name),
            )
        )
    where = "; ".join(
        _("service {service}, user {user}").format(service=ref.service, user=ref.username)
        for ref in left
    )
    return " ".join(
        (
            words,
            _(
                "Taking the password back out of {keyring} failed, so these entries may still "
                "hold it: {where}. Remove them with the keyring's own tool."
            ).format(keyring=keyring_name, where=where),
        )
    )
