"""NSEC3 proofs (RFC 5155 section 8) over one zone's validated records, and the
iteration limit of RFC 9276 above which a chain is not evaluated.

Hashes hide the tree, so a name error needs a closest-encloser proof (section 8.3): an
NSEC3 matching the closest encloser and one covering the "next closer" name, plus one
covering the wildcard at the closest encloser (8.4). A chain whose records all use more
than MAX_NSEC3_ITERATIONS extra iterations is *declined* (``Nsec3Chain.declined`` says
why): hashing them would cost the validator, and RFC 9276 section 3.2 lets it call such
answers insecure.
"""

from __future__ import annotations

import base64
import binascii
import enum
from collections.abc import Sequence
from dataclasses import dataclass

import dns.name
from dns.rdtypes.ANY.NSEC3 import NSEC3

from ..common.failure import Failure
from .dnssec_bitmap import (
    bitmap_objection,
    bitmap_types,
    in_ring,
    is_delegation,
    type_name,
    wildcard_of,
)

__all__ = [
    "MAX_NSEC3_ITERATIONS",
    "EncloserTrouble",
    "Nsec3Chain",
    "Nsec3Record",
    "nsec3_nodata",
    "nsec3_nxdomain",
    "opt_out",
]

# RFC 9276 section 3.2: validators should not evaluate NSEC3 chains with more extra
# iterations than this (Unbound's default, val-nsec3-keysize-iterations); a proof that
# needs them counts as insecure.
MAX_NSEC3_ITERATIONS = 150
Nsec3Record = tuple[dns.name.Name, NSEC3]


class EncloserTrouble(enum.Enum):
    """Why a chain proves no closest encloser (RFC 5155 section 8.3)."""

    DELEGATION = "delegation"  # the matching NSEC3 is a delegation's: it proves nothing below
    NEXT_CLOSER_UNCOVERED = "next-closer-uncovered"
    NO_ENCLOSER = "no-encloser"


@dataclass(frozen=True, slots=True)
class _Hashed:
    owner: bytes  # the hash in the owner name's first label, raw
    nsec3: NSEC3


class Nsec3Chain:
    """The usable NSEC3 records of one zone, with a memo of computed hashes."""

    def __init__(self, zone: dns.name.Name, records: Sequence[Nsec3Record]) -> None:
        self.zone = zone
        self.records = [h for h in (_hashed(zone, o, r) for o, r in records) if h is not None]
        self._memo: dict[tuple[dns.name.Name, int, bytes], bytes] = {}
        costly = [r.iterations for o, r in records if _costly(zone, o, r)]
        # Why the chain cannot answer, when only records too costly to hash are there.
        self.declined = None if self.records or not costly else _declined_reason(max(costly))

    def _hash(self, name: dns.name.Name, nsec3: NSEC3) -> bytes:
        import dns.dnssec  # here: it loads cryptography, not needed before an answer

        key = (name, nsec3.iterations, nsec3.salt)
        if key not in self._memo:
            text = dns.dnssec.nsec3_hash(name, nsec3.salt, nsec3.iterations, nsec3.algorithm)
            self._memo[key] = base64.b32hexdecode(text)
        return self._memo[key]

    def match(self, name: dns.name.Name) -> NSEC3 | None:
        return next((h.nsec3 for h in self.records if h.owner == self._hash(name, h.nsec3)), None)

    def cover(self, name: dns.name.Name) -> NSEC3 | None:
        return next(
            (
                h.nsec3
                for h in self.records
                if in_ring(h.owner, self._hash(name, h.nsec3), h.nsec3.next)
            ),
            None,
        )

    def closest_encloser(
        self, qname: dns.name.Name
    ) -> tuple[dns.name.Name, dns.name.Name, NSEC3] | Failure[EncloserTrouble]:
        """(closest encloser, next closer, NSEC3 covering it), or why there is none."""
        candidate = qname
        while candidate != self.zone and candidate.is_subdomain(self.zone):
            parent = candidate.parent()
            found = self.match(parent)
            if found is not None:
                if is_delegation(bitmap_types(found.windows)) and parent != self.zone:
                    return Failure(
                        code=EncloserTrouble.DELEGATION,
                        message=f"{parent} is a delegation: its NSEC3 proves nothing below it",
                    )
                covering = self.cover(candidate)
                if covering is None:
                    return Failure(
                        code=EncloserTrouble.NEXT_CLOSER_UNCOVERED,
                        message=f"no NSEC3 record covers the next closer name {candidate}",
                    )
                return parent, candidate, covering
            candidate = parent
        return Failure(
            code=EncloserTrouble.NO_ENCLOSER,
            message=f"no NSEC3 record proves a closest encloser for {qname}",
        )


def _hashed(zone: dns.name.Name, owner: dns.name.Name, nsec3: NSEC3) -> _Hashed | None:
    """The record's owner hash, if the record is usable for this zone at all."""
    if owner == dns.name.root or nsec3.algorithm != 1:  # 1 = SHA-1, the only one defined
        return None  # (an NSEC3 record at the root, signed by the root, hashes nothing)
    if owner.parent() != zone:
        return None
    if _costly(zone, owner, nsec3):
        return None
    label = owner.labels[0].upper()
    try:
        raw = base64.b32hexdecode(label + b"=" * (-len(label) % 8))
    except (binascii.Error, ValueError):
        return None
    return _Hashed(raw, nsec3)


def _costly(zone: dns.name.Name, owner: dns.name.Name, nsec3: NSEC3) -> bool:
    """A record of this zone's chain that RFC 9276 lets a validator refuse to hash."""
    if owner == dns.name.root or owner.parent() != zone:
        return False
    return bool(nsec3.iterations > MAX_NSEC3_ITERATIONS)


def _declined_reason(iterations: int) -> str:
    return (
        f"the zone's NSEC3 records use {iterations} extra hash iterations, more than the "
        f"{MAX_NSEC3_ITERATIONS} mailhop evaluates (RFC 9276 section 3.2), so its proofs "
        "count as insecure"
    )


def opt_out(nsec3: NSEC3) -> bool:
    return bool(nsec3.flags & 1)  # RFC 5155 section 3.1.2.1


def nsec3_nxdomain(qname: dns.name.Name, chain: Nsec3Chain) -> tuple[str | None, bool]:
    """(objection or None, opt_out) for a name error (RFC 5155 section 8.4)."""
    found = chain.closest_encloser(qname)
    if isinstance(found, Failure):
        return found.message, False
    encloser, _, covering = found
    if chain.cover(wildcard_of(encloser)) is None:
        return f"no NSEC3 record rules out the wildcard {wildcard_of(encloser)}", False
    if opt_out(covering):
        return f"{qname} falls in an NSEC3 opt-out span: unsigned names may exist there", True
    return None, False


def nsec3_nodata(qname: dns.name.Name, rdtype: int, chain: Nsec3Chain) -> tuple[str | None, bool]:
    """(objection or None, opt_out) for no data (RFC 5155 sections 8.5-8.7)."""
    match = chain.match(qname)
    if match is not None:
        return bitmap_objection(bitmap_types(match.windows), rdtype, str(qname)), False
    found = chain.closest_encloser(qname)
    if isinstance(found, Failure):
        return found.message, False
    encloser, _, covering = found
    if opt_out(covering):  # 8.6 and erratum 3441: an unsigned delegation may be there
        return f"{qname} falls in an NSEC3 opt-out span: unsigned names may exist there", True
    at_wildcard = chain.match(wildcard_of(encloser))
    if at_wildcard is not None:  # 8.7: wildcard no-data
        return bitmap_objection(
            bitmap_types(at_wildcard.windows), rdtype, str(wildcard_of(encloser))
        ), False
    return f"no NSEC3 record at {qname} shows that it lacks {type_name(rdtype)}", False
