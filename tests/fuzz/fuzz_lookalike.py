"""Fuzzes the look-alike classifier (core/common/lookalike.py) with any host name text: A-labels
from DNS records and documents, U-labels, broken punycode, lone surrogates.

classify_host has no error in its contract: a name IDNA refuses is kept as it is, so it
never raises. Safety rules (asserts): a look-alike has suspect labels and only non-ASCII
ones; the shown form always contains the A-label form, so nothing is hidden from a person.
"""

from __future__ import annotations

import atheris

from mailhop.core.common.lookalike import classify_host

CONTRACT: tuple[type[BaseException], ...] = ()


def one_input(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    text = fdp.ConsumeUnicode(300) if fdp.ConsumeBool() else data.decode("utf-8", "replace")
    host = classify_host(text)
    assert host.lookalike == bool(host.suspects) == bool(host.problems)
    assert all(not label.ulabel.isascii() and label.problems for label in host.suspects)
    assert host.alabel in host.shown and host.ulabel in host.shown
