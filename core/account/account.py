"""From a check to an account: the chosen endpoints, their user names, and the profile.

Shared by ``setup`` (which adds the login test and the keyring) and ``recheck`` (which
builds a fresh profile from a new check and compares it with the saved one, changing
nothing). Pure: no network, no keyring, no files.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..common.model import AuthMethod
from ..policy.plan import PlanEntry
from ..probe.probe_report import EndpointProbe
from ..run.check import CheckReport
from ..verdict.signin import decide_sign_in
from .approval import Approval, ApprovalRequest, approvals_needed
from .profile import PROFILE_VERSION, AccountProfile, SecretRef, endpoint_setting, now_text
from .security_state import keys_of, relay_state, remember_tlsa

__all__ = ["AccountChoice", "auth_method", "choose", "profile_from_check", "usernames"]


@dataclass(frozen=True, slots=True)
class AccountChoice:
    """What setup would configure, and what stands in the way."""

    incoming: EndpointProbe | None
    outgoing: EndpointProbe | None
    approvals: tuple[ApprovalRequest, ...]
    oauth2: bool
    blocked: str | None  # why nothing can be configured, for a person; None when usable


def choose(report: CheckReport) -> AccountChoice:
    verdict = report.verdict
    incoming, outgoing = verdict.access.chosen, verdict.submission.chosen
    chosen = [p.entry for p in (incoming, outgoing) if p is not None]
    blocked = None
    if incoming is None and outgoing is None:
        blocked = "no server passed the checks for receiving or for sending mail"
    elif incoming is None:
        blocked = "no server passed the checks for receiving mail"
    elif outgoing is None:
        blocked = "no server passed the checks for sending mail"
    # OAuth2 when a chosen server signs in with it, as the documents and the server agree
    # (signin.py), not because some document mentioned it.
    probes = [p for p in (incoming, outgoing) if p is not None]
    oauth2 = any(decide_sign_in(p).method is AuthMethod.OAUTH2 for p in probes)
    return AccountChoice(incoming, outgoing, approvals_needed(chosen), oauth2, blocked)


def usernames(entry: PlanEntry, address: str) -> tuple[str, ...]:
    """The user names to try, best first, at most two (lockouts): the one a source gave,
    else the full address, then the local part."""
    local = address.rpartition("@")[0]
    first = entry.username or address
    forms = [first] + [form for form in (address, local) if form != first]
    return tuple(forms[:2])


def auth_method(probe: EndpointProbe, oauth2: bool) -> str:
    """The profile's method for one endpoint: the sign-in decision (signin.py); an OAuth2
    account signs in with OAuth2 on both legs (setup asks for no password at all)."""
    if oauth2:
        return AuthMethod.OAUTH2.value
    return decide_sign_in(probe).method.value


def profile_from_check(
    report: CheckReport,
    choice: AccountChoice,
    *,
    usernames_used: tuple[str, str],
    approvals: Sequence[Approval] = (),
    secrets: Sequence[SecretRef] = (),
    display_name: str = "",
) -> AccountProfile:
    """The profile for a usable choice (``choice.blocked`` must be None)."""
    if choice.incoming is None or choice.outgoing is None:
        raise ValueError("a blocked account has no profile")  # misuse, not remote data
    address = report.discovery.address
    profile = AccountProfile(
        version=PROFILE_VERSION,
        address=address.ascii,
        address_unicode=address.display,
        display_name=display_name,
        incoming=endpoint_setting(
            choice.incoming, usernames_used[0], auth_method(choice.incoming, choice.oauth2)
        ),
        outgoing=endpoint_setting(
            choice.outgoing, usernames_used[1], auth_method(choice.outgoing, choice.oauth2)
        ),
        oauth2=choice.oauth2,
        approvals=tuple(approvals),
        secrets=tuple(secrets),
        verdict=report.verdict.level.value,
        checked_at=now_text(),
        relay=relay_state(report),
        encryption_keys=keys_of(report),
    )
    return remember_tlsa(profile, report.discovery.attempts)
