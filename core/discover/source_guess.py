"""Phase 2 guesses (tier C unless policy says otherwise): the MX host, then conventional names.

The domain's own MX host comes first: it is a name the domain published for mail, and a
small domain's one server often serves IMAP and submission too (as Thunderbird's guess
does). Its attempt carries the MX host as ``related_host``: policy gives it the MX answer's
trust (MX-derived, DESIGN.md section 4). Then ``imap.<d>``, ``mail.<d>``, ... that exist in
DNS, with standard ports, implicit TLS first.

A wildcard (``*.<d>``) makes every such name "exist": one random name is asked with them,
and a conventional name whose addresses are the wildcard's is dropped, since only the
wildcard answered it and it says nothing about a mail server. A name published with
addresses of its own stays.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from ..common.model import Security, ServerCandidate, Service
from ..common.tasks import gather_all
from ..dns.dnssec import Security as Dnssec
from ..dns.resolver import DnsAnswer, Outcome
from .dns_attempt import record_set, unanswered
from .report import Attempt, Auth, Source, Status
from .source_context import SourceContext

__all__ = ["GUESSES", "MX_HOST_GUESSES", "WILDCARD_PROBE", "guess"]

# Conventional names, standard ports, implicit TLS first.
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

# The services and ports tried on the MX host: those of GUESSES, in their order.
MX_HOST_GUESSES: tuple[tuple[Service, int, Security], ...] = tuple(
    dict.fromkeys((service, port, security) for _, service, port, security in GUESSES)
)

# The label in front of the domain that tells a wildcard (RFC 4592) from published names:
# random, so no domain publishes it; asked once per run.
WILDCARD_PROBE = "mailhop-wildcard-check-"


async def guess(ctx: SourceContext, mx_hosts: tuple[str, ...] = ()) -> list[Attempt]:
    """The MX hosts on the standard ports, then the conventional names that exist."""
    started = ctx.since_start()
    mx_hosts = tuple(dict.fromkeys(h.lower() for h in mx_hosts))
    names = sorted({prefix for prefix, *_ in GUESSES})
    hosts = [f"{prefix}.{ctx.domain}" for prefix in names]
    probe = f"{WILDCARD_PROBE}{secrets.token_hex(6)}.{ctx.domain}"
    asked = await gather_all(
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
        ServerCandidate(
            service=service,
            hostname=host,
            port=port,
            security=security,
            username=None,
            auth_methods=(),
            order=order + i,
        )
        for i, (service, port, security) in enumerate(MX_HOST_GUESSES)
        if usable
    )
    ports = ", ".join(f"{s.value} {p}" for s, p, _ in MX_HOST_GUESSES)
    detail = (
        f"the MX host {host} tried on the standard ports ({ports})"
        if usable
        else unanswered(answer, f"address for the MX host {host}")[1]
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


@dataclass(frozen=True, slots=True)
class _Names:
    """Which conventional names exist, and which only through a wildcard."""

    exists: frozenset[str]  # prefixes with addresses of their own
    only_wildcard: frozenset[str]
    note: str  # what a person should know about the wildcard check


def _addresses(answer: DnsAnswer) -> frozenset[str]:
    return frozenset(r.to_text() for r in answer.records)


def _existing(
    domain: str, names: list[str], answers: Sequence[DnsAnswer], wildcard: DnsAnswer
) -> _Names:
    """The prefixes that exist in DNS, less those only a wildcard answered."""
    exists = {
        prefix
        for prefix, a in zip(names, answers, strict=True)
        if a.found and a.security is not Dnssec.BOGUS
    }
    if wildcard.found and wildcard.security is not Dnssec.BOGUS:
        everywhere = _addresses(wildcard)
        only_wildcard = {
            prefix
            for prefix, a in zip(names, answers, strict=True)
            if prefix in exists and _addresses(a) == everywhere
        }
        note = ""
        if only_wildcard:
            dropped = ", ".join(f"{p}.{domain}" for p in sorted(only_wildcard))
            note = (
                f"{dropped} exist only through the wildcard *.{domain} (a random name "
                f"resolves to the same address), so they say nothing and were dropped"
            )
        return _Names(frozenset(exists - only_wildcard), frozenset(only_wildcard), note)
    note = ""
    if wildcard.outcome is Outcome.FAILED or wildcard.security is Dnssec.BOGUS:
        note = f"could not check for a wildcard under {domain} ({wildcard.reason})"
    return _Names(frozenset(exists), frozenset(), note)


def _name_guess(
    ctx: SourceContext,
    names: list[str],
    answers: Sequence[DnsAnswer],
    wildcard: DnsAnswer,
    mx_hosts: set[str],
    started: float,
    order: int,
) -> Attempt:
    domain = ctx.domain
    found = _existing(domain, names, answers, wildcard)
    note = found.note
    covered = sorted(p for p in found.exists if f"{p}.{domain}" in mx_hosts)
    if covered:  # the MX host's own attempt names it, first
        also = ", ".join(f"{p}.{domain}" for p in covered)
        note = "; ".join(filter(None, (f"{also} is the MX host, tried first", note)))
    kept = [g for g in GUESSES if g[0] in found.exists and g[0] not in covered]
    candidates = tuple(
        ServerCandidate(
            service=service,
            hostname=f"{prefix}.{domain}",
            port=port,
            security=security,
            username=None,
            auth_methods=(),
            order=order + i,
        )
        for i, (prefix, service, port, security) in enumerate(kept)
    )
    if candidates:
        hosts = ", ".join(f"{p}.{domain}" for p in sorted({prefix for prefix, *_ in kept}))
        detail = f"guessed {len(candidates)} server(s) from host names that exist: {hosts}"
    elif covered:
        detail = "no conventional host name besides the MX host"
    elif found.only_wildcard:
        detail = "no conventional host name of its own"
    else:
        detail = "none of the conventional host names exist"
    return Attempt(
        source=Source.GUESS,
        target=", ".join(f"{p}.{domain} A" for p in names),
        status=Status.FOUND if candidates else Status.NOTHING,
        auth=Auth.GUESSED,
        detail=f"{detail}; {note}" if note else detail,
        started=started,
        elapsed=ctx.since_start() - started,
        via=f"DNS via {ctx.resolver.upstream}",
        candidates=candidates,
        records=(*(record_set(a) for a in answers), record_set(wildcard)),
    )
