"""What every source answered by DNS shares: how a DNS answer became an Attempt.

Every answer comes through ``resolver.Resolver``, so each attempt carries the DNSSEC
outcome of its records; the policy turns that into a tier. Bogus data is never used: a
BOGUS answer is a failed attempt whose records are kept only as evidence.
"""

from __future__ import annotations

from ..common.model import ParseIssue, ServerCandidate
from ..dns.dnssec import Security as Dnssec
from ..dns.resolver import DnsAnswer, Outcome
from .report import Attempt, Auth, DnsRecordSet, Payload, Source, Status
from .source_context import SourceContext

__all__ = ["dns_attempt", "record_set", "unanswered"]


def record_set(answer: DnsAnswer) -> DnsRecordSet:
    """An answer's records as presentation text, with how far they were authenticated."""
    return DnsRecordSet(
        name=answer.name,
        rdtype=answer.rdtype,
        records=tuple(r.to_text() for r in answer.records),
        dnssec=answer.security,
        absence_proven=answer.absence_proven,
        reason=answer.reason,
        clock=answer.clock,
    )


def dns_attempt(
    ctx: SourceContext,
    source: Source,
    answer: DnsAnswer,
    started: float,
    *,
    status: Status,
    detail: str,
    candidates: tuple[ServerCandidate, ...] = (),
    issues: tuple[ParseIssue, ...] = (),
    payload: Payload | None = None,
) -> Attempt:
    """The attempt of one DNS question, authenticated as far as its answer's DNSSEC."""
    return Attempt(
        source=source,
        target=f"{answer.name} {answer.rdtype}",
        status=status,
        auth=Auth.of_dnssec(answer.security),
        detail=detail,
        started=started,
        elapsed=ctx.since_start() - started,
        via=f"DNS via {answer.server}",
        candidates=candidates,
        issues=issues,
        records=(record_set(answer),),
        payload=payload,
    )


def unanswered(answer: DnsAnswer, what: str) -> tuple[Status, str]:
    """Status and wording for an answer without usable records."""
    if answer.security is Dnssec.BOGUS:
        return Status.FAILED, f"DNSSEC validation failed (bogus): {answer.reason}"
    if answer.outcome is Outcome.FAILED:
        return (Status.TIMED_OUT if answer.timed_out else Status.FAILED), answer.reason
    if answer.outcome is Outcome.INVALID_NAME:
        # A name mailhop built that DNS cannot carry (a prefix before a host or domain
        # already near 253 octets): "could not look up", never "the domain publishes none".
        return Status.FAILED, f"could not look up the {what}: {answer.reason}"
    proof = "proven by DNSSEC" if answer.absence_proven else "absence not proven by DNSSEC"
    return Status.NOTHING, f"no {what} published ({proof})"
