"""mailhop's validator against zones made by real signers, judged beside Unbound's.

The lab part "signers" (tests/lab/signers.py) serves a DNS tree whose every signature was
made by Knot, BIND's dnssec-signzone or ldns-signzone, and a validating Unbound in front of
it. Each mail-relevant question (MX, SRV, TLSA, `_mta-sts` TXT, A/AAAA, and the NXDOMAIN and
NODATA answers beside them) is asked twice: of Unbound without CD (its verdict: AD set =
secure, SERVFAIL = bogus, an answer without AD = insecure) and of mailhop's own resolver,
which asks the same Unbound with CD and validates from the tree's root DS itself. Both must
reach the same security state on every question.

Intended differences are listed in INTENDED with their RFC reason; the test also fails if a
listed difference no longer occurs, so the list cannot go stale. There are none today: with
proofs above RFC 9276's iteration limit treated as insecure and a clock-skew allowance like
Unbound's, mailhop and Unbound agree on every question. (mailhop's INDETERMINATE, an
absence whose proof is missing, would be Unbound's bogus; real signers always send the
proof, so it does not arise here.)

`python -m tests.lab exec -- .venv/bin/python -m pytest -s tests/core/dns/test_real_signers.py`
prints the table of questions, agreements and differences.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import dns.asyncquery
import dns.edns
import dns.flags
import dns.message
import dns.rcode
import pytest

from mailhop.core.dns.dnssec import Clock, Security, TrustAnchor
from mailhop.core.dns.resolver import DnsAnswer, Resolver, Upstream
from tests.lab import signers
from tests.lab.lab import LabInfo
from tests.lab.signers import Signer

SECURE, INSECURE, BOGUS = Security.SECURE, Security.INSECURE, Security.BOGUS


@dataclass(frozen=True, slots=True)
class Question:
    name: str
    rdtype: str
    what: str  # the case, for the table


@dataclass(frozen=True, slots=True)
class Seen:
    question: Question
    unbound: Security
    unbound_detail: str  # rcode, AD, extended error
    mailhop: Security
    mailhop_detail: str  # outcome and reason


# The same questions in every zone that holds signers.MAIL_RECORDS.
PER_ZONE = (
    ("", "MX", "MX"),
    ("mx", "A", "A"),
    ("mx", "AAAA", "NODATA"),
    ("mta-sts", "AAAA", "AAAA"),
    ("_25._tcp.mx", "TLSA", "TLSA"),
    ("_465._tcp.mx", "TLSA", "NXDOMAIN (TLSA)"),
    ("_submissions._tcp", "SRV", "SRV"),
    ("_pop3s._tcp", "SRV", "NXDOMAIN (SRV)"),
    ("_mta-sts", "TXT", "TXT"),
    ("mx", "MX", "NODATA (MX)"),
    ("nothing-here", "A", "NXDOMAIN"),
    ("x.wild", "MX", "wildcard MX"),
    ("x.wild", "TXT", "wildcard TXT"),
    ("x.wild", "AAAA", "wildcard NODATA"),
    ("alias", "A", "CNAME in zone"),
)

# Across zones: CNAME chains through signed, unsigned and bogus zones; a DNAME; a delegation
# below a signed zone without DS; an MX host behind an alias (DANE, RFC 7671 section 7).
ACROSS = (
    Question("to-signed.knot-rsa.test", "A", "CNAME signed -> signed"),
    Question("to-plain.knot-rsa.test", "A", "CNAME signed -> unsigned"),
    Question("to-signed.plain.test", "A", "CNAME unsigned -> signed"),
    Question("to-bogus.knot-rsa.test", "A", "CNAME signed -> bogus"),
    Question("to-p384.knot-rsa.test", "A", "CNAME -> CNAME -> other zone"),
    Question("mx.mail.knot-rsa.test", "A", "DNAME"),
    Question("_25._tcp.mx.mail.knot-rsa.test", "TLSA", "TLSA through a DNAME"),
    Question("nothing.mail.knot-rsa.test", "A", "NXDOMAIN through a DNAME"),
    Question("mx-alias.knot-rsa.test", "A", "MX host behind a CNAME"),
    Question("_25._tcp.mx-alias.knot-rsa.test", "TLSA", "TLSA at the alias's own name"),
    Question("_25._tcp.mx-alias2.knot-rsa.test", "TLSA", "TLSA at an alias's own name"),
    Question("_25._tcp.half-alias.knot-rsa.test", "TLSA", "TLSA at a half-signed alias"),
    Question("half-alias.knot-rsa.test", "A", "alias into an unsigned zone"),
)

# (name, rdtype) -> (mailhop, Unbound, why). None today: see the module's docstring.
INTENDED: Mapping[tuple[str, str], tuple[Security, Security, str]] = {}


def questions() -> list[Question]:
    found: list[Question] = []
    for zone in signers.ZONES:
        if not zone.mail:
            continue
        domain = zone.origin.rstrip(".")
        for label, rdtype, what in PER_ZONE:
            name = f"{label}.{domain}" if label else domain
            found.append(Question(name, rdtype, f"{what}, {_zone_kind(zone)}"))
    return [*found, *ACROSS]


def _zone_kind(zone: signers.ZoneSpec) -> str:
    if zone.signer is Signer.NONE:
        return "unsigned"
    parts = [zone.signer.name.lower(), "alg " + "+".join(str(a) for a in zone.algorithms)]
    if zone.nsec3 is not None:
        parts.append(f"NSEC3 it={zone.nsec3.iterations}")
        parts += ["salt"] if zone.nsec3.salt_octets else []
        parts += ["opt-out"] if zone.nsec3.opt_out else []
    else:
        parts.append("NSEC")
    parts += ["KSK+ZSK"] if zone.split else []
    parts += ["2 KSKs"] if zone.ksks > 1 else []
    parts += [f"DS {zone.ds}"] if zone.ds != "all" else []
    parts += [f"valid {zone.validity}"] if zone.validity else []
    return " ".join(parts)


# -- the world ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(lab: LabInfo, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Mapping[str, str]]:
    """The signers' tree: the lab's own part if it runs one, else started here for the module
    (a lab brought up before the part existed)."""
    with signers.world(lab, tmp_path_factory.mktemp("signers")) as facts:
        yield facts


def mailhop_resolver(world: Mapping[str, str], *, clock: float | None = None) -> Resolver:
    anchor = TrustAnchor.from_text(Path(world["trust_anchor_file"]).read_text())
    shifted = {} if clock is None else {"clock": lambda: time.time() + clock}
    upstream = Upstream(world["resolver"], 53)
    return Resolver(upstream, anchor, deadline=time.monotonic() + 60, **shifted)


async def unbound_verdict(
    world: Mapping[str, str], question: Question, resolver: str = "resolver"
) -> tuple[Security, str]:
    """Unbound's own verdict, read from outside as LAB-NOTES.md says."""
    query = dns.message.make_query(
        question.name, question.rdtype, want_dnssec=True, use_edns=0, payload=1232
    )
    response = await dns.asyncquery.udp(query, world[resolver], timeout=5)
    rcode = dns.rcode.to_text(response.rcode())
    ede = [
        f"EDE {option.code}"
        for option in response.options
        if isinstance(option, dns.edns.EDEOption)
    ]
    detail = " ".join([rcode, *(["AD"] if response.flags & dns.flags.AD else []), *ede])
    if response.rcode() == dns.rcode.SERVFAIL:
        return BOGUS, detail
    return (SECURE if response.flags & dns.flags.AD else INSECURE), detail


def _mailhop_detail(answer: DnsAnswer) -> str:
    return f"{answer.outcome.value}: {answer.reason}"


async def ask_both(world: Mapping[str, str], asked: list[Question]) -> list[Seen]:
    resolver = mailhop_resolver(world)
    at_once = asyncio.Semaphore(16)  # as a discovery run asks: a few dozen, not hundreds

    async def one(question: Question) -> Seen:
        async with at_once:
            (theirs, detail), ours = await asyncio.gather(
                unbound_verdict(world, question), resolver.lookup(question.name, question.rdtype)
            )
        return Seen(question, theirs, detail, ours.security, _mailhop_detail(ours))

    return list(await asyncio.gather(*(one(q) for q in asked)))


def table(seen: list[Seen]) -> str:
    rows = [f"{'question':46} {'case':60} {'Unbound':9} {'mailhop':9} agree"]
    for item in seen:
        q = item.question
        agree = "yes" if item.unbound is item.mailhop else "NO"
        rows.append(
            f"{q.name + ' ' + q.rdtype:46} {q.what[:60]:60} {item.unbound.value:9} "
            f"{item.mailhop.value:9} {agree}"
        )
    states = Counter(item.unbound.value for item in seen)
    agreed = sum(item.unbound is item.mailhop for item in seen)
    rows.append(
        f"{len(seen)} questions, {agreed} agreements, {len(seen) - agreed} differences; "
        f"Unbound's states: {dict(sorted(states.items()))}"
    )
    return "\n".join(rows)


# -- tests -------------------------------------------------------------------------------


def test_mailhop_and_unbound_agree_on_every_question(world: Mapping[str, str]) -> None:
    seen = asyncio.run(ask_both(world, questions()))
    print("\n" + table(seen))
    differ = {
        (item.question.name, item.question.rdtype): item
        for item in seen
        if item.unbound is not item.mailhop
    }
    unexpected = [
        f"{item.question.name} {item.question.rdtype} ({item.question.what}): Unbound "
        f"{item.unbound.value} [{item.unbound_detail}], mailhop {item.mailhop.value} "
        f"[{item.mailhop_detail}]"
        for key, item in differ.items()
        if INTENDED.get(key, (None, None, ""))[:2] != (item.mailhop, item.unbound)
    ]
    assert not unexpected, "\n".join(unexpected)
    stale = sorted(set(INTENDED) - set(differ))
    assert not stale, f"listed as intended differences but agreeing now: {stale}"


def test_the_tree_covers_every_state_and_signer(world: Mapping[str, str]) -> None:
    """The comparison means something only if Unbound itself sees every state."""
    seen = asyncio.run(ask_both(world, questions()))
    assert {item.unbound for item in seen} == {SECURE, INSECURE, BOGUS}
    signed_by = {zone.signer for zone in signers.ZONES}
    algorithms = {
        a for zone in signers.ZONES for a in zone.algorithms if zone.signer.name != "NONE"
    }
    assert signed_by == set(Signer) and algorithms == {8, 13, 14, 15, 16}


# -- a wrong clock -----------------------------------------------------------------------

# Where a clock days off makes both validators give up, they say it differently, on purpose:
# Unbound answers SERVFAIL (extended error 7 or 8, signature expired or not yet valid), as
# RFC 4035 section 5.3.1 has a validator treat signatures outside their validity period;
# mailhop checks that the signatures are the trust anchor's own and genuine, and then says
# INDETERMINATE with Clock.BEHIND/AHEAD: the computer cannot judge, and the fault is its
# clock, not the domain's DNS (RFC 4033 section 5 "indeterminate"; DESIGN.md section 4,
# rules 5 and 11). Within the skew (two hours behind) both agree with the true time.
CLOCKS = {
    "behind-2h": (-2 * 3600, None),
    "behind-3d": (-3 * 86400, Clock.BEHIND),
    "ahead-20d": (20 * 86400, Clock.AHEAD),
}


@pytest.mark.parametrize("clock", list(CLOCKS))
def test_a_wrong_clock_beside_unbound_with_the_same_clock(
    world: Mapping[str, str], clock: str
) -> None:
    offset, blamed = CLOCKS[clock]
    asked = questions()
    resolver = mailhop_resolver(world, clock=offset)

    async def both(question: Question) -> tuple[Security, str, Security, Clock]:
        (theirs, detail), ours = await asyncio.gather(
            unbound_verdict(world, question, f"resolver_{clock}"),
            resolver.lookup(question.name, question.rdtype),
        )
        return theirs, detail, ours.security, ours.clock

    async def everything() -> list[tuple[Security, str, Security, Clock]]:
        at_once = asyncio.Semaphore(16)

        async def one(question: Question) -> tuple[Security, str, Security, Clock]:
            async with at_once:
                return await both(question)

        return list(await asyncio.gather(*(one(q) for q in asked)))

    seen = asyncio.run(everything())
    if blamed is None:
        assert [s[0] for s in seen] == [s[2] for s in seen]
        assert {s[3] for s in seen} == {Clock.PLAUSIBLE}
        return
    assert {s[0] for s in seen} == {BOGUS}, "Unbound with this clock fails everything"
    assert {(s[2], s[3]) for s in seen} == {(Security.INDETERMINATE, blamed)}
    print(
        f"\n{clock}: {len(seen)} questions, Unbound SERVFAIL on all "
        f"({sorted({s[1] for s in seen})}), mailhop indeterminate, clock {blamed.value}"
    )
