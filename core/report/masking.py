"""Masking a report: every spelling of the address's local part hidden on request."""

from __future__ import annotations

import dataclasses
from urllib.parse import quote

from .sections import HelpdeskReport

__all__ = ["HIDDEN", "masked"]

HIDDEN = "***"  # a masked local part


def masked(report: HelpdeskReport, local: str, forms: tuple[str, ...]) -> HelpdeskReport:
    """Every string of the report with the address's local part hidden."""
    hidden = HIDDEN
    pairs = [(form, hidden + "@" + form.rpartition("@")[2]) for form in forms]
    pairs += [
        (quote(form, safe=""), quote(hidden, safe="") + "%40" + form.rpartition("@")[2])
        for form in forms
    ]

    def scrub(value: object) -> object:
        if isinstance(value, str):
            if value == local:
                return hidden
            for old, new in pairs:
                value = value.replace(old, new)
            return value
        if isinstance(value, tuple):
            return tuple(scrub(v) for v in value)
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            changes = {f.name: scrub(getattr(value, f.name)) for f in dataclasses.fields(value)}
            return dataclasses.replace(value, **changes)
        return value

    result = scrub(report)
    assert isinstance(result, HelpdeskReport)
    return result
