"""Setup's OAuth2 steps: an account that signs in only with OAuth2, and the OAuth2 server
of a mixed account (one server OAuth2, the other the password); setup.py drives them in
the order of its docstring, and oauth_signin.py does the sign-in itself.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from ..common.i18n import _
from .login import LoginResult
from .oauth_flow import FlowCode
from .oauth_signin import OAuthSetup, OAuthSignIn, sign_in_for_setup
from .profile import ProfileError, SecretRef, save_profile
from .secrets import OAUTH2_ENTRY, SecretStore, SecretStoreError, secret_ref
from .setup_state import SetupContext, SetupOutcome, SetupStatus

__all__ = ["OAuthLeg", "save_oauth2", "sign_in_oauth2", "sign_in_other_leg"]


def save_oauth2(setup: SetupContext, untested: str = "") -> SetupOutcome:
    """OAuth2: no password to ask for or store; the profile tells the mail client.
    ``untested``: why mailhop could not test the OAuth2 sign-in itself."""
    profile = setup.profile((setup.address, setup.address))
    try:
        path = save_profile(profile, setup.profile_dir)
    except ProfileError as exc:
        message = _("Nothing was set up: {reason}.").format(reason=exc)
        return SetupOutcome(status=SetupStatus.PROFILE_FAILED, message=message)
    message = _(
        "This account signs in with OAuth2: no password was asked for or stored; your "
        "mail client will open the provider's sign-in page."
    )
    if untested:
        message += " " + _("mailhop could not test the sign-in itself: {reason}").format(
            reason=untested
        )
    return SetupOutcome(
        status=SetupStatus.SAVED, message=message, profile=profile, profile_path=path
    )


async def sign_in_oauth2(
    setup: SetupContext, oauth: OAuthSetup, store: SecretStore, extra_ca_file: Path | None
) -> SetupOutcome:
    """OAuth2 with a real sign-in: keyring first (before the browser), then
    oauth_signin.sign_in_for_setup; the profile last, the keyring entry undone if it fails."""
    incoming, outgoing = setup.choice.incoming, setup.choice.outgoing
    assert incoming is not None and outgoing is not None
    try:
        keyring_name = store.ensure_usable()
    except SecretStoreError as exc:
        message = _("Nothing was set up: {reason}").format(reason=exc)
        return SetupOutcome(status=SetupStatus.NO_KEYRING, message=message)
    signed = await sign_in_for_setup(
        setup.address,
        setup.report.discovery,
        incoming,
        outgoing,
        oauth=oauth,
        store=store,
        extra_ca_file=extra_ca_file,
    )
    flow = signed.flow
    if flow is None or flow.code in (FlowCode.NEEDS_CLIENT_ID, FlowCode.REGISTRATION_FAILED):
        # The sign-in could not even start (no usable issuer, not approved, no client ID):
        # the settings are saved as before, untested, and the reason is said.
        return save_oauth2(setup, untested=signed.reason)
    if not signed.stored:
        failed = next((r for r in signed.logins if not r.ok), None)
        reason = signed.reason or (failed.advice if failed else "")
        message = _("Signing in with OAuth2 did not work, so nothing was stored: {reason}").format(
            reason=reason
        )
        return SetupOutcome(status=SetupStatus.LOGIN_FAILED, message=message, logins=signed.logins)
    ref = secret_ref(setup.address, OAUTH2_ENTRY)
    issuer = signed.issuer.issuer if signed.issuer and signed.issuer.issuer else ""
    profile = replace(
        setup.profile((setup.address, setup.address), (ref,), signed.logins), oauth2_issuer=issuer
    )
    try:
        path = save_profile(profile, setup.profile_dir)
    except ProfileError as exc:
        store.delete(ref)  # no refresh token without a profile naming the account
        message = _("Nothing was set up: {reason}.").format(reason=exc)
        return SetupOutcome(status=SetupStatus.PROFILE_FAILED, message=message)
    message = _(
        "Signed in with OAuth2 at {issuer}; receiving and sending work, and your mail client "
        "signs in the same way by itself. mailhop keeps no password, only the sign-in token."
    ).format(issuer=issuer)
    return SetupOutcome(
        status=SetupStatus.SAVED,
        message=message,
        profile=profile,
        profile_path=path,
        logins=signed.logins,
        stored=(ref,),
        keyring_name=keyring_name,
    )


@dataclass(frozen=True, slots=True)
class OAuthLeg:
    """The OAuth2 server's part of a mixed account (one server OAuth2, one the password):
    the refresh token's keyring entry once stored, the issuer, or why it is untested."""

    ref: SecretRef | None = None
    issuer: str = ""
    untested: str = ""

    @classmethod
    def of(cls, address: str, signed: OAuthSignIn) -> OAuthLeg:
        issuer = signed.issuer.issuer if signed.issuer and signed.issuer.issuer else ""
        return cls(secret_ref(address, OAUTH2_ENTRY), issuer)


# The OAuth2 sign-in could not even start: the settings are saved untested (as sign_in_oauth2).
_NOT_STARTED = (FlowCode.NEEDS_CLIENT_ID, FlowCode.REGISTRATION_FAILED)


async def sign_in_other_leg(
    setup: SetupContext,
    oauth: OAuthSetup,
    store: SecretStore,
    extra_ca_file: Path | None,
    logins: tuple[LoginResult, ...],
) -> tuple[OAuthLeg, tuple[LoginResult, ...]] | SetupOutcome:
    """A mixed account's OAuth2 server, after its password server signed in (``logins``):
    its leg and every login so far, or the outcome when its sign-in failed (nothing stored).
    One that cannot even start is left untested, as ``sign_in_oauth2`` does."""
    signed = await sign_in_for_setup(
        setup.address,
        setup.report.discovery,
        setup.choice.oauth2_legs[0],
        None,
        oauth=oauth,
        store=store,
        extra_ca_file=extra_ca_file,
    )
    started = signed.flow is not None and signed.flow.code not in _NOT_STARTED
    if started and not signed.stored:
        failed = next((r for r in signed.logins if not r.ok), None)
        reason = signed.reason or (failed.advice if failed else "")
        message = _("Signing in with OAuth2 did not work, so nothing was stored: {reason}").format(
            reason=reason
        )
        return SetupOutcome(
            status=SetupStatus.LOGIN_FAILED, message=message, logins=logins + signed.logins
        )
    token = OAuthLeg.of(setup.address, signed) if started else OAuthLeg(untested=signed.reason)
    return token, logins + signed.logins
