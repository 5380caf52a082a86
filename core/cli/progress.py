"""Live progress on stderr: one line per discovery phase and per source that answers, each
with the time the check can still take at most (the hard deadline's bound: a person waiting
at a terminal knows how long at worst)."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from ..run.events import ProgressEvent, ProgressObserver

__all__ = ["observer", "progress_printer"]


def observer(args: argparse.Namespace, *, quiet: bool = False) -> ProgressObserver | None:
    """Live progress on stderr: when it is a terminal, or as --progress says; never with
    ``quiet`` (JSON on stdout wants a quiet stderr by default too)."""
    progress = sys.stderr.isatty() if args.progress is None else args.progress
    if not progress or quiet:
        return None
    from ..run.discovery import DEFAULT_HARD_DEADLINE

    deadline = getattr(args, "deadline", None) or DEFAULT_HARD_DEADLINE
    return progress_printer(sys.stderr, deadline=deadline)


def progress_printer(stream: TextIO, *, deadline: float | None = None) -> ProgressObserver:
    """Each phase and each source's outcome as a line; starts and probes stay quiet. With
    `deadline` (the run's hard deadline, seconds), each line says how long at most is left."""
    from ..common.i18n import _
    from ..run.events import PHASE, PhaseBegan, SourceFinished
    from ..verdict.labels import SOURCE, STATUS

    def left(at: float) -> str:
        if deadline is None:
            return ""
        bound = _("at most {seconds:.1f} s left").format(seconds=max(0.0, deadline - at))
        return f"  [{bound}]"

    def show(event: ProgressEvent) -> None:
        match event:
            case PhaseBegan(phase=phase, at=at):
                stream.write(f"  {at:6.3f}s  {PHASE[phase]}{left(at)}\n")
            case SourceFinished(source=source, target=target, at=at, status=status):
                said = f"{SOURCE[source]}: {STATUS[status]}  ({target})"
                stream.write(f"  {at:6.3f}s  {said}{left(at)}\n")
            case _:
                return
        stream.flush()

    return show
