"""The error an address that mailhop cannot set up raises, and its stable codes."""

from __future__ import annotations

from typing import Literal

from .errors import UsageError

__all__ = ["AddressError", "ErrorCode"]

ErrorCode = Literal[
    "empty", "address-too-long", "control", "bidi", "invisible", "whitespace", "no-at",
    "many-at", "empty-local", "quoted-local", "local-too-long", "bad-local", "empty-domain",
    "ip-literal", "fullwidth-dot", "bad-label", "label-too-long", "idna", "domain-too-long",
    "special-use", "single-label", "numeric-tld",
]  # fmt: skip


class AddressError(UsageError):
    """Not an address mailhop can set up. ``code`` is stable; the message is for people."""

    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(message)
        self.code: ErrorCode = code

    def __reduce__(self) -> tuple[type[AddressError], tuple[ErrorCode, str]]:
        return type(self), (self.code, str(self))
