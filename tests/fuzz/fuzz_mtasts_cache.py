"""Fuzzes the MTA-STS policy cache's reader (core/discover/mtasts_cache.py): the bytes as the
cache file of one domain, read as a later run reads it.

A damaged file is answered with a CacheRefusal, never an exception, so CONTRACT is empty.
Safety rules (asserts): a policy read back is one the live parser accepts, for the domain
asked, with an RFC 8461 record id.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from mailhop.core.discover.mtasts_cache import CachedPolicy, CacheRefusal, MtaStsCache
from mailhop.core.discover.parse_mtasts import MAX_AGE_LIMIT

CONTRACT: tuple[type[BaseException], ...] = ()

_FOLDER = Path(tempfile.mkdtemp(prefix="fuzz-mtasts-cache-"))
_CACHE = MtaStsCache(_FOLDER, clock=lambda: 1_796_000_000.0)


def one_input(data: bytes) -> None:
    (_FOLDER / "example.com.json").write_bytes(data)
    found = _CACHE.usable("example.com")
    assert found is None or isinstance(found, (CachedPolicy, CacheRefusal))
    if isinstance(found, CachedPolicy):
        assert found.domain == "example.com"
        assert found.record_id.isascii() and found.record_id.isalnum()
        assert 0 <= found.policy.max_age <= MAX_AGE_LIMIT
