"""Keys: the trust anchor mailhop starts from, and which DNSKEY a DS record vouches for.

Supported: the algorithms RFC 8624 section 3.1 asks validators to implement (RSA/SHA-1,
RSA/SHA-256/512, ECDSA P-256/P-384, Ed25519, Ed448) and DS digests SHA-1, SHA-256 and
SHA-384 (SHA-1 ignored when a SHA-2 digest is present, RFC 4509 section 3). A zone whose
DS records use only other algorithms is treated as unsigned (RFC 4035 section 5.2).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources

import dns.exception
import dns.name
import dns.rrset
import dns.zonefile
from dns.dnssectypes import Algorithm
from dns.exception import DeniedByPolicy, UnsupportedAlgorithm
from dns.rdtypes.ANY.DNSKEY import DNSKEY
from dns.rdtypes.ANY.DS import DS
from dns.rdtypes.dnskeybase import Flag

from ..common.errors import UsageError

__all__ = [
    "SUPPORTED_ALGORITHMS",
    "SUPPORTED_DIGESTS",
    "TrustAnchor",
    "dnskeys",
    "is_zone_key",
    "load_root_anchors",
    "usable_ds",
    "vouched",
]

_A = Algorithm
SUPPORTED_ALGORITHMS = frozenset(
    {_A.RSASHA1, _A.RSASHA1NSEC3SHA1, _A.RSASHA256, _A.RSASHA512}
    | {_A.ECDSAP256SHA256, _A.ECDSAP384SHA384, _A.ED25519, _A.ED448}
)
SUPPORTED_DIGESTS = frozenset({1, 2, 4})  # SHA-1, SHA-256, SHA-384


@dataclass(frozen=True, slots=True)
class TrustAnchor:
    """The keys mailhop trusts without proof: DS and/or DNSKEY records for one name."""

    name: dns.name.Name
    ds: tuple[DS, ...] = ()
    dnskeys: tuple[DNSKEY, ...] = ()

    @classmethod
    def from_text(cls, text: str) -> TrustAnchor:
        """Parse zone-file presentation records such as ``. 3600 IN DS 20326 8 2 E06D...``."""
        try:
            rrsets = dns.zonefile.read_rrsets(text, rdclass=None, default_ttl=0)
        except dns.exception.DNSException as exc:
            raise UsageError(
                f"the trust anchor text is not valid DS/DNSKEY records: {exc}"
            ) from exc
        names = {rrset.name for rrset in rrsets}
        if len(names) != 1:
            raise UsageError(f"a trust anchor needs records for exactly one name, got {len(names)}")
        ds = tuple(rd for rrset in rrsets for rd in rrset if isinstance(rd, DS))
        keys = tuple(rd for rrset in rrsets for rd in rrset if isinstance(rd, DNSKEY))
        if len(ds) + len(keys) != sum(len(rrset) for rrset in rrsets):
            raise UsageError("a trust anchor may hold only DS and DNSKEY records")
        if not all(is_zone_key(key) for key in keys):
            raise UsageError("a trust anchor DNSKEY must have the zone-key flag set")
        return cls(names.pop(), ds, keys)


def load_root_anchors() -> TrustAnchor:
    """The IANA root trust anchors shipped with mailhop (KSK-2017 and KSK-2024)."""
    # One name per step: in a frozen bundle this is Python 3.11's MultiplexedPath, whose
    # joinpath() takes a single name (tests/installer/test_bundle_linux.py runs it).
    text = (resources.files("mailhop.core") / "data" / "root-anchors.txt").read_text("ascii")
    return TrustAnchor.from_text(text)


def dnskeys(rrset: dns.rrset.RRset) -> list[DNSKEY]:
    return [rd for rd in rrset if isinstance(rd, DNSKEY)]


def is_zone_key(key: DNSKEY) -> bool:
    """RFC 4034 section 2.1.1-2; a revoked key (RFC 5011) vouches for nothing."""
    return bool(key.flags & Flag.ZONE) and not key.flags & Flag.REVOKE and key.protocol == 3


def vouched(apex: dns.name.Name, key: DNSKEY, ds: Sequence[DS], trusted: Sequence[DNSKEY]) -> bool:
    if not is_zone_key(key) or key.algorithm not in SUPPORTED_ALGORITHMS:
        return False
    return key in trusted or any(_digest_matches(apex, key, d) for d in ds)


def _digest_matches(apex: dns.name.Name, key: DNSKEY, ds: DS) -> bool:
    import dns.dnssec  # here: it loads cryptography, not needed before an answer

    if ds.key_tag != dns.dnssec.key_id(key) or ds.algorithm != key.algorithm:
        return False
    try:
        made = dns.dnssec.make_ds(apex, key, ds.digest_type, validating=True)
    except (UnsupportedAlgorithm, DeniedByPolicy, ValueError):
        return False
    return bool(made.digest == ds.digest)


def usable_ds(rrset: dns.rrset.RRset) -> list[DS]:
    """DS records mailhop can check; SHA-1 ones only if no SHA-2 one is there (RFC 4509 3)."""
    usable = [
        rd
        for rd in rrset
        if isinstance(rd, DS)
        and rd.algorithm in SUPPORTED_ALGORITHMS
        and rd.digest_type in SUPPORTED_DIGESTS
    ]
    strong = [rd for rd in usable if rd.digest_type != 1]
    return strong or usable
