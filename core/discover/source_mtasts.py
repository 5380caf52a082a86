"""MTA-STS (RFC 8461): the ``_mta-sts`` TXT record and the policy, fetched together.

The policy is fetched only over HTTPS from ``mta-sts.<d>``, with no redirect (section 3.3),
and must be served as text/plain. The attempt's payload is an ``MtaSts``: the record's id,
and the policy once it was accepted. An accepted policy is kept in the run's MTA-STS cache;
when the live fetch fails, an unexpired cached policy is the answer, and says so
(mtasts_cache.py).
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial

from ..common.tasks import gather_all
from ..dns.dnssec import Security as Dnssec
from ..dns.resolver import Outcome
from .dns_attempt import record_set, unanswered
from .mtasts_cache import CacheRefusal
from .parse_mtasts import parse_mtasts_policy, parse_mtasts_record
from .report import Attempt, Auth, Failure, MtaSts, Source, Status
from .source_context import SourceContext
from .web_attempt import fetch_failure, web_attempt

__all__ = ["mta_sts"]


async def mta_sts(ctx: SourceContext) -> Attempt:
    """RFC 8461: the ``_mta-sts`` TXT record and the policy, fetched together."""
    started = ctx.since_start()
    url = f"https://mta-sts.{ctx.domain}/.well-known/mta-sts.txt"
    txt, result = await gather_all(
        ctx.resolver.lookup(f"_mta-sts.{ctx.domain}", "TXT"),
        ctx.fetcher.fetch(
            url, deadline=ctx.deadline, max_redirects=0, headers=(("Accept", "text/plain"),)
        ),
    )
    answer = partial(
        web_attempt, ctx, Source.MTA_STS, url, result, started, records=(record_set(txt),)
    )
    if txt.outcome in (Outcome.FAILED, Outcome.INVALID_NAME) and txt.security is not Dnssec.BOGUS:
        # No answer is not "no record": whether the domain publishes MTA-STS is unknown
        # (DESIGN.md section 4, rule 11), and the policy alone does not count (section 3.3).
        status, why = unanswered(txt, "_mta-sts record")
        return answer(status=status, detail=why, failure=Failure.DNS)
    record = parse_mtasts_record([r.strings for r in txt.records if hasattr(r, "strings")])
    if record.record is None:
        status = Status.FAILED if txt.security is Dnssec.BOGUS or txt.found else Status.NOTHING
        detail = record.error or "no MTA-STS record"
        failure = Failure.DOCUMENT_REFUSED if status is Status.FAILED else None
        if txt.security is Dnssec.BOGUS:
            detail = f"the _mta-sts record failed DNSSEC validation: {txt.reason}"
            failure = Failure.DNSSEC_BOGUS
        return answer(status=status, detail=detail, failure=failure)
    found = MtaSts(record.record.id)
    live = partial(_or_cached, ctx, found)
    if not result.ok or result.body is None:
        _, why, failure = fetch_failure(ctx, result)
        detail = f"MTA-STS record present, but the policy could not be fetched: {why}"
        return live(answer(status=Status.FAILED, detail=detail, payload=found, failure=failure))
    refused = partial(answer, status=Status.FAILED, payload=found, failure=Failure.DOCUMENT_REFUSED)
    if result.content_type != "text/plain":
        served = result.content_type or "no type"
        return live(refused(detail=f"the policy is served as {served}, not text/plain"))
    parsed = parse_mtasts_policy(result.body)
    if parsed.policy is None:
        return live(refused(detail=f"policy refused: {parsed.error}", issues=parsed.issues))
    policy = parsed.policy
    if ctx.mtasts_cache is not None:
        # Each accepted policy replaces the copy: a changed id means a new policy, and
        # the same id restarts max_age from now (RFC 8461 section 5.1).
        ctx.mtasts_cache.store(ctx.domain, found.record_id, result.body)
    return answer(
        status=Status.FOUND,
        detail=f"mode {policy.mode.value}, MX {', '.join(policy.mx) or '(none)'}",
        issues=parsed.issues,
        payload=replace(found, policy=policy),
    )


def _or_cached(ctx: SourceContext, found: MtaSts, live: Attempt) -> Attempt:
    """The failed live attempt, or, when an unexpired policy is cached, that policy in force
    (RFC 8461 section 5.1: "if no 'live' policy can be ... fetched via HTTPS, but a valid
    (non-expired) policy exists in the sender's cache, the sender MUST apply that cached
    policy"), whatever id it was fetched under; the words say which, and why."""
    cache = ctx.mtasts_cache
    cached = cache.usable(ctx.domain) if cache is not None else None
    if isinstance(cached, CacheRefusal):
        return replace(live, detail=f"{live.detail}; not used: {cached.reason}")
    if cached is None:
        return live
    policy = cached.policy
    detail = (
        f"{live.detail}; the policy cached on {cached.fetched_text()} is in force until "
        f"{cached.expires_text()}: mode {policy.mode.value}, MX {', '.join(policy.mx) or '(none)'}"
    )
    if cached.record_id != found.record_id:
        detail += f" (the record's id changed from {cached.record_id}: a new policy is announced)"
    return replace(
        live,
        status=Status.FOUND,
        # Only a policy accepted from https://mta-sts.<domain>, with no redirect, is cached.
        auth=Auth.HTTPS_IN_DOMAIN,
        detail=detail,
        payload=replace(found, policy=policy, from_cache=cached),
        failure=None,
    )
