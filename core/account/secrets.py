"""The OS keyring: the only place mailhop stores or reads a password.

DESIGN.md section 4, rule 9: secrets go only to a real operating-system keyring; plaintext
backends are refused; exports never contain a password. This module is the one door.

Theory of operation.

* ``Password`` carries the secret through the program. Printing, formatting, logging, pickling
  or a traceback shows ``Password(****)``; ``reveal()`` is the one way to the text, so every use
  can be found with grep. It refuses what IMAP, POP3 and SMTP cannot carry (empty, NUL, CR,
  LF): a line break would end the command early and turn the rest into a new command.
* ``secret_ref`` is the one naming scheme (below). ``lookup_command`` gives the command other
  tools run to read the same entry, so an export can point a client at the keyring instead of
  carrying the password.
* ``SecretStore`` talks to ``keyring``. It does not take keyring's own pick: keyring falls back
  silently to whatever is installed (without a D-Bus session, keyrings.alt's base64 "plaintext"
  file), and its choice is made once per process. Each store looks, when first used, for one
  of the OS keyrings listed in ``_REAL`` and refuses everything else, including a backend named
  in PYTHON_KEYRING_BACKEND or keyringrc.cfg; ``ensure_usable`` does that, and a test write,
  before the person is asked for anything.
  Foreign exceptions are translated at this boundary into the tree below, with plain words and
  never the password; their tracebacks (whose frames hold the password as an argument) are
  dropped. ``MemoryKeyring`` is the one exception to "OS keyrings only": a dict in this process
  for the offline demo (demo.py), whose made-up password must never reach the person's real
  keyring. A store uses it only when handed one; it is never chosen on its own.
  Storing several entries is all or nothing: on a failure the entries this call wrote
  get their old values back (or are removed), so nothing is half-saved.

Naming scheme: service ``mailhop:<protocol>:<address>``, user ``<address>``, where protocol is
``imap``, ``pop3`` or ``submission`` (or ``oauth2``: an OAuth2 account's refresh token, issuer
and client ID, oauth_flow.py) and address is the canonical ``local@A-label`` form.
Why the address and not the server: the entries belong to one mailhop account, so ``forget``
removes exactly what ``setup`` stored, never an entry another account (an alias on the same
server and login) still uses, and it can work out the names from the address alone even when the
profile is lost. The server and the login name stay in the profile: they change on re-check and
would orphan entries if they were part of the key. One service per account also keeps Windows
Credential Manager (one target name per entry) and the macOS Keychain readable. Other tools
find the entry by both attributes, e.g. ``secret-tool lookup service mailhop:imap:jo@example.com
username jo@example.com``.

Exceptions::

    SecretStoreError        the keyring could not do what was asked (message in plain words)
    ├── KeyringMissing      no usable OS keyring: none reachable, or only refused ones
    ├── KeyringLocked       locked, and the unlock prompt was dismissed or could not be shown
    ├── KeyringDenied       the keyring, the bus or the system refused mailhop access
    └── SecretNotFound      no password is stored under that name
    InvalidPassword         (a ValueError) empty, or holds NUL, CR or LF

The keyring calls block (a D-Bus round trip, or an OS prompt): run them in a thread.
"""

from __future__ import annotations

import configparser
import hmac
import importlib
import os
import shlex
import subprocess
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, NoReturn, SupportsIndex, TypeVar, final

from ..common.errors import StorageError, UsageError
from ..common.model import Service
from .profile import SecretRef

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

__all__ = [
    "OAUTH2_ENTRY",
    "PROTOCOLS",
    "InvalidPassword",
    "KeyringDenied",
    "KeyringLocked",
    "KeyringMissing",
    "MemoryKeyring",
    "Password",
    "SecretNotFound",
    "SecretRef",
    "SecretStore",
    "SecretStoreError",
    "StoredSecrets",
    "account_refs",
    "backend_modules",
    "install_hint",
    "lookup_command",
    "lookup_command_line",
    "secret_ref",
]

# "oauth2": an OAuth2 account's refresh token (core/account/oauth_flow.py), one per account,
# kept and masked like a password; being listed here, `forget` removes it with the rest.
PROTOCOLS = ("imap", "pop3", "submission", "oauth2")
OAUTH2_ENTRY = "oauth2"
_PREFIX = "mailhop"
_T = TypeVar("_T")


class InvalidPassword(UsageError):
    """A password mail protocols cannot carry; the message says why and never shows it."""


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


# -- the password ---------------------------------------------------------------------------

_MASK = "Password(****)"


@final
class Password:
    """A secret that never shows itself; ``reveal()`` is the only way to the text.

    Not a dataclass: its generated ``repr`` and ``==`` are exactly what must not happen. It is
    unhashable (a hash of the text is not constant-time and would outlive the object), refuses
    pickling (a pickle is a plaintext copy), and ``copy`` returns the same object.
    """

    __slots__ = ("_text",)
    _text: str

    def __init__(self, text: str) -> None:
        if not isinstance(text, str):
            raise TypeError(f"a Password is made from str, not {type(text).__name__}")
        problem = _problem(text)
        if problem:
            raise InvalidPassword(problem)
        object.__setattr__(self, "_text", text)

    def reveal(self) -> str:
        """The secret itself: call this only where it goes into a TLS session or the keyring."""
        return self._text

    def __repr__(self) -> str:
        return _MASK

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        return _MASK

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Password):
            return NotImplemented
        # Constant time: how long a comparison takes must not tell how much of a guess matched.
        return hmac.compare_digest(self._text.encode(), other._text.encode())

    __hash__ = None  # type: ignore[assignment]

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise AttributeError("a Password cannot be changed")

    def __delattr__(self, name: str) -> NoReturn:
        raise AttributeError("a Password cannot be changed")

    def __reduce_ex__(self, protocol: SupportsIndex) -> NoReturn:
        raise TypeError("a Password cannot be pickled: the pickle would hold it in plain text")

    def __copy__(self) -> Password:
        return self

    def __deepcopy__(self, memo: object) -> Password:
        return self


def _problem(text: str) -> str | None:
    if not text:
        return "the password is empty"
    if "\x00" in text:
        return "the password contains a NUL character, which IMAP, POP3 and SMTP cannot carry"
    if "\r" in text or "\n" in text:
        return (
            "the password contains a line break (CR or LF); mail protocols end a command at a "
            "line break, so it cannot be sent"
        )
    return None


def _masked(text: str) -> Password:
    """Wrap text read back from the keyring without the checks (a rollback must restore it)."""
    password = object.__new__(Password)
    object.__setattr__(password, "_text", text)
    return password


# -- naming ---------------------------------------------------------------------------------


def secret_ref(address: str, protocol: Service | str) -> SecretRef:
    """The keyring entry for one account and protocol (see the module docstring for why).

    ``address`` is the canonical ``EmailAddress.ascii`` form; ``protocol`` is imap, pop3 or
    submission (``Service.value``).
    """
    protocol = protocol.value if isinstance(protocol, Service) else protocol
    if protocol not in PROTOCOLS:
        raise ValueError(f"no password is kept for {protocol!r}; use one of {PROTOCOLS}")
    local, at, domain = address.rpartition("@")
    if (
        not (local and at and domain)
        or not address.isprintable()
        or any(c.isspace() for c in address)
    ):
        raise ValueError(f"{address!r} is not a canonical mail address")
    return SecretRef(f"{_PREFIX}:{protocol}:{address}", address)


def account_refs(address: str) -> tuple[SecretRef, ...]:
    """Every entry an account can own: what ``forget`` removes, even without a profile."""
    return tuple(secret_ref(address, protocol) for protocol in PROTOCOLS)


def lookup_command(ref: SecretRef, platform: str | None = None) -> tuple[str, ...]:
    """The command another tool runs to read the entry (a mail client's password command).

    Linux and BSD: libsecret's ``secret-tool``; macOS: ``security``; Windows has no built-in
    command for generic credentials, so it is the ``keyring`` command that comes with mailhop.
    """
    system = platform or sys.platform
    if system == "darwin":
        return ("security", "find-generic-password", "-s", ref.service, "-a", ref.username, "-w")
    if system == "win32":
        return ("keyring", "get", ref.service, ref.username)
    return ("secret-tool", "lookup", "service", ref.service, "username", ref.username)


def lookup_command_line(ref: SecretRef, platform: str | None = None) -> str:
    """``lookup_command`` quoted for the platform's shell, ready for an export file."""
    argv = lookup_command(ref, platform)
    if (platform or sys.platform) == "win32":
        return subprocess.list2cmdline(argv)
    return shlex.join(argv)


def _label(ref: SecretRef) -> str:
    prefix, _, rest = ref.service.partition(":")
    protocol, _, address = rest.partition(":")
    if prefix == _PREFIX and protocol in PROTOCOLS and address:
        if protocol == OAUTH2_ENTRY:
            return f"OAuth2 refresh token of {address}"
        name = "SMTP submission" if protocol == "submission" else protocol.upper()
        return f"{name} password of {address}"
    return f"keyring entry {ref.service!r} for {ref.username!r}"


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


def _real(backend: KeyringBackend) -> _Real | None:
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


def _choose_backend(
    given: KeyringBackend | MemoryKeyring | None = None,
) -> KeyringBackend | MemoryKeyring:
    """The OS keyring to use, or KeyringMissing naming what was found and what to install."""
    if isinstance(given, MemoryKeyring):
        return given  # the demo's, handed over on purpose (module docstring)
    if given is not None:
        members = list(getattr(given, "backends", ())) if _path(given) == _CHAINER else [given]
        usable = [b for b in members if _real(b) is not None]
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


def _kind_of(exc: BaseException) -> str | None:
    types = {f"{t.__module__}.{t.__qualname__}" for t in type(exc).__mro__}
    bus_name = getattr(exc, "name", None)  # jeepney's DBusErrorResponse
    if callable(getattr(exc, "get_dbus_name", None)):  # dbus-python (KWallet)
        bus_name = exc.get_dbus_name()  # type: ignore[attr-defined]
    status = getattr(exc, "status", None)  # keyring's macOS api.Error
    winerror = getattr(exc, "winerror", None)
    if (
        types & _LOCKED_TYPES
        or bus_name in _DBUS_LOCKED
        or status in _MACOS_LOCKED
        or (str(exc) == "Cancelled by user")  # keyring's KWallet backend: wallet not opened
    ):
        return "locked"
    if (
        isinstance(exc, PermissionError)
        or bus_name in _DBUS_DENIED
        or status in _MACOS_DENIED
        or winerror in _WINDOWS_DENIED
    ):
        return "denied"
    if types & _MISSING_TYPES or bus_name in _DBUS_MISSING or winerror in _WINDOWS_MISSING:
        return "missing"
    return None


def _translate(exc: Exception, action: str, secret: Password | None) -> SecretStoreError:
    chain = _chain(exc)
    kinds = {_kind_of(e) for e in chain}
    detail = _detail(chain)
    if secret is not None and secret.reveal() in detail:
        detail = type(exc).__name__  # never seen, but a message must not carry the secret
    if "locked" in kinds:
        return KeyringLocked(
            f"The keyring is locked and could not be unlocked, so mailhop could not {action} "
            f"({detail}). Unlock your keyring (log in to the desktop session or open the "
            "keyring manager) and try again."
        )
    if "denied" in kinds:
        return KeyringDenied(
            f"The keyring refused mailhop access, so mailhop could not {action} ({detail}). "
            "Allow mailhop in the keyring's (or the sandbox's) access settings and try again."
        )
    if "missing" in kinds:
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


def _detach(exc: Exception, secret: Password | None) -> Exception | None:
    """The cause to chain, without tracebacks: keyring's frames hold the password as a local."""
    chain = _chain(exc)
    for link in chain:
        link.__traceback__ = None
    if secret is not None and any(secret.reveal() in str(link) for link in chain):
        return None
    return exc


# -- the store ------------------------------------------------------------------------------

# Outside every account's names (no address in it); holds no secret.
_PROBE = SecretRef(f"{_PREFIX}:keyring-check", _PREFIX)
_PROBE_TEXT = "mailhop checks that this keyring can store, return and remove an entry"


class SecretStore:
    """Passwords in the OS keyring, under the names ``secret_ref`` gives.

    ``backend`` is for tests and callers that chose one already; it is checked like any other.
    """

    __slots__ = ("_backend", "_given")

    def __init__(self, backend: KeyringBackend | MemoryKeyring | None = None) -> None:
        self._given = backend
        self._backend: KeyringBackend | MemoryKeyring | None = None

    def ensure_usable(self) -> str:
        """Check before anyone types a password: an OS keyring exists, unlocks, and works.

        Returns the keyring's name for people ("the Secret Service keyring"). A test entry (no
        secret in it) is stored, read back and removed: opening alone would not show a keyring
        that refuses writes, and the person would learn it only after typing the password and
        waiting for the login test. If the read fails, the test entry may stay behind; the
        next check replaces it.
        """
        backend = self._open()
        probe = _masked(_PROBE_TEXT)
        self._call("store a test entry in the keyring", partial(_set, backend, _PROBE, probe))
        returned = self._read(backend, _PROBE) == probe
        self._call("remove the test entry from the keyring", partial(_delete, backend, _PROBE))
        if not returned:
            raise SecretStoreError(
                "The keyring accepted a test entry but did not give it back, so mailhop will not "
                "trust it with a password. Check the keyring's settings and try again."
            )
        return self.name

    @property
    def name(self) -> str:
        """Where passwords go, in words ("the macOS Keychain")."""
        backend = self._open()
        if isinstance(backend, MemoryKeyring):
            return backend.name
        real = _real(backend)
        assert real is not None  # _choose_backend returns nothing else
        return real.name

    def store(self, ref: SecretRef, password: Password) -> None:
        self.store_all({ref: password})

    def store_all(
        self, entries: Mapping[SecretRef, Password] | Iterable[tuple[SecretRef, Password]]
    ) -> StoredSecrets:
        """Store every entry or none: on a failure, what this call wrote is undone.

        Undoing gives an entry that existed before its old value back, so a second ``setup``
        that fails half-way leaves the first one working. The same undo stays at hand in what
        this returns, for a step after storing that fails (setup saving the profile).
        """
        wanted = dict(entries)
        backend = self._open()
        touched: list[tuple[SecretRef, Password | None]] = []
        try:
            for ref, password in wanted.items():
                previous = self._read(backend, ref)
                touched.append((ref, previous))
                self._call(
                    f"store the {_label(ref)}", partial(_set, backend, ref, password), password
                )
            for ref, password in wanted.items():
                if self._read(backend, ref) != password:
                    raise SecretStoreError(
                        f"The keyring accepted the {_label(ref)} but does not give it back, so "
                        "mailhop did not keep it. Check the keyring's settings and try again."
                    )
        except SecretStoreError as exc:
            left = self._undo(backend, touched)
            if not left:
                raise
            names = ", ".join(f"the {_label(r)}" for r in left)
            raise type(exc)(
                f"{exc} Undoing the change also failed: {names} may still be in the keyring.",
                left_over=left,
            ) from exc.__cause__
        return StoredSecrets(tuple(wanted), self, tuple(touched))

    def fetch(self, ref: SecretRef) -> Password:
        backend = self._open()
        password = self._read(backend, ref)
        if password is None:
            raise SecretNotFound(
                f"The keyring holds no {_label(ref)}. Run `mailhop setup` for the address again "
                "to store it."
            )
        if _problem(password.reveal()):
            raise SecretStoreError(
                f"The keyring's {_label(ref)} is one that mail protocols cannot carry (empty, or "
                "with a line break or NUL). Store it again."
            )
        return password

    def delete(self, ref: SecretRef) -> bool:
        """Remove the entry; False when there was none."""
        backend = self._open()
        if self._read(backend, ref) is None:
            return False
        self._call(f"remove the {_label(ref)}", partial(_delete, backend, ref))
        return True

    def delete_all(self, refs: Iterable[SecretRef]) -> tuple[SecretRef, ...]:
        """Remove every entry that exists (``forget``); returns the ones that were there.

        Tries them all even when one fails, then raises the first failure.
        """
        removed: list[SecretRef] = []
        failures: list[SecretStoreError] = []
        for ref in refs:
            try:
                if self.delete(ref):
                    removed.append(ref)
            except SecretStoreError as exc:
                failures.append(exc)
        if failures:
            raise failures[0]
        return tuple(removed)

    def _open(self) -> KeyringBackend | MemoryKeyring:
        if self._backend is None:
            self._backend = _choose_backend(self._given)
        return self._backend

    def _read(self, backend: KeyringBackend | MemoryKeyring, ref: SecretRef) -> Password | None:
        text = self._call(f"read the {_label(ref)}", partial(_get, backend, ref))
        return None if text is None else _masked(text)

    def _undo(
        self,
        backend: KeyringBackend | MemoryKeyring,
        touched: list[tuple[SecretRef, Password | None]],
    ) -> tuple[SecretRef, ...]:
        left: list[SecretRef] = []
        for ref, previous in reversed(touched):
            try:
                if previous is not None:
                    self._call("restore", partial(_set, backend, ref, previous), previous)
                elif self._read(backend, ref) is not None:
                    self._call("undo", partial(_delete, backend, ref))
            except SecretStoreError:
                left.append(ref)
        return tuple(reversed(left))

    @staticmethod
    def _call(action: str, operation: Callable[[], _T], secret: Password | None = None) -> _T:
        try:
            return operation()
        except Exception as exc:  # the boundary: every backend failure becomes one of ours
            raise _translate(exc, action, secret) from _detach(exc, secret)


@dataclass(frozen=True, slots=True)
class StoredSecrets:
    """What one ``SecretStore.store_all`` wrote, and the way back."""

    refs: tuple[SecretRef, ...]
    _store: SecretStore = field(repr=False)
    _previous: tuple[tuple[SecretRef, Password | None], ...] = field(repr=False)

    def undo(self) -> tuple[SecretRef, ...]:
        """Give each entry its value from before the store (or remove it, when there was
        none); returns the entries that could not be put back."""
        store = self._store
        return store._undo(store._open(), list(self._previous))


# The only places the text leaves a Password for the keyring: small frames that keyring's
# exceptions reference, and whose tracebacks _detach drops.
def _set(backend: KeyringBackend | MemoryKeyring, ref: SecretRef, password: Password) -> None:
    backend.set_password(ref.service, ref.username, password.reveal())


def _get(backend: KeyringBackend | MemoryKeyring, ref: SecretRef) -> str | None:
    return backend.get_password(ref.service, ref.username)


def _delete(backend: KeyringBackend | MemoryKeyring, ref: SecretRef) -> None:
    backend.delete_password(ref.service, ref.username)
