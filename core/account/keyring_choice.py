"""Which keyring: one of the operating system's own, never keyring's silent fallback.

keyring falls back silently to whatever is installed (without a D-Bus session, keyrings.alt's
base64 "plaintext" file), and its choice is made once per process. ``choose_backend`` looks
for one of the OS keyrings listed in ``_REAL`` and refuses everything else, including a
backend named in PYTHON_KEYRING_BACKEND or keyringrc.cfg (DESIGN.md section 4, rule 9).
``MemoryKeyring`` is the one exception: a dict in this process for the offline demo, used
only when handed over, never chosen on its own.
"""

from __future__ import annotations

import configparser
import importlib
import os
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

from .keyring_errors import KeyringMissing

__all__ = [
    "MemoryKeyring",
    "backend_modules",
    "choose_backend",
    "install_hint",
    "real_backend",
]

# -- which keyring --------------------------------------------------------------------------

_UNIX = ("linux", "freebsd", "openbsd", "netbsd", "dragonfly", "sunos")


@dataclass(frozen=True, slots=True)
class _Real:
    path: str  # module.Class, as keyring names backends
    name: str  # for people
    platforms: tuple[str, ...]  # sys.platform prefixes where it can exist


# The OS keyrings mailhop trusts. Everything else (keyrings.alt's files, keyring's null and
# fail placeholders, any third-party plugin) is refused: rule 9 allows only a real OS keyring.
_REAL = (
    _Real("keyring.backends.SecretService.Keyring", "the Secret Service keyring", _UNIX),
    _Real("keyring.backends.libsecret.Keyring", "the Secret Service keyring (libsecret)", _UNIX),
    _Real("keyring.backends.kwallet.DBusKeyring", "KWallet", _UNIX),
    _Real("keyring.backends.kwallet.DBusKeyringKWallet4", "KWallet 4", _UNIX),
    _Real("keyring.backends.macOS.Keyring", "the macOS Keychain", ("darwin",)),
    _Real("keyring.backends.Windows.WinVaultKeyring", "Windows Credential Manager", ("win32",)),
)
_BY_PATH = {real.path: real for real in _REAL}
_CHAINER = "keyring.backends.chainer.ChainerBackend"
_REFUSED_BECAUSE = {
    "keyring.backends.null.Keyring": "throws every password away",
    "keyring.backends.fail.Keyring": "is keyring's placeholder for 'no keyring found'",
}


def backend_modules(platform: str | None = None) -> tuple[str, ...]:
    """The modules of the OS keyrings mailhop uses on ``platform`` (a ``sys.platform`` value).

    ``_load`` imports them by name, which a freezer cannot see: the desktop bundles list them
    as hidden imports from here (installer/manifest.py), so the two lists never drift apart.
    """
    system = platform or sys.platform
    found = (r.path.rpartition(".")[0] for r in _REAL if system.startswith(r.platforms))
    return tuple(dict.fromkeys(found))


def install_hint(platform: str | None = None) -> str:
    """What to install or do so that an OS keyring is there."""
    system = platform or sys.platform
    if system == "darwin":
        return "Run mailhop as a logged-in user, so that it can reach your login Keychain."
    if system == "win32":
        return "Run mailhop as a logged-in user, so that it can reach Windows Credential Manager."
    return (
        "Install gnome-keyring (or KWallet) and log in to a desktop session, or set up a Secret "
        "Service provider (for example KeePassXC with its Secret Service integration)."
    )


def _path(backend: KeyringBackend) -> str:
    kind = type(backend)
    return f"{kind.__module__}.{kind.__qualname__}"


def real_backend(backend: KeyringBackend) -> _Real | None:
    """The OS keyring this backend is (or extends: a subclass still stores in the OS keyring)."""
    for kind in type(backend).__mro__:
        found = _BY_PATH.get(f"{kind.__module__}.{kind.__qualname__}")
        if found is not None:
            return found
    return None


def _why_refused(path: str) -> str:
    if path in _REFUSED_BECAUSE:
        return _REFUSED_BECAUSE[path]
    if "plaintext" in path.lower():
        return "keeps passwords unencrypted in a file"
    if path.startswith("keyrings.alt."):
        return "keeps passwords in a file, not in an operating-system keyring"
    return "is not an operating-system keyring"


def _refuse(paths: list[str], where: str) -> KeyringMissing:
    found = "; ".join(f"{p}, which {_why_refused(p)}" for p in paths) or "nothing"
    return _no_keyring(f"{where} {found}")


def _no_keyring(details: str) -> KeyringMissing:
    return KeyringMissing(
        f"mailhop found no operating-system keyring to keep the password in ({details}). "
        f"mailhop never stores a password in a plaintext or file keyring. {install_hint()}"
    )


def _configured() -> tuple[str, str] | None:
    """The backend named in PYTHON_KEYRING_BACKEND or keyringrc.cfg, and where; not loaded."""
    named = os.environ.get("PYTHON_KEYRING_BACKEND", "").strip()
    if named:
        return named, "PYTHON_KEYRING_BACKEND"
    from keyring.util.platform_ import config_root

    path = config_root() / "keyringrc.cfg"
    config = configparser.RawConfigParser()
    try:
        config.read(path, encoding="utf-8")
        named = config.get("backend", "default-keyring", fallback="").strip()
    except (configparser.Error, UnicodeDecodeError):
        return None  # keyring itself ignores a damaged file too
    return (named, str(path)) if named else None


def _load(real: _Real) -> KeyringBackend:
    """An instance of an OS backend; RuntimeError (keyring's convention) when unusable here."""
    module, _, name = real.path.rpartition(".")
    kind = getattr(importlib.import_module(module), name)
    kind.priority  # noqa: B018  (keyring: the priority raises when the backend cannot work)
    backend: KeyringBackend = kind()
    return backend


def _priority(backend: KeyringBackend) -> float:
    return float(type(backend).priority)


def choose_backend(
    given: KeyringBackend | MemoryKeyring | None = None,
) -> KeyringBackend | MemoryKeyring:
    """The OS keyring to use, or KeyringMissing naming what was found and what to install."""
    if isinstance(given, MemoryKeyring):
        return given  # the demo's, handed over on purpose (module docstring)
    if given is not None:
        members = list(getattr(given, "backends", ())) if _path(given) == _CHAINER else [given]
        usable = [b for b in members if real_backend(b) is not None]
        if not usable:
            raise _refuse([_path(b) for b in members], "mailhop was given")
        return max(usable, key=_priority)
    configured = _configured()
    if configured is not None and configured[0] != _CHAINER:
        named, where = configured
        if named not in _BY_PATH:
            raise _refuse([named], f"{where} chooses")
        candidates: tuple[_Real, ...] = (_BY_PATH[named],)
    else:
        candidates = tuple(r for r in _REAL if sys.platform.startswith(r.platforms))
    found: list[KeyringBackend] = []
    reasons: list[str] = []
    for real in candidates:
        try:
            found.append(_load(real))
        except Exception as exc:  # any failure to load a backend means "not usable here"
            reasons.append(f"{real.name}: {exc}")
    if found:
        return max(found, key=_priority)
    # The first candidate is the platform's own keyring; why the others failed is noise.
    raise _no_keyring(reasons[0] if reasons else f"none is known on {sys.platform}")


class MemoryKeyring:
    """Entries in this process's memory, gone with the object: the offline demo's keyring.

    Not a keyring backend (so keyring can never pick it up) and never chosen by a store on its
    own: a ``SecretStore`` uses it only when given one (module docstring).
    """

    name = "the demo keyring (in memory, gone when the demo ends)"

    def __init__(self) -> None:
        self._entries: dict[tuple[str, str], str] = {}

    def __repr__(self) -> str:
        return f"MemoryKeyring({len(self._entries)} entries)"

    def set_password(self, service: str, username: str, password: str) -> None:
        self._entries[(service, username)] = password

    def get_password(self, service: str, username: str) -> str | None:
        return self._entries.get((service, username))

    def delete_password(self, service: str, username: str) -> None:
        self._entries.pop((service, username), None)

    def services(self) -> tuple[tuple[str, str], ...]:
        """The (service, user) names held; never the passwords."""
        return tuple(self._entries)
