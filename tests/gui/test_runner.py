"""The worker thread: results, failures and cancellations come back on the GUI thread."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

from mailhop.gui.runner import AsyncRunner


def test_results_failures_and_cancellation_arrive_on_the_gui_thread(qtbot: Any) -> None:
    runner = AsyncRunner()
    seen: list[tuple[str, object, bool]] = []
    gui = threading.current_thread()

    def note(kind: str) -> Any:
        return lambda *args: seen.append(
            (kind, args[0] if args else None, threading.current_thread() is gui)
        )

    async def answer() -> int:
        assert threading.current_thread() is not gui  # the work itself is off the GUI thread
        return 42

    async def broken() -> None:
        raise ValueError("the core said no")

    async def forever() -> None:
        await asyncio.sleep(3600)

    try:
        runner.submit(answer(), done=note("done"), failed=note("failed"))
        runner.submit(broken(), done=note("done"), failed=note("failed"))
        job = runner.submit(
            forever(), done=note("done"), failed=note("failed"), cancelled=note("cancelled")
        )
        qtbot.waitUntil(lambda: len(seen) == 2, timeout=5000)
        assert not job.done
        job.cancel()
        qtbot.waitUntil(lambda: len(seen) == 3, timeout=5000)
    finally:
        runner.stop()
    kinds = {kind: (value, on_gui) for kind, value, on_gui in seen}
    assert kinds["done"] == (42, True)
    assert isinstance(kinds["failed"][0], ValueError) and kinds["failed"][1]
    assert kinds["cancelled"] == (None, True)


def test_observer_events_posted_from_the_worker_run_in_order(qtbot: Any) -> None:
    runner = AsyncRunner()
    got: list[int] = []

    async def emit() -> None:
        for number in range(200):
            runner.post(got.append, number)

    try:
        runner.submit(emit(), done=lambda _: None, failed=lambda *_: None)
        qtbot.waitUntil(lambda: len(got) == 200, timeout=5000)
    finally:
        runner.stop()
    assert got == list(range(200))
