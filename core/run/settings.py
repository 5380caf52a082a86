"""The options every front end offers, from what a person typed to DiscoveryOptions.

The CLI's shared flags (``--resolver``, ``--trust-anchor``, ``--ca-file``, ``--ispdb-url``,
``--deadline``) and the GUI's advanced settings dialog hold the same strings; this turns
them into options once, with one wording for every mistake.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..common.errors import UsageError
from ..discover.mtasts_folder import default_cache_directory
from ..dns.dnssec import TrustAnchor
from ..dns.resolver import parse_upstream
from .options import (
    DEFAULT_HARD_DEADLINE,
    DEFAULT_ISPDB_URL,
    DEFAULT_SOFT_DEADLINE,
    DiscoveryOptions,
)

__all__ = ["MAX_DEADLINE", "Settings", "options_from_settings"]

MAX_DEADLINE = 120.0


@dataclass(frozen=True, slots=True)
class Settings:
    """As typed; empty means the default (the system's resolver, IANA's root keys ...)."""

    resolver: str = ""
    trust_anchor: Path | None = None
    ca_file: Path | None = None
    ispdb_url: str = ""
    deadline: float | None = None
    allow_test_domains: bool = False


def options_from_settings(settings: Settings) -> DiscoveryOptions:
    """DiscoveryOptions for ``settings``; a UsageError says what is wrong, for a person."""
    upstream = parse_upstream(settings.resolver) if settings.resolver.strip() else None
    anchor = None
    if settings.trust_anchor is not None:
        anchor = TrustAnchor.from_text(_read(settings.trust_anchor, "trust anchor"))
    if settings.ca_file is not None:
        _read(settings.ca_file, "CA file")
    ispdb = settings.ispdb_url.strip() or DEFAULT_ISPDB_URL
    if not ispdb.startswith("https://"):
        raise UsageError(f"the provider database URL must be https://, got {ispdb!r}")
    hard = DEFAULT_HARD_DEADLINE if settings.deadline is None else settings.deadline
    if not 0 < hard <= MAX_DEADLINE:
        raise UsageError(f"the deadline must be between 0 and 120 seconds, got {hard}")
    return DiscoveryOptions(
        upstream=upstream,
        anchor=anchor,
        extra_ca_file=settings.ca_file,
        ispdb_url=ispdb,
        soft_deadline=min(DEFAULT_SOFT_DEADLINE, hard),
        hard_deadline=hard,
        mtasts_cache_dir=default_cache_directory(),
    )


def _read(path: Path, what: str) -> str:
    try:
        return path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read the {what} {path}: {exc}") from exc
