"""What the MX question told about how mail reaches the domain: the relay leg's first fact.

An empty list of MX hosts means three different things, and only one is the domain's word:

    MX hosts in the answer                      -> HOSTS: probe them
    NXDOMAIN/NODATA (proven, or an unsigned
      zone's plain answer)                      -> NO_MX: senders use the domain's own
                                                   address (RFC 5321 section 5.1)
    a single MX with the root as exchange       -> NULL_MX: the domain receives no mail
                                                   (RFC 7505)
    failed, bogus or timed out, or never asked  -> UNKNOWN: could not check; never "OK"
                                                   (DESIGN.md section 4, rule 11)
"""

from __future__ import annotations

import enum
from collections.abc import Sequence

from ..discover.mtasts_answered import mta_sts_unanswered
from ..discover.report import Attempt, Source, Status

__all__ = ["MxAnswer", "classify_mx", "mta_sts_published"]


class MxAnswer(enum.StrEnum):
    HOSTS = "hosts"
    NO_MX = "no-mx"
    NULL_MX = "null-mx"
    UNKNOWN = "unknown"


def classify_mx(attempts: Sequence[Attempt]) -> tuple[MxAnswer, str]:
    """The MX answer's kind and the attempt's words (the evidence, in English)."""
    mx = next((a for a in attempts if a.source is Source.MX), None)
    if mx is None:
        return MxAnswer.UNKNOWN, "the MX records were not looked up"
    if mx.status is Status.FOUND and mx.candidates:
        return MxAnswer.HOSTS, mx.detail
    if mx.status is Status.NOTHING:
        records = [r for found in mx.records for r in found.records]
        # RFC 7505 section 3: preference 0, exchange "." (source_mx.py keeps it as NOTHING).
        if records and all(r.split()[-1] == "." for r in records):
            return MxAnswer.NULL_MX, mx.detail
        return MxAnswer.NO_MX, mx.detail
    return MxAnswer.UNKNOWN, mx.detail


def mta_sts_published(attempts: Sequence[Attempt]) -> bool | None:
    """Whether the domain has a usable MTA-STS policy; None when nobody knows (the lookup
    failed before the domain answered), which is not "no MTA-STS" (rule 11)."""
    sts = next((a for a in attempts if a.source is Source.MTA_STS), None)
    if sts is None or mta_sts_unanswered(sts):
        return None
    return sts.status is Status.FOUND
