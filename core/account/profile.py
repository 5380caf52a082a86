"""Saved accounts: the verified, non-secret settings, as a versioned file, and re-check diffs.

A profile holds what the check verified (endpoints, security, user name, how each server was
authenticated, its SPKI pin, where each setting came from, the approvals given, the verdict
and when) and never a secret: the password lives only in the OS keyring, and the profile
names the keyring entries so ``forget`` can remove them.

Files are JSON, one per account, under the user's config directory (platformdirs), written
atomically (a temporary file in the same directory, fsync, rename), so a crash never leaves a
half-written profile. ``compare`` lists every difference between a saved profile and a new
check; nothing changes a profile silently (DESIGN.md section 4, rule 10).

A profile file is read as untrusted bytes (anyone, or a disk error, may have changed it):
through the JSON boundary (untrusted.read_json: size and nesting bounded, no infinite
numbers), then every field is checked for its type and range. Whatever is wrong with one
file becomes a ``ProfileError`` that names the file and says why; ``list_profiles`` lists
it among the others and never lets it hide them.
"""

from __future__ import annotations

import enum
import json
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..common.errors import StorageError
from ..common.fields import FieldError, validate_hostname
from ..common.files import write_atomically
from ..common.model import AuthMethod, Security, Service
from ..common.untrusted import UntrustedDataError, read_json
from ..policy.tiers import Tier
from ..probe.probe_report import EndpointProbe
from ..verdict.verdict import Level
from .approval import Approval
from .profile_diff import Difference, compare
from .profile_fields import (
    FieldReadError,
    flag,
    folder,
    level,
    maybe_flag,
    member,
    object_field,
    objects,
    text,
    texts,
)
from .security_state import KeySetting, RelayState, StateError, keys_from_json, relay_from_json

__all__ = [
    "PROFILE_VERSION",
    "READABLE_VERSIONS",
    "AccountProfile",
    "Difference",
    "EndpointSetting",
    "ProfileError",
    "SecretRef",
    "compare",
    "default_directory",
    "delete_profile",
    "endpoint_setting",
    "list_profiles",
    "load_profile",
    "parse_profile",
    "profile_path",
    "render_profile",
    "save_profile",
]

PROFILE_VERSION = 2
# Version 1 files (before the Sent and Drafts folders) are read as they are: every field
# they have means the same in version 2.
READABLE_VERSIONS = frozenset({1, PROFILE_VERSION})
MAX_PROFILE_BYTES = 1 << 20  # a real profile is about 2 KB; this bounds a stray big file


class ProfileError(StorageError):
    """A profile file that cannot be read or written; the message names the file and why."""


@dataclass(frozen=True, slots=True)
class EndpointSetting:
    # The core's enums; the file spells them by value, converted only where the file is
    # written (_to_json) and read (_endpoint), so no exporter compares spellings.
    service: Service  # SUBMISSION / IMAP / POP3
    host: str
    port: int
    security: Security
    username: str
    auth_method: AuthMethod  # PASSWORD_CLEARTEXT, PASSWORD_ENCRYPTED or OAUTH2 (signin.py)
    spki_sha256: str  # the key the check verified: a changed key is a difference
    authenticated_by: str  # dane-ee / dane-ta / pkix
    tier: Tier
    sources: tuple[str, ...]  # "srv: _imaps._tcp.example.com SRV (dnssec-secure)", ...
    # DNSSEC-signed TLSA records for host and port (security_state.py); None: unknown, or
    # a file written before it was remembered.
    tlsa: bool | None = None


@dataclass(frozen=True, slots=True)
class SecretRef:
    """Where a password was stored: the keyring's service name and user, not the secret."""

    service: str
    username: str


@dataclass(frozen=True, slots=True)
class AccountProfile:
    version: int
    address: str  # local@A-label
    address_unicode: str
    display_name: str
    incoming: EndpointSetting
    outgoing: EndpointSetting
    oauth2: bool
    approvals: tuple[Approval, ...]
    secrets: tuple[SecretRef, ...]
    verdict: Level  # written as its value ("ok", "warn", ...)
    checked_at: str  # ISO 8601 UTC
    # The OAuth2 issuer setup signed in at (core/account/oauth_signin.py), "" when none:
    # no secret, it tells the exports (Thunderbird's <oAuth2>) where the client signs in.
    oauth2_issuer: str = ""
    # The relay policy and the published end-to-end keys the check saw (security_state.py):
    # recheck reports a weaker state. None and () in a file written before they were kept.
    relay: RelayState | None = None
    encryption_keys: tuple[KeySetting, ...] = ()
    # Version 2: the mailboxes the server marks \Sent and \Drafts (RFC 6154), read by the
    # login test (special_use.py); "" when it marks none or for a version 1 file.
    sent_folder: str = ""
    drafts_folder: str = ""


def endpoint_setting(
    probe: EndpointProbe, username: str, auth_method: AuthMethod
) -> EndpointSetting:
    entry = probe.entry
    return EndpointSetting(
        service=entry.service,
        host=entry.hostname,
        port=entry.port,
        security=entry.security,
        username=username,
        auth_method=auth_method,
        spki_sha256=probe.cert.spki_sha256 if probe.cert else "",
        authenticated_by=how.value if (how := probe.authenticated_by) else "",
        tier=entry.tier,
        sources=tuple(f"{o.source.value}: {o.target} ({o.auth.value})" for o in entry.origins),
    )


def default_directory() -> Path:
    from platformdirs import user_config_path

    return user_config_path("mailhop", appauthor=False) / "accounts"


def profile_path(address: str, directory: Path) -> Path:
    # The A-label address is ASCII; "/" and NUL cannot occur in a parsed address, but the
    # name is checked anyway so a profile can never be written outside `directory`.
    name = f"{address}.json"
    if "/" in name or "\\" in name or name.startswith(".") or "\x00" in name:
        raise ProfileError(f"{address!r} cannot name a profile file")
    return directory / name


def save_profile(profile: AccountProfile, directory: Path | None = None) -> Path:
    """Write atomically; returns the path. Raises ProfileError naming the file."""
    folder = directory or default_directory()
    path = profile_path(profile.address, folder)
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        write_atomically(path, render_profile(profile), mode=0o600)
    except OSError as exc:
        raise ProfileError(f"cannot save the profile {path}: {exc.strerror or exc}") from exc
    return path


def load_profile(address: str, directory: Path | None = None) -> AccountProfile:
    """The saved profile of ``address``; ProfileError (naming the file) and nothing else."""
    path = profile_path(address, directory or default_directory())
    try:
        return _read(path)
    except FileNotFoundError:
        raise ProfileError(f"there is no saved account for {address} ({path})") from None


def list_profiles(directory: Path | None = None) -> list[AccountProfile | ProfileError]:
    """Every saved profile, sorted by file name; an unreadable file is listed as a
    ProfileError naming it and why, among the others, never instead of them."""
    folder = directory or default_directory()
    try:
        paths = sorted(folder.glob("*.json")) if folder.is_dir() else []
    except OSError as exc:
        return [ProfileError(f"the folder {folder} cannot be read: {exc.strerror or exc}")]
    found: list[AccountProfile | ProfileError] = []
    for path in paths:
        try:
            found.append(_read(path))
        except FileNotFoundError:
            continue  # removed since the folder was listed (a forget in another window)
        except ProfileError as exc:
            found.append(exc)
    return found


def _read(path: Path) -> AccountProfile:
    """One profile file; ProfileError naming it, or FileNotFoundError when it is gone."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise ProfileError(f"the profile {path} cannot be read: {exc.strerror or exc}") from exc
    profile = parse_profile(data, path)
    # A file edited by hand is checked again before anything is exported from it: it must
    # still be the account its name says (a changed address would export one account's
    # servers under another's name and keyring entries).
    if profile_path(profile.address, path.parent).name != path.name:
        raise ProfileError(f"{path} is damaged: it holds the account {profile.address!r}")
    return profile


def render_profile(profile: AccountProfile) -> bytes:
    """The file's bytes: JSON, UTF-8, keys sorted (so a diff of two saves is readable)."""
    text = json.dumps(_to_json(profile), indent=2, ensure_ascii=False, sort_keys=True)
    return (text + "\n").encode("utf-8")


def parse_profile(data: bytes, path: Path) -> AccountProfile:
    """A profile from the bytes of the file at ``path`` (named in errors); ProfileError,
    and nothing else, for bytes that are not one."""
    try:
        raw = read_json(data, max_bytes=MAX_PROFILE_BYTES)
    except UntrustedDataError as exc:
        raise ProfileError(f"the profile {path} cannot be read: {exc}") from exc
    return _from_json(raw, path)


def delete_profile(address: str, directory: Path | None = None) -> Path | None:
    path = profile_path(address, directory or default_directory())
    try:
        path.unlink()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ProfileError(f"cannot remove the profile {path}: {exc.strerror or exc}") from exc
    return path


def now_text() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _to_json(profile: AccountProfile) -> dict[str, Any]:
    data: dict[str, Any] = _spelled(asdict(profile))
    data["format"] = "mailhop-account"
    return data


def _spelled(value: Any) -> Any:
    """``value`` with every enum as its value: the one place the records' enums become the
    file's words (the file is byte-identical to the one written when they were strings)."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dict):
        return {key: _spelled(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_spelled(item) for item in value]
    return value


def _from_json(raw: object, path: Path) -> AccountProfile:
    if not isinstance(raw, dict) or raw.get("format") != "mailhop-account":
        raise ProfileError(f"{path} is not a mailhop account profile")
    version = raw.get("version")
    if type(version) is not int or version not in READABLE_VERSIONS:
        raise ProfileError(
            f"{path} has profile version {str(version)[:16]}; this mailhop reads versions "
            f"{', '.join(map(str, sorted(READABLE_VERSIONS)))}"
        )
    try:
        return AccountProfile(
            version=version,
            address=text(raw, "address"),
            address_unicode=text(raw, "address_unicode"),
            display_name=text(raw, "display_name"),
            incoming=_endpoint(object_field(raw, "incoming")),
            outgoing=_endpoint(object_field(raw, "outgoing")),
            oauth2=flag(raw, "oauth2"),
            approvals=tuple(
                Approval(
                    text(a, "registrable"),
                    text(a, "unicode"),
                    texts(a, "hosts"),
                    text(a, "approved_at"),
                )
                for a in objects(raw, "approvals")
            ),
            secrets=tuple(
                SecretRef(text(s, "service"), text(s, "username")) for s in objects(raw, "secrets")
            ),
            verdict=level(raw, "verdict"),
            checked_at=text(raw, "checked_at"),
            oauth2_issuer=text(raw, "oauth2_issuer") if "oauth2_issuer" in raw else "",
            relay=relay_from_json(raw.get("relay")),
            encryption_keys=keys_from_json(raw.get("encryption_keys")),
            sent_folder=folder(raw, "sent_folder"),
            drafts_folder=folder(raw, "drafts_folder"),
        )
    except (FieldReadError, StateError) as exc:
        raise ProfileError(f"{path} is damaged: {exc}") from None


def _endpoint(raw: dict[str, Any]) -> EndpointSetting:
    port = raw.get("port")
    # type() rather than isinstance(): JSON true is not port 1.
    if type(port) is not int or not 1 <= port <= 65535:
        raise FieldReadError(f"port {str(port)[:24]!r} is not a whole number 1-65535")
    host = text(raw, "host")
    try:
        # The rule every discovered host passed (fields.validate_hostname): a hand-edited
        # host with a line break or a space would otherwise reach the line-based exports.
        validate_hostname(host)
    except FieldError as exc:
        raise FieldReadError(f"host {host[:64]!r}: {exc.message}") from None
    return EndpointSetting(
        service=member(raw, "service", Service),
        host=host,
        port=port,
        security=member(raw, "security", Security),
        username=text(raw, "username"),
        auth_method=member(raw, "auth_method", AuthMethod),
        spki_sha256=text(raw, "spki_sha256"),
        authenticated_by=text(raw, "authenticated_by"),
        tier=member(raw, "tier", Tier),
        sources=texts(raw, "sources") if "sources" in raw else (),
        tlsa=maybe_flag(raw, "tlsa"),
    )
