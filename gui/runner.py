"""The core's coroutines on an asyncio loop in a worker thread; results back on the GUI thread.

The window never waits: it hands a coroutine to ``AsyncRunner.submit`` and names what to
call with the result, the exception, or the cancellation. Every call back happens on the
GUI thread, through one queued Qt signal, so widgets are only ever touched there. The core's
progress observers run on the worker thread and use ``post`` the same way.

Why a thread with its own loop rather than Qt's asyncio integration: the core's pipeline
is plain asyncio (TaskGroup, timeouts, sockets with TLS), and the one loop the CLI uses is
the one loop it is tested with; a thread boundary with queued signals is the well-trodden
Qt path and keeps a busy check from stalling repaints.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
import traceback
from collections.abc import Callable, Coroutine
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

__all__ = ["AsyncRunner", "Job"]


class _Relay(QObject):
    """Lives on the GUI thread; ``call`` emitted from any thread runs there (queued)."""

    call = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.call.connect(self._run)

    @Slot(object)
    def _run(self, thunk: Callable[[], None]) -> None:
        thunk()


class Job:
    """One submitted coroutine: ``cancel`` stops it on the worker (the core cleans up)."""

    def __init__(self, future: concurrent.futures.Future[Any]) -> None:
        self._future = future

    def cancel(self) -> None:
        self._future.cancel()  # cancels the asyncio task via run_coroutine_threadsafe

    @property
    def done(self) -> bool:
        return self._future.done()


class AsyncRunner:
    """One worker thread with one asyncio loop for the window's whole life."""

    def __init__(self) -> None:
        self._relay = _Relay()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="mailhop-core", daemon=True
        )
        self._thread.start()

    def post(self, function: Callable[..., None], *args: Any) -> None:
        """Run ``function(*args)`` on the GUI thread soon (callable from any thread)."""
        self._relay.call.emit(lambda: function(*args))

    def submit(
        self,
        coroutine: Coroutine[Any, Any, Any],
        *,
        done: Callable[[Any], None],
        failed: Callable[[BaseException, str], None],
        cancelled: Callable[[], None] | None = None,
    ) -> Job:
        """Run ``coroutine`` on the worker; exactly one of the callbacks follows, on the GUI
        thread. ``failed`` gets the exception and its traceback (for the log only)."""
        future = asyncio.run_coroutine_threadsafe(coroutine, self._loop)

        def finished(result: concurrent.futures.Future[Any]) -> None:
            if result.cancelled():
                if cancelled is not None:
                    self.post(cancelled)
                return
            exc = result.exception()
            if exc is None:
                self.post(done, result.result())
                return
            trace = "".join(traceback.format_exception(exc))
            self.post(failed, exc, trace)

        future.add_done_callback(finished)
        return Job(future)

    def running_tasks(self, timeout: float = 5.0) -> int:
        """How many tasks the worker's loop still runs (for tests: has a cancel stopped it all?)."""

        async def count() -> int:
            return len(asyncio.all_tasks()) - 1  # not this one

        return asyncio.run_coroutine_threadsafe(count(), self._loop).result(timeout)

    def stop(self) -> None:
        """Cancel what runs and end the thread (the window is closing)."""

        def cancel_all() -> None:
            for task in asyncio.all_tasks(self._loop):
                task.cancel()
            self._loop.call_soon(self._loop.stop)

        if self._loop.is_running():
            self._loop.call_soon_threadsafe(cancel_all)
            self._thread.join(timeout=5)
