"""Is it published? The live domain compared with what publish would generate.

For each generated DNS record: asked through mailhop's own validating resolver, it is
``missing`` (no such record), ``different`` (records there, none with this value: the line to
put instead is the generated one), ``matching`` (there, but not DNSSEC-secure) or
``authenticated`` (there and secure). Two generated values are compared by meaning, not text
(dnspython's rdata equality), and the MTA-STS id is not compared at all: any id will do, as
long as it changes with the policy (RFC 8461 section 3.1). Values published beside the
generated ones (an old SRV target, an old key) are listed as ``extra``.

Each file is fetched over HTTPS as a client would (mailhop's fetcher: verified TLS, bounded,
no redirect out of the domain): ``missing`` (no 200), ``different`` (other bytes; for the
MTA-STS policy, other mx lines or version, or mode `none`; testing or enforce and max_age are
the admin's to tune),
``authenticated`` (the same, fetched over HTTPS with no redirect).

Then the check itself runs (discovery, every server probed), so the admin sees what a client
now gets: each endpoint's tier and how its key was authenticated.
"""

from __future__ import annotations

import enum
import time
from dataclasses import dataclass

import dns.exception
import dns.rdata
import dns.rdataclass

from ..common.address import parse_address
from ..common.fields import join_txt
from ..common.i18n import _
from ..common.tasks import gather_all
from ..dns.dnssec import load_root_anchors
from ..dns.resolver import DnsAnswer, Resolver, system_upstream
from ..net.fetch import Fetcher, FetchResult
from ..net.tlscontext import client_context
from ..run.check import CheckReport, check
from ..run.discovery import DiscoveryOptions
from .compose import PublishSet
from .files import PublishedFile
from .records import DnsRecord, Kind

__all__ = ["FileCheck", "RecordCheck", "Standing", "VerifyReport", "same_policy", "verify"]


class Standing(enum.StrEnum):
    MISSING = "missing"
    DIFFERENT = "different"
    MATCHING = "matching"  # there, not authenticated
    AUTHENTICATED = "authenticated"
    EXTRA = "extra"  # published, not generated: to remove


@dataclass(frozen=True, slots=True)
class RecordCheck:
    record: DnsRecord
    standing: Standing
    published: tuple[str, ...]  # the live values at that name and type


@dataclass(frozen=True, slots=True)
class FileCheck:
    file: PublishedFile
    url: str
    standing: Standing
    detail: str


@dataclass(frozen=True, slots=True)
class VerifyReport:
    records: tuple[RecordCheck, ...]
    files: tuple[FileCheck, ...]
    check: CheckReport | None

    @property
    def missing(self) -> tuple[RecordCheck | FileCheck, ...]:
        """Everything not published as generated (missing or different)."""
        bad = (Standing.MISSING, Standing.DIFFERENT)
        return tuple(
            [r for r in self.records if r.standing in bad]
            + [f for f in self.files if f.standing in bad]
        )


async def verify(
    published: PublishSet, options: DiscoveryOptions, *, allow_test: bool
) -> VerifyReport:
    deadline = time.monotonic() + options.hard_deadline
    resolver = Resolver(
        options.upstream or system_upstream(),
        options.anchor or load_root_anchors(),
        deadline=deadline,
    )
    keys = list(dict.fromkeys((r.owner.rstrip("."), r.rtype) for r in published.records))
    answers = await gather_all(*(resolver.lookup(name, rtype) for name, rtype in keys))
    by_key = dict(zip(keys, answers, strict=True))
    records = _record_checks(published.records, by_key)
    context = client_context(options.extra_ca_file)
    async with Fetcher(resolve=resolver.addresses, ssl_context=context) as fetcher:
        places = [(f, url) for f in published.files.files for url in f.urls]
        results = await gather_all(
            *(fetcher.fetch(url, deadline=deadline, max_redirects=0) for _, url in places)
        )
    files = tuple(
        _file_check(item, url, result) for (item, url), result in zip(places, results, strict=True)
    )
    address = parse_address(f"postmaster@{published.request.domain}", allow_test_domains=allow_test)
    report = await check(address, options)
    return VerifyReport(records, files, report)


def _record_checks(
    records: tuple[DnsRecord, ...], answers: dict[tuple[str, str], DnsAnswer]
) -> tuple[RecordCheck, ...]:
    found: list[RecordCheck] = []
    matched: dict[tuple[str, str], set[int]] = {}
    kinds: dict[tuple[str, str], DnsRecord] = {}
    for record in records:
        key = (record.owner.rstrip("."), record.rtype)
        kinds.setdefault(key, record)
        answer = answers[key]
        live = list(answer.records) if answer.found else []
        shown = tuple(rdata.to_text() for rdata in live)
        hits = [i for i, rdata in enumerate(live) if _same(record, rdata)]
        matched.setdefault(key, set()).update(hits)
        if not live:
            standing = Standing.MISSING
        elif not hits:
            standing = Standing.DIFFERENT
        else:
            standing = Standing.AUTHENTICATED if answer.secure else Standing.MATCHING
        found.append(RecordCheck(record, standing, shown))
    for key, used in matched.items():
        answer = answers[key]
        for index, rdata in enumerate(answer.records if answer.found else ()):
            if index not in used and not _other_protocol(key[1], rdata):
                like = kinds[key]
                extra = DnsRecord(like.kind, like.owner, like.rtype, rdata.to_text(), like.zone)
                found.append(RecordCheck(extra, Standing.EXTRA, (rdata.to_text(),)))
    return tuple(found)


def _same(record: DnsRecord, live: dns.rdata.Rdata) -> bool:
    if record.kind is Kind.MTA_STS:
        text = join_txt(getattr(live, "strings", ())) or ""
        return text.replace(" ", "").startswith("v=STSv1;id=")
    try:
        wanted = dns.rdata.from_text(dns.rdataclass.IN, record.rtype, record.value)
    except (dns.exception.DNSException, ValueError):
        return False
    return bool(wanted == live)


def _other_protocol(rtype: str, rdata: dns.rdata.Rdata) -> bool:
    """A TXT record of another protocol at the same name (SPF at the apex, say) is no extra."""
    if rtype != "TXT":
        return False
    text = join_txt(getattr(rdata, "strings", ())) or ""
    return not text.startswith(("v=STSv1", "v=TLSRPTv1", "v=UAAC1"))


def _file_check(item: PublishedFile, url: str, result: FetchResult) -> FileCheck:
    body = result.body if result.ok else None
    if body is None:
        why = result.error or (f"HTTP {result.status}" if result.status else "")
        return FileCheck(item, url, Standing.MISSING, why)
    https = result.all_https
    same = same_policy(item.body, body) if item.name == "mta-sts.txt" else body == item.body
    if not same:
        return FileCheck(item, url, Standing.DIFFERENT, _("the published bytes differ"))
    return FileCheck(item, url, Standing.AUTHENTICATED if https else Standing.MATCHING, "")


def _policy_fields(data: bytes) -> tuple[str, bool, frozenset[str]]:
    version = ""
    in_force = False
    mx: set[str] = set()
    for line in data.decode("utf-8", "replace").splitlines():
        key, _colon, value = line.partition(":")
        if key.strip() == "version":
            version = value.strip()
        elif key.strip() == "mode":
            in_force = value.strip() in ("testing", "enforce")
        elif key.strip() == "mx":
            mx.add(value.strip().lower())
    return version, in_force, frozenset(mx)


def same_policy(generated: bytes, live: bytes) -> bool:
    """The live MTA-STS policy says what the generated one does: the same version and mx
    hosts, in force. Mode (testing or enforce) and max_age are the admin's to tune; a policy
    in mode `none` withdraws MTA-STS (RFC 8461 section 5), so it does not match."""
    return _policy_fields(generated) == _policy_fields(live)
