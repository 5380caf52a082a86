"""The project's one exception tree: what mailhop raises on purpose, and what each branch means.

    Exception
     └── MailhopError                 raised on purpose by mailhop (anything else is a bug)
          ├── UsageError (ValueError) what a person or a caller gave cannot work: an address,
          │    │                      a setting, a file named on the command line, a password
          │    ├── AddressError       not an address mailhop can set up (common/address.py)
          │    ├── InvalidPassword    a password mail protocols cannot carry (account/secrets.py)
          │    └── ServerNameError    a server an admin named to publish (publish/request.py)
          ├── UntrustedDataError      bytes from the network or a file that are no readable
          │    │  (ValueError)        document of the kind asked for (common/untrusted.py)
          │    ├── ForbiddenXmlError  XML with a DTD, an entity or an external reference
          │    └── DocumentTooLarge   more bytes than the limit, refused before parsing
          ├── FieldError              one field of a remote document failed validation: raised
          │                           and caught inside the parsers (common/fields.py)
          ├── StorageError            something mailhop keeps could not be read or written
          │    ├── SecretStoreError   the OS keyring (account/keyring_errors.py): KeyringMissing,
          │    │                      KeyringLocked, KeyringDenied, SecretNotFound
          │    └── ProfileError       a profile file (account/profile.py)
          ├── ExportError             an account an export format cannot express
          │    ├── SigningError       signing files that cannot be used (export/apple.py)
          │    └── Untranslatable     a value a format has no word for (export/table.py;
          │                           also a ValueError, as callers caught it before)
          └── RemoteFailure           a remote part failed (no connection, no address, a DNS
               │                      lookup that failed): raised inside a stage and turned
               │                      into a typed result at its edge, never out of a run
               ├── ConnectFailure     (net/connect.py), and its LookupFailure
               ├── ResolveError       (dns/resolver.py)
               ├── FetchError         (dns/dnssec.py)
               ├── FetchFailure, BadUrl  (net/fetch_state.py, net/fetch_urls.py)
               └── Stop               a login session's end (account/login_wire.py)

Why a tree: a front end decides what to tell the person by the branch, not by the words or
by ``ValueError`` (which any bug can raise too). A ``UsageError``, ``StorageError`` or
``ExportError`` is something the person can act on; anything outside ``MailhopError`` is
mailhop's own fault and is reported as an internal error with its traceback. The classes
live beside the code that raises them; this module holds the branches, so the lowest layer
can name them all.
"""

from __future__ import annotations

__all__ = [
    "ExportError",
    "MailhopError",
    "RemoteFailure",
    "StorageError",
    "UntrustedDataError",
    "UsageError",
    "is_persons_to_fix",
]


class MailhopError(Exception):
    """The root: every exception mailhop raises on purpose."""


class UsageError(MailhopError, ValueError):
    """What a person or a caller gave cannot work; the message says why, for a person.
    Also a ``ValueError``, so code that validated input with ``except ValueError`` still
    catches it."""


class UntrustedDataError(MailhopError, ValueError):
    """Bytes that are not a readable document of the kind asked for; the message says why
    in one line (safe to show: control characters escaped, length capped)."""


class StorageError(MailhopError):
    """Something mailhop keeps (a password in the keyring, a profile file) could not be read
    or written; the message names what and why."""


class ExportError(MailhopError):
    """An account this format cannot express (or a bug); the message says why in plain words."""


class RemoteFailure(MailhopError):
    """A remote part failed. Raised only inside a stage: its caller turns it into a typed
    result (a finding, a failed attempt), so one dead server never aborts a run."""


def is_persons_to_fix(error: BaseException) -> bool:
    """True for an error the person can act on (a setting, a file, the keyring, an export);
    False for anything else, which is mailhop's own fault."""
    return isinstance(error, UsageError | StorageError | ExportError | UntrustedDataError)
