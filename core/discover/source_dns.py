"""DANE's TLSA records for one host and port (RFC 7672 for SMTP, RFC 7673 via SRV).

Asked as a follow-up the moment a source names an endpoint. The attempt's payload is the
``TlsaQuestion`` (host and port) it answers; its records keep their DNSSEC outcome, and
only a DNSSEC-secure answer makes DANE apply (the probe matches the certificate against it).
"""

from __future__ import annotations

from ..dns.dnssec import Security as Dnssec
from .dns_attempt import dns_attempt, unanswered
from .report import Attempt, Source, Status, TlsaQuestion
from .source_context import SourceContext

__all__ = ["tlsa"]


async def tlsa(ctx: SourceContext, host: str, port: int) -> Attempt:
    """DANE records for one host and port (RFC 7672 for SMTP, RFC 7673 via SRV)."""
    started = ctx.since_start()
    answer = await ctx.resolver.lookup(f"_{port}._tcp.{host}", "TLSA")
    asked = TlsaQuestion(host, port)
    if not answer.found or answer.security is Dnssec.BOGUS:
        status, detail = unanswered(answer, "TLSA record")
        return dns_attempt(
            ctx, Source.TLSA, answer, started, status=status, detail=detail, payload=asked
        )
    usable = answer.security is Dnssec.SECURE
    detail = (
        f"{len(answer.records)} TLSA record(s), DNSSEC-signed: DANE applies"
        if usable
        else f"{len(answer.records)} TLSA record(s), but not DNSSEC-signed: DANE does not apply"
    )
    return dns_attempt(
        ctx, Source.TLSA, answer, started, status=Status.FOUND, detail=detail, payload=asked
    )
