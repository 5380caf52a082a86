"""Discovery sources answered by DNS: SRV, MX, TLSA, TLS-RPT, OPENPGPKEY, SMIMEA, guesses.

Every answer comes through ``resolver.Resolver``, so each attempt carries the DNSSEC
outcome of its records; the policy turns that into a tier. Bogus data is never used:
a BOGUS answer is a failed attempt whose records are kept only as evidence.
"""

from __future__ import annotations

import asyncio
import hashlib
import secrets

import dns.rdata
from dns.rdtypes.ANY.MX import MX
from dns.rdtypes.IN.SRV import SRV

from ..common.fields import FieldError, join_txt, validate_hostname
from ..common.model import IssueCode, ParseIssue, Security, ServerCandidate, Service
from ..dns.dnssec import Security as Dnssec
from ..dns.resolver import DnsAnswer, Outcome
from .report import Attempt, Auth, DnsRecordSet, Payload, Source, Status, TlsaQuestion, TlsReporting
from .source_context import SourceContext

__all__ = [
    "GUESSES",
    "MX_HOST_GUESSES",
    "SRV_SERVICES",
    "WILDCARD_PROBE",
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
    payload: Payload | None = None,
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
        payload=payload,
    )


def _unanswered(answer: DnsAnswer, what: str) -> tuple[Status, str]:
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
    asked = TlsaQuestion(host, port)
    if not answer.found or answer.security is Dnssec.BOGUS:
        status, detail = _unanswered(answer, "TLSA record")
        return _attempt(
            ctx, Source.TLSA, answer, started, status=status, detail=detail, payload=asked
        )
    usable = answer.security is Dnssec.SECURE
    detail = (
        f"{len(answer.records)} TLSA record(s), DNSSEC-signed: DANE applies"
        if usable
        else f"{len(answer.records)} TLSA record(s), but not DNSSEC-signed: DANE does not apply"
    )
    return _attempt(
        ctx, Source.TLSA, answer, started, status=Status.FOUND, detail=detail, payload=asked
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
        payload=TlsReporting(rua),
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


# The services and ports tried on the MX host: those of GUESSES, in their order.
MX_HOST_GUESSES: tuple[tuple[Service, int, Security], ...] = tuple(
    dict.fromkeys((service, port, security) for _, service, port, security in GUESSES)
)

# The label in front of the domain that tells a wildcard (RFC 4592) from published names:
# random, so no domain publishes it; asked once per run.
WILDCARD_PROBE = "mailhop-wildcard-check-"


async def guess(ctx: SourceContext, mx_hosts: tuple[str, ...] = ()) -> list[Attempt]:
    """Phase 2 (tier C unless policy says otherwise): the MX host, then conventional names.

    The domain's own MX host comes first: it is a name the domain published for mail, and
    a small domain's one server often serves IMAP and submission too (as Thunderbird's
    guess does). Its attempt carries the MX host as ``related_host``: policy gives it the
    MX answer's trust (MX-derived, DESIGN.md section 4). Then ``imap.<d>``, ``mail.<d>``,
    ... that exist in DNS, with standard ports. A wildcard (``*.<d>``) makes every such
    name "exist": one random name is asked with them, and a conventional name whose
    addresses are the wildcard's is dropped, since only the wildcard answered it and it
    says nothing about a mail server. A name published with addresses of its own stays.
    """
    started = ctx.since_start()
    mx_hosts = tuple(dict.fromkeys(h.lower() for h in mx_hosts))
    names = sorted({prefix for prefix, *_ in GUESSES})
    hosts = [f"{prefix}.{ctx.domain}" for prefix in names]
    probe = f"{WILDCARD_PROBE}{secrets.token_hex(6)}.{ctx.domain}"
    asked = await asyncio.gather(
        *(ctx.resolver.lookup(name, "A") for name in (*mx_hosts, *hosts, probe))
    )
    mx_answers, answers, wildcard = asked[: len(mx_hosts)], asked[len(mx_hosts) : -1], asked[-1]
    out: list[Attempt] = []
    order = 0
    for host, answer in zip(mx_hosts, mx_answers, strict=True):
        attempt, order = _mx_host_guess(ctx, host, answer, started, order)
        out.append(attempt)
    out.append(_name_guess(ctx, names, answers, wildcard, set(mx_hosts), started, order))
    return out


def _mx_host_guess(
    ctx: SourceContext, host: str, answer: DnsAnswer, started: float, order: int
) -> tuple[Attempt, int]:
    usable = answer.found and answer.security is not Dnssec.BOGUS
    candidates = tuple(
        ServerCandidate(service, host, port, security, None, (), order + i)
        for i, (service, port, security) in enumerate(MX_HOST_GUESSES)
        if usable
    )
    ports = ", ".join(f"{s.value} {p}" for s, p, _ in MX_HOST_GUESSES)
    detail = (
        f"the MX host {host} tried on the standard ports ({ports})"
        if usable
        else _unanswered(answer, f"address for the MX host {host}")[1]
    )
    attempt = Attempt(
        source=Source.GUESS,
        target=f"{host} A (MX host)",
        status=Status.FOUND if candidates else Status.NOTHING,
        auth=Auth.GUESSED,
        detail=detail,
        started=started,
        elapsed=ctx.since_start() - started,
        via=f"DNS via {ctx.resolver.upstream}",
        candidates=candidates,
        records=(record_set(answer),),
        related_host=host,
    )
    return attempt, order + len(candidates)


def _addresses(answer: DnsAnswer) -> frozenset[str]:
    return frozenset(r.to_text() for r in answer.records)


def _name_guess(
    ctx: SourceContext,
    names: list[str],
    answers: list[DnsAnswer],
    wildcard: DnsAnswer,
    mx_hosts: set[str],
    started: float,
    order: int,
) -> Attempt:
    domain = ctx.domain
    exists = {
        prefix
        for prefix, a in zip(names, answers, strict=True)
        if a.found and a.security is not Dnssec.BOGUS
    }
    note = ""
    only_wildcard: set[str] = set()
    if wildcard.found and wildcard.security is not Dnssec.BOGUS:
        everywhere = _addresses(wildcard)
        only_wildcard = {
            prefix
            for prefix, a in zip(names, answers, strict=True)
            if prefix in exists and _addresses(a) == everywhere
        }
        exists -= only_wildcard
        if only_wildcard:
            dropped = ", ".join(f"{p}.{domain}" for p in sorted(only_wildcard))
            note = (
                f"{dropped} exist only through the wildcard *.{domain} (a random name "
                f"resolves to the same address), so they say nothing and were dropped"
            )
    elif wildcard.outcome is Outcome.FAILED or wildcard.security is Dnssec.BOGUS:
        note = f"could not check for a wildcard under {domain} ({wildcard.reason})"
    covered = sorted(p for p in exists if f"{p}.{domain}" in mx_hosts)
    if covered:  # the MX host's own attempt names it, first
        also = ", ".join(f"{p}.{domain}" for p in covered)
        note = "; ".join(filter(None, (f"{also} is the MX host, tried first", note)))
    kept = [
        (prefix, service, port, security)
        for prefix, service, port, security in GUESSES
        if prefix in exists and prefix not in covered
    ]
    candidates = tuple(
        ServerCandidate(service, f"{prefix}.{domain}", port, security, None, (), order + i)
        for i, (prefix, service, port, security) in enumerate(kept)
    )
    status = Status.FOUND if candidates else Status.NOTHING
    if candidates:
        hosts = ", ".join(f"{p}.{domain}" for p in sorted({prefix for prefix, *_ in kept}))
        detail = f"guessed {len(candidates)} server(s) from host names that exist: {hosts}"
    elif covered:
        detail = "no conventional host name besides the MX host"
    elif only_wildcard:
        detail = "no conventional host name of its own"
    else:
        detail = "none of the conventional host names exist"
    return Attempt(
        source=Source.GUESS,
        target=", ".join(f"{p}.{domain} A" for p in names),
        status=status,
        auth=Auth.GUESSED,
        detail=f"{detail}; {note}" if note else detail,
        started=started,
        elapsed=ctx.since_start() - started,
        via=f"DNS via {ctx.resolver.upstream}",
        candidates=candidates,
        records=(*(record_set(a) for a in answers), record_set(wildcard)),
    )
