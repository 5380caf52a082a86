"""The fields of a profile file, each read with its type checked (account/profile.py).

A profile is JSON that a person may have edited by hand: every field is taken only if it
has the type mailhop wrote, and a text that reaches the line-based exports (a folder name,
a verdict) only if it passes the rule it was written by. Anything else is a
``FieldReadError`` naming the field, which profile.py turns into "damaged".
"""

from __future__ import annotations

import enum
from typing import Any, TypeVar

from ..common.errors import UntrustedDataError
from ..verdict.verdict import Level
from .special_use import folder_name

__all__ = [
    "FieldReadError",
    "flag",
    "folder",
    "level",
    "maybe_flag",
    "member",
    "object_field",
    "objects",
    "text",
    "texts",
]


class FieldReadError(UntrustedDataError):
    """One field of a profile file missing or of the wrong type or range."""


def maybe_flag(raw: dict[str, Any], key: str) -> bool | None:
    value = raw.get(key)
    if value is not None and not isinstance(value, bool):
        raise FieldReadError(f"{key} is not true, false or null")
    return value


def text(raw: dict[str, Any], key: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str):
        raise FieldReadError(f"{key} is {'missing' if value is None else 'not text'}")
    return value


def level(raw: dict[str, Any], key: str) -> Level:
    """A verdict level by its value, as save_profile wrote it."""
    try:
        return Level(text(raw, key))
    except ValueError:
        raise FieldReadError(f"{key} is not a verdict mailhop writes") from None


E = TypeVar("E", bound=enum.Enum)


def member(raw: dict[str, Any], key: str, kind: type[E]) -> E:
    """One of the core's enums by the value the profile writer spelled it with."""
    value = text(raw, key)
    try:
        return kind(value)
    except ValueError:
        raise FieldReadError(f"{key} {value[:24]!r} is not a value mailhop writes") from None


def folder(raw: dict[str, Any], key: str) -> str:
    """A folder name, by the rule the login test read it with (special_use.folder_name): a
    hand-edited line break would otherwise reach the line-based exports."""
    if key not in raw:
        return ""  # version 1, or a server that marks none
    value = text(raw, key)
    if value and folder_name(value) is None:
        raise FieldReadError(f"{key} {value[:64]!r} is no folder name (a control character?)")
    return value


def flag(raw: dict[str, Any], key: str) -> bool:
    value = raw.get(key)
    if not isinstance(value, bool):
        raise FieldReadError(f"{key} is not true or false")
    return value


def object_field(raw: dict[str, Any], key: str) -> dict[str, Any]:
    value = raw.get(key)
    if not isinstance(value, dict):
        raise FieldReadError(f"{key} is not an object")
    return value


def objects(raw: dict[str, Any], key: str) -> list[dict[str, Any]]:
    value = raw.get(key)
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise FieldReadError(f"{key} is not a list of objects")
    return value


def texts(raw: dict[str, Any], key: str) -> tuple[str, ...]:
    value = raw.get(key)
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise FieldReadError(f"{key} is not a list of texts")
    return tuple(value)
