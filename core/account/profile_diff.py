"""What changed between a saved profile and a new check of the same account: re-discovery
never silently changes a saved profile (DESIGN section 4, rule 10), it reports each
difference, a weaker verification or a rotated key included."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..common.lookalike import shown_host

if TYPE_CHECKING:
    from .profile import AccountProfile, EndpointSetting

__all__ = ["Difference", "compare"]


@dataclass(frozen=True, slots=True)
class Difference:
    """One change between a saved profile and a new check."""

    kind: str  # new-host, changed-port, changed-security, rotated-key, verification-changed,
    #            changed-username, changed-auth, tier-changed, verdict-changed
    leg: str  # incoming / outgoing / account
    old: str
    new: str

    def describe(self) -> str:
        return f"{self.leg}: {self.kind.replace('-', ' ')} ({self.old} -> {self.new})"


def compare(saved: AccountProfile, fresh: AccountProfile) -> tuple[Difference, ...]:
    """Every difference that matters between a saved profile and a new check."""
    found: list[Difference] = []
    for leg, old, new in _legs(saved, fresh):
        pairs = [
            # U-label (A-label) for an IDN: a look-alike new host is seen for what it is.
            (
                "new-host",
                f"{old.service.value} {shown_host(old.host)}",
                f"{new.service.value} {shown_host(new.host)}",
            ),
            ("changed-port", str(old.port), str(new.port)),
            ("changed-security", old.security.value, new.security.value),
            ("changed-username", old.username, new.username),
            ("changed-auth", old.auth_method.value, new.auth_method.value),
            (
                "verification-changed",
                old.authenticated_by or "none",
                new.authenticated_by or "none",
            ),
            ("tier-changed", old.tier.value, new.tier.value),
        ]
        for kind, before, after in pairs:
            if before != after:
                found.append(Difference(kind, leg, before, after))
        if old.host == new.host and old.spki_sha256 != new.spki_sha256:
            found.append(Difference("rotated-key", leg, old.spki_sha256, new.spki_sha256))
    if saved.verdict != fresh.verdict:
        found.append(Difference("verdict-changed", "account", saved.verdict, fresh.verdict))
    return tuple(found)


def _legs(
    saved: AccountProfile, fresh: AccountProfile
) -> tuple[tuple[str, EndpointSetting, EndpointSetting], ...]:
    """Each leg's name with its saved and fresh settings."""
    return (
        ("incoming", saved.incoming, fresh.incoming),
        ("outgoing", saved.outgoing, fresh.outgoing),
    )
