"""Ending the tasks a stage started: cancel them, then wait until every one has finished.

DESIGN.md section 3: every task a stage starts is awaited before the stage returns, on every
path (all answered, a deadline, the caller's cancel, an error). A task that is only
cancelled has not stopped: it stops at its next await, and its cleanup (closing a socket, a
TLS session, an HTTP pool) still has to run. Left behind, it goes on after the stage has
returned, or, when the loop ends first, dies pending and runs that cleanup in a finaliser
with no loop at all ("Task was destroyed but it is pending", "Event loop is closed").
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Iterable
from typing import Any, TypeVar, overload

__all__ = ["cancel_and_wait", "gather_all", "wait_through_cancel"]

_A = TypeVar("_A")
_B = TypeVar("_B")
_T = TypeVar("_T")


async def cancel_and_wait(tasks: Iterable[asyncio.Future[Any]]) -> None:
    """Cancel ``tasks`` and return once every one of them is done.

    The wait goes on even when the caller is cancelled meanwhile (the tasks are cancelled
    already, so they end at their next await); the caller's CancelledError is raised after.
    Their results and exceptions are read here, so none is reported as never retrieved:
    whoever needed an answer from them has given up on it.
    """
    every = list(dict.fromkeys(tasks))
    for task in every:
        task.cancel()
    await wait_through_cancel(every)


@overload
async def gather_all(first: Awaitable[_A], second: Awaitable[_B], /) -> tuple[_A, _B]: ...
@overload
async def gather_all(*awaitables: Awaitable[_T]) -> tuple[_T, ...]: ...
async def gather_all(*awaitables: Awaitable[Any]) -> tuple[Any, ...]:
    """Their results, in order, as ``asyncio.gather``; but when one fails (or the caller is
    cancelled) the others are cancelled and waited for before the failure is raised.

    ``asyncio.gather`` leaves the others running when one raises: the half of a source that
    is still fetching would go on after the source, and the run, had ended.
    """
    tasks = [asyncio.ensure_future(awaitable) for awaitable in awaitables]
    try:
        await asyncio.gather(*tasks)
    except BaseException:
        await cancel_and_wait(tasks)
        raise
    return tuple(task.result() for task in tasks)


async def wait_through_cancel(tasks: Iterable[asyncio.Future[Any]]) -> None:
    """Return once every one of ``tasks`` is done, without cancelling them: for work that
    cancelling cannot stop but something else already has (a thread whose socket was shut
    down). A cancel of the caller meanwhile is raised once they are done."""
    every = list(dict.fromkeys(tasks))
    pending = {task for task in every if not task.done()}
    interrupted = False
    while pending:
        try:
            _, pending = await asyncio.wait(pending)
        except asyncio.CancelledError:
            interrupted = True
    for task in every:
        if not task.cancelled():
            task.exception()
    if interrupted:
        raise asyncio.CancelledError
