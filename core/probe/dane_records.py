"""TLSA records as data: their four fields, the enums that name them, and which count.

A TLSA record (RFC 6698 section 2.1) is usage, selector, matching type and association
data. This module reads records (from dnspython rdata or presentation text), names their
fields, and sets aside the ones mailhop must ignore (``unusable_records``): an undefined
usage, selector or matching type, PKIX usages for SMTP (RFC 7672 section 3.1.3), data of
the wrong length, and a weaker digest where the same usage and selector are published
with a stronger one (RFC 7671 section 9). dane.py matches what is left against a chain.
Pure, and never raises for remote data except ``TlsaRecord.from_text``'s ValueError.
"""

from __future__ import annotations

import enum
import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

from dns.rdtypes.ANY.TLSA import TLSA

__all__ = [
    "DIGESTS",
    "DIGEST_LENGTHS",
    "DaneOutcome",
    "MatchingType",
    "RecordCheck",
    "Selector",
    "TlsaRecord",
    "Usage",
    "tlsa_records",
    "unusable_records",
]


class Usage(enum.IntEnum):
    PKIX_TA = 0
    PKIX_EE = 1
    DANE_TA = 2
    DANE_EE = 3

    @property
    def label(self) -> str:
        return self.name.replace("_", "-")


class Selector(enum.IntEnum):
    CERT = 0  # the whole certificate, DER
    SPKI = 1  # the SubjectPublicKeyInfo, DER


class MatchingType(enum.IntEnum):
    FULL = 0
    SHA256 = 1
    SHA512 = 2


class DaneOutcome(enum.StrEnum):
    MATCHED = "matched"
    MISMATCH = "mismatch"
    BOGUS = "bogus"
    NOT_APPLICABLE = "not-applicable"
    UNUSABLE_RECORDS = "unusable-records"


DIGESTS: dict[int, Callable[[bytes], bytes]] = {
    MatchingType.FULL: lambda data: data,
    MatchingType.SHA256: lambda data: hashlib.sha256(data).digest(),
    MatchingType.SHA512: lambda data: hashlib.sha512(data).digest(),
}
DIGEST_LENGTHS: dict[int, int] = {MatchingType.SHA256: 32, MatchingType.SHA512: 64}
DIGEST_STRENGTH: dict[int, int] = {MatchingType.SHA256: 1, MatchingType.SHA512: 2}  # RFC 7671 9


@dataclass(frozen=True, slots=True)
class TlsaRecord:
    """One TLSA record's four fields (RFC 6698 section 2.1), values as published."""

    usage: int
    selector: int
    mtype: int
    data: bytes

    @classmethod
    def from_rdata(cls, rdata: TLSA) -> TlsaRecord:
        return cls(int(rdata.usage), int(rdata.selector), int(rdata.mtype), bytes(rdata.cert))

    @classmethod
    def from_answer(cls, text: str) -> TlsaRecord:
        """A record as the resolver reported it (dnspython's presentation of a wire answer).

        On the wire the association data may be empty, and dnspython then writes three
        fields (``3 1 0 ``); such a record is kept, with empty data, so that ``match_tlsa``
        calls it unusable (RFC 7671 section 4.1) instead of the parse failing on remote data.
        A ValueError still names anything else that is malformed.
        """
        fields = text.split()
        if len(fields) == 3:
            return replace(cls.from_text(f"{text} 00"), data=b"")
        return cls.from_text(text)

    @classmethod
    def from_text(cls, text: str) -> TlsaRecord:
        """A record from its presentation form (``3 1 1 ab12...``, hex may be split by
        spaces, as dnspython writes long data). A ValueError names what is malformed."""
        fields = text.split()
        if len(fields) < 4:
            raise ValueError(f"a TLSA record needs four fields, got {text!r}")
        numbers = [int(field) for field in fields[:3] if field.isdigit()]
        if len(numbers) != 3 or not all(0 <= n <= 255 for n in numbers):
            raise ValueError(f"usage, selector and matching type must be 0-255 in {text!r}")
        try:
            data = bytes.fromhex("".join(fields[3:]))
        except ValueError:
            raise ValueError(f"the association data is not hex in {text!r}") from None
        return cls(numbers[0], numbers[1], numbers[2], data)

    def __str__(self) -> str:
        """Presentation form, as in a zone file."""
        return f"{self.usage} {self.selector} {self.mtype} {self.data.hex()}"

    @property
    def label(self) -> str:
        """A short form for people: ``3 1 1 8f2c5a0b...``."""
        text = self.data.hex()
        shown = text if len(text) <= 16 else text[:16] + "..."
        return f"{self.usage} {self.selector} {self.mtype} {shown}"


def tlsa_records(rdatas: Iterable[object]) -> tuple[TlsaRecord, ...]:
    """The TLSA records among dnspython rdata (e.g. ``DnsAnswer.records``)."""
    return tuple(TlsaRecord.from_rdata(r) for r in rdatas if isinstance(r, TLSA))


@dataclass(frozen=True, slots=True)
class RecordCheck:
    """What became of one record: unusable, superseded, matched data, authenticated.

    ``position`` is the presented certificate whose data the record matched (0 = the
    server's own); ``reason`` says in words why the record did or did not authenticate.
    """

    record: TlsaRecord
    usable: bool
    data_matched: bool
    authenticated: bool
    position: int | None
    reason: str


# -- which records count -------------------------------------------------------------


def unusable_records(records: Sequence[TlsaRecord], smtp: bool) -> dict[int, RecordCheck]:
    """The records mailhop must ignore, by index, each with the reason."""
    found: dict[int, RecordCheck] = {}
    for index, record in enumerate(records):
        why = _parameter_problem(record, smtp)
        if why:
            found[index] = RecordCheck(record, False, False, False, None, why)
    # Digest agility (RFC 7671 section 9): per usage and selector, only the strongest
    # published digest counts. Exact (0) records are no digest and always count.
    strongest: dict[tuple[int, int], int] = {}
    for index, record in enumerate(records):
        if index not in found and record.mtype in DIGEST_STRENGTH:
            key = (record.usage, record.selector)
            strongest[key] = max(strongest.get(key, 0), DIGEST_STRENGTH[record.mtype])
    for index, record in enumerate(records):
        key = (record.usage, record.selector)
        if index in found or record.mtype not in DIGEST_STRENGTH:
            continue
        if DIGEST_STRENGTH[record.mtype] < strongest[key]:
            why = (
                "ignored: the same usage and selector are also published with a stronger "
                "digest, and only the strongest counts (RFC 7671 section 9)"
            )
            found[index] = RecordCheck(record, False, False, False, None, why)
    return found


def _parameter_problem(record: TlsaRecord, smtp: bool) -> str:
    if record.usage not in {usage.value for usage in Usage}:
        return f"usage {record.usage} is not defined (RFC 6698 section 2.1.1)"
    if smtp and record.usage in (Usage.PKIX_TA, Usage.PKIX_EE):
        return f"usage {record.usage} is not used for SMTP (RFC 7672 section 3.1.3)"
    if record.selector not in {selector.value for selector in Selector}:
        return f"selector {record.selector} is not defined (RFC 6698 section 2.1.2)"
    if record.mtype not in DIGESTS:
        return f"matching type {record.mtype} is not defined (RFC 6698 section 2.1.3)"
    want = DIGEST_LENGTHS.get(record.mtype)
    if want is not None and len(record.data) != want:
        return f"its digest has {len(record.data)} bytes instead of {want}"
    if not record.data:
        return "its association data is empty"
    return ""
