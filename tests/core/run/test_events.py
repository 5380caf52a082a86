"""Progress events as types: the phases and sources a run announces, and how the CLI's
live progress says them (in the person's language, from the enum, not from English text
carried in the event)."""

from __future__ import annotations

import asyncio

from mailhop.core.common.address import parse_address
from mailhop.core.discover.report import Source
from mailhop.core.run.discovery import discover
from mailhop.core.run.events import (
    Phase,
    PhaseBegan,
    ProgressEvent,
    SourceStarted,
)
from tests.core.run.test_discovery import options
from tests.lab.lab import LabInfo
from tests.test_cli import lab_options, run


def test_phase_two_is_announced_before_its_sources_start(lab: LabInfo) -> None:
    events: list[ProgressEvent] = []
    parsed = parse_address("ivan@plainonly.test", allow_test_domains=True)
    asyncio.run(discover(parsed, options(lab), events.append))
    (began,) = [e for e in events if isinstance(e, PhaseBegan)]
    assert began.phase is Phase.PLAIN_HTTP_AND_GUESSES
    later = events[events.index(began) :]
    started = {e.source for e in later if isinstance(e, SourceStarted)}
    assert Source.HTTP_AUTOCONFIG in started
    assert Source.HTTP_AUTOCONFIG not in {
        e.source for e in events[: events.index(began)] if isinstance(e, SourceStarted)
    }


def test_the_cli_progress_says_the_phase_in_the_persons_language(lab: LabInfo) -> None:
    """The phase is an enum in the event: the CLI's live progress words it in German, where
    it once printed the English text the event carried."""
    done = run("discover", "ivan@plainonly.test", "--progress", "--lang", "de", *lab_options(lab))
    assert "Phase 2: einfaches HTTP und Erraten" in done.stderr, done.stderr
    assert "guessing" not in done.stderr
