"""Fuzzes the Autodiscover POX parser (core/parse_autodiscover.py) with whole response
bodies (the seeds: a settings answer, an error, a mobilesync answer, mailhop's export).

parse_autodiscover documents that it never raises for bad input (``error`` is set
instead), so CONTRACT is empty. Safety rules (asserts): every candidate has an ASCII host
name and a port 1-65535 (DESIGN rule 7).
"""

from __future__ import annotations

from mailhop.core.parse_autodiscover import parse_autodiscover

CONTRACT: tuple[type[BaseException], ...] = ()


def one_input(data: bytes) -> None:
    result = parse_autodiscover(data)
    for candidate in result.candidates:
        assert candidate.hostname.isascii()
        assert 1 <= candidate.port <= 65535
