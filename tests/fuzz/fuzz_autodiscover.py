"""Fuzzes the Autodiscover POX parser (core/discover/parse_autodiscover.py) with whole response
bodies (the seeds: a settings answer, an error, a mobilesync answer, mailhop's export).

parse_autodiscover documents that it never raises for bad input (``error`` is set
instead), so CONTRACT is empty. Safety rules (asserts): every candidate has an ASCII host
name and a port 1-65535 (DESIGN rule 7); an endpoint derived from a plaintext entry is on
one of its protocol's standard TLS ports.
"""

from __future__ import annotations

from mailhop.core.common.model import STANDARD_PORTS
from mailhop.core.discover.parse_autodiscover import parse_autodiscover

CONTRACT: tuple[type[BaseException], ...] = ()


def one_input(data: bytes) -> None:
    result = parse_autodiscover(data)
    for candidate in result.candidates:
        assert candidate.hostname.isascii()
        assert 1 <= candidate.port <= 65535
        if candidate.from_plaintext:
            endpoint = (candidate.port, candidate.security)
            assert endpoint in STANDARD_PORTS[candidate.service]
