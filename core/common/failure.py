"""A failure as data: a code from the failing step's enum, words for a person, and for a bug
the traceback.

A step that can fail for reasons outside mailhop (a document that is no XML, a DNS lookup
that came back SERVFAIL) returns ``Value | Failure[Code]`` instead of ``Value | str``: a
caller decides on ``code`` (an enum the type checker knows), never on the words of
``message``, and an internal error keeps its traceback for the report a person sends,
without putting it into the words they read.
"""

from __future__ import annotations

import enum
import traceback
from dataclasses import dataclass, field
from typing import Generic, Self, TypeVar

__all__ = ["Failure"]

Code = TypeVar("Code", bound=enum.Enum)


@dataclass(frozen=True, slots=True, kw_only=True)
class Failure(Generic[Code]):
    """Why a step produced no value: ``code`` to decide on, ``message`` to show."""

    code: Code
    message: str
    trace: str | None = field(default=None, repr=False)  # an internal error's traceback

    @classmethod
    def internal(cls, code: Code, error: BaseException) -> Self:
        """A bug in mailhop: a message that says so, and the traceback kept for a report."""
        words = str(error) or type(error).__name__
        message = f"internal error in mailhop ({type(error).__name__}: {words}); please report it"
        trace = "".join(traceback.format_exception(error))
        return cls(code=code, message=message, trace=trace)

    def __str__(self) -> str:
        return self.message
