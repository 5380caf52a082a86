"""A dict that forgets its least recently used entries past a size: the caches a batch run
keeps across thousands of domains (shared probes, DNS answers, provider database) must
keep a flat memory, while what many domains ask for (a provider's hosts) stays in."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

__all__ = ["Lru"]

K = TypeVar("K")
V = TypeVar("V")


class Lru(Generic[K, V]):
    """At most `size` entries; ``keep(value)`` False pins one (a task still running)."""

    def __init__(self, size: int, keep: Callable[[V], bool] = lambda _: False) -> None:
        self.size = size
        self._pinned = keep
        self._items: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K) -> V | None:
        value = self._items.get(key)
        if value is not None:
            self._items.move_to_end(key)
        return value

    def __setitem__(self, key: K, value: V) -> None:
        self._items[key] = value
        self._items.move_to_end(key)
        if len(self._items) > self.size:
            self._forget()

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def __len__(self) -> int:
        return len(self._items)

    def values(self) -> Iterator[V]:
        return iter(list(self._items.values()))

    def _forget(self) -> None:
        # A pinned entry goes to the recent end as it is met, so the next insert does not walk
        # past it again; walking (and hashing) every pinned key on each insert made an audit of
        # 300 lab domains spend a quarter of its CPU here (tests/bench/bench_audit.py).
        for _ in range(len(self._items)):
            if len(self._items) <= self.size:
                return
            key, value = self._items.popitem(last=False)
            if self._pinned(value):
                self._items[key] = value
