"""The password as a type: masked wherever it could be shown, refused when mail protocols
cannot carry it.

``Password`` carries the secret through the program. Printing, formatting, logging, pickling
or a traceback shows ``Password(****)``; ``reveal()`` is the one way to the text, so every use
can be found with grep. It refuses what IMAP, POP3 and SMTP cannot carry (empty, NUL, CR,
LF): a line break would end the command early and turn the rest into a new command.
"""

from __future__ import annotations

import hmac
from typing import NoReturn, SupportsIndex, final

from ..common.errors import UsageError

__all__ = ["InvalidPassword", "Password", "problem_of", "unchecked_password"]


class InvalidPassword(UsageError):
    """A password mail protocols cannot carry; the message says why and never shows it."""


# -- the password ---------------------------------------------------------------------------

_MASK = "Password(****)"


@final
class Password:
    """A secret that never shows itself; ``reveal()`` is the only way to the text.

    Not a dataclass: its generated ``repr`` and ``==`` are exactly what must not happen. It is
    unhashable (a hash of the text is not constant-time and would outlive the object), refuses
    pickling (a pickle is a plaintext copy), and ``copy`` returns the same object.
    """

    __slots__ = ("_text",)
    _text: str

    def __init__(self, text: str) -> None:
        if not isinstance(text, str):
            raise TypeError(f"a Password is made from str, not {type(text).__name__}")
        problem = problem_of(text)
        if problem:
            raise InvalidPassword(problem)
        object.__setattr__(self, "_text", text)

    def reveal(self) -> str:
        """The secret itself: call this only where it goes into a TLS session or the keyring."""
        return self._text

    def __repr__(self) -> str:
        return _MASK

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        return _MASK

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Password):
            return NotImplemented
        # Constant time: how long a comparison takes must not tell how much of a guess matched.
        return hmac.compare_digest(self._text.encode(), other._text.encode())

    __hash__ = None  # type: ignore[assignment]

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise AttributeError("a Password cannot be changed")

    def __delattr__(self, name: str) -> NoReturn:
        raise AttributeError("a Password cannot be changed")

    def __reduce_ex__(self, protocol: SupportsIndex) -> NoReturn:
        raise TypeError("a Password cannot be pickled: the pickle would hold it in plain text")

    def __copy__(self) -> Password:
        return self

    def __deepcopy__(self, memo: object) -> Password:
        return self


def problem_of(text: str) -> str | None:
    if not text:
        return "the password is empty"
    if "\x00" in text:
        return "the password contains a NUL character, which IMAP, POP3 and SMTP cannot carry"
    if "\r" in text or "\n" in text:
        return (
            "the password contains a line break (CR or LF); mail protocols end a command at a "
            "line break, so it cannot be sent"
        )
    return None


def unchecked_password(text: str) -> Password:
    """Wrap text read back from the keyring without the checks (a rollback must restore it)."""
    password = object.__new__(Password)
    object.__setattr__(password, "_text", text)
    return password
