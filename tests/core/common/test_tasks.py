"""Ending the tasks a stage started: gather_all waits for every one, on every way out."""

from __future__ import annotations

import asyncio

import pytest

from mailhop.core.common.tasks import gather_all


def test_the_results_come_in_the_order_asked() -> None:
    async def after(seconds: float, value: str) -> str:
        await asyncio.sleep(seconds)
        return value

    assert asyncio.run(gather_all(after(0.02, "a"), after(0.0, "b"))) == ("a", "b")


def test_one_failure_ends_the_others_before_it_is_raised() -> None:
    """asyncio.gather would return the error with the slow one still running."""
    ended: list[str] = []

    async def slow() -> None:
        try:
            await asyncio.sleep(60)
        finally:
            ended.append("slow")

    async def broken() -> None:
        raise RuntimeError("planted bug")

    async def run() -> list[asyncio.Task[object]]:
        with pytest.raises(RuntimeError, match="planted bug"):
            await gather_all(slow(), broken())
        return [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]

    assert asyncio.run(run()) == []
    assert ended == ["slow"]


def test_a_cancelled_caller_waits_for_the_others_to_end() -> None:
    ended: list[str] = []

    async def slow(name: str) -> None:
        try:
            await asyncio.sleep(60)
        finally:
            await asyncio.sleep(0.01)  # cleanup that itself awaits (closing a socket)
            ended.append(name)

    async def run() -> None:
        caller = asyncio.ensure_future(gather_all(slow("a"), slow("b")))
        await asyncio.sleep(0.01)
        caller.cancel()
        with pytest.raises(asyncio.CancelledError):
            await caller
        assert sorted(ended) == ["a", "b"]

    asyncio.run(run())
