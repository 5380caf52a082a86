"""The resolver against the lab's real Unbound and Knot: every answer classified."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from mailhop.core.common.failure import Failure
from mailhop.core.dns.dnssec import Security, TrustAnchor
from mailhop.core.dns.resolver import (
    DnsAnswer,
    NameTrouble,
    Outcome,
    ResolveError,
    Resolver,
    Upstream,
    parse_upstream,
    query_name,
)
from mailhop.core.dns.shared_cache import SharedDnsCache
from tests.lab.lab import LabInfo


def resolver(lab: LabInfo, deadline: float = 5.0, upstream: str | None = None) -> Resolver:
    anchor = TrustAnchor.from_text(Path(lab.fact("dns", "trust_anchor_file")).read_text())
    where = parse_upstream(upstream or f"{lab.resolver}:{lab.resolver_port}")
    return Resolver(where, anchor, deadline=time.monotonic() + deadline)


@pytest.mark.parametrize(
    ("name", "rdtype", "outcome", "security", "proven"),
    [
        ("_imaps._tcp.healthy.test", "SRV", Outcome.ANSWER, Security.SECURE, False),
        ("_imaps._tcp.unsigned.test", "SRV", Outcome.ANSWER, Security.INSECURE, False),
        ("_imaps._tcp.bogus.test", "SRV", Outcome.ANSWER, Security.BOGUS, False),
        ("_pop3._tcp.srvonly.test", "SRV", Outcome.NXDOMAIN, Security.SECURE, True),
        ("mail.healthy.test", "TLSA", Outcome.NODATA, Security.SECURE, True),
        ("nothing-here.nsec3.test", "A", Outcome.NXDOMAIN, Security.SECURE, True),
    ],
)
def test_answers_are_classified(
    lab: LabInfo, name: str, rdtype: str, outcome: Outcome, security: Security, proven: bool
) -> None:
    answer = asyncio.run(resolver(lab).lookup(name, rdtype))
    assert (answer.outcome, answer.security, answer.absence_proven) == (outcome, security, proven)
    assert answer.name == name and answer.server == "127.0.0.53:53"
    assert answer.reason


def test_cname_is_followed_and_named(lab: LabInfo) -> None:
    answer = asyncio.run(resolver(lab).lookup("www.healthy.test", "A"))
    assert [r.to_text() for r in answer.records] == ["127.0.1.20"]
    assert answer.aliases == ("www.healthy.test",) and answer.secure


def test_addresses_interleave_families_and_refuse_bogus(lab: LabInfo) -> None:
    async def go() -> tuple[list[str], str]:
        r = resolver(lab)
        found = await r.addresses("mail.healthy.test")
        try:
            await r.addresses("mail.bogus.test")
        except ResolveError as exc:
            return found, str(exc)
        return found, ""

    found, refused = asyncio.run(go())
    assert found == ["fd00:1::10", "127.0.1.10"]
    assert "bogus" in refused or "signature" in refused


def test_a_silent_resolver_costs_the_deadline_once(lab: LabInfo) -> None:
    async def go() -> list[Outcome]:
        r = resolver(lab, deadline=1.0, upstream="127.0.0.99")
        answers = await asyncio.gather(
            *(r.lookup(f"_{n}._tcp.healthy.test", "SRV") for n in ("imaps", "imap", "pop3s"))
        )
        return [a.outcome for a in answers]

    started = time.monotonic()
    outcomes = asyncio.run(go())
    assert time.monotonic() - started < 1.8
    assert outcomes == [Outcome.FAILED] * 3


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("127.0.0.53", Upstream("127.0.0.53", 53)),
        ("127.0.0.53:5353", Upstream("127.0.0.53", 5353)),
        ("::1", Upstream("::1", 53)),
        ("[2001:db8::1]:53", Upstream("2001:db8::1", 53)),
    ],
)
def test_parse_upstream(text: str, expected: Upstream) -> None:
    assert parse_upstream(text) == expected


@pytest.mark.parametrize("text", ["dns.google", "1.2.3.4:0", "[::1]x", "1.2.3.4:http", ""])
def test_parse_upstream_refuses(text: str) -> None:
    with pytest.raises(ValueError, match="resolver"):
        parse_upstream(text)


# -- names at the length limit (tests/lab/scenarios/longnames.test.toml) --------------------

LONG_HOST = ".".join(["h" * 63, "o" * 63, "s" * 63, "t" * 46, "longnames.test"])  # 253 octets
LONG_DOMAIN = ".".join(["d" * 63, "o" * 63, "m" * 63, "a" * 44, "longnames.test"])  # 251


@pytest.mark.parametrize(
    ("name", "rdtype"),
    [
        (f"_993._tcp.{LONG_HOST}", "TLSA"),
        (f"_25._tcp.{LONG_HOST}", "TLSA"),
        (f"_submissions._tcp.{LONG_DOMAIN}", "SRV"),
        (f"_mta-sts.{LONG_DOMAIN}", "TXT"),
        (f"_ua-auto-config.{LONG_DOMAIN}", "TXT"),
        (f"autoconfig.{LONG_DOMAIN}", "A"),
    ],
)
def test_a_name_built_past_255_octets_is_an_answer_not_an_exception(
    lab: LabInfo, name: str, rdtype: str
) -> None:
    async def go() -> tuple[DnsAnswer, DnsAnswer]:
        r = resolver(lab)
        return await r.lookup(name, rdtype), await r.lookup(LONG_HOST, "A")

    answer, host = asyncio.run(go())
    assert (answer.outcome, answer.security) == (Outcome.INVALID_NAME, Security.INDETERMINATE)
    assert "more than DNS allows (255)" in answer.reason and not answer.absence_proven
    assert answer.name == name and answer.records == ()
    # The host itself is legitimate, signed, and found: only the built name cannot exist.
    assert host.found and host.secure


def test_an_address_for_a_host_with_a_too_long_name_is_a_resolve_error(lab: LabInfo) -> None:
    with pytest.raises(ResolveError, match="more than DNS allows"):
        asyncio.run(resolver(lab).addresses(f"autoconfig.{LONG_DOMAIN}"))


def test_a_non_ascii_name_is_refused_not_converted_with_idna_2003(lab: LabInfo) -> None:
    # dnspython alone would ask for "fass.test" (IDNA 2003); mailhop's names are A-labels.
    answer = asyncio.run(resolver(lab).lookup("faß.test", "A"))
    assert answer.outcome is Outcome.INVALID_NAME and "not an A-label" in answer.reason


def test_a_signed_dname_that_would_pass_255_octets_is_an_ordinary_failure(lab: LabInfo) -> None:
    async def go() -> tuple[DnsAnswer, DnsAnswer]:
        r = resolver(lab)
        short = await r.lookup("x.dn.longnames.test", "A")
        return short, await r.lookup("q" * 63 + ".dn.longnames.test", "A")

    short, long = asyncio.run(go())
    # Below the DNAME a short name is rewritten into the long target, and validates ...
    assert short.secure and [r.to_text() for r in short.records] == ["127.0.24.11"]
    assert short.aliases == ("x.dn.longnames.test",)
    # ... a long one would pass 255 octets: Knot answers YXDOMAIN (RFC 6672 section 2.2).
    assert (long.outcome, long.security) == (Outcome.FAILED, Security.INDETERMINATE)
    assert "YXDOMAIN" in long.reason and "longer than DNS allows" in long.reason


@pytest.mark.parametrize(
    ("text", "code", "why"),
    [
        ("_993._tcp." + LONG_HOST, NameTrouble.TOO_LONG, "265 octets long, more than DNS allows"),
        ("a" * 64 + ".test", NameTrouble.LABEL_TOO_LONG, "label longer than 63 octets"),
        ("a..test", NameTrouble.EMPTY_LABEL, "empty label"),
        ("ü.test", NameTrouble.NOT_ASCII, "not an A-label"),
    ],
)
def test_query_name_says_why_a_name_cannot_be_asked(text: str, code: NameTrouble, why: str) -> None:
    made = query_name(text)
    assert isinstance(made, Failure) and made.code is code and why in made.message


def test_query_name_takes_the_longest_name_dns_carries() -> None:
    made = query_name(LONG_HOST)
    assert not isinstance(made, Failure) and len(made.to_wire()) == 255


def test_a_lookup_the_deadline_ended_says_so_as_a_fact(lab: LabInfo) -> None:
    # Timed out or not is read from the clock, not from the words of the reason.
    async def go() -> tuple[list[bool], bool, bool]:
        silent = resolver(lab, deadline=0.5, upstream="127.0.0.99")
        answer = await silent.lookup("_imaps._tcp.healthy.test", "SRV")
        try:
            await silent.addresses("mail.healthy.test")
        except ResolveError as exc:
            late = exc.timed_out
        answered = resolver(lab)
        bogus = await answered.lookup("mail.bogus.test", "A")
        return [answer.outcome is Outcome.FAILED, answer.timed_out], late, bogus.timed_out

    failed_late, address_late, bogus_late = asyncio.run(go())
    assert failed_late == [True, True]
    assert address_late is True
    assert bogus_late is False  # bogus is its own failure, whatever the clock says


def test_a_question_asked_again_in_a_run_is_answered_once(lab: LabInfo) -> None:
    """Sources ask the same host's addresses many times in one check (the fetcher, the
    probe, the connector); the run keeps its messages and zones, so the second ask gives
    the first answer, no second validation (counted by signatures checked)."""

    async def go() -> tuple[DnsAnswer, DnsAnswer, int, int]:
        shared = SharedDnsCache()
        r = Resolver(
            parse_upstream(f"{lab.resolver}:{lab.resolver_port}"),
            TrustAnchor.from_text(Path(lab.fact("dns", "trust_anchor_file")).read_text()),
            deadline=time.monotonic() + 5,
            shared=shared,
        )
        first = await r.lookup("mail.healthy.test", "A")
        checked = shared.verified.hits + len(shared.verified)
        again = await r.lookup("mail.healthy.test.", "A")
        return first, again, checked, shared.verified.hits + len(shared.verified)

    first, again, before, after = asyncio.run(go())
    assert first.secure and again is first
    assert after == before  # no signature was looked at again
