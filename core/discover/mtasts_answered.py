"""Whether an MTA-STS attempt got the domain's word at all (DESIGN.md section 4, rule 11).

A failed lookup of ``_mta-sts`` or a policy fetch that never reached the web server says
nothing about the domain: not "no MTA-STS", not "published incorrectly". A refused
connection, a bad certificate, a refused document or a bogus record are the domain's own
answers, so they still count against it.
"""

from __future__ import annotations

from .report import Attempt, Failure, Status

__all__ = ["mta_sts_unanswered"]

# The lookup or the connection failed before the domain could answer.
_NOT_ANSWERED = frozenset({Failure.DNS, Failure.CONNECT, Failure.TIMEOUT})


def mta_sts_unanswered(attempt: Attempt) -> bool:
    """Whether the MTA-STS attempt ended before the domain answered."""
    return attempt.status is Status.TIMED_OUT or (
        attempt.status is Status.FAILED and attempt.failure in _NOT_ANSWERED
    )
