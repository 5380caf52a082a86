"""The worker thread: results, failures and cancellations come back on the GUI thread."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
from typing import Any

from mailhop.gui.runner import AsyncRunner, _Relay


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


def test_stop_lets_every_task_go_closes_the_loop_and_drops_late_calls(qtbot: Any) -> None:
    """The window is closing: every task on the worker is cancelled and awaited (its cleanup
    runs on the loop, not in a finaliser at exit), the loop is closed and its thread is gone,
    and nothing the worker sends afterwards reaches the GUI."""
    runner = AsyncRunner()
    cleaned: list[str] = []
    late: list[str] = []

    async def stalled() -> None:
        try:
            await asyncio.sleep(3600)
        finally:
            await asyncio.sleep(0)  # cleanup that needs the loop (closing a connection, say)
            cleaned.append("stalled")
            runner.post(late.append, "posted after stop")

    job = runner.submit(
        stalled(),
        done=lambda _: late.append("done"),
        failed=lambda *_: late.append("failed"),
        cancelled=lambda: late.append("cancelled"),
    )
    qtbot.waitUntil(lambda: runner.running_tasks() == 1, timeout=5000)
    runner.stop()
    assert cleaned == ["stalled"] and job.done
    assert runner.closed
    qtbot.wait(50)  # queued calls, had any been sent, would run now
    assert late == []
    runner.stop()  # a second stop (the window's, after the application's) is harmless


def test_cancel_rerun_and_quit_exit_cleanly_every_time() -> None:
    """`mailhop demo`: Cancel a check, start another, Quit while it runs, in fresh processes
    at different moments. Exit 0, and not one line on stderr: no fatal error, no task
    destroyed while pending, no "Event loop is closed" from a finaliser at exit."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    moments = [(0, 0), (0, 30), (5, 100), (10, 10), (20, 60), (30, 0), (40, 200), (60, 20)]
    moments += [(80, 120), (100, 5), (150, 300), (200, 50)]
    for cancel_ms, quit_ms in moments:
        done = subprocess.run(
            [sys.executable, "-m", "tests.gui.quit_driver", str(cancel_ms), str(quit_ms)],
            capture_output=True,
            text=True,
            timeout=90,
            env=env,
        )
        where = f"cancel after {cancel_ms} ms, quit after {quit_ms} ms"
        assert (done.returncode, done.stderr) == (0, ""), f"{where}:\n{done.stderr[-3000:]}"


def test_emitting_a_signal_leaves_the_interpreter_s_reference_counts_alone(qtbot: Any) -> None:
    """PySide6 6.12.0's ``emit`` and ``disconnect`` return True without a reference of their own:
    every call takes one from True, and after a check's few hundred progress events (one
    ``post`` each) the process dies at exit with "Fatal Python error: bool_dealloc".
    pyproject.toml excludes that release; this proves the installed one is sound."""
    relay = _Relay()
    before = sys.getrefcount(True)
    for _ in range(1000):
        relay.call.emit(lambda: None)
    relay.call.disconnect()
    taken = before - sys.getrefcount(True)
    from PySide6.QtCore import QCoreApplication

    QCoreApplication.removePostedEvents(relay)
    assert taken < 10, f"{taken} references to True lost in 1000 emits"
