"""Setting up an account: check, approval, login test, keyring, profile — in that order.

The one flow every front end drives (the CLI's ``setup``, the GUI's sign-in page). It does
no terminal or window I/O itself: the front end passes ``ask_approval`` and
``ask_password`` callbacks, so the order of the steps lives here once:

    check -> blocked? stop
          -> approvals (each registrable domain by name, A-label and U-label)
          -> OAuth2? no password. With the front end's OAuthSetup: the issuer (approved by
             name if foreign), the browser, the login test with the token, the refresh
             token into the keyring (oauth_signin.py); without it the mail client signs in.
             Save the profile
          -> keyring usable? (asked BEFORE the password, so a missing keyring costs nothing)
          -> password -> login test at each server that takes it (the method is chosen per
             server, verdict/signin.py), over verified TLS only
          -> the other server signs in with OAuth2? its sign-in as above (saved untested when
             it cannot start); a refused one stores nothing
          -> all succeeded? store the password (every entry or none), save the profile

Nothing is stored when a login fails, and a failure after storing rolls the keyring back:
a profile that cannot be saved is an outcome (``SetupStatus.PROFILE_FAILED``), anything
else is raised after the rollback. Either way no password stays in the keyring without a
profile naming it.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from pathlib import Path

from ..common.i18n import _
from ..run.check import CheckReport
from .account import choose, usernames
from .approval import Approval, ApprovalRequest, is_approved
from .login import LoginResult, login_test
from .oauth_signin import OAuthSetup
from .profile import ProfileError, SecretRef, save_profile
from .secrets import Password, SecretStore, SecretStoreError, secret_ref
from .setup_oauth2 import OAuthLeg, save_oauth2, sign_in_oauth2, sign_in_other_leg
from .setup_state import SetupContext, SetupOutcome, SetupStatus

__all__ = ["SetupOutcome", "SetupStatus", "run_setup"]

AskApproval = Callable[[ApprovalRequest], Awaitable[bool]]
AskPassword = Callable[[], Awaitable[Password]]


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
    oauth: OAuthSetup | None = None,
) -> SetupOutcome:
    """Check result -> approvals -> (OAuth2: profile) or keyring, password, login test,
    keyring, profile; the order of the module docstring."""
    choice = choose(report)
    if choice.blocked is not None or choice.incoming is None or choice.outgoing is None:
        message = _("Nothing was set up: {reason}.").format(reason=choice.blocked)
        return SetupOutcome(status=SetupStatus.BLOCKED, message=message)
    approvals: list[Approval] = []
    for request in choice.approvals:
        if not await ask_approval(request):
            message = _("Nothing was set up: {domain} ({alabel}) was not approved.").format(
                domain=request.unicode, alabel=request.registrable
            )
            return SetupOutcome(status=SetupStatus.NOT_APPROVED, message=message)
        approvals.append(Approval.grant(request))
    assert all(is_approved(p.entry, approvals) for p in (choice.incoming, choice.outgoing))
    setup = SetupContext(
        report=report,
        choice=choice,
        approvals=tuple(approvals),
        display_name=display_name,
        profile_dir=profile_dir,
    )
    if not choice.password_legs and oauth is not None:
        return await sign_in_oauth2(setup, oauth, store, extra_ca_file)
    if not choice.password_legs:
        return save_oauth2(setup)
    try:
        keyring_name = store.ensure_usable()
    except SecretStoreError as exc:
        message = _("Nothing was set up: {reason}").format(reason=exc)
        return SetupOutcome(status=SetupStatus.NO_KEYRING, message=message)
    password = await ask_password()
    deadline = time.monotonic() + deadline_seconds
    logins = await _log_in(setup, password, extra_ca_file, deadline)
    if isinstance(logins, SetupOutcome):
        return logins
    # A server that signs in with OAuth2 next to one that takes the password (signin.py
    # decides per server): the password leg is proven, now the OAuth2 leg.
    token = OAuthLeg()
    if choice.oauth2_legs and oauth is not None:
        other = await sign_in_other_leg(setup, oauth, store, extra_ca_file, logins)
        if isinstance(other, SetupOutcome):
            return other
        token, logins = other
    return _store_and_save(setup, store, keyring_name, password, logins, token)


async def _log_in(
    setup: SetupContext, password: Password, extra_ca_file: Path | None, deadline: float
) -> tuple[LoginResult, ...] | SetupOutcome:
    """The login test at each server that takes the password, receiving then sending, over
    verified TLS only: their results, or the outcome of the first that failed (nothing
    stored)."""
    logins: list[LoginResult] = []
    for probe in setup.choice.password_legs:
        result = await login_test(
            probe,
            password,
            address=setup.address,
            usernames=usernames(probe.entry, setup.address),
            approved=True,
            extra_ca_file=extra_ca_file,
            deadline=deadline,
        )
        logins.append(result)
        if not result.ok:
            message = _("Sign-in to {host} failed, so nothing was stored: {advice}").format(
                host=probe.entry.name.shown, advice=result.advice
            )
            return SetupOutcome(
                status=SetupStatus.LOGIN_FAILED, message=message, logins=tuple(logins)
            )
    return tuple(logins)


def _store_and_save(
    setup: SetupContext,
    store: SecretStore,
    keyring_name: str,
    password: Password,
    logins: tuple[LoginResult, ...],
    token: OAuthLeg,
) -> SetupOutcome:
    """The password's entries into the keyring (one per server that takes it), then the
    profile; a failure after storing takes the password, and an OAuth2 token stored for the
    other server, back out (an outcome for a profile error, raised for anything else)."""
    choice = setup.choice
    refs = tuple(secret_ref(setup.address, p.entry.service) for p in choice.password_legs)
    tokens = (token.ref,) if token.ref is not None else ()
    try:
        stored = store.store_all([(ref, password) for ref in refs])
    except SecretStoreError as exc:
        for ref in tokens:
            store.delete(ref)
        message = _("Nothing was stored: {reason}").format(reason=exc)
        return SetupOutcome(status=SetupStatus.STORAGE_FAILED, message=message, logins=logins)
    # From here on the password is in the keyring: every way out but "saved" takes it back.
    try:
        names = {r.service: r.username_used for r in logins if r.username_used}
        used = tuple(
            names.get(p.entry.service, setup.address)
            if p in choice.password_legs
            else setup.address
            for p in (choice.incoming, choice.outgoing)
            if p is not None
        )
        assert len(used) == 2
        profile = setup.profile((used[0], used[1]), refs + tokens, logins)
        if token.issuer:
            profile = replace(profile, oauth2_issuer=token.issuer)
        path = save_profile(profile, setup.profile_dir)
    except ProfileError as exc:
        for ref in tokens:
            store.delete(ref)
        message = _not_saved(exc, stored.undo(), keyring_name)
        return SetupOutcome(status=SetupStatus.PROFILE_FAILED, message=message, logins=logins)
    except BaseException:  # a bug, or an interrupt: raised, but the keyring is as it was
        for ref in tokens:
            store.delete(ref)
        stored.undo()
        raise
    return SetupOutcome(
        status=SetupStatus.SAVED,
        message=_set_up_words(setup, token),
        profile=profile,
        profile_path=path,
        logins=logins,
        stored=refs + tokens,
        keyring_name=keyring_name,
    )


def _set_up_words(setup: SetupContext, token: OAuthLeg) -> str:
    message = _("Account set up.")
    if not setup.choice.oauth2_legs:
        return message
    host = setup.choice.oauth2_legs[0].entry.name.shown
    if token.ref is not None:
        return " ".join(
            (
                message,
                _(
                    "{host} signs in with OAuth2 at {issuer}, the other server with your "
                    "password; mailhop keeps the password and the sign-in token in the keyring."
                ).format(host=host, issuer=token.issuer),
            )
        )
    words = _(
        "{host} signs in with OAuth2: your mail client will open the provider's sign-in page "
        "for it; the other server takes your password."
    ).format(host=host)
    if token.untested:
        words += " " + _("mailhop could not test the sign-in itself: {reason}").format(
            reason=token.untested
        )
    return " ".join((message, words))


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
