"""The resolver against the lab's real Unbound and Knot: every answer classified."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from mailhop.core.dnssec import Security, TrustAnchor
from mailhop.core.resolver import Outcome, ResolveError, Resolver, Upstream, parse_upstream
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
