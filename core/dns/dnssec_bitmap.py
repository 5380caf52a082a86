"""What NSEC and NSEC3 proofs share: type bitmaps, wildcards, delegations, ring order.

Pure helpers for ``dnssec_denial`` (NSEC) and ``dnssec_nsec3`` (NSEC3).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol, TypeVar

import dns.name
import dns.rdatatype

__all__ = [
    "bitmap_objection",
    "bitmap_types",
    "in_ring",
    "is_delegation",
    "type_name",
    "wildcard_of",
]

DS = dns.rdatatype.DS
NS = dns.rdatatype.NS
SOA = dns.rdatatype.SOA
CNAME = dns.rdatatype.CNAME
DNAME = dns.rdatatype.DNAME


class _Ordered(Protocol):
    def __lt__(self, other: Any, /) -> bool: ...


_T = TypeVar("_T", bound=_Ordered)


def bitmap_types(windows: Sequence[tuple[int, bytes]]) -> frozenset[int]:
    """The record types an NSEC/NSEC3 type bitmap lists (RFC 4034 section 4.1.2)."""
    found: set[int] = set()
    for window, bitmap in windows:
        for index, octet in enumerate(bitmap):
            for bit in range(8):
                if octet & (0x80 >> bit):
                    found.add(window * 256 + index * 8 + bit)
    return frozenset(found)


def type_name(rdtype: int) -> str:
    return dns.rdatatype.to_text(dns.rdatatype.RdataType.make(rdtype))


def wildcard_of(encloser: dns.name.Name) -> dns.name.Name:
    # Never longer than 255 octets: an encloser is a proper ancestor of the question (one
    # label of 1+ octets gone, "*" added), or the question itself only when a record below
    # it exists, which leaves at least 2 octets of room.
    return dns.name.Name((b"*", *encloser.labels))


def is_delegation(types: frozenset[int]) -> bool:
    return (NS in types and SOA not in types) or DNAME in types


def bitmap_objection(types: frozenset[int], rdtype: int, where: str) -> str | None:
    """Why a matching bitmap does NOT deny `rdtype` (None when it does)."""
    if rdtype in types:
        return f"the record at {where} lists {type_name(rdtype)} as present"
    if CNAME in types:
        return f"{where} is an alias (CNAME), so the data lives elsewhere"
    if rdtype != DS and NS in types and SOA not in types:
        return f"{where} is a delegation: only the child zone can deny data there"
    if rdtype == DS and SOA in types:
        return f"the record at {where} comes from the child zone, which cannot deny DS"
    return None


def in_ring(low: _T, value: _T, high: _T) -> bool:
    """low < value < high, where the last link of a chain wraps around to the first."""
    if low < high:
        return low < value and value < high
    return low < value or value < high
