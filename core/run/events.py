"""Progress events: one small frozen class per kind, and the observer that receives them.

    ProgressEvent
     ├── SourceStarted    a discovery source was asked (DNS name, URL, ...)
     ├── SourceFinished   ... and what it came back with (one per attempt it produced)
     ├── PhaseBegan       discovery moved on to a later phase (plain HTTP and guesses)
     ├── ProbeStarted     a server probe connected to host:port (what it checks there)
     └── ProbeFinished    ... and how it ended (its status and the outcome in words)

Discovery (run/discovery.py) and the check (run/check.py) emit them as things happen; the
CLI's live progress and the GUI's checking page consume them with ``match`` on the class,
so a front end that forgets a kind, or tests a field a kind does not have, fails the type
check instead of showing nothing. An observer is called on the event loop's thread; one
that raises an ``Exception`` is ignored (progress must never stop a check).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Protocol

from ..common.i18n import N_, Labels
from ..discover.report import Source, Status

__all__ = [
    "PHASE",
    "Phase",
    "PhaseBegan",
    "ProbeFinished",
    "ProbeStarted",
    "ProgressEvent",
    "ProgressObserver",
    "SourceFinished",
    "SourceStarted",
    "ignore",
]


class Phase(enum.Enum):
    """A later phase of discovery, run only when phase 1 found nothing usable."""

    PLAIN_HTTP_AND_GUESSES = "plain-http-and-guesses"


PHASE = Labels({Phase.PLAIN_HTTP_AND_GUESSES: N_("phase 2: plain HTTP and guessing")})


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceStarted:
    """A source was asked. ``task`` names this start: the source's finishes carry it."""

    source: Source
    target: str
    at: float  # seconds since the start of the run
    task: str


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceFinished:
    """One attempt of a started source. One source can finish with several attempts under
    targets of their own (WKD's URL, OPENPGPKEY's hashed name), so a live view matches ends
    to starts by ``task``, not by ``target``. ``detail`` may be a server's words: untrusted."""

    source: Source
    target: str
    at: float
    task: str
    status: Status
    detail: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class PhaseBegan:
    """Discovery began a later phase."""

    phase: Phase
    at: float


@dataclass(frozen=True, slots=True, kw_only=True)
class ProbeStarted:
    """A server probe began; ``checks`` says what it checks there (service, security)."""

    target: str  # host:port
    at: float
    checks: str

    @property
    def task(self) -> str:
        return f"probe {self.target}"


@dataclass(frozen=True, slots=True, kw_only=True)
class ProbeFinished:
    """A server probe ended: ``status`` FOUND (a session), FAILED or TIMED_OUT, and the
    outcome in words (the TLS version and certificate, or why it failed)."""

    target: str  # host:port
    at: float
    status: Status
    detail: str

    @property
    def task(self) -> str:
        return f"probe {self.target}"


ProgressEvent = SourceStarted | SourceFinished | PhaseBegan | ProbeStarted | ProbeFinished


class ProgressObserver(Protocol):
    """Whatever receives progress: a function or an object with ``__call__``."""

    def __call__(self, event: ProgressEvent, /) -> None: ...


def ignore(event: ProgressEvent, /) -> None:
    """The observer of a run nobody watches."""
