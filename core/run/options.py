"""What a discovery run is given (DiscoveryOptions) and the validating resolver it asks.

Apart from run/discovery.py because the CLI needs both before anything else: `mailhop check`
makes the resolver and sends its first DNS questions while the rest of the pipeline
(sources, HTTP, probes, verdicts: about a quarter of a second of imports) is still loading
(cli/commands.py). So this module imports no more than the resolver does.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..dns.dnssec import TrustAnchor, load_root_anchors
from ..dns.resolver import Resolver, Upstream, system_upstream

__all__ = [
    "DEFAULT_HARD_DEADLINE",
    "DEFAULT_ISPDB_URL",
    "DEFAULT_SOFT_DEADLINE",
    "DiscoveryOptions",
    "discovery_resolver",
]

DEFAULT_SOFT_DEADLINE = 3.0  # seconds: stop early once the verified answer is complete
DEFAULT_HARD_DEADLINE = 8.0  # seconds: never wait longer than this for any source
DEFAULT_ISPDB_URL = "https://autoconfig.thunderbird.net/v1.1/"  # Thunderbird's ISPDB


@dataclass(frozen=True, slots=True, kw_only=True)
class DiscoveryOptions:
    """The settings every command shares (``--resolver``, ``--trust-anchor``, ...)."""

    upstream: Upstream | None = None  # None: the system's first name server
    anchor: TrustAnchor | None = None  # None: the IANA root keys shipped with mailhop
    extra_ca_file: Path | None = None
    ispdb_url: str = DEFAULT_ISPDB_URL
    soft_deadline: float = DEFAULT_SOFT_DEADLINE
    hard_deadline: float = DEFAULT_HARD_DEADLINE
    phase2: bool = True
    # Where MTA-STS policies are kept between runs (discover/mtasts_cache.py); None keeps
    # none. The CLI and the window use the user's cache folder (settings.py).
    mtasts_cache_dir: Path | None = None


def discovery_resolver(options: DiscoveryOptions, started: float) -> Resolver:
    """The validating resolver for a run that started at `started` (monotonic seconds)."""
    upstream = options.upstream or system_upstream()
    anchor = options.anchor or load_root_anchors()
    return Resolver(upstream, anchor, deadline=started + options.hard_deadline)
