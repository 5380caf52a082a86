"""Discovery sources answered by DNS: SRV, MX, TLSA, TLS-RPT, OPENPGPKEY, SMIMEA, guesses.

Every answer comes through ``resolver.Resolver``, so each attempt carries the DNSSEC
outcome of its records; the policy turns that into a tier. Bogus data is never used:
a BOGUS answer is a failed attempt whose records are kept only as evidence.
"""

from __future__ import annotations

import asyncio
import hashlib

import dns.rdata
from dns.rdtypes.ANY.MX import MX
from dns.rdtypes.IN.SRV import SRV

from .dnssec import Security as Dnssec
from .fields import FieldError, join_txt, validate_hostname
from .model import IssueCode, ParseIssue, Security, ServerCandidate, Service
from .report import Attempt, Auth, DnsRecordSet, Source, Status
from .resolver import DnsAnswer, Outcome
from .source_context import SourceContext

__all__ = [
    "GUESSES",
    "SRV_SERVICES",
    "guess",
    "mx",
    "smimea_or_openpgpkey",
    "srv",
    "tls_rpt",
    "tlsa",
]

# RFC 6186 and RFC 8314: the service label, what it configures and how it is secured.
SRV_SERVICES: dict[str, tuple[Service, Security]] = {
    "_submissions._tcp": (Service.SUBMISSION, Security.IMPLICIT_TLS),
    "_submission._tcp": (Service.SUBMISSION, Security.STARTTLS),
    "_imaps._tcp": (Service.IMAP, Security.IMPLICIT_TLS),
    "_imap._tcp": (Service.IMAP, Security.STARTTLS),
    "_pop3s._tcp": (Service.POP3, Security.IMPLICIT_TLS),
    "_pop3._tcp": (Service.POP3, Security.STARTTLS),
}

# Phase 2 guesses (tier C): conventional names, standard ports, implicit TLS first.
GUESSES: tuple[tuple[str, Service, int, Security], ...] = (
    ("imap", Service.IMAP, 993, Security.IMPLICIT_TLS),
    ("mail", Service.IMAP, 993, Security.IMPLICIT_TLS),
    ("imap", Service.IMAP, 143, Security.STARTTLS),
    ("mail", Service.IMAP, 143, Security.STARTTLS),
    ("smtp", Service.SUBMISSION, 465, Security.IMPLICIT_TLS),
    ("mail", Service.SUBMISSION, 465, Security.IMPLICIT_TLS),
    ("smtp", Service.SUBMISSION, 587, Security.STARTTLS),
    ("mail", Service.SUBMISSION, 587, Security.STARTTLS),
    ("pop3", Service.POP3, 995, Security.IMPLICIT_TLS),
    ("pop", Service.POP3, 995, Security.IMPLICIT_TLS),
)


def record_set(answer: DnsAnswer) -> DnsRecordSet:
    return DnsRecordSet(
        name=answer.name,
        rdtype=answer.rdtype,
        records=tuple(r.to_text() for r in answer.records),
        dnssec=answer.security,
        absence_proven=answer.absence_proven,
        reason=answer.reason,
    )


def _attempt(
    ctx: SourceContext,
    source: Source,
    answer: DnsAnswer,
    started: float,
    *,
    status: Status,
    detail: str,
    candidates: tuple[ServerCandidate, ...] = (),
    issues: tuple[ParseIssue, ...] = (),
    facts: tuple[tuple[str, str], ...] = (),
) -> Attempt:
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
        facts=facts,
    )


def _unanswered(answer: DnsAnswer, what: str) -> tuple[Status, str]:
    """Status and wording for an answer without usable records."""
    if answer.security is Dnssec.BOGUS:
        return Status.FAILED, f"DNSSEC validation failed (bogus): {answer.reason}"
    if answer.outcome is Outcome.FAILED:
        timed_out = "deadline" in answer.reason
        return (Status.TIMED_OUT if timed_out else Status.FAILED), answer.reason
    if answer.outcome is Outcome.INVALID_NAME:
        # A name mailhop built that DNS cannot carry (a prefix before a host or domain
        # already near 253 octets): "could not look up", never "the domain publishes none".
        return Status.FAILED, f"could not look up the {what}: {answer.reason}"
    proof = "proven by DNSSEC" if answer.absence_proven else "absence not proven by DNSSEC"
    return Status.NOTHING, f"no {what} published ({proof})"


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
        status, detail = _unanswered(answer, "SRV record")
        return _attempt(ctx, Source.SRV, answer, started, status=status, detail=detail)
    candidates: list[ServerCandidate] = []
    issues: list[ParseIssue] = []
    records = _srv_order(answer.records)
    for order, record in enumerate(records):
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
        candidates.append(ServerCandidate(service, host, record.port, security, None, (), order))
    if not candidates:
        detail = (
            'the domain says this service is not offered (target ".")'
            if not issues
            else "no usable SRV target"
        )
        return _attempt(
            ctx,
            Source.SRV,
            answer,
            started,
            status=Status.NOTHING,
            detail=detail,
            issues=tuple(issues),
        )
    return _attempt(
        ctx,
        Source.SRV,
        answer,
        started,
        status=Status.FOUND,
        detail=f"{len(candidates)} server(s) for {service.value}",
        candidates=tuple(candidates),
        issues=tuple(issues),
    )


async def mx(ctx: SourceContext) -> Attempt:
    """The MX hosts (relay leg); a null MX (RFC 7505) means the domain takes no mail."""
    started = ctx.since_start()
    answer = await ctx.resolver.lookup(ctx.domain, "MX")
    if not answer.found or answer.security is Dnssec.BOGUS:
        status, detail = _unanswered(answer, "MX record")
        return _attempt(ctx, Source.MX, answer, started, status=status, detail=detail)
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
            ServerCandidate(Service.RELAY, host, 25, Security.STARTTLS, None, (), order)
        )
    if not candidates:
        return _attempt(
            ctx,
            Source.MX,
            answer,
            started,
            status=Status.NOTHING,
            detail="null MX: the domain accepts no mail (RFC 7505)",
            issues=tuple(issues),
        )
    return _attempt(
        ctx,
        Source.MX,
        answer,
        started,
        status=Status.FOUND,
        detail=f"{len(candidates)} MX host(s)",
        candidates=tuple(candidates),
        issues=tuple(issues),
    )


async def tlsa(ctx: SourceContext, host: str, port: int) -> Attempt:
    """DANE records for one host and port (RFC 7672 for SMTP, RFC 7673 via SRV)."""
    started = ctx.since_start()
    answer = await ctx.resolver.lookup(f"_{port}._tcp.{host}", "TLSA")
    facts = (("host", host), ("port", str(port)))
    if not answer.found or answer.security is Dnssec.BOGUS:
        status, detail = _unanswered(answer, "TLSA record")
        return _attempt(
            ctx, Source.TLSA, answer, started, status=status, detail=detail, facts=facts
        )
    usable = answer.security is Dnssec.SECURE
    detail = (
        f"{len(answer.records)} TLSA record(s), DNSSEC-signed: DANE applies"
        if usable
        else f"{len(answer.records)} TLSA record(s), but not DNSSEC-signed: DANE does not apply"
    )
    return _attempt(
        ctx, Source.TLSA, answer, started, status=Status.FOUND, detail=detail, facts=facts
    )


async def tls_rpt(ctx: SourceContext) -> Attempt:
    """The RFC 8460 reporting record: where the domain wants TLS failure reports."""
    started = ctx.since_start()
    answer = await ctx.resolver.lookup(f"_smtp._tls.{ctx.domain}", "TXT")
    texts = [join_txt(r.strings) for r in answer.records if hasattr(r, "strings")]
    ours = [t for t in texts if t is not None and t.startswith("v=TLSRPTv1")]
    if not ours:
        status, detail = _unanswered(answer, "TLS-RPT record")
        return _attempt(ctx, Source.TLS_RPT, answer, started, status=status, detail=detail)
    if len(ours) > 1:
        return _attempt(
            ctx,
            Source.TLS_RPT,
            answer,
            started,
            status=Status.FAILED,
            detail="more than one TLS-RPT record: RFC 8460 says to use none",
        )
    rua = next(
        (p.split("=", 1)[1].strip() for p in ours[0].split(";") if p.strip().startswith("rua=")),
        "",
    )
    return _attempt(
        ctx,
        Source.TLS_RPT,
        answer,
        started,
        status=Status.FOUND,
        detail=f"TLS reports go to {rua}" if rua else "record without rua",
        facts=(("rua", rua),),
    )


def hashed_local_part(local: str) -> str:
    """RFC 7929 / RFC 8162 owner label: SHA-256 of the UTF-8 local part, 28 octets, hex."""
    return hashlib.sha256(local.encode("utf-8")).digest()[:28].hex()


async def smimea_or_openpgpkey(ctx: SourceContext, source: Source) -> Attempt:
    """Whether keys for the address are published in DNS (information only)."""
    started = ctx.since_start()
    label, rdtype = {
        Source.OPENPGPKEY: ("_openpgpkey", "OPENPGPKEY"),
        Source.SMIMEA: ("_smimecert", "SMIMEA"),
    }[source]
    name = f"{hashed_local_part(ctx.address.local)}.{label}.{ctx.domain}"
    answer = await ctx.resolver.lookup(name, rdtype)
    if not answer.found or answer.security is Dnssec.BOGUS:
        status, detail = _unanswered(answer, f"{rdtype} record for this address")
        return _attempt(ctx, source, answer, started, status=status, detail=detail)
    signed = "DNSSEC-signed" if answer.secure else "not DNSSEC-signed"
    return _attempt(
        ctx,
        source,
        answer,
        started,
        status=Status.FOUND,
        detail=f"{len(answer.records)} {rdtype} record(s) for this address, {signed}",
    )


async def guess(ctx: SourceContext) -> Attempt:
    """Phase 2: conventional host names that exist in DNS, with standard ports (tier C)."""
    started = ctx.since_start()
    names = sorted({prefix for prefix, *_ in GUESSES})
    answers = await asyncio.gather(
        *(ctx.resolver.lookup(f"{prefix}.{ctx.domain}", "A") for prefix in names)
    )
    exists = {prefix for prefix, a in zip(names, answers, strict=True) if a.found}
    exists -= {p for p, a in zip(names, answers, strict=True) if a.security is Dnssec.BOGUS}
    candidates = tuple(
        ServerCandidate(service, f"{prefix}.{ctx.domain}", port, security, None, (), order)
        for order, (prefix, service, port, security) in enumerate(GUESSES)
        if prefix in exists
    )
    status = Status.FOUND if candidates else Status.NOTHING
    detail = (
        f"guessed {len(candidates)} server(s) from host names that exist: "
        + ", ".join(sorted(f"{p}.{ctx.domain}" for p in exists))
        if candidates
        else "none of the conventional host names exist"
    )
    return Attempt(
        source=Source.GUESS,
        target=", ".join(f"{p}.{ctx.domain} A" for p in names),
        status=status,
        auth=Auth.GUESSED,
        detail=detail,
        started=started,
        elapsed=ctx.since_start() - started,
        via=f"DNS via {ctx.resolver.upstream}",
        candidates=candidates,
        records=tuple(record_set(a) for a in answers),
    )
