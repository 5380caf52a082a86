"""A published server entry as candidates, shared by the autoconfig, Autodiscover and PACC
parsers: the entry itself, or, when the source published it only without TLS, its host on
the protocol's standard TLS endpoints (``from_plaintext``), and no endpoint twice."""

from __future__ import annotations

from collections.abc import Sequence

from ..common.model import STANDARD_PORTS, AuthMethod, Security, ServerCandidate, Service

__all__ = ["entry_candidates", "without_repeats"]


def entry_candidates(
    service: Service,
    hostname: str,
    port: int,
    security: Security,
    *,
    plaintext: bool,
    username: str | None,
    auth_methods: Sequence[AuthMethod],
    order: int,
) -> list[ServerCandidate]:
    """One published server entry as candidates: the entry itself or, when the source
    published it only without TLS, its host on the protocol's standard TLS endpoints
    (``from_plaintext``). Shared by the autoconfig, Autodiscover and PACC parsers."""
    endpoints = STANDARD_PORTS[service] if plaintext else ((port, security),)
    return [
        ServerCandidate(
            service=service,
            hostname=hostname,
            port=tls_port,
            security=tls_security,
            username=username,
            auth_methods=tuple(auth_methods),
            order=order,
            from_plaintext=plaintext,
        )
        for tls_port, tls_security in endpoints
    ]


def without_repeats(candidates: list[ServerCandidate]) -> list[ServerCandidate]:
    """A derived endpoint the document also lists with TLS itself is the document's own;
    two plaintext entries for one host give its standard endpoints once."""
    seen = {(c.service, c.hostname, c.port, c.security) for c in candidates if not c.from_plaintext}
    kept: list[ServerCandidate] = []
    for cand in candidates:
        key = (cand.service, cand.hostname, cand.port, cand.security)
        if cand.from_plaintext:
            if key in seen:
                continue
            seen.add(key)
        kept.append(cand)
    return kept
