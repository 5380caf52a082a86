"""DNS records asked for information only: TLS reporting and the address's published keys.

tls_rpt               RFC 8460 ``_smtp._tls`` TXT: where TLS failure reports go
smimea_or_openpgpkey  RFC 8162 SMIMEA / RFC 7929 OPENPGPKEY for the address
"""

from __future__ import annotations

import hashlib

from ..common.fields import join_txt
from ..dns.dnssec import Security as Dnssec
from .dns_attempt import dns_attempt, unanswered
from .parse_e2e_keys import PublishedKey, parse_openpgp_key, parse_smimea
from .report import Attempt, PublishedKeys, Source, Status, TlsReporting
from .source_context import SourceContext

__all__ = ["hashed_local_part", "smimea_or_openpgpkey", "tls_rpt"]


async def tls_rpt(ctx: SourceContext) -> Attempt:
    """The RFC 8460 reporting record: where the domain wants TLS failure reports."""
    started = ctx.since_start()
    answer = await ctx.resolver.lookup(f"_smtp._tls.{ctx.domain}", "TXT")
    texts = [join_txt(r.strings) for r in answer.records if hasattr(r, "strings")]
    ours = [t for t in texts if t is not None and t.startswith("v=TLSRPTv1")]
    if not ours:
        status, detail = unanswered(answer, "TLS-RPT record")
        return dns_attempt(ctx, Source.TLS_RPT, answer, started, status=status, detail=detail)
    if len(ours) > 1:
        return dns_attempt(
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
    return dns_attempt(
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
        status, detail = unanswered(answer, f"{rdtype} record for this address")
        return dns_attempt(ctx, source, answer, started, status=status, detail=detail)
    signed = "DNSSEC-signed" if answer.secure else "not DNSSEC-signed"
    keys = tuple(key for record in answer.records if (key := _key_of(record)) is not None)
    unread = len(answer.records) - len(keys)
    detail = f"{len(answer.records)} {rdtype} record(s) for this address, {signed}"
    if unread:
        detail += f"; {unread} hold no readable key"
    return dns_attempt(
        ctx,
        source,
        answer,
        started,
        status=Status.FOUND,
        detail=detail,
        payload=PublishedKeys(keys),
    )


def _key_of(record: object) -> PublishedKey | None:
    """The key an OPENPGPKEY (RFC 7929) or SMIMEA (RFC 8162) record holds, if readable."""
    key = getattr(record, "key", None)
    if isinstance(key, bytes):
        return parse_openpgp_key(key)
    cert = getattr(record, "cert", None)
    if isinstance(cert, bytes):
        return parse_smimea(getattr(record, "selector", -1), getattr(record, "mtype", -1), cert)
    return None
