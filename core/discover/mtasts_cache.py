"""The MTA-STS policy cache: the last policy each domain served, kept for max_age (RFC 8461).

Theory of operation (RFC 8461 section 5.1): a sending server remembers the policy it last
fetched for a domain, with the ``_mta-sts`` record's id, for the policy's ``max_age``
seconds. When no policy can be fetched live "for any reason" (the host answers 500, its
certificate fails, it times out), an unexpired cached policy still applies; an expired one
is gone. A changed id means the domain published a new policy: it is fetched again, and it
replaces the old copy once it is accepted. mailhop fetches every check live anyway (it
reports what the domain publishes now), so the cache only answers when the live fetch
fails, and the attempt then says that it answered and from when (source_mtasts.py).

One JSON file per domain under the user's cache folder (platformdirs), written atomically.
The file is read as untrusted bytes: the policy is stored as the text the server sent and is
parsed again by the same parser as a live one, and a file that is too big, not a regular
file (a symlink planted to another file), not our format, for another domain, dated in the
future or otherwise damaged is refused: ``read`` returns it as a ``CacheRefusal`` that says
why, and discovery goes on as if nothing were cached. Writing never fails a check: a cache
that cannot be written only means the next run has no copy.
"""

from __future__ import annotations

import json
import os
import re
import stat
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ..common.fields import FieldError, validate_hostname
from ..common.files import write_atomically
from ..common.untrusted import UntrustedDataError, read_json
from .mtasts_folder import default_cache_directory  # part of this module's face
from .parse_mtasts import MtaStsPolicy, parse_mtasts_policy

__all__ = [
    "CacheRefusal",
    "CachedPolicy",
    "MtaStsCache",
    "default_cache_directory",
]

FORMAT = "mailhop-mta-sts-cache"
VERSION = 1
MAX_FILE_BYTES = 80 * 1024  # a policy is at most 64 KiB (parse_mtasts), plus the envelope
# A file dated further ahead than this was not written by this clock: refused, so a planted
# file cannot keep a policy alive for ever (signers' backdating is about as large).
FUTURE_SLACK = 3600.0
_RECORD_ID = re.compile(r"[A-Za-z0-9]{1,32}", re.ASCII)  # RFC 8461 section 3.1, sts-id


@dataclass(frozen=True, slots=True)
class CachedPolicy:
    """A policy as it was last fetched: the record id then, and when (POSIX seconds)."""

    domain: str
    record_id: str
    policy: MtaStsPolicy
    fetched_at: float

    @property
    def expires_at(self) -> float:
        return self.fetched_at + self.policy.max_age

    def valid_at(self, now: float) -> bool:
        """RFC 8461 section 5.1: usable until max_age seconds after it was fetched."""
        return now < self.expires_at

    def fetched_text(self) -> str:
        return _utc(self.fetched_at)

    def expires_text(self) -> str:
        return _utc(self.expires_at)


@dataclass(frozen=True, slots=True)
class CacheRefusal:
    """A cache file that was there and was not used, and why (words for the attempt)."""

    reason: str


class MtaStsCache:
    """The cache in ``directory``; ``clock`` gives POSIX seconds (tests move it)."""

    def __init__(self, directory: Path, clock: Callable[[], float] = time.time) -> None:
        self.directory = directory
        self.clock = clock

    def read(self, domain: str) -> CachedPolicy | CacheRefusal | None:
        """The cached policy of ``domain`` (valid or not), a refusal, or None when none."""
        path = self._path(domain)
        if path is None:
            return CacheRefusal(f"{domain[:64]!r} cannot name a cache file")
        try:
            data = _read_regular(path)
        except FileNotFoundError:
            return None
        except OSError as exc:
            return CacheRefusal(f"the cache file {path.name} cannot be read: {exc.strerror}")
        try:
            return _parse(data, domain)
        except _Damaged as exc:
            return CacheRefusal(f"the cache file {path.name} is damaged: {exc}")

    def usable(self, domain: str) -> CachedPolicy | CacheRefusal | None:
        """What ``read`` says, with an expired policy as None: RFC 8461 drops it."""
        found = self.read(domain)
        if not isinstance(found, CachedPolicy):
            return found
        now = self.clock()
        if found.fetched_at > now + FUTURE_SLACK:
            return CacheRefusal(f"the cache file of {domain} is dated {found.fetched_text()}")
        return found if found.valid_at(now) else None

    def store(self, domain: str, record_id: str, body: bytes) -> bool:
        """Keep the accepted policy ``body`` fetched now under ``record_id``; False when it
        could not be written (the check goes on: a missing copy only costs the next run)."""
        path = self._path(domain)
        if path is None or parse_mtasts_policy(body).policy is None:
            return False
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return False
        entry = {
            "format": FORMAT,
            "version": VERSION,
            "domain": domain.lower(),
            "id": record_id,
            "fetched_at": int(self.clock()),
            "policy": text,
        }
        data = (json.dumps(entry, indent=1, sort_keys=True) + "\n").encode("utf-8")
        try:
            self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
            write_atomically(path, data, mode=0o600)
        except OSError:
            return False
        return True

    def _path(self, domain: str) -> Path | None:
        # Only an A-label host name names a file: no "/", "..", NUL or leading dot.
        name = domain.lower().rstrip(".")
        try:
            validate_hostname(name)
        except FieldError:
            return None
        if not name or name.startswith(".") or not name.isascii():
            return None
        return self.directory / f"{name}.json"


class _Damaged(Exception):
    """Why one cache file was refused."""


def _read_regular(path: Path) -> bytes:
    """The file's bytes; a symlink, a device or a FIFO is refused before any read."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        handle = os.open(path, flags)
    except OSError as exc:
        if isinstance(exc, FileNotFoundError):
            raise
        if path.is_symlink():
            raise OSError(exc.errno, "it is a symbolic link") from None
        raise
    with os.fdopen(handle, "rb") as file:
        info = os.fstat(file.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise OSError(0, "it is not a regular file")
        if info.st_size > MAX_FILE_BYTES:
            raise OSError(0, f"it is larger than {MAX_FILE_BYTES} bytes")
        return file.read(MAX_FILE_BYTES + 1)


def _parse(data: bytes, domain: str) -> CachedPolicy:
    try:
        raw = read_json(data, max_bytes=MAX_FILE_BYTES, max_depth=2)
    except UntrustedDataError as exc:
        raise _Damaged(str(exc)) from None
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise _Damaged("not a mailhop MTA-STS cache file")
    if raw.get("version") != VERSION or type(raw.get("version")) is not int:
        raise _Damaged(f"version {str(raw.get('version'))[:16]}, this mailhop reads {VERSION}")
    if raw.get("domain") != domain.lower().rstrip("."):
        raise _Damaged(f"it holds the policy of {str(raw.get('domain'))[:64]!r}")
    record_id, fetched_at, text = raw.get("id"), raw.get("fetched_at"), raw.get("policy")
    if not isinstance(record_id, str) or not _RECORD_ID.fullmatch(record_id):
        raise _Damaged("the record id is not an RFC 8461 id")
    # type() rather than isinstance(): JSON true is not a time.
    if type(fetched_at) is not int or fetched_at < 0:
        raise _Damaged("fetched_at is not a whole number of seconds")
    if not isinstance(text, str):
        raise _Damaged("the policy is not text")
    parsed = parse_mtasts_policy(text.encode("utf-8"))
    if parsed.policy is None:
        raise _Damaged(f"the policy is refused: {parsed.error}")
    return CachedPolicy(domain.lower(), record_id, parsed.policy, float(fetched_at))


def _utc(seconds: float) -> str:
    try:
        return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    except (OverflowError, OSError, ValueError):
        return "?"
