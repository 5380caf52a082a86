"""Signatures: whether a zone's keys validate an RRset now, allowing a bounded clock skew.

Signers backdate inception (Knot by about 90 minutes, BIND by an hour) and a laptop's clock
may be off by hours; a validator that allows no skew calls whole zones bogus for a clock
that is merely a little wrong. mailhop allows what Unbound allows (val-sig-skew-min/max):
a tenth of the signature's validity period, at least SKEW_MIN and at most SKEW_MAX, on
both ends of the period. A signature outside even that window is judged only after its
cryptography holds, so a time failure always means "genuinely signed by these keys, but
not for now": for the trust anchor's own zone that is the clock's fault, not the DNS's.

Whether a signature's cryptography holds is remembered (``Verified``): one zone's NSEC
records prove most of its names' absence, and its keys sign every answer, so a check meets
the same (records, signature, keys) many times, and an audit meets a provider's records in
every domain that names it. The memo is keyed by the records, the signature and the keys
themselves, never by a name alone, and the time is judged afresh on every check.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

import dns.name
import dns.rdatatype
import dns.rrset
from dns.exception import UnsupportedAlgorithm, ValidationFailure
from dns.rdtypes.ANY.NSEC import NSEC
from dns.rdtypes.ANY.NSEC3 import NSEC3
from dns.rdtypes.ANY.RRSIG import RRSIG

from ..common.lru import Lru
from .dnssec_keys import SUPPORTED_ALGORITHMS
from .dnssec_result import Clock, ZoneState

__all__ = [
    "SKEW_MAX",
    "SKEW_MIN",
    "Checked",
    "DenialRecords",
    "SignatureCheck",
    "Verified",
    "allowed_skew",
    "find",
    "label_count",
    "rrsigs",
    "signatures",
    "text",
    "when",
]

RdataType = dns.rdatatype.RdataType
SKEW_MIN = 3600  # Unbound's val-sig-skew-min: one hour, for daylight saving mistakes
SKEW_MAX = 86400  # Unbound's val-sig-skew-max: a day, for a wrong time zone
VERIFIED_SIZE = 8192  # signatures remembered: a few hundred domains' worth in an audit


def allowed_skew(sig: RRSIG) -> int:
    """How far outside its validity period `sig` is still accepted (Unbound's rule)."""
    return min(max((sig.expiration - sig.inception) // 10, SKEW_MIN), SKEW_MAX)


@dataclass(frozen=True, slots=True)
class Checked:
    """The signature by which a zone's keys validate an RRset, or why none does."""

    sig: RRSIG | None
    problem: str = ""
    # Not PLAUSIBLE when every signature verified but none is valid now, all the same way.
    clock: Clock = Clock.PLAUSIBLE


@dataclass(frozen=True, slots=True)
class DenialRecords:
    """NSEC/NSEC3 records that a zone's keys validate, and the ones that failed."""

    nsecs: list[tuple[dns.name.Name, NSEC]]
    nsec3s: list[tuple[dns.name.Name, NSEC3]]
    failures: list[str]


class Verified:
    """Whether the cryptography of (records, signature, keys) held, for the ones met so far.

    The key is the data itself: the records in their canonical wire form, every field of
    the signature, and every field of the zone's keys. The same owner and signature over
    other records, or under other keys, is another entry. Bounded, so an audit of 10,000
    domains keeps a flat memory.
    """

    def __init__(self, size: int = VERIFIED_SIZE) -> None:
        self._known: Lru[tuple[object, ...], bool] = Lru(size)
        self.hits = 0

    def verifies(self, rrset: dns.rrset.RRset, sig: RRSIG, zone: ZoneState) -> bool:
        import dns.dnssec  # here: it loads cryptography, not needed before an answer

        assert zone.keys is not None
        key = (
            rrset.name.labels,
            rrset.rdtype,
            tuple(sorted(rd.to_digestable() for rd in rrset)),
            _signature_fields(sig),
            zone.apex.labels,
            frozenset((k.flags, k.protocol, k.algorithm, k.key) for k in zone.keys),
        )
        known = self._known.get(key)
        if known is not None:
            self.hits += 1
            return known
        try:  # at a moment inside the signature's own period: the time is judged apart
            dns.dnssec.validate_rrsig(rrset, sig, {zone.apex: zone.keys}, now=float(sig.inception))
            holds = True
        except (ValidationFailure, UnsupportedAlgorithm):
            holds = False
        self._known[key] = holds
        return holds

    def __len__(self) -> int:
        return len(self._known)


def _signature_fields(sig: RRSIG) -> tuple[object, ...]:
    """Every field of an RRSIG: what it covers and when is signed along with the records."""
    return (
        sig.type_covered,
        sig.algorithm,
        sig.labels,
        sig.original_ttl,
        sig.expiration,
        sig.inception,
        sig.key_tag,
        sig.signer.labels,
        sig.signature,
    )


class SignatureCheck:
    """Checks RRSIGs against a zone's keys at the time `clock` tells; `verified` remembers
    which signatures held (a resolver's own, or an audit run's shared one)."""

    def __init__(self, clock: Callable[[], float], verified: Verified | None = None) -> None:
        self._clock = clock
        self._verified = verified if verified is not None else Verified()

    def now(self) -> float:
        return self._clock()

    def check(
        self, rrset: dns.rrset.RRset, section: Iterable[dns.rrset.RRset], zone: ZoneState
    ) -> Checked:
        """The first RRSIG in `section` by which `zone`'s keys validate `rrset`, or why none."""
        sigs = signatures(section, rrset)
        if not sigs:
            return Checked(None, "carry no signatures")
        problems: list[tuple[str, Clock | None]] = []
        for sig in sigs:
            problem = self._problem(rrset, sig, zone)
            if problem is None:
                return Checked(sig)
            problems.append(problem)
        hints = {hint for _, hint in problems}
        clock = hints.pop() if len(hints) == 1 else None
        words = " and ".join(dict.fromkeys(text for text, _ in problems))
        return Checked(None, words, clock or Clock.PLAUSIBLE)

    def _problem(
        self, rrset: dns.rrset.RRset, sig: RRSIG, zone: ZoneState
    ) -> tuple[str, Clock | None] | None:
        """Why `sig` does not validate `rrset` now, and which way a clock would be off."""
        if sig.signer != zone.apex or zone.keys is None:
            return f"are signed by {sig.signer}, not by {zone.apex}", None
        if not rrset.name.is_subdomain(zone.apex):
            return f"lie outside {zone.apex}, which signed them", None
        if sig.algorithm not in SUPPORTED_ALGORITHMS:
            return f"have a signature with unsupported algorithm {sig.algorithm}", None
        if sig.labels > label_count(rrset.name):
            return "have a signature with an impossible label count", None
        if sig.inception > sig.expiration:
            return "have a signature whose validity ends before it begins", None
        if not self._verified.verifies(rrset, sig, zone):  # the cryptography first
            tag, apex = sig.key_tag, zone.apex
            return (
                f"have a signature (key tag {tag}) that does not verify with the keys of {apex}",
                None,
            )
        now, skew = self._clock(), allowed_skew(sig)
        if now > sig.expiration + skew:
            return f"have a signature that expired on {when(sig.expiration)}", Clock.AHEAD
        if now < sig.inception - skew:
            return f"have a signature that is not valid before {when(sig.inception)}", Clock.BEHIND
        return None

    def denial_records(self, section: Iterable[dns.rrset.RRset], zone: ZoneState) -> DenialRecords:
        """The NSEC/NSEC3 records in `section` that `zone`'s keys validate, and failures."""
        found = DenialRecords([], [], [])
        section = list(section)
        for rrset in section:
            if rrset.rdtype not in (RdataType.NSEC, RdataType.NSEC3):
                continue
            if not rrset.name.is_subdomain(zone.apex):
                continue  # another zone's proof (e.g. at the end of a CNAME chain)
            checked = self.check(rrset, section, zone)
            if checked.sig is None:  # unsigned records are no proof; badly signed ones are bogus
                if signatures(section, rrset):
                    what = f"the {text(rrset.rdtype)} records at {rrset.name}"
                    found.failures.append(f"{zone.apex}: {what} {checked.problem}")
                continue
            found.nsecs.extend((rrset.name, rd) for rd in rrset if isinstance(rd, NSEC))
            found.nsec3s.extend((rrset.name, rd) for rd in rrset if isinstance(rd, NSEC3))
        return found


# -- small helpers -------------------------------------------------------------------


def find(
    section: Iterable[dns.rrset.RRset], name: dns.name.Name, rdtype: RdataType
) -> dns.rrset.RRset | None:
    return next((r for r in section if r.name == name and r.rdtype == rdtype), None)


def rrsigs(rrset: dns.rrset.RRset) -> list[RRSIG]:
    return [rd for rd in rrset if isinstance(rd, RRSIG)]


def signatures(section: Iterable[dns.rrset.RRset], rrset: dns.rrset.RRset) -> list[RRSIG]:
    """The RRSIGs in `section` that cover `rrset`."""
    return [
        sig
        for candidate in section
        if candidate.rdtype == RdataType.RRSIG and candidate.name == rrset.name
        for sig in rrsigs(candidate)
        if sig.type_covered == rrset.rdtype
    ]


def label_count(name: dns.name.Name) -> int:
    """The RRSIG labels value for an owner name (RFC 4034 section 3.1.3)."""
    return len(name) - 1 - (1 if name.is_wild() else 0)


def text(rdtype: int) -> str:
    return dns.rdatatype.to_text(RdataType.make(rdtype))


def when(timestamp: int) -> str:
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d %H:%M UTC")
