"""Fuzzes the autoconfig parser (core/discover/parse_autoconfig.py) with whole documents, as an
HTTPS or HTTP fetch hands them over (the seeds are ISPDB files and mailhop's own export).

parse_autoconfig documents that it never raises for bad input: a document it cannot use
comes back with ``error`` set, a bad server entry is dropped with an issue. CONTRACT is
therefore empty. Safety rules (asserts): every candidate that survives has an ASCII LDH
host name, a port 1-65535 and no control character in its user name (DESIGN rule 7); an
endpoint derived from a plaintext entry is on one of its protocol's standard TLS ports.
"""

from __future__ import annotations

from mailhop.core.common.fields import has_control
from mailhop.core.common.model import STANDARD_PORTS
from mailhop.core.discover.parse_autoconfig import parse_autoconfig

CONTRACT: tuple[type[BaseException], ...] = ()


def one_input(data: bytes) -> None:
    result = parse_autoconfig(data, local_part="alice", domain="example.com")
    assert result.error is None or not result.candidates
    for candidate in result.candidates:
        assert candidate.hostname.isascii() and candidate.hostname == candidate.hostname.lower()
        assert 1 <= candidate.port <= 65535
        assert candidate.username is None or not has_control(candidate.username)
        if candidate.from_plaintext:
            endpoint = (candidate.port, candidate.security)
            assert endpoint in STANDARD_PORTS[candidate.service]
