"""Authenticated denial of existence: NSEC (RFC 4035) and NSEC3 (RFC 5155) proofs.

Theory of operation
-------------------
dnspython verifies signatures but cannot tell whether a set of NSEC/NSEC3 records
*proves* that a name or a type is absent; this module does that, and nothing else.
It is pure: the caller (``dnssec.py``) has already checked that every record handed in
here carries a valid signature by the zone's keys, so the functions only reason about
names, hashes and type bitmaps.

* NSEC records chain the zone's names in canonical order (RFC 4034 section 6.1).
  dnspython's ``Name.__lt__`` is that order (``fullcompare`` compares labels from the
  root down, each label as bytes with ASCII letters lowered, a missing label first), so
  plain ``<`` between names is used for "covers". A *covering* NSEC has
  ``owner < name < next`` (the last NSEC wraps around to the apex); a *matching* NSEC has
  ``owner == name`` and lists the types present there.
* NSEC3 records do the same over hashed names (RFC 5155 section 5), ordered as raw hash
  bytes; ``dnssec_nsec3`` holds that chain and its closest-encloser proofs, and
  ``dnssec_bitmap`` what both kinds share (type bitmaps, wildcards, ring order).
* NSEC3 opt-out (RFC 5155 section 6): an NSEC3 whose opt-out flag is set may skip
  unsigned delegations. A covering opt-out NSEC3 therefore proves only that no *signed*
  delegation exists there; an unsigned delegation might. Such a denial comes back with
  ``opt_out=True`` and ``proven=False``; the caller reports the answer as INSECURE (the
  name can only exist as unsigned data), never as a proven absence (RFC 6840 section
  4.4 treats opt-out the same way for DS).
* Records from an ancestor delegation (NS without SOA, or DNAME) never prove anything
  about names below that cut (RFC 6840 section 4.1).
* NSEC3 records with more than MAX_NSEC3_ITERATIONS extra hash iterations are not
  evaluated (RFC 9276 section 3.2: hashing them costs the validator, not the zone). When
  only such records speak to a question, the outcome is *declined*: a Denial with
  ``declined=True`` or a CutProof of kind DECLINED, which the caller reports as INSECURE,
  as RFC 9276 allows and Unbound does, never as BOGUS or as an unproven absence. The
  records must still carry valid signatures (RFC 9276 section 3.2, RFC 5155 section 10.3):
  the caller hands in only records its keys validated.

Every outcome carries a reason written as a sentence, for the report shown to users.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass

import dns.name
import dns.rdatatype
from dns.rdtypes.ANY.NSEC import NSEC

from ..common.failure import Failure
from .dnssec_bitmap import (
    bitmap_objection,
    bitmap_types,
    in_ring,
    is_delegation,
    type_name,
    wildcard_of,
)
from .dnssec_nsec3 import (
    MAX_NSEC3_ITERATIONS,
    Nsec3Chain,
    Nsec3Record,
    nsec3_nodata,
    nsec3_nxdomain,
    opt_out,
)

__all__ = [
    "MAX_NSEC3_ITERATIONS",
    "CutKind",
    "CutProof",
    "Denial",
    "DenialKind",
    "ProofKind",
    "classify_cut",
    "prove_denial",
    "prove_wildcard_expansion",
]

NsecRecord = tuple[dns.name.Name, NSEC]
_DS = dns.rdatatype.DS
_NS = dns.rdatatype.NS
_SOA = dns.rdatatype.SOA


class DenialKind(enum.Enum):
    NXDOMAIN = "nxdomain"  # the name does not exist
    NODATA = "nodata"  # the name exists, the record type does not


class ProofKind(enum.Enum):
    NSEC = "nsec"
    NSEC3 = "nsec3"
    NONE = "none"


@dataclass(frozen=True, slots=True)
class Denial:
    """What a negative answer claims and whether the signed records prove it."""

    kind: DenialKind
    proof: ProofKind
    proven: bool
    reason: str
    opt_out: bool = False  # covered by an NSEC3 opt-out span: unsigned data may exist
    declined: bool = False  # NSEC3 above MAX_NSEC3_ITERATIONS: not evaluated (RFC 9276)


class CutKind(enum.Enum):
    UNSIGNED_DELEGATION = "unsigned delegation"  # a zone cut proven to have no DS
    NOT_A_CUT = "not a cut"  # the name is no delegation (absent, empty, or plain data)
    DECLINED = "declined"  # only NSEC3 above MAX_NSEC3_ITERATIONS speak to it (RFC 9276)
    UNPROVEN = "unproven"


@dataclass(frozen=True, slots=True)
class CutProof:
    """The parent's evidence about a name where no DS record was returned."""

    kind: CutKind
    proof: ProofKind
    reason: str


# -- shared helpers ------------------------------------------------------------------


def _proof_kind(nsecs: Sequence[NsecRecord], nsec3s: Sequence[Nsec3Record]) -> ProofKind:
    """Which kind of records an unproven answer offered (for the report)."""
    if nsec3s:
        return ProofKind.NSEC3
    return ProofKind.NSEC if nsecs else ProofKind.NONE


# -- NSEC (RFC 4035 section 5.4) -----------------------------------------------------


def _nsec_covers(owner: dns.name.Name, nsec: NSEC, name: dns.name.Name) -> bool:
    """True when the NSEC interval (owner, next) strictly contains `name`."""
    if not in_ring(owner, name, nsec.next):
        return False
    # An NSEC at an ancestor delegation says nothing below the cut (RFC 6840 4.1).
    return not (name.is_subdomain(owner) and is_delegation(bitmap_types(nsec.windows)))


def _nsec_match(nsecs: Sequence[NsecRecord], name: dns.name.Name) -> NSEC | None:
    return next((nsec for owner, nsec in nsecs if owner == name), None)


def _nsec_nonexistence(nsecs: Sequence[NsecRecord], name: dns.name.Name) -> NsecRecord | None:
    """An NSEC proving that no node `name` exists and nothing exists below it."""
    for owner, nsec in nsecs:
        below = nsec.next.is_subdomain(name) and nsec.next != name
        if _nsec_covers(owner, nsec, name) and not below:
            return owner, nsec
    return None


def _nsec_empty_non_terminal(nsecs: Sequence[NsecRecord], name: dns.name.Name) -> bool:
    """An NSEC covering `name` whose next name lies below it: `name` exists, empty."""
    return any(
        _nsec_covers(owner, nsec, name) and nsec.next.is_subdomain(name) and nsec.next != name
        for owner, nsec in nsecs
    )


def _closest_encloser(name: dns.name.Name, owner: dns.name.Name, nsec: NSEC) -> dns.name.Name:
    """The deepest existing ancestor of `name`, read off its covering NSEC."""
    shared = max(name.fullcompare(owner)[2], name.fullcompare(nsec.next)[2])
    return name.split(shared)[1]


def _nsec_nxdomain(qname: dns.name.Name, nsecs: Sequence[NsecRecord]) -> str | None:
    cover = _nsec_nonexistence(nsecs, qname)
    if cover is None:
        return f"no NSEC record proves that {qname} does not exist"
    wildcard = wildcard_of(_closest_encloser(qname, *cover))
    if _nsec_nonexistence(nsecs, wildcard) is None:
        return f"no NSEC record rules out the wildcard {wildcard}"
    return None


def _nsec_nodata(qname: dns.name.Name, rdtype: int, nsecs: Sequence[NsecRecord]) -> str | None:
    match = _nsec_match(nsecs, qname)
    if match is not None:
        return bitmap_objection(bitmap_types(match.windows), rdtype, str(qname))
    if _nsec_empty_non_terminal(nsecs, qname):
        return None
    cover = _nsec_nonexistence(nsecs, qname)
    if cover is not None:  # RFC 4035 section 3.1.3.4: wildcard no-data
        wildcard = wildcard_of(_closest_encloser(qname, *cover))
        at_wildcard = _nsec_match(nsecs, wildcard)
        if at_wildcard is not None:
            return bitmap_objection(bitmap_types(at_wildcard.windows), rdtype, str(wildcard))
    return f"no NSEC record at {qname} shows that it lacks {type_name(rdtype)}"


# -- public entry points -------------------------------------------------------------


def prove_denial(
    kind: DenialKind,
    qname: dns.name.Name,
    rdtype: int,
    zone: dns.name.Name,
    nsecs: Sequence[NsecRecord],
    nsec3s: Sequence[Nsec3Record],
) -> Denial:
    """Check a negative answer for `qname`/`rdtype` against validated records of `zone`."""
    if not nsecs and not nsec3s:
        return Denial(kind, ProofKind.NONE, False, f"no NSEC or NSEC3 records deny {qname}")
    objection: str | None = "no usable denial records"
    if nsecs:
        if kind is DenialKind.NXDOMAIN:
            objection = _nsec_nxdomain(qname, nsecs)
        else:
            objection = _nsec_nodata(qname, rdtype, nsecs)
        if objection is None:
            return Denial(kind, ProofKind.NSEC, True, _proven_text(kind, qname, rdtype, "NSEC"))
    if nsec3s:
        chain = Nsec3Chain(zone, nsec3s)
        if chain.declined is not None:
            return Denial(kind, ProofKind.NSEC3, False, chain.declined, declined=True)
        if kind is DenialKind.NXDOMAIN:
            objection, opt_out = nsec3_nxdomain(qname, chain)
        else:
            objection, opt_out = nsec3_nodata(qname, rdtype, chain)
        if objection is None:
            return Denial(kind, ProofKind.NSEC3, True, _proven_text(kind, qname, rdtype, "NSEC3"))
        if opt_out:
            return Denial(kind, ProofKind.NSEC3, False, objection, opt_out=True)
    return Denial(kind, _proof_kind(nsecs, nsec3s), False, objection or "no proof")


def _proven_text(kind: DenialKind, qname: dns.name.Name, rdtype: int, proof: str) -> str:
    if kind is DenialKind.NXDOMAIN:
        return f"{proof} records prove that {qname} does not exist"
    return f"{proof} records prove that {qname} has no {type_name(rdtype)} records"


def classify_cut(
    name: dns.name.Name,
    zone: dns.name.Name,
    nsecs: Sequence[NsecRecord],
    nsec3s: Sequence[Nsec3Record],
) -> CutProof:
    """What `zone`'s validated records say about `name` when no DS came back.

    UNSIGNED_DELEGATION: `name` is a zone cut without DS (the child is insecure);
    NOT_A_CUT: `name` is not a delegation, so it stays inside `zone`;
    UNPROVEN: the records do not settle it.
    """
    match = _nsec_match(nsecs, name)
    if match is not None:
        return _classify_bitmap(name, bitmap_types(match.windows), ProofKind.NSEC)
    if _nsec_covers_any(nsecs, name):
        return CutProof(CutKind.NOT_A_CUT, ProofKind.NSEC, f"NSEC shows no delegation at {name}")
    if nsec3s:
        chain = Nsec3Chain(zone, nsec3s)
        if chain.declined is not None:
            return CutProof(CutKind.DECLINED, ProofKind.NSEC3, chain.declined)
        match3 = chain.match(name)
        if match3 is not None:
            return _classify_bitmap(name, bitmap_types(match3.windows), ProofKind.NSEC3)
        found = chain.closest_encloser(name)
        if not isinstance(found, Failure):
            if opt_out(found[2]):
                why = f"{name} lies in an NSEC3 opt-out span of {zone}: any delegation is unsigned"
                return CutProof(CutKind.UNSIGNED_DELEGATION, ProofKind.NSEC3, why)
            why = f"NSEC3 shows that {found[1]} does not exist in {zone}"
            return CutProof(CutKind.NOT_A_CUT, ProofKind.NSEC3, why)
    why = f"{zone} returned no valid proof that {name} has no DS records"
    return CutProof(CutKind.UNPROVEN, _proof_kind(nsecs, nsec3s), why)


def _nsec_covers_any(nsecs: Sequence[NsecRecord], name: dns.name.Name) -> bool:
    return any(_nsec_covers(owner, nsec, name) for owner, nsec in nsecs)


def _classify_bitmap(name: dns.name.Name, types: frozenset[int], proof: ProofKind) -> CutProof:
    label = proof.name
    if _DS in types:
        why = f"{label} at {name} lists DS, yet no DS records were returned"
        return CutProof(CutKind.UNPROVEN, proof, why)
    if _SOA in types:
        why = f"the {label} record for {name} comes from the child side of the cut"
        return CutProof(CutKind.UNPROVEN, proof, why)
    if _NS in types:
        why = f"{label} proves that {name} is delegated without DS records"
        return CutProof(CutKind.UNSIGNED_DELEGATION, proof, why)
    return CutProof(CutKind.NOT_A_CUT, proof, f"{label} shows no delegation at {name}")


def prove_wildcard_expansion(
    qname: dns.name.Name,
    source: dns.name.Name,
    zone: dns.name.Name,
    nsecs: Sequence[NsecRecord],
    nsec3s: Sequence[Nsec3Record],
) -> Denial:
    """Prove that `qname` itself does not exist, so the answer synthesised from the
    wildcard `*.source` is legitimate (RFC 4035 section 5.3.4, RFC 5155 section 8.8)."""
    kind = DenialKind.NXDOMAIN
    cover = _nsec_nonexistence(nsecs, qname)
    # The covering NSEC must also show that `source` is the closest encloser, or a
    # closer name (or wildcard) should have answered instead.
    if cover is not None and _closest_encloser(qname, *cover) == source:
        return Denial(kind, ProofKind.NSEC, True, f"NSEC proves that {qname} does not exist")
    if nsec3s:
        chain = Nsec3Chain(zone, nsec3s)
        if chain.declined is not None:
            return Denial(kind, ProofKind.NSEC3, False, chain.declined, declined=True)
        depth = len(source) + 1  # the next closer name: one label more than the encloser
        next_closer = qname.split(depth)[1]
        covering = chain.cover(next_closer)
        if covering is not None and opt_out(covering):
            why = f"{qname} falls in an NSEC3 opt-out span: unsigned names may exist there"
            return Denial(kind, ProofKind.NSEC3, False, why, opt_out=True)
        if covering is not None:
            return Denial(kind, ProofKind.NSEC3, True, f"NSEC3 proves that {qname} does not exist")
    why = (
        f"the answer for {qname} was expanded from a wildcard without proof that {qname} is absent"
    )
    return Denial(kind, _proof_kind(nsecs, nsec3s), False, why)
