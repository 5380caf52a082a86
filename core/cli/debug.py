"""What MAILHOP_DEBUG=1 adds to a run that survived a bug: the tracebacks.

A source that crashed is an attempt of its own (``Failure.INTERNAL``, run/discovery_run.py),
a probe that crashed a probe record whose failure says so (probe/stage.py); their words say
"internal error ... please report it", and the traceback is kept beside them (the
attempt's ``crash``, the probe failure's ``trace``), never in the words or the JSON. With
MAILHOP_DEBUG set (the variable main.py already honours for a crash of mailhop itself) each
such traceback goes to stderr after the result; stdout, text or JSON, stays what it is.
Tracebacks may hold what the person typed in their frames: shown only when asked for.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:  # the commands import this module before any stage has loaded
    from ..discover.report import Attempt
    from ..probe.probe_report import EndpointProbe

__all__ = ["DEBUG_VARIABLE", "crash_traces", "print_crash_traces"]

DEBUG_VARIABLE = "MAILHOP_DEBUG"


def crash_traces(attempts: Sequence[Attempt], probes: Sequence[EndpointProbe] = ()) -> list[str]:
    """Each crashed source's and probe's traceback, headed by what it asked or probed."""
    traces = [
        f"mailhop: {attempt.source.value} {attempt.target} crashed:\n{attempt.crash.trace}"
        for attempt in attempts
        if attempt.crash is not None and attempt.crash.trace
    ]
    traces += [
        f"mailhop: the probe of {probe.endpoint} crashed:\n{probe.failure.trace}"
        for probe in probes
        if probe.failure is not None and probe.failure.trace
    ]
    return traces


def print_crash_traces(
    attempts: Sequence[Attempt],
    probes: Sequence[EndpointProbe] = (),
    stream: TextIO | None = None,
) -> None:
    """The tracebacks to stderr, when MAILHOP_DEBUG is set; nothing otherwise."""
    if not os.environ.get(DEBUG_VARIABLE):
        return
    for trace in crash_traces(attempts, probes):
        print(trace.rstrip("\n"), file=stream or sys.stderr)
