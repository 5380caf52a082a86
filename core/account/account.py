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
    oauth2: bool  # some chosen server signs in with OAuth2 (the profile's ``oauth2``)
    blocked: str | None  # why nothing can be configured, for a person; None when usable
    # Each chosen server's own method (signin.py), chosen per server: an OAuth2 IMAP server
    # does not make a password-only submission server OAuth2. None for a missing server.
    incoming_method: AuthMethod | None = None
    outgoing_method: AuthMethod | None = None

    @property
    def oauth2_legs(self) -> tuple[EndpointProbe, ...]:
        """The chosen servers that sign in with OAuth2, receiving first."""
        return self._legs(oauth2=True)

    @property
    def password_legs(self) -> tuple[EndpointProbe, ...]:
        """The chosen servers that sign in with the password: setup asks for it only then."""
        return self._legs(oauth2=False)

    def _legs(self, *, oauth2: bool) -> tuple[EndpointProbe, ...]:
        pairs = ((self.incoming, self.incoming_method), (self.outgoing, self.outgoing_method))
        return tuple(
            probe
            for probe, method in pairs
            if probe is not None and (method is AuthMethod.OAUTH2) is oauth2
        )


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
    # Each server's method as the documents and that server agree (signin.py), not because
    # some document, or the other server, mentioned OAuth2.
    incoming_method = decide_sign_in(incoming).method if incoming is not None else None
    outgoing_method = decide_sign_in(outgoing).method if outgoing is not None else None
    oauth2 = AuthMethod.OAUTH2 in (incoming_method, outgoing_method)
    return AccountChoice(
        incoming,
        outgoing,
        approvals_needed(chosen),
        oauth2,
        blocked,
        incoming_method,
        outgoing_method,
    )


def usernames(entry: PlanEntry, address: str) -> tuple[str, ...]:
    """The user names to try, best first, at most two (lockouts): the one a source gave,
    else the full address, then the local part."""
    local = address.rpartition("@")[0]
    first = entry.username or address
    forms = [first] + [form for form in (address, local) if form != first]
    return tuple(forms[:2])


def auth_method(probe: EndpointProbe) -> AuthMethod:
    """The profile's method for one endpoint: that server's own sign-in decision (signin.py).
    (It used to force OAuth2 on both legs of an account with one OAuth2 server, so a
    password-only submission server was exported as OAuth2 and no client could send.)"""
    return decide_sign_in(probe).method


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
        incoming=endpoint_setting(choice.incoming, usernames_used[0], auth_method(choice.incoming)),
        outgoing=endpoint_setting(choice.outgoing, usernames_used[1], auth_method(choice.outgoing)),
        oauth2=choice.oauth2,
        approvals=tuple(approvals),
        secrets=tuple(secrets),
        verdict=report.verdict.level,
        checked_at=now_text(),
        relay=relay_state(report),
        encryption_keys=keys_of(report),
    )
    return remember_tlsa(profile, report.discovery.attempts)
