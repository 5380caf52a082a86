"""What MAILHOP_DEBUG=1 adds to a run that survived a bug: the tracebacks.

A source that crashed is an attempt of its own (``Failure.INTERNAL``, run/discovery_run.py)
whose words say "internal error ... please report it"; its traceback is kept in the
attempt's ``crash`` record, never in the words or the JSON. With MAILHOP_DEBUG set (the
variable main.py already honours for a crash of mailhop itself) each such traceback goes to
stderr after the result, so stdout, text or JSON, stays what it is without the variable.
Tracebacks may hold what the person typed in their frames: shown only when asked for.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:  # the commands import this module before any stage has loaded
    from ..discover.report import Attempt

__all__ = ["DEBUG_VARIABLE", "crash_traces", "print_crash_traces"]

DEBUG_VARIABLE = "MAILHOP_DEBUG"


def crash_traces(attempts: Sequence[Attempt]) -> list[str]:
    """Each crashed source's traceback, headed by the source and what it asked."""
    return [
        f"mailhop: {attempt.source.value} {attempt.target} crashed:\n{attempt.crash.trace}"
        for attempt in attempts
        if attempt.crash is not None and attempt.crash.trace
    ]


def print_crash_traces(attempts: Sequence[Attempt], stream: TextIO | None = None) -> None:
    """The tracebacks to stderr, when MAILHOP_DEBUG is set; nothing otherwise."""
    if not os.environ.get(DEBUG_VARIABLE):
        return
    for trace in crash_traces(attempts):
        print(trace.rstrip("\n"), file=stream or sys.stderr)
