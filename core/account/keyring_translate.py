"""The keyring's failures in plain words: foreign exceptions (keyring, secretstorage, D-Bus,
the macOS and Windows APIs) translated at the one boundary into keyring_errors' tree, by
their type and their D-Bus or OS error code, never with the password; their tracebacks
(whose frames hold it as an argument) are dropped (``detach``)."""

from __future__ import annotations

from .keyring_choice import install_hint
from .keyring_errors import KeyringDenied, KeyringLocked, KeyringMissing, SecretStoreError
from .password import Password

__all__ = ["detach", "translate"]

# -- translating keyring failures -----------------------------------------------------------

_LOCKED_TYPES = {
    "keyring.errors.KeyringLocked",
    "secretstorage.exceptions.LockedException",
    "secretstorage.exceptions.PromptDismissedException",
}
_MISSING_TYPES = {
    "keyring.errors.NoKeyringError",
    "keyring.errors.InitError",
    "secretstorage.exceptions.SecretServiceNotAvailableException",
    "builtins.ConnectionError",
    "builtins.FileNotFoundError",  # the bus socket is gone
}
_DBUS_LOCKED = {"org.freedesktop.Secret.Error.IsLocked"}
_DBUS_DENIED = {"org.freedesktop.DBus.Error.AccessDenied", "org.freedesktop.DBus.Error.AuthFailed"}
_DBUS_MISSING = {
    "org.freedesktop.DBus.Error.ServiceUnknown",
    "org.freedesktop.DBus.Error.NameHasNoOwner",
    "org.freedesktop.DBus.Error.NoServer",
    "org.freedesktop.DBus.Error.Disconnected",
}
_MACOS_DENIED = {-25293}  # errSecAuthFailed: "Deny" in the Keychain's access dialog
_MACOS_LOCKED = {-128, -25308}  # userCanceled, errSecInteractionNotAllowed (no GUI to unlock)
_WINDOWS_DENIED = {5}  # ERROR_ACCESS_DENIED
_WINDOWS_MISSING = {1312}  # ERROR_NO_SUCH_LOGON_SESSION: a service account without a vault


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and not any(current is s for s in seen):
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def _kind_of(exc: BaseException) -> type[SecretStoreError] | None:
    """Which branch of keyring_errors' tree one link of the chain belongs to, if any."""
    types = {f"{t.__module__}.{t.__qualname__}" for t in type(exc).__mro__}
    bus_name = getattr(exc, "name", None)  # jeepney's DBusErrorResponse
    get_dbus_name = getattr(exc, "get_dbus_name", None)  # dbus-python (KWallet)
    if callable(get_dbus_name):
        bus_name = get_dbus_name()
    status = getattr(exc, "status", None)  # keyring's macOS api.Error
    winerror = getattr(exc, "winerror", None)
    if (
        types & _LOCKED_TYPES
        or bus_name in _DBUS_LOCKED
        or status in _MACOS_LOCKED
        or (str(exc) == "Cancelled by user")  # keyring's KWallet backend: wallet not opened
    ):
        return KeyringLocked
    if (
        isinstance(exc, PermissionError)
        or bus_name in _DBUS_DENIED
        or status in _MACOS_DENIED
        or winerror in _WINDOWS_DENIED
    ):
        return KeyringDenied
    if types & _MISSING_TYPES or bus_name in _DBUS_MISSING or winerror in _WINDOWS_MISSING:
        return KeyringMissing
    return None


def translate(exc: Exception, action: str, secret: Password | None) -> SecretStoreError:
    chain = _chain(exc)
    kinds = {_kind_of(e) for e in chain}
    detail = _detail(chain)
    if secret is not None and secret.reveal() in detail:
        detail = type(exc).__name__  # never seen, but a message must not carry the secret
    if KeyringLocked in kinds:
        return KeyringLocked(
            f"The keyring is locked and could not be unlocked, so mailhop could not {action} "
            f"({detail}). Unlock your keyring (log in to the desktop session or open the "
            "keyring manager) and try again."
        )
    if KeyringDenied in kinds:
        return KeyringDenied(
            f"The keyring refused mailhop access, so mailhop could not {action} ({detail}). "
            "Allow mailhop in the keyring's (or the sandbox's) access settings and try again."
        )
    if KeyringMissing in kinds:
        return KeyringMissing(
            f"The keyring could not be reached, so mailhop could not {action} ({detail}). "
            f"{install_hint()}"
        )
    return SecretStoreError(f"The keyring failed, so mailhop could not {action} ({detail}).")


def _detail(chain: list[BaseException]) -> str:
    """What the keyring said, short: a D-Bus error by its name, anything else by its text."""
    bus_name = getattr(chain[0], "name", None)  # jeepney's text repeats the whole message
    if isinstance(bus_name, str) and bus_name.startswith("org.freedesktop."):
        return f"D-Bus error {bus_name}"
    text = str(chain[0]).strip().rstrip(".") or type(chain[0]).__name__
    return text if len(text) <= 200 else text[:200] + "..."


def detach(exc: Exception, secret: Password | None) -> Exception | None:
    """The cause to chain, without tracebacks: keyring's frames hold the password as a local."""
    chain = _chain(exc)
    for link in chain:
        link.__traceback__ = None
    if secret is not None and any(secret.reveal() in str(link) for link in chain):
        return None
    return exc
