"""PACC (draft-ietf-mailmaint-pacc): the JSON document, vouched for by a TXT record.

The document and the ``_ua-auto-config`` TXT record are asked at once; the document counts
only when its SHA-256 equals the record's digest (tier A, ``DIGEST_MATCHED``). No redirect
is followed, and every outcome carries the TXT record set as evidence.
"""

from __future__ import annotations

from functools import partial

from ..common.tasks import gather_all
from ..dns.dnssec import Security as Dnssec
from .dns_attempt import record_set
from .parse_pacc import parse_pacc, parse_pacc_record
from .report import Attempt, Auth, Failure, Source, Status
from .source_context import SourceContext
from .web_attempt import fetch_failure, web_attempt

__all__ = ["pacc"]


async def pacc(ctx: SourceContext) -> Attempt:
    """PACC: the JSON document counts only if its SHA-256 matches the ``_ua-auto-config`` TXT."""
    started = ctx.since_start()
    url = f"https://ua-auto-config.{ctx.domain}/.well-known/user-agent-configuration.json"
    txt, result = await gather_all(
        ctx.resolver.lookup(f"_ua-auto-config.{ctx.domain}", "TXT"),
        ctx.fetcher.fetch(
            url,
            deadline=ctx.deadline,
            max_redirects=0,
            headers=(("Accept", "application/json"),),
        ),
    )
    answer = partial(
        web_attempt, ctx, Source.PACC, url, result, started, records=(record_set(txt),)
    )
    if txt.security is Dnssec.BOGUS:
        why = f"the _ua-auto-config record failed DNSSEC validation: {txt.reason}"
        return answer(status=Status.FAILED, detail=why, failure=Failure.DNSSEC_BOGUS)
    record = parse_pacc_record([r.strings for r in txt.records if hasattr(r, "strings")])
    if not result.ok or result.body is None:
        status, detail, failure = fetch_failure(ctx, result)
        if record.record is None and status is Status.NOTHING:
            detail = "no PACC document and no _ua-auto-config record"
        return answer(status=status, detail=detail, failure=failure)
    if record.record is None:
        why = record.error or "there is no _ua-auto-config record"
        return answer(
            status=Status.FAILED,
            detail=f"document not used: {why}, so nothing vouches for it",
            failure=Failure.DOCUMENT_REFUSED,
        )
    parsed = parse_pacc(
        result.body, local_part=ctx.address.local, domain=ctx.domain, record=record.record
    )
    if parsed.error is not None or not parsed.digest_verified:
        why = parsed.error or "digest not verified"
        return answer(
            status=Status.FAILED,
            detail=f"document refused: {why}",
            issues=parsed.issues,
            failure=Failure.DOCUMENT_REFUSED,
        )
    return answer(
        status=Status.FOUND if parsed.candidates else Status.NOTHING,
        detail=f"{len(parsed.candidates)} server(s); SHA-256 matches the _ua-auto-config record",
        auth=Auth.DIGEST_MATCHED,
        candidates=parsed.candidates,
        issues=parsed.issues,
        oauth2=parsed.oauth2,
    )
