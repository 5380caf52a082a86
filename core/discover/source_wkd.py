"""OpenPGP Web Key Directory (draft-koch-openpgp-webkey-service), information only.

Whether a key for the address is published: the advanced method (``openpgpkey.<d>``) and
the direct one (``<d>/.well-known/openpgpkey``) are asked at once, the local part only as
its z-base-32 SHA-1 hash plus the ``l=`` parameter the draft asks for, no redirect.
"""

from __future__ import annotations

import hashlib
from urllib.parse import quote

from ..common.tasks import gather_all
from .parse_e2e_keys import parse_openpgp_key
from .report import Attempt, Failure, PublishedKeys, Source, Status
from .source_context import SourceContext
from .web_attempt import fetch_failure, web_attempt

__all__ = ["wkd", "zbase32"]

_ZBASE32 = "ybndrfg8ejkmcpqxot1uwisza345h769"


def zbase32(data: bytes) -> str:
    """z-base-32 (used by WKD for the local-part hash), no padding."""
    bits = int.from_bytes(data, "big")
    count = len(data) * 8
    out = []
    for shift in range(count - 5, -5, -5):
        index = (bits >> shift) & 31 if shift >= 0 else (bits << -shift) & 31
        out.append(_ZBASE32[index])
    return "".join(out)


async def wkd(ctx: SourceContext) -> Attempt:
    """OpenPGP Web Key Directory, advanced then direct method (information only)."""
    started = ctx.since_start()
    local = ctx.address.local
    digest = zbase32(hashlib.sha1(local.lower().encode("utf-8")).digest())  # noqa: S324 - WKD spec
    tail = f"hu/{digest}?l={quote(local, safe='')}"
    urls = [
        f"https://openpgpkey.{ctx.domain}/.well-known/openpgpkey/{ctx.domain}/{tail}",
        f"https://{ctx.domain}/.well-known/openpgpkey/{tail}",
    ]
    results = await gather_all(
        *(ctx.fetcher.fetch(u, deadline=ctx.deadline, max_redirects=0, headers=()) for u in urls)
    )
    # Any 200 is no key: a web server that answers every path (with its home page, say)
    # publishes nothing; only a body that is an OpenPGP key counts.
    answered = [
        (url, result, parse_openpgp_key(result.body))
        for url, result in zip(urls, results, strict=True)
        if result.ok and result.body
    ]
    for url, result, key in answered:
        if key is not None:
            return web_attempt(
                ctx,
                Source.WKD,
                url,
                result,
                started,
                status=Status.FOUND,
                detail=f"an OpenPGP key for this address is published ({key.form})",
                payload=PublishedKeys((key,)),
            )
    if answered:
        url, result, _ = answered[0]
        return web_attempt(
            ctx,
            Source.WKD,
            url,
            result,
            started,
            status=Status.FAILED,
            detail=f"{url} answered, but not with an OpenPGP key",
            failure=Failure.DOCUMENT_REFUSED,
        )
    status, detail, failure = fetch_failure(ctx, results[1])
    if status is Status.FAILED and results[1].status is not None:
        status = Status.NOTHING
    return web_attempt(
        ctx, Source.WKD, urls[1], results[1], started, status=status, detail=detail, failure=failure
    )
