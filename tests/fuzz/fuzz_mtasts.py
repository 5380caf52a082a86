"""Fuzzes MTA-STS (core/discover/parse_mtasts.py): the policy file, the ``_mta-sts`` TXT record
built from the same bytes, and MX matching against the policy's patterns.

Both parsers document that they return a result with ``error`` rather than raise, and
``mx_matches`` is a plain predicate, so CONTRACT is empty. Safety rules (asserts): a
policy's ``max_age`` is within RFC 8461's year, and every pattern is lower-case ASCII.
"""

from __future__ import annotations

from mailhop.core.discover.parse_mtasts import (
    MAX_AGE_LIMIT,
    mx_matches,
    parse_mtasts_policy,
    parse_mtasts_record,
)

CONTRACT: tuple[type[BaseException], ...] = ()


def one_input(data: bytes) -> None:
    result = parse_mtasts_policy(data)
    if result.policy is not None:
        assert 0 <= result.policy.max_age <= MAX_AGE_LIMIT
        for pattern in result.policy.mx:
            assert pattern.isascii() and pattern == pattern.lower()
            mx_matches(pattern, "mail.example.com")
        result.policy.allows(data[:64].decode("latin-1"))
    # The same bytes as a TXT record, whole and as character-strings of 255 octets.
    parse_mtasts_record([data])
    parse_mtasts_record([[data[i : i + 255] for i in range(0, len(data), 255)]])
    mx_matches(data[:80].decode("latin-1"), data[80:160].decode("latin-1"))
