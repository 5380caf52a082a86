"""RFC 6186 / RFC 8314 SRV records: which servers the domain names for each mail service.

Six names are asked (``_submissions._tcp``, ``_imaps._tcp``, ...), each saying what it
configures and how it is secured. A target of "." means the service is decidedly not
offered (RFC 2782). The order is RFC 2782's made deterministic: no random SRV order in a
verdict (DESIGN.md section 5).
"""

from __future__ import annotations

import dns.rdata
from dns.rdtypes.IN.SRV import SRV

from ..common.fields import FieldError, validate_hostname
from ..common.model import IssueCode, ParseIssue, Security, ServerCandidate, Service
from ..dns.dnssec import Security as Dnssec
from .dns_attempt import dns_attempt, unanswered
from .report import Attempt, Source, Status
from .source_context import SourceContext

__all__ = ["SRV_SERVICES", "srv"]

# RFC 6186 and RFC 8314: the service label, what it configures and how it is secured.
SRV_SERVICES: dict[str, tuple[Service, Security]] = {
    "_submissions._tcp": (Service.SUBMISSION, Security.IMPLICIT_TLS),
    "_submission._tcp": (Service.SUBMISSION, Security.STARTTLS),
    "_imaps._tcp": (Service.IMAP, Security.IMPLICIT_TLS),
    "_imap._tcp": (Service.IMAP, Security.STARTTLS),
    "_pop3s._tcp": (Service.POP3, Security.IMPLICIT_TLS),
    "_pop3._tcp": (Service.POP3, Security.STARTTLS),
}


def _srv_order(records: tuple[dns.rdata.Rdata, ...]) -> list[SRV]:
    """RFC 2782 order made deterministic: priority, then higher weight, then name and port."""
    srvs = [r for r in records if isinstance(r, SRV)]
    return sorted(srvs, key=lambda r: (r.priority, -r.weight, r.target.to_text(), r.port))


async def srv(ctx: SourceContext, label: str) -> Attempt:
    """One RFC 6186 SRV name, e.g. ``_imaps._tcp``; target "." means "not offered"."""
    started = ctx.since_start()
    service, security = SRV_SERVICES[label]
    answer = await ctx.resolver.lookup(f"{label}.{ctx.domain}", "SRV")
    if not answer.found or answer.security is Dnssec.BOGUS:
        status, detail = unanswered(answer, "SRV record")
        return dns_attempt(ctx, Source.SRV, answer, started, status=status, detail=detail)
    candidates: list[ServerCandidate] = []
    issues: list[ParseIssue] = []
    for order, record in enumerate(_srv_order(answer.records)):
        target = record.target.to_text(omit_final_dot=True)
        if target in ("", "."):
            continue  # RFC 2782: "." = the service is decidedly not available here
        try:
            host = validate_hostname(target, what="SRV target")
        except FieldError as exc:
            issues.append(ParseIssue(exc.code, str(exc), f"SRV {order}"))
            continue
        if record.port == 0:
            issues.append(ParseIssue(IssueCode.BAD_PORT, "port 0 is not a port", f"SRV {order}"))
            continue
        candidates.append(
            ServerCandidate(
                service=service,
                hostname=host,
                port=record.port,
                security=security,
                username=None,
                auth_methods=(),
                order=order,
            )
        )
    if not candidates:
        detail = (
            'the domain says this service is not offered (target ".")'
            if not issues
            else "no usable SRV target"
        )
        status = Status.NOTHING
    else:
        detail, status = f"{len(candidates)} server(s) for {service.value}", Status.FOUND
    return dns_attempt(
        ctx,
        Source.SRV,
        answer,
        started,
        status=status,
        detail=detail,
        candidates=tuple(candidates),
        issues=tuple(issues),
    )
