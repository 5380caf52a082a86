"""Where the MTA-STS policy cache (mtasts_cache.py) lives by default: the user's cache folder.

Its own module because every front end names the folder in its settings before any check
runs (run/settings.py), and the cache module itself loads the policy parser, the untrusted
data readers and through them cryptography: about 40 ms that `mailhop check` would pay
before its first DNS question.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["default_cache_directory"]


def default_cache_directory() -> Path:
    from platformdirs import user_cache_path

    return user_cache_path("mailhop", appauthor=False) / "mta-sts"
