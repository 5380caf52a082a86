"""The batch caches' bound: the least recently used go first, a pinned entry never."""

from __future__ import annotations

from mailhop.core.common.lru import Lru


def test_the_least_recently_used_go_and_pinned_ones_stay() -> None:
    cache: Lru[str, int] = Lru(3, keep=lambda value: value < 0)
    cache["running"] = -1  # pinned: a session still running
    cache["a"], cache["b"] = 1, 2
    assert cache.get("a") == 1  # used: now the most recent
    cache["c"] = 3
    assert "b" not in cache and {"running", "a", "c"} == {
        k for k in ("running", "a", "c") if k in cache
    }
    for n in range(100):
        cache[f"x{n}"] = n
    assert len(cache) == 3 and "running" in cache and "x99" in cache


def test_pinned_entries_are_walked_past_once_not_on_every_insert() -> None:
    asked: list[int] = []

    def running(value: int) -> bool:
        asked.append(value)
        return value < 0  # negative: still running, pinned

    cache: Lru[int, int] = Lru(150, keep=running)
    for key in range(100):
        cache[key] = -1  # pinned, the oldest
    for key in range(100, 1100):
        cache[key] = key
    assert len(cache) == 150 and all(key in cache for key in range(100))
    # Before: each insert past the size walked the 100 pinned keys again (some 95,000 asks).
    assert len(asked) < 3 * 1000
