"""What can go wrong with the keyring, as a tree under StorageError (core/common/errors.py):

SecretStoreError        the keyring could not do what was asked (message in plain words)
├── KeyringMissing      no usable OS keyring: none reachable, or only refused ones
├── KeyringLocked       locked, and the unlock prompt was dismissed or could not be shown
├── KeyringDenied       the keyring, the bus or the system refused mailhop access
└── SecretNotFound      no password is stored under that name
"""

from __future__ import annotations

from ..common.errors import StorageError
from .profile import SecretRef

__all__ = [
    "KeyringDenied",
    "KeyringLocked",
    "KeyringMissing",
    "SecretNotFound",
    "SecretStoreError",
]


class SecretStoreError(StorageError):
    """The keyring could not do what was asked. ``left_over``: entries a failed rollback left."""

    def __init__(self, message: str, *, left_over: tuple[SecretRef, ...] = ()) -> None:
        super().__init__(message)
        self.left_over = left_over


class KeyringMissing(SecretStoreError):
    """No usable OS keyring: none is reachable, or only plaintext or placeholder backends."""


class KeyringLocked(SecretStoreError):
    """The keyring is locked and the unlock was dismissed (or no prompt could be shown)."""


class KeyringDenied(SecretStoreError):
    """The keyring, the session bus or the system refused mailhop access."""


class SecretNotFound(SecretStoreError):
    """Nothing is stored under that name."""
