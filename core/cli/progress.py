"""Live progress on stderr: one line per discovery phase and per source that answers."""

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
    return progress_printer(sys.stderr) if progress and not quiet else None


def progress_printer(stream: TextIO) -> ProgressObserver:
    """Each phase and each source's outcome as a line; starts and probes stay quiet."""
    from ..run.events import PHASE, PhaseBegan, SourceFinished
    from ..verdict.labels import SOURCE, STATUS

    def show(event: ProgressEvent) -> None:
        match event:
            case PhaseBegan(phase=phase, at=at):
                stream.write(f"  {at:6.3f}s  {PHASE[phase]}\n")
            case SourceFinished(source=source, target=target, at=at, status=status):
                stream.write(f"  {at:6.3f}s  {SOURCE[source]}: {STATUS[status]}  ({target})\n")
            case _:
                return
        stream.flush()

    return show
