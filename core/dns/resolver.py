"""mailhop's one DNS resolver: every lookup, HTTP host names included, goes through here.

The upstream recursive resolver only carries packets. Each query asks with RD (recurse),
DO (send the signatures) and CD (do not hide bogus data from us: we judge it ourselves),
and every answer goes through ``dnssec.ChainValidator`` from mailhop's own trust anchor,
so the upstream's AD bit never counts (DESIGN.md section 4, rule 5).

One ``Resolver`` serves one discovery run: the validator's cache of zones and messages
lives as long as it does, so the DS/DNSKEY walk to a zone is paid once, and a dead
upstream costs the run's deadline once rather than once per question.

UDP first with the EDNS payload size of DNS Flag Day 2020 (1232 octets, no
fragmentation), TCP when the answer is truncated. A lost UDP packet is re-sent after
1 s, then 2 s, ... until the run's deadline.
"""

from __future__ import annotations

import enum
import ipaddress
import time
from collections.abc import Callable
from dataclasses import dataclass

import dns.asyncquery
import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdata
import dns.rdatatype
import dns.resolver

from ..common.errors import RemoteFailure, UsageError
from ..common.failure import Failure
from ..common.tasks import gather_all
from .dnssec import ChainValidator, Clock, FetchError, Security, TrustAnchor, ValidatedAnswer
from .shared_cache import SharedDnsCache

__all__ = [
    "EDNS_PAYLOAD",
    "DnsAnswer",
    "NameTrouble",
    "Outcome",
    "ResolveError",
    "Resolver",
    "Upstream",
    "parse_upstream",
    "query_name",
    "system_upstream",
]

EDNS_PAYLOAD = 1232
FIRST_RETRY_SECONDS = 1.0
MAX_NAME_OCTETS = 255  # a whole name on the wire, RFC 1035 section 2.3.4
RdataType = dns.rdatatype.RdataType


class ResolveError(RemoteFailure):
    """A host name has no address mailhop may use; the message says why, for a person.
    ``timed_out`` is True when the run's deadline ended the lookup: callers decide on it,
    never on the words of the message."""

    def __init__(self, message: str, *, timed_out: bool = False) -> None:
        super().__init__(message)
        self.timed_out = timed_out


class Outcome(enum.Enum):
    ANSWER = "answer"
    NXDOMAIN = "nxdomain"  # the name does not exist
    NODATA = "nodata"  # the name exists, without records of this type
    FAILED = "failed"  # no usable answer: timeout, SERVFAIL, network error
    # Not asked: no DNS name can be spelt this way, so no record can exist there. mailhop
    # builds names by putting a prefix (``_993._tcp.``, ``autoconfig.``) in front of a host
    # or domain that may itself be as long as DNS allows; the sum can pass the limit.
    INVALID_NAME = "invalid-name"


@dataclass(frozen=True, slots=True)
class Upstream:
    """The recursive resolver that carries mailhop's queries."""

    address: str
    port: int = 53

    def __str__(self) -> str:
        host = f"[{self.address}]" if ":" in self.address else self.address
        return f"{host}:{self.port}"


def parse_upstream(text: str) -> Upstream:
    """``IP``, ``IP:PORT``, ``[IPv6]`` or ``[IPv6]:PORT``; a ValueError names what is wrong."""
    text = text.strip()
    address, port = text, "53"
    if text.startswith("["):
        address, _, rest = text[1:].partition("]")
        if rest:
            if not rest.startswith(":"):
                raise UsageError(f"the resolver must be [IPv6]:PORT, got {text!r}")
            port = rest[1:]
    elif text.count(":") == 1:
        address, port = text.split(":")
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        raise UsageError(f"the resolver must be an IP address, got {address!r}") from None
    if not (port.isascii() and port.isdigit() and 1 <= int(port) <= 65535):
        raise UsageError(f"the resolver port must be 1-65535, got {port!r}")
    return Upstream(str(ip), int(port))


def system_upstream() -> Upstream:
    """The first name server of the operating system's configuration."""
    try:
        servers = dns.resolver.Resolver().nameservers
    except dns.exception.DNSException as exc:
        raise UsageError(f"the system has no usable DNS configuration: {exc}") from exc
    if not servers:
        raise UsageError("the system configuration names no DNS server")
    return parse_upstream(str(servers[0]))


class NameTrouble(enum.Enum):
    """Why a text is no DNS name mailhop can ask for."""

    NOT_ASCII = "not-ascii"  # IDNA is applied once, before (DESIGN.md section 4, rule 8)
    TOO_LONG = "too-long"  # over 255 octets: no record can exist there
    LABEL_TOO_LONG = "label-too-long"
    EMPTY_LABEL = "empty-label"
    MALFORMED = "malformed"


def query_name(text: str) -> dns.name.Name | Failure[NameTrouble]:
    """The absolute DNS name for `text` (an A-label), or why none exists.

    Every name mailhop asks for passes here (``Resolver.lookup``), so a name built from a
    legitimately long host or domain becomes an ordinary result instead of an exception.
    Non-ASCII text is refused rather than converted: dnspython would apply IDNA 2003, and
    mailhop converts names once, with IDNA 2008 (DESIGN.md section 4, rule 8).
    """
    if not text.isascii():
        why = f"{text!r} is not an A-label: mailhop asks DNS only for ASCII names"
        return Failure(code=NameTrouble.NOT_ASCII, message=why)
    try:
        return dns.name.from_text(text)
    except dns.name.NameTooLong:
        octets = len(text.rstrip(".").encode()) + 2  # a length octet per label, the root's 0
        why = (
            f"{text.rstrip('.')} would be {octets} octets long, more than DNS allows "
            f"({MAX_NAME_OCTETS}): no record can exist there, so it was not looked up"
        )
        return Failure(code=NameTrouble.TOO_LONG, message=why)
    except dns.name.LabelTooLong:
        why = f"{text} has a label longer than 63 octets: it is no DNS name"
        return Failure(code=NameTrouble.LABEL_TOO_LONG, message=why)
    except dns.name.EmptyLabel:
        why = f"{text!r} has an empty label: it is no DNS name"
        return Failure(code=NameTrouble.EMPTY_LABEL, message=why)
    except dns.exception.DNSException as exc:
        return Failure(code=NameTrouble.MALFORMED, message=f"{text!r} is no DNS name: {exc}")


@dataclass(frozen=True, slots=True)
class DnsAnswer:
    """One question, its records and how far mailhop could authenticate them.

    ``name`` is the A-label asked, without the trailing dot. ``records`` are dnspython
    rdata of the asked type (after following CNAMEs, listed in ``aliases``).
    ``absence_proven`` is True only for NXDOMAIN/NODATA backed by a validated
    NSEC/NSEC3 proof: an absence without it is "unproven", never "insecure".
    """

    name: str
    rdtype: str
    outcome: Outcome
    security: Security
    records: tuple[dns.rdata.Rdata, ...]
    reason: str
    absence_proven: bool
    aliases: tuple[str, ...]
    server: str
    elapsed: float
    timed_out: bool = False  # FAILED because the run's deadline passed (not SERVFAIL etc.)
    # Not PLAUSIBLE: the trust anchor's own signatures say this computer's clock is wrong,
    # so the answer could not be judged (DESIGN.md section 4, rules 5 and 11).
    clock: Clock = Clock.PLAUSIBLE
    canonical: str = ""  # where the aliases led (A-label, no trailing dot); "" without aliases

    @property
    def secure(self) -> bool:
        return self.security is Security.SECURE

    @property
    def found(self) -> bool:
        return self.outcome is Outcome.ANSWER and bool(self.records)


class Resolver:
    """Asks `upstream`, validates from `anchor`, never past the run's `deadline`.

    `deadline` is an absolute ``time.monotonic()`` value shared by the whole run; `shared`
    is what the resolvers of a batch (an audit) share: root and TLD keys, negative answers.
    """

    def __init__(
        self,
        upstream: Upstream,
        anchor: TrustAnchor,
        *,
        deadline: float,
        clock: Callable[[], float] = time.time,
        shared: SharedDnsCache | None = None,
    ) -> None:
        self.upstream = upstream
        self.deadline = deadline
        self._validator = ChainValidator(anchor, self._query, clock=clock, shared=shared)
        self._answers: dict[tuple[str, str], DnsAnswer] = {}

    async def lookup(self, name: str, rdtype: str) -> DnsAnswer:
        """Ask for `rdtype` records at `name` (an A-label); never raises for remote failure.

        A name no DNS name can be (see ``query_name``) is not asked: the answer's outcome is
        INVALID_NAME, its security INDETERMINATE and its reason says why.
        """
        known = self._answers.get((name.rstrip("."), rdtype))
        if known is not None:
            # The run's messages and zones are kept, so asking again would validate the same
            # message with the same keys to the same answer: only the CPU would differ.
            return known
        started = time.monotonic()
        qname = query_name(name)
        if isinstance(qname, Failure):
            found = self._unasked(name, rdtype, qname.message)
        else:
            answer = await self._validator.validate(qname, RdataType.make(rdtype))
            found = self._answer(name, rdtype, answer, time.monotonic() - started)
        self._answers[(found.name, rdtype)] = found
        return found

    async def prime(self, zone: str) -> None:
        """Validate the chain of trust down to `zone` now (see ChainValidator.prime)."""
        qname = query_name(zone)
        if not isinstance(qname, Failure):  # a name that cannot exist has no chain to prime
            await self._validator.prime(qname)

    def known_absent(self, host: str) -> bool:
        """True when this run already learned that `host` has no address at all."""
        answers = [self._answers.get((host.rstrip("."), t)) for t in ("A", "AAAA")]
        gone = (Outcome.NXDOMAIN, Outcome.NODATA)
        return all(a is not None and a.outcome in gone for a in answers)

    async def addresses(self, host: str) -> list[str]:
        """IP addresses for connecting to `host`, IPv6 and IPv4 interleaved (RFC 8305).

        Bogus answers are refused: a forged address must not even get a TLS handshake.
        """
        six, four = await gather_all(self.lookup(host, "AAAA"), self.lookup(host, "A"))
        usable = [a for a in (six, four) if a.found and a.security is not Security.BOGUS]
        if not usable:
            bogus = next((a for a in (six, four) if a.security is Security.BOGUS), None)
            why = bogus.reason if bogus else four.reason
            late = bogus is None and four.timed_out
            raise ResolveError(f"no usable address for {host}: {why}", timed_out=late)
        v6 = [r.to_text() for r in six.records] if six in usable else []
        v4 = [r.to_text() for r in four.records] if four in usable else []
        mixed: list[str] = []
        for index in range(max(len(v6), len(v4))):
            mixed += v6[index : index + 1] + v4[index : index + 1]
        return mixed

    def _answer(self, name: str, rdtype: str, answer: ValidatedAnswer, elapsed: float) -> DnsAnswer:
        if answer.rrset is not None:
            outcome, records = Outcome.ANSWER, tuple(answer.rrset)
        elif answer.denial is not None:
            nx = answer.denial.kind.value == "nxdomain"
            outcome, records = (Outcome.NXDOMAIN if nx else Outcome.NODATA), ()
        else:
            outcome, records = Outcome.FAILED, ()
        return DnsAnswer(
            name=name.rstrip("."),
            rdtype=rdtype,
            outcome=outcome,
            security=answer.security,
            records=records,
            reason=answer.reason,
            absence_proven=answer.absence_proven,
            aliases=tuple(a.to_text(omit_final_dot=True) for a in answer.aliases),
            server=str(self.upstream),
            elapsed=elapsed,
            # The validator says why in words; whether the deadline did it is a fact of the
            # clock, known here without reading them.
            timed_out=outcome is Outcome.FAILED and time.monotonic() >= self.deadline,
            clock=answer.clock,
            canonical=answer.canonical.to_text(omit_final_dot=True) if answer.canonical else "",
        )

    def _unasked(self, name: str, rdtype: str, why: str) -> DnsAnswer:
        return DnsAnswer(
            name=name.rstrip("."),
            rdtype=rdtype,
            outcome=Outcome.INVALID_NAME,
            security=Security.INDETERMINATE,
            records=(),
            reason=why,
            absence_proven=False,
            aliases=(),
            server=str(self.upstream),
            elapsed=0.0,
        )

    async def _query(self, qname: dns.name.Name, rdtype: RdataType) -> dns.message.Message:
        """The validator's fetch: one question to the upstream, RD+DO+CD, retried over UDP."""
        query = dns.message.make_query(
            qname, rdtype, want_dnssec=True, use_edns=0, payload=EDNS_PAYLOAD
        )
        query.flags |= dns.flags.RD | dns.flags.CD
        wait = FIRST_RETRY_SECONDS
        while True:
            remaining = self.deadline - time.monotonic()
            if remaining <= 0:
                raise FetchError(f"no answer from {self.upstream} before the deadline")
            try:
                response, _ = await dns.asyncquery.udp_with_fallback(
                    query,
                    self.upstream.address,
                    timeout=min(wait, remaining),
                    port=self.upstream.port,
                )
            except dns.exception.Timeout:
                wait *= 2
                continue
            except (OSError, dns.exception.DNSException) as exc:
                raise FetchError(f"{self.upstream} did not answer: {exc}") from exc
            return response
