"""The OS keyring: the only place mailhop stores or reads a password.

DESIGN.md section 4, rule 9: secrets go only to a real operating-system keyring; plaintext
backends are refused; exports never contain a password. This module is the one door.

Theory of operation.

* ``Password`` (password.py) carries the secret through the program, masked wherever it
  could be shown; ``reveal()`` is the one way to the text.
* ``secret_ref`` is the one naming scheme (below). ``lookup_command`` gives the command other
  tools run to read the same entry, so an export can point a client at the keyring instead of
  carrying the password.
* ``SecretStore`` talks to ``keyring``, through one of the OS keyrings keyring_choice.py
  accepts (never keyring's own silent fallback); ``ensure_usable`` finds it, and makes a test
  write, before the person is asked for anything. Foreign exceptions are translated at this
  boundary (keyring_translate.py) into keyring_errors.py's tree, with plain words and never
  the password. ``MemoryKeyring`` is the offline demo's; a store uses it only when handed one.
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

Exceptions: SecretStoreError and its kinds (keyring_errors.py, under StorageError), and
InvalidPassword (password.py, a UsageError); all importable from here.

The keyring calls block (a D-Bus round trip, or an OS prompt): run them in a thread.
"""

from __future__ import annotations

import shlex
import subprocess
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, TypeVar

from ..common.model import Service
from .keyring_choice import (
    MemoryKeyring,
    backend_modules,
    choose_backend,
    install_hint,
    real_backend,
)
from .keyring_errors import (
    KeyringDenied,
    KeyringLocked,
    KeyringMissing,
    SecretNotFound,
    SecretStoreError,
)
from .keyring_translate import detach, translate
from .password import InvalidPassword, Password, problem_of, unchecked_password
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
        probe = unchecked_password(_PROBE_TEXT)
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
        real = real_backend(backend)
        assert real is not None  # choose_backend returns nothing else
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
        if problem_of(password.reveal()):
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
            self._backend = choose_backend(self._given)
        return self._backend

    def _read(self, backend: KeyringBackend | MemoryKeyring, ref: SecretRef) -> Password | None:
        text = self._call(f"read the {_label(ref)}", partial(_get, backend, ref))
        return None if text is None else unchecked_password(text)

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
            raise translate(exc, action, secret) from detach(exc, secret)


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
# exceptions reference, and whose tracebacks detach drops.
def _set(backend: KeyringBackend | MemoryKeyring, ref: SecretRef, password: Password) -> None:
    backend.set_password(ref.service, ref.username, password.reveal())


def _get(backend: KeyringBackend | MemoryKeyring, ref: SecretRef) -> str | None:
    return backend.get_password(ref.service, ref.username)


def _delete(backend: KeyringBackend | MemoryKeyring, ref: SecretRef) -> None:
    backend.delete_password(ref.service, ref.username)
