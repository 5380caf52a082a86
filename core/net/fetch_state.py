"""One fetch's state: its request, its hops so far, and where the current request is.

Shared by the fetcher and its network backend. A timeout says what it was waiting for
(``Progress.describe``); a failure deep in the backend (no address, TLS refused) travels up
through httpcore's pool as a ``FetchFailure`` with its typed code, which the fetcher turns
into the result (``FetchRun.failed``).
"""

from __future__ import annotations

import enum
import time
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from ..common.errors import RemoteFailure
from .fetch_result import FetchErrorCode, FetchResult, Hop

__all__ = [
    "BODY_HEADERS",
    "PROGRESS",
    "FetchFailure",
    "FetchRequest",
    "FetchRun",
    "Phase",
    "Progress",
]

BODY_HEADERS = frozenset({"content-type", "content-encoding", "content-language"})


class Phase(enum.Enum):
    RESOLVING = "looking up the address of {host}"
    CONNECTING = "connecting to {host}{peers}"
    TLS = "the TLS handshake with {host}"
    WAITING = "waiting for {host} to answer"
    BODY = "reading the answer from {host} ({received} bytes arrived)"


@dataclass(slots=True, eq=False)
class Progress:
    """Where one request is, so that a timeout can say what it was waiting for."""

    host: str
    phase: Phase = Phase.WAITING  # a reused connection goes straight to waiting
    addresses: tuple[str, ...] = ()
    peer: str | None = None
    tls: str | None = None
    received: int = 0

    def describe(self) -> str:
        peers = f" ({', '.join(self.addresses)})" if self.addresses else ""
        return self.phase.value.format(host=self.host, peers=peers, received=self.received)


# The backend learns which request it connects for through this: httpcore connects in the
# task that sends the request, so a context variable is per request without any plumbing.
PROGRESS: ContextVar[Progress | None] = ContextVar("mailhop_fetch_progress", default=None)


class FetchFailure(RemoteFailure):
    """A fetch ended without a usable answer: its kind and its words for a person."""

    def __init__(self, code: FetchErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(slots=True, eq=False)
class FetchRun:
    url: str
    started: float
    first: str = ""
    current: str = ""
    hops: list[Hop] = field(default_factory=list)
    progress: Progress | None = None

    def result(self, **values: Any) -> FetchResult:
        return FetchResult(
            url=self.first or self.url,
            final_url=self.current or self.url,
            hops=tuple(self.hops),
            elapsed=time.monotonic() - self.started,
            **values,
        )

    def failed(self, code: FetchErrorCode, message: str) -> FetchResult:
        last = self.hops[-1] if self.hops else None
        return self.result(
            status=last.status if last else None, error=message, error_code=code, body=None
        )

    def timeout_message(self) -> str:
        doing = self.progress.describe() if self.progress else "starting"
        return f"the deadline passed while {doing}"


@dataclass(frozen=True, slots=True)
class FetchRequest:
    method: str
    body: bytes | None
    headers: tuple[tuple[str, str], ...]

    def redirected(self, status: int) -> FetchRequest:
        """The request for the next hop (module docstring: which statuses change it)."""
        to_get = (status == 303 and self.method != "HEAD") or (
            status in (301, 302) and self.method == "POST"
        )
        if not to_get:
            return self
        headers = tuple(h for h in self.headers if h[0].lower() not in BODY_HEADERS)
        return FetchRequest("GET", None, headers)
