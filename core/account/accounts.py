"""Saved accounts after setup: re-check against a fresh check, and forget.

Shared by the CLI (``recheck``, ``forget``) and the GUI's account list, so both say the same
thing and change the same things: a re-check never changes the saved profile (differences
are shown, the person decides), and forget removes the keyring entries before the profile.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from ..common.findings import Finding
from ..net.fetch import Fetcher
from ..run.check import CheckReport
from .account import choose, profile_from_check
from .oauth_forget import REVOKE_SECONDS, RevokeOutcome, revoke_stored
from .profile import AccountProfile, Difference, ProfileError, compare, delete_profile, load_profile
from .secrets import SecretRef, SecretStore, account_refs
from .security_state import downgrades

__all__ = [
    "ForgetResult",
    "RecheckResult",
    "forget_account",
    "forget_account_revoking",
    "recheck_against",
]


@dataclass(frozen=True, slots=True)
class RecheckResult:
    blocked: str | None  # why the account would now be blocked; the profile stays as it is
    differences: tuple[Difference, ...]
    # A weaker MTA-STS, DANE or TLSA state than the profile remembers: warnings of their
    # own, said before the differences (security_state.py)
    downgrades: tuple[Finding, ...] = ()


@dataclass(frozen=True, slots=True)
class ForgetResult:
    removed: tuple[SecretRef, ...]  # keyring entries that existed and are gone
    profile_path: Path | None  # the profile file removed, or None when there was none
    # Why the profile could not be removed (the keyring entries are gone all the same: a
    # profile naming no password is harmless, a password no profile names is not).
    profile_error: str | None = None
    # An OAuth2 account's refresh token, revoked at its issuer first (oauth_forget.py); None
    # when forget ran without the network (``forget_account`` alone)
    revocation: RevokeOutcome | None = None


def recheck_against(saved: AccountProfile, report: CheckReport) -> RecheckResult:
    """What a fresh check says compared with ``saved``; nothing is written."""
    choice = choose(report)
    if choice.blocked is not None:
        return RecheckResult(choice.blocked, ())
    fresh = profile_from_check(
        report,
        choice,
        usernames_used=(saved.incoming.username, saved.outgoing.username),
        approvals=saved.approvals,
        secrets=saved.secrets,
        display_name=saved.display_name,
    )
    return RecheckResult(None, compare(saved, fresh), downgrades(saved, fresh))


def forget_account(address: str, profile_dir: Path | None, store: SecretStore) -> ForgetResult:
    """Remove the account's keyring entries, then its profile.

    Raises SecretStoreError when the keyring cannot be changed; the profile then stays, so
    no password is left that no profile names. A profile that cannot be removed after the
    entries are gone is reported in ``profile_error``, not raised.
    """
    try:
        saved: AccountProfile | None = load_profile(address, profile_dir)
    except ProfileError:
        # Missing, or damaged: the entries it named are unknown, so the ones mailhop
        # always uses are removed, and a damaged file goes too (the person asked).
        saved = None
    known = saved.secrets if saved is not None else ()
    refs = tuple(dict.fromkeys((*known, *account_refs(address))))
    removed = store.delete_all(refs)
    try:
        path = delete_profile(address, profile_dir)
    except ProfileError as exc:
        return ForgetResult(removed, None, str(exc))
    return ForgetResult(removed, path)


async def forget_account_revoking(
    address: str,
    profile_dir: Path | None,
    store: SecretStore,
    fetcher: Callable[[], Fetcher],
    seconds: float = REVOKE_SECONDS,
) -> ForgetResult:
    """``forget_account``, after asking the issuer to revoke a stored OAuth2 sign-in (RFC
    7009, best effort within ``seconds``): the keyring entry goes whatever the issuer says."""
    outcome = await revoke_stored(
        address, store=store, fetcher=fetcher, deadline=time.monotonic() + seconds
    )
    return replace(forget_account(address, profile_dir, store), revocation=outcome)
