"""The MX records: the relay leg's servers (RFC 5321), and a null MX (RFC 7505)."""

from __future__ import annotations

from dns.rdtypes.ANY.MX import MX

from ..common.fields import FieldError, validate_hostname
from ..common.model import ParseIssue, Security, ServerCandidate, Service
from ..dns.dnssec import Security as Dnssec
from .dns_attempt import dns_attempt, unanswered
from .report import Attempt, Source, Status
from .source_context import SourceContext

__all__ = ["mx"]


async def mx(ctx: SourceContext) -> Attempt:
    """The MX hosts (relay leg); a null MX (RFC 7505) means the domain takes no mail."""
    started = ctx.since_start()
    answer = await ctx.resolver.lookup(ctx.domain, "MX")
    if not answer.found or answer.security is Dnssec.BOGUS:
        status, detail = unanswered(answer, "MX record")
        return dns_attempt(ctx, Source.MX, answer, started, status=status, detail=detail)
    records = sorted(
        (r for r in answer.records if isinstance(r, MX)),
        key=lambda r: (r.preference, r.exchange.to_text()),
    )
    candidates: list[ServerCandidate] = []
    issues: list[ParseIssue] = []
    for order, record in enumerate(records):
        exchange = record.exchange.to_text(omit_final_dot=True)
        if exchange in ("", "."):
            continue
        try:
            host = validate_hostname(exchange, what="MX host")
        except FieldError as exc:
            issues.append(ParseIssue(exc.code, str(exc), f"MX {order}"))
            continue
        candidates.append(
            ServerCandidate(
                service=Service.RELAY,
                hostname=host,
                port=25,
                security=Security.STARTTLS,
                username=None,
                auth_methods=(),
                order=order,
            )
        )
    if candidates:
        status, detail = Status.FOUND, f"{len(candidates)} MX host(s)"
    else:
        status, detail = Status.NOTHING, "null MX: the domain accepts no mail (RFC 7505)"
    return dns_attempt(
        ctx,
        Source.MX,
        answer,
        started,
        status=status,
        detail=detail,
        candidates=tuple(candidates),
        issues=tuple(issues),
    )
