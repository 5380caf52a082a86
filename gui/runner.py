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
import contextlib
import inspect
import threading
import traceback
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar, TypeVarTuple

from PySide6.QtCore import QCoreApplication, QObject, Signal, Slot

__all__ = ["GRACE", "AsyncRunner", "Job"]

GRACE = 5.0  # seconds a task gets to let go of its connections when the window closes

T = TypeVar("T")
Args = TypeVarTuple("Args")


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
    """One worker thread with one asyncio loop for the window's whole life.

    Shutting down has one order. A task merely cancelled and left on a stopped loop runs its
    cleanup later, in a finaliser at exit, with no loop ("Event loop is closed", "Task was
    destroyed but it is pending"), and that cleanup reaches into Qt (a probe's last progress
    event is a ``post``) after QApplication has gone. And the worker holds Python objects
    that belong to the GUI (callbacks, observers, the pages they update): none may be
    released on the worker, or after QApplication, so:

    1. ``closed`` is set: from now on ``post`` drops calls, so the window hears nothing more;
    2. on the worker, every task is cancelled and awaited (its cleanup runs on the loop, not
       in a finaliser at exit), then async generators and the default executor are shut
       down, and the loop stops and is closed;
    3. the thread is joined: every frame of the worker is gone, so whatever it held is
       released here, on the GUI thread;
    4. calls queued for the GUI but not yet run are discarded and the relay disconnected.

    ``stop`` does all of it; the window calls it from its close event, and the application's
    ``aboutToQuit`` calls it too, for a quit that closes no window first.
    """

    def __init__(self) -> None:
        self._relay = _Relay()
        self._loop = asyncio.new_event_loop()
        self._closed = False
        self._thread = threading.Thread(target=self._serve, name="mailhop-core", daemon=True)
        self._thread.start()
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.stop)

    @property
    def closed(self) -> bool:
        """``stop`` has run: no more work is taken and nothing more reaches the GUI."""
        return self._closed

    def post(self, function: Callable[[*Args], None], *args: *Args) -> None:
        """Run ``function(*args)`` on the GUI thread soon (callable from any thread);
        dropped once the runner is stopping."""
        if self._closed:
            return
        self._relay.call.emit(lambda: function(*args))

    def submit(
        self,
        coroutine: Coroutine[Any, Any, T],
        *,
        done: Callable[[T], None],
        failed: Callable[[BaseException, str], None],
        cancelled: Callable[[], None] | None = None,
    ) -> Job:
        """Run ``coroutine`` on the worker; exactly one of the callbacks follows, on the GUI
        thread. ``failed`` gets the exception and its traceback (for the log only). After
        ``stop`` nothing runs and no callback follows."""
        if self._closed:
            coroutine.close()  # never started: no "was never awaited" warning at exit
            refused: concurrent.futures.Future[T] = concurrent.futures.Future()
            refused.cancel()
            return Job(refused)
        future = asyncio.run_coroutine_threadsafe(coroutine, self._loop)

        def finished(result: concurrent.futures.Future[T]) -> None:
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
        """Cancel and await what runs, close the loop, end the thread (the window is closing).

        Call it on the GUI thread; a second call does nothing."""
        if self._closed:
            return
        self._closed = True
        if self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._loop.stop)
            # Bounded: the wind-down gives tasks GRACE seconds, the executor as long again.
            self._thread.join(timeout=3 * GRACE)
        QCoreApplication.removePostedEvents(self._relay)  # queued calls: never run now
        with contextlib.suppress(RuntimeError):  # nothing connected any more
            self._relay.call.disconnect()
        app = QCoreApplication.instance()
        if app is not None:
            with contextlib.suppress(RuntimeError):
                app.aboutToQuit.disconnect(self.stop)

    def _serve(self) -> None:
        """The worker thread: the loop until ``stop``, then its orderly end (see the class)."""
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_forever()
            self._loop.run_until_complete(_wind_down())
        finally:
            asyncio.set_event_loop(None)
            self._loop.close()


async def _wind_down() -> None:
    """Cancel every other task on this loop and wait for each to let go, as asyncio.run
    does at its end, again for any task that cleanup started; then the async generators and
    the default executor (login tests run there). Bounded, so a task that ignores
    cancellation cannot keep the window open.

    A task is cancelled only once it has started: one cancelled before its first step never
    runs its coroutine, and a library that wraps the coroutine it was given (anyio's task
    groups, under httpcore) then leaves that one "never awaited", a warning at exit."""
    loop = asyncio.get_running_loop()
    until = loop.time() + GRACE
    seen: set[asyncio.Task[Any]] = set()
    while tasks := [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]:
        seen.update(tasks)
        started = [task for task in tasks if _started(task)]
        for task in started:
            task.cancel()
        if loop.time() >= until:
            break
        if len(started) < len(tasks):
            await asyncio.sleep(0)  # their first step; cancelled in the next round
        else:
            await asyncio.wait(tasks, timeout=until - loop.time())
    for task in seen:
        if task.done() and not task.cancelled():
            task.exception()  # retrieved: the error of a run given up is not news
    await loop.shutdown_asyncgens()
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(loop.shutdown_default_executor(), GRACE)


def _started(task: asyncio.Task[Any]) -> bool:
    coroutine = task.get_coro()
    if not inspect.iscoroutine(coroutine):
        return True  # nothing of ours to judge by: treat it as running
    return inspect.getcoroutinestate(coroutine) != inspect.CORO_CREATED
