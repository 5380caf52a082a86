"""Fuzzes PACC (core/discover/parse_pacc.py): the JSON document, with and without a matching
``_ua-auto-config`` digest, and the TXT record parser on the same bytes.

parse_pacc and parse_pacc_record document that they return a result with ``error``
rather than raise (the JSON goes through untrusted.read_json: nesting and size bounded),
so CONTRACT is empty. Safety rules (asserts): every candidate has an ASCII host name and
a port 1-65535 (a plaintext entry's host only on a standard TLS port), and a document
checked against its own digest is marked verified.
"""

from __future__ import annotations

import base64
import hashlib

from mailhop.core.common.model import STANDARD_PORTS
from mailhop.core.discover.parse_pacc import PaccRecord, parse_pacc, parse_pacc_record

CONTRACT: tuple[type[BaseException], ...] = ()


def one_input(data: bytes) -> None:
    plain = parse_pacc(data, local_part="alice", domain="example.com", record=None)
    assert not plain.digest_verified
    record = PaccRecord(hashlib.sha256(data).digest())
    checked = parse_pacc(data, local_part="alice", domain="example.com", record=record)
    assert checked.error is not None or checked.digest_verified
    for candidate in plain.candidates + checked.candidates:
        assert candidate.hostname.isascii()
        assert 1 <= candidate.port <= 65535
        if candidate.from_plaintext:  # a plaintext entry's host, on a standard TLS port
            endpoint = (candidate.port, candidate.security)
            assert endpoint in STANDARD_PORTS[candidate.service]
    parse_pacc_record([data, b"v=UAAC1; a=sha256; d=" + base64.b64encode(data[:32])])
