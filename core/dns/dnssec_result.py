"""What the DNSSEC validator says about an answer: the four outcomes of RFC 4033 section 5,
the answer that carries one, and what the walk knows about a zone on the way.

Kept apart from the validator so the walk (``dnssec_walk``), the signature checks
(``dnssec_sigs``) and the answer logic (``dnssec``) share one vocabulary without importing
each other.
"""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import dns.message
import dns.name
import dns.rdatatype
import dns.rrset

from ..common.errors import RemoteFailure
from ..common.failure import Failure
from .dnssec_denial import Denial

__all__ = [
    "Chain",
    "Clock",
    "Fetch",
    "FetchError",
    "Fetched",
    "LookupTrouble",
    "Security",
    "ValidatedAnswer",
    "ZoneState",
    "worst",
]

RdataType = dns.rdatatype.RdataType
Fetch = Callable[[dns.name.Name, RdataType], Awaitable[dns.message.Message]]


class Security(enum.Enum):
    """The four outcomes of RFC 4033 section 5."""

    SECURE = "secure"  # a chain of signatures from the trust anchor proves the answer
    INSECURE = "insecure"  # proven to sit below a delegation without DS: nothing to check
    BOGUS = "bogus"  # a signature, digest or proof that should hold does not
    INDETERMINATE = "indeterminate"  # no anchor, failed lookup, or an unproven absence


class Clock(enum.Enum):
    """What the trust anchor's own signatures say about this computer's clock.

    The root's signatures are made by the root's operators, not by the domain asked about:
    when even they look expired or not yet valid (beyond the allowed skew), the clock is
    wrong, and nothing this computer validates can be judged (DESIGN.md section 4, rule 11).
    """

    PLAUSIBLE = "plausible"  # the anchor's signatures are valid now (or were not needed)
    BEHIND = "behind"  # the anchor's signatures are not valid yet: the clock is behind
    AHEAD = "ahead"  # the anchor's signatures have expired: the clock is ahead


class LookupTrouble(enum.Enum):
    """Why a question of the chain walk has no message to validate."""

    FAILED = "failed"  # the fetch failed: timeout, network, a malformed reply
    NAME_TOO_LONG = "yxdomain"  # RFC 6672 section 2.2: a DNAME would overflow the name
    REFUSED = "rcode"  # SERVFAIL, REFUSED, ...: any rcode but NOERROR and NXDOMAIN


Fetched = dns.message.Message | Failure[LookupTrouble]

_RANK = {Security.SECURE: 0, Security.INSECURE: 1, Security.INDETERMINATE: 2, Security.BOGUS: 3}


@dataclass(frozen=True, slots=True)
class ValidatedAnswer:
    """One question's answer and how far mailhop could authenticate it."""

    name: dns.name.Name
    rdtype: RdataType
    security: Security
    rrset: dns.rrset.RRset | None  # None for a negative answer
    reason: str
    denial: Denial | None = None  # set for NXDOMAIN / NODATA
    aliases: tuple[dns.name.Name, ...] = ()  # CNAME/DNAME owners followed from `name`
    clock: Clock = Clock.PLAUSIBLE  # not PLAUSIBLE: the reason is this computer's clock
    canonical: dns.name.Name | None = None  # where the aliases led (None: `name` itself)

    @property
    def absence_proven(self) -> bool:
        """True only for a negative answer backed by a validated NSEC/NSEC3 proof."""
        return self.security is Security.SECURE and self.denial is not None


class FetchError(RemoteFailure):
    """Raised by a fetch callback when a lookup failed (timeout, network, SERVFAIL)."""


@dataclass(frozen=True, slots=True)
class ZoneState:
    """What the walk knows about the zone that encloses some name."""

    security: Security
    apex: dns.name.Name
    keys: dns.rrset.RRset | None  # the validated DNSKEY set when SECURE
    reason: str
    clock: Clock = Clock.PLAUSIBLE

    def answer(
        self, name: dns.name.Name, rdtype: RdataType, rrset: dns.rrset.RRset | None = None
    ) -> ValidatedAnswer:
        """An answer that is exactly as good as this zone (insecure, failed, bogus)."""
        return ValidatedAnswer(name, rdtype, self.security, rrset, self.reason, clock=self.clock)


def worst(links: list[ValidatedAnswer]) -> ValidatedAnswer:
    """The weakest of a chain's links (the first of equals): the chain is no stronger."""
    return max(reversed(links), key=lambda link: _RANK[link.security])


class Chain:
    """The links of a CNAME/DNAME chain: the answer is as strong as its weakest link."""

    def __init__(self, name: dns.name.Name, rdtype: RdataType) -> None:
        self.name, self.rdtype = name, rdtype
        self.aliases: list[dns.name.Name] = []
        self.links: list[ValidatedAnswer] = []

    def follow(self, alias: dns.name.Name, link: ValidatedAnswer) -> None:
        self.aliases.append(alias)
        self.links.append(link)

    def end(self, last: ValidatedAnswer) -> ValidatedAnswer:
        weakest = worst([*self.links, last])
        return ValidatedAnswer(
            self.name,
            self.rdtype,
            weakest.security,
            last.rrset,
            weakest.reason,
            last.denial,
            tuple(self.aliases),
            clock=weakest.clock,
            canonical=last.name if self.aliases else None,
        )
