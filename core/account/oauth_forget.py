"""Forgetting an OAuth2 account: the refresh token revoked at its issuer, best effort.

Removing the keyring entry alone leaves the grant alive at the issuer: anyone who copied
the token could still use it. So ``forget`` first asks the issuer to revoke it (RFC 7009),
then removes the entry whatever the answer, and says which it was:

    REVOKED       the issuer answered 200 at its revocation endpoint (RFC 7009 section 2.2)
    NOT_OFFERED   its metadata names no revocation endpoint: nothing to ask
    FAILED        the metadata or the revocation could not be reached, was refused, or the
                  deadline passed (a remote failure is a result, never an exception)
    NONE          no OAuth2 sign-in is stored for the address

The token goes only where the setup sent its kind: to the endpoint the issuer's own
metadata names, fetched again over verified HTTPS with no redirect (oauth_discover.py; the
issuer in the entry is the one the person signed in with, so it is vouched for). The
deadline bounds the whole step, so a dead issuer cannot hold ``forget`` up.
"""

from __future__ import annotations

import asyncio
import enum
import time
from collections.abc import Callable
from dataclasses import dataclass

from ..common.errors import UsageError
from ..common.i18n import _
from ..net.fetch import Fetcher
from .oauth_discover import IssuerStatus, discover_issuer, issuer_of
from .oauth_flow import read_keyring_value, revoke
from .secrets import OAUTH2_ENTRY, SecretNotFound, SecretStore, SecretStoreError, secret_ref

__all__ = ["REVOKE_SECONDS", "Revocation", "RevokeOutcome", "revoke_stored"]

REVOKE_SECONDS = 10.0  # the metadata and the revocation together


class Revocation(enum.StrEnum):
    REVOKED = "revoked"
    NOT_OFFERED = "not-offered"
    FAILED = "failed"
    NONE = "none"


@dataclass(frozen=True, slots=True)
class RevokeOutcome:
    status: Revocation
    issuer: str | None  # the issuer asked, from the keyring entry
    words: str  # for the person: whether the issuer forgot the sign-in too

    @property
    def revoked(self) -> bool:
        return self.status is Revocation.REVOKED


async def revoke_stored(
    address: str, *, store: SecretStore, fetcher: Callable[[], Fetcher], deadline: float
) -> RevokeOutcome:
    """Revoke the refresh token stored for ``address`` (module docstring); reads the
    keyring, never changes it. ``fetcher`` makes one only when there is a token to revoke, so
    forgetting a password account needs no network at all."""
    try:
        issuer, client_id, token = read_keyring_value(
            store.fetch(secret_ref(address, OAUTH2_ENTRY))
        )
    except (SecretNotFound, ValueError):
        return RevokeOutcome(Revocation.NONE, None, "")
    except SecretStoreError as exc:
        return _failed(None, str(exc))
    try:
        async with (
            asyncio.timeout(max(0.0, deadline - time.monotonic())),
            fetcher() as opened,
        ):
            found = await discover_issuer(
                issuer,
                address_domain=address.rpartition("@")[2],
                fetcher=opened,
                deadline=deadline,
                vouched=(issuer_of(issuer),),  # the person signed in there
                source="keyring",
            )
            if found.status is not IssuerStatus.TRUSTED or found.metadata is None:
                return _failed(issuer, found.reason)
            if found.metadata.revocation_endpoint is None:
                return RevokeOutcome(
                    Revocation.NOT_OFFERED,
                    issuer,
                    _(
                        "{issuer} offers no way to revoke a sign-in (RFC 7009): it stays valid "
                        "there until it expires or you remove mailhop's access in your account "
                        "settings at the provider."
                    ).format(issuer=issuer),
                )
            done = await revoke(
                found.metadata,
                client_id=client_id,
                token=token,
                fetcher=opened,
                deadline=deadline,
            )
    except TimeoutError:
        return _failed(issuer, _("no answer in time"))
    except UsageError as exc:  # no DNS configuration to reach the issuer with
        return _failed(issuer, str(exc))
    if not done:
        return _failed(issuer, _("it did not confirm the revocation"))
    return RevokeOutcome(
        Revocation.REVOKED,
        issuer,
        _("{issuer} revoked the stored OAuth2 sign-in.").format(issuer=issuer),
    )


def _failed(issuer: str | None, why: str) -> RevokeOutcome:
    return RevokeOutcome(
        Revocation.FAILED,
        issuer,
        _(
            "The OAuth2 sign-in could not be revoked at {issuer} ({why}); it was removed from "
            "this computer all the same. Remove mailhop's access in your account settings at "
            "the provider to end it there too."
        ).format(issuer=issuer or _("its issuer"), why=why),
    )
