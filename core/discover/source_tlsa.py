"""DANE's TLSA records for one host and port (RFC 7672 for SMTP, RFC 7673 via SRV).

Asked as a follow-up the moment a source names an endpoint. The attempt's payload is the
``TlsaQuestion`` (host and port) it answers; its records keep their DNSSEC outcome, and
only a DNSSEC-secure answer makes DANE apply (the probe matches the certificate against it).

A host that is an alias (its address lookup follows a CNAME or DNAME chain) is looked up
as RFC 7671 section 7 and RFC 7672 section 2.2.2 order: when every link of the chain is
DNSSEC-secure, TLSA at the fully expanded name first, then (if that name securely has
none) at the host's own name; when any link is not secure, DANE does not apply at all,
even if TLSA records at the host's own name are signed.
"""

from __future__ import annotations

from dataclasses import replace

from ..common.tasks import gather_all
from ..dns.dnssec import Security as Dnssec
from ..dns.resolver import DnsAnswer
from .dns_attempt import dns_attempt, unanswered
from .report import Attempt, Source, Status, TlsaQuestion
from .source_context import SourceContext

__all__ = ["tlsa"]


async def tlsa(ctx: SourceContext, host: str, port: int) -> Attempt:
    """DANE records for one host and port (RFC 7672 for SMTP, RFC 7673 via SRV)."""
    started = ctx.since_start()
    # The address answer is asked anyway to connect (the validator asks the upstream once).
    address, answer = await gather_all(
        ctx.resolver.lookup(host, "A"), ctx.resolver.lookup(f"_{port}._tcp.{host}", "TLSA")
    )
    where = ""
    if address.aliases and answer.security is not Dnssec.BOGUS:
        answer, where = await _behind_alias(ctx, port, address, answer)
    asked = TlsaQuestion(host, port)
    if not answer.found or answer.security is Dnssec.BOGUS:
        status, detail = unanswered(answer, "TLSA record")
        return dns_attempt(
            ctx, Source.TLSA, answer, started, status=status, detail=detail, payload=asked
        )
    usable = answer.security is Dnssec.SECURE
    detail = (
        f"{len(answer.records)} TLSA record(s){where}, DNSSEC-signed: DANE applies"
        if usable
        else f"{len(answer.records)} TLSA record(s){where}, but not DNSSEC-signed: "
        "DANE does not apply"
    )
    return dns_attempt(
        ctx, Source.TLSA, answer, started, status=Status.FOUND, detail=detail, payload=asked
    )


async def _behind_alias(
    ctx: SourceContext, port: int, address: DnsAnswer, own: DnsAnswer
) -> tuple[DnsAnswer, str]:
    """The TLSA answer that counts for a host that is an alias, and where it was found."""
    target = address.canonical
    if address.security is not Dnssec.SECURE:
        why = (
            f"{address.name} is an alias of {target} through a chain that is not all "
            f"DNSSEC-signed ({address.reason}), so DANE does not apply (RFC 7672 section 2.2.2)"
        )
        demoted = replace(own, security=Dnssec.INSECURE, reason=why, absence_proven=False)
        return demoted, f" at {own.name} (an alias whose chain is not signed)"
    expanded = await ctx.resolver.lookup(f"_{port}._tcp.{target}", "TLSA")
    if expanded.absence_proven:  # securely none at the target: the host's own name next
        return own, f" at the alias {address.name} (none at its target {target})"
    return expanded, f" at the alias target {target}"
