"""What setup's steps share: how it ended, and what every step after the approvals needs.

Kept apart from setup.py so the OAuth2 steps (setup_oauth2.py) and the password steps
(setup.py) can both use it; setup.py re-exports ``SetupOutcome`` and ``SetupStatus``.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace
from pathlib import Path

from ..run.check import CheckReport
from .account import AccountChoice, profile_from_check
from .approval import Approval
from .login import LoginResult
from .profile import AccountProfile, SecretRef

__all__ = ["SetupContext", "SetupOutcome", "SetupStatus"]


class SetupStatus(enum.Enum):
    """How a setup ended. Only SAVED set anything up; every other end leaves the keyring and
    the profile folder as they were."""

    SAVED = "saved"
    BLOCKED = "blocked"  # no server passed the checks for receiving or for sending
    NOT_APPROVED = "not-approved"  # the person declined a domain that needed approval
    NO_KEYRING = "keyring"  # no usable keyring: asked before the password
    LOGIN_FAILED = "login-failed"
    STORAGE_FAILED = "storage-failed"  # the keyring refused the password
    PROFILE_FAILED = "profile-failed"  # the settings could not be written


@dataclass(frozen=True, slots=True, kw_only=True)
class SetupOutcome:
    """How setup ended (``status``), in words for the person (``message``), and what it
    left: the profile and its file, the login results, the keyring entries written."""

    status: SetupStatus
    message: str
    profile: AccountProfile | None = None
    profile_path: Path | None = None
    logins: tuple[LoginResult, ...] = ()
    stored: tuple[SecretRef, ...] = ()
    keyring_name: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class SetupContext:
    """What every step after the approvals needs: the check, the choice, the approvals."""

    report: CheckReport
    choice: AccountChoice
    approvals: tuple[Approval, ...]
    display_name: str
    profile_dir: Path | None

    @property
    def address(self) -> str:
        return self.report.discovery.address.ascii

    def profile(
        self,
        used: tuple[str, str],
        secrets: tuple[SecretRef, ...] = (),
        logins: tuple[LoginResult, ...] = (),
    ) -> AccountProfile:
        profile = profile_from_check(
            self.report,
            self.choice,
            usernames_used=used,
            approvals=self.approvals,
            secrets=secrets,
            display_name=self.display_name,
        )
        # The Sent and Drafts folders the IMAP server marks, as the login test read them.
        folders = next(
            (r.folders for r in logins if r.ok and r.folders.sent + r.folders.drafts), None
        )
        if folders is None:
            return profile
        return replace(profile, sent_folder=folders.sent, drafts_folder=folders.drafts)
