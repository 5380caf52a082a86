"""The default schedule: every job at once, each with the run's one deadline."""

from __future__ import annotations

import asyncio

from mailhop.core.common.schedule import AllAtOnce


def test_every_job_is_admitted_at_once_under_the_one_deadline() -> None:
    scheduler = AllAtOnce(123.5)
    inside = 0
    most = 0

    async def job() -> float:
        nonlocal inside, most
        async with scheduler.slot() as deadline:
            inside += 1
            most = max(most, inside)
            await asyncio.sleep(0.01)
            inside -= 1
            return deadline

    async def run() -> list[float]:
        return list(await asyncio.gather(*(job() for _ in range(5))))

    assert asyncio.run(run()) == [123.5] * 5
    assert most == 5
    assert scheduler.deadline == 123.5
