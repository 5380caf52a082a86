"""One question to the upstream about the trust anchor's zone: can this computer judge DNS?

The anchor's zone (the root, unless a test or demo configures another) exists, is signed,
and answers for its own keys (". DNSKEY") with an RRSIG whatever the domain asked about.
So how the upstream answers this one question tells the person's side apart from the
domain's (DESIGN.md section 4, rule 11):

    OS error at once (ENETUNREACH, ...)   -> UNREACHABLE: no route, no network
    nothing before the deadline           -> SILENT: the resolver does not answer
    NXDOMAIN                              -> NXDOMAIN: a resolver that denies every name
    SERVFAIL, REFUSED, ...                -> REFUSED
    NOERROR, DNSKEY without RRSIG         -> UNSIGNED: the resolver strips the signatures
    NOERROR, DNSKEY with RRSIG            -> SIGNED (validation is the validator's job)

The signature's inception and expiration come back too: when the validator says the root's
own signatures are not valid now, they bound how far this computer's clock is off.
"""

from __future__ import annotations

import enum
import errno
import time
from dataclasses import dataclass

import dns.asyncquery
import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdatatype

from .resolver import EDNS_PAYLOAD, FIRST_RETRY_SECONDS, Upstream

__all__ = ["RootProbe", "RootReply", "probe_root"]

# The OS says at once that no packet can leave: no interface, no route, no address.
_NO_ROUTE = {errno.ENETUNREACH, errno.EHOSTUNREACH, errno.ENETDOWN, errno.EADDRNOTAVAIL}


class RootReply(enum.Enum):
    SIGNED = "signed"
    UNSIGNED = "unsigned"
    NXDOMAIN = "nxdomain"
    REFUSED = "refused"
    SILENT = "silent"
    UNREACHABLE = "unreachable"


@dataclass(frozen=True, slots=True)
class RootProbe:
    """How the upstream answered ". DNSKEY"; ``detail`` is the evidence in English."""

    reply: RootReply
    detail: str
    inception: int | None = None  # the RRSIG's, POSIX seconds, when SIGNED
    expiration: int | None = None
    elapsed: float = 0.0


async def probe_root(
    upstream: Upstream, *, deadline: float, zone: dns.name.Name = dns.name.root
) -> RootProbe:
    """Ask `upstream` for the keys of `zone` (the trust anchor's; RD, DO, CD) until
    `deadline` (monotonic)."""
    started = time.monotonic()
    query = dns.message.make_query(
        zone, dns.rdatatype.DNSKEY, want_dnssec=True, use_edns=0, payload=EDNS_PAYLOAD
    )
    query.flags |= dns.flags.RD | dns.flags.CD
    wait = FIRST_RETRY_SECONDS
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            why = f"{upstream} did not answer within {time.monotonic() - started:.1f} s"
            return RootProbe(RootReply.SILENT, why, elapsed=time.monotonic() - started)
        try:
            response, _ = await dns.asyncquery.udp_with_fallback(
                query, upstream.address, timeout=min(wait, remaining), port=upstream.port
            )
        except dns.exception.Timeout:
            wait *= 2
            continue
        except OSError as exc:
            reply = RootReply.UNREACHABLE if exc.errno in _NO_ROUTE else RootReply.SILENT
            why = f"{upstream}: {exc.strerror or exc}"
            return RootProbe(reply, why, elapsed=time.monotonic() - started)
        except dns.exception.DNSException as exc:
            why = f"{upstream} sent no usable answer: {exc}"
            return RootProbe(RootReply.REFUSED, why, elapsed=time.monotonic() - started)
        return _classify(upstream, zone, response, time.monotonic() - started)


def _classify(
    upstream: Upstream, zone: dns.name.Name, response: dns.message.Message, elapsed: float
) -> RootProbe:
    rcode = response.rcode()
    if rcode == dns.rcode.NXDOMAIN:
        why = f"{upstream} answered NXDOMAIN for the zone {zone}, which exists (the trust anchor's)"
        return RootProbe(RootReply.NXDOMAIN, why, elapsed=elapsed)
    if rcode != dns.rcode.NOERROR:
        why = f"{upstream} answered {dns.rcode.to_text(rcode)} for the keys of {zone}"
        return RootProbe(RootReply.REFUSED, why, elapsed=elapsed)
    keys = [r for r in response.answer if r.rdtype == dns.rdatatype.DNSKEY]
    sigs = [
        sig
        for r in response.answer
        if r.rdtype == dns.rdatatype.RRSIG
        for sig in r
        if getattr(sig, "type_covered", None) == dns.rdatatype.DNSKEY
    ]
    if not keys or not sigs:
        what = "without any signature" if keys else "without the keys or their signatures"
        why = f"{upstream} answered the keys of {zone} {what}, although the query asked for them"
        return RootProbe(RootReply.UNSIGNED, why, elapsed=elapsed)
    # The widest window any of the signatures gives: the clock is off only beyond all.
    inception = min(int(sig.inception) for sig in sigs)
    expiration = max(int(sig.expiration) for sig in sigs)
    return RootProbe(
        RootReply.SIGNED, f"{upstream} answered, signed", inception, expiration, elapsed
    )
