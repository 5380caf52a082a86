"""The verdict: per leg, the server to use and whether that is ok, worth a warning, or blocked.

Pure and table-driven. For each service the plan's candidates are walked in rank order
(DESIGN.md section 5); the first one whose key was verified (PKIX with mailhop's context,
or DANE from DNSSEC-signed TLSA) and whose dialogue completed is chosen:

    no candidate passes                       -> block, or could not check when
                                                 one of them was not checked (an audit's
                                                 own caps left it no time: rule 11)
    chosen, but it needs approval (tier C,
      or a look-alike name outside the
      address's registrable domain),
      or a better-ranked candidate failed,
      or its certificate expires soon / is
      weak, or it offers no sign-in method    -> warn
    otherwise                                 -> ok
    this computer could not judge at all (no
      network, a lying resolver, its clock,
      an HTTPS interceptor: could_not_check.py) -> could not check, every leg, and no
                                                 finding against the domain

A DANE mismatch or bogus TLSA blocks that candidate whatever PKIX says (rule 5). The
relay leg (server to server) is reported with its own level but never blocks the setup:
it is about how mail reaches the domain, not about the person's account, and it never
asks for approval (approval is about where a password goes; the relay leg sends none).
Its MX answer comes first (relay_mx.py): a failed MX lookup is "could not check", never
"OK", and a null MX says the domain receives no mail.

Each leg keeps its own findings (the JSON reports them per leg). ``Verdict.findings`` is
the list a person reads: the discovery's, then sending, receiving and relay, with the same
finding for the same host said once, naming the host and every port it was seen on (one
certificate seen on 993, 143, 465 and 587 is one finding, not four).
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from ..common.findings import Finding, Severity, finding
from ..common.i18n import Joined
from ..common.lookalike import shown_host
from ..common.model import AuthMethod, Service
from ..discover.report import Source
from ..policy.plan import Plan
from ..probe.dane_records import DaneOutcome
from ..probe.probe_report import EndpointProbe, RelayProbe
from ..probe.proto_types import FailureCode
from .could_not_check import CouldNotCheck
from .endpoint import EXPIRY_WARNING_DAYS, approval_finding, at_most, endpoint_findings
from .relay_mx import MxAnswer
from .said_once import said_once
from .signin import decide_sign_in, sign_in_findings

__all__ = [
    "EXPIRY_WARNING_DAYS",
    "Level",
    "RelayVerdict",
    "ServiceVerdict",
    "Verdict",
    "could_not_check",
    "endpoint_findings",
    "judge",
]


# Best to worst; "could not check" last: when this computer could not judge, that is what
# the account's level says, whatever the legs would have said.
_LEVEL_ORDER = ("ok", "warn", "block", "could-not-check")


class Level(enum.StrEnum):
    """How a leg stands, ordered by how bad it is: ``max(levels)`` is the worst. A StrEnum
    compares as its text otherwise, which puts BLOCK < OK < WARN."""

    OK = "ok"
    WARN = "warn"
    BLOCK = "block"
    COULD_NOT_CHECK = "could-not-check"  # missing evidence, never a judgement of the domain

    @property
    def rank(self) -> int:
        return _LEVEL_ORDER.index(self)

    def __lt__(self, other: object) -> bool:
        return self.rank < other.rank if isinstance(other, Level) else NotImplemented

    def __le__(self, other: object) -> bool:
        return self.rank <= other.rank if isinstance(other, Level) else NotImplemented

    def __gt__(self, other: object) -> bool:
        return self.rank > other.rank if isinstance(other, Level) else NotImplemented

    def __ge__(self, other: object) -> bool:
        return self.rank >= other.rank if isinstance(other, Level) else NotImplemented


@dataclass(frozen=True, slots=True)
class ServiceVerdict:
    service: Service
    level: Level
    chosen: EndpointProbe | None
    probes: tuple[EndpointProbe, ...]  # every candidate, in rank order
    findings: tuple[Finding, ...]


@dataclass(frozen=True, slots=True)
class RelayVerdict:
    level: Level
    hosts: tuple[RelayProbe, ...]
    findings: tuple[Finding, ...]
    mx: MxAnswer = MxAnswer.HOSTS  # what the MX question said (relay_mx.py)


@dataclass(frozen=True, slots=True)
class Verdict:
    submission: ServiceVerdict
    imap: ServiceVerdict
    pop3: ServiceVerdict
    relay: RelayVerdict
    discovery_findings: tuple[Finding, ...]
    # What a person reads, in that order: discovery, sending, receiving, relay, with the
    # same finding for the same host once (module docstring).
    findings: tuple[Finding, ...] = field(default=())
    # Set when this computer could not judge the domain (could_not_check.py): every leg is
    # then "could not check" and ``findings`` holds nothing against the domain.
    could_not_check: CouldNotCheck | None = None

    @property
    def access(self) -> ServiceVerdict:
        """Incoming mail: IMAP, unless only POP3 works."""
        if self.imap.chosen is None and self.pop3.chosen is not None:
            return self.pop3
        return self.imap

    @property
    def level(self) -> Level:
        """The account's level: the worse of sending and receiving (relay never blocks)."""
        return max(self.submission.level, self.access.level)


_UNREACHABLE = (FailureCode.CONNECT, FailureCode.TIMEOUT)  # relay: nobody answered


def judge_service(service: Service, probes: Sequence[EndpointProbe]) -> ServiceVerdict:
    chosen_at = next((i for i, p in enumerate(probes) if p.authenticated_by is not None), None)
    found: list[Finding] = []
    for index, probe in enumerate(probes):
        own = endpoint_findings(probe)
        if _not_checked(probe):  # no evidence either way: for the helpdesk only
            found += own
        elif chosen_at is not None and index < chosen_at and _only_guessed(probe):
            # Nobody published this one: a guess that failed tells the helpdesk something,
            # but says nothing against the domain ("the preferred server failed" would).
            found += [at_most(f, Severity.INFO) for f in own]
        elif chosen_at is None or index < chosen_at:
            if chosen_at is not None:  # a better candidate failed: worth a warning
                own = [at_most(f, Severity.WARN) for f in own]
                detail = Joined.of("; ", (f.summary_words() for f in own))
                found.append(
                    finding("better-endpoint-failed", endpoint=probe.endpoint, detail=detail)
                )
            found += own
        elif index == chosen_at:
            found += own
        else:  # lower-ranked alternatives: for the helpdesk, not for the level
            found += [at_most(f, Severity.INFO) for f in own]
    chosen = probes[chosen_at] if chosen_at is not None else None
    if chosen is None:
        if any(_not_checked(p) for p in probes):  # one might have worked: not "blocked"
            return ServiceVerdict(service, Level.COULD_NOT_CHECK, None, tuple(probes), tuple(found))
        if probes:
            found.append(finding("no-working-server", service=service.value))
        return ServiceVerdict(service, Level.BLOCK, None, tuple(probes), tuple(found))
    # How the account signs in there: the documents and the server together (signin.py).
    found += sign_in_findings(chosen, decide_sign_in(chosen))
    if chosen.entry.from_plaintext:
        found.append(_plaintext_upgraded(chosen))
    if chosen.entry.approval_reasons:
        found.append(approval_finding(chosen))
    level = Level.WARN if any(f.severity is not Severity.INFO for f in found) else Level.OK
    return ServiceVerdict(service, level, chosen, tuple(probes), tuple(found))


def _not_checked(probe: EndpointProbe) -> bool:
    """Whether nothing was learned about the endpoint (an audit's caps left it no time)."""
    return probe.failure is not None and probe.failure.code is FailureCode.NOT_CHECKED


def _only_guessed(probe: EndpointProbe) -> bool:
    """Whether only mailhop's own guessing named this endpoint (no source published it)."""
    return all(origin.source is Source.GUESS for origin in probe.entry.origins)


def judge_relay(
    domain: str,
    hosts: Sequence[RelayProbe],
    *,
    mta_sts: bool | None,
    mx: tuple[MxAnswer, str] = (MxAnswer.HOSTS, ""),
) -> RelayVerdict:
    """The relay leg; ``mta_sts`` None: whether the domain has a policy is unknown."""
    kind, said = mx
    if kind is MxAnswer.UNKNOWN:  # no evidence: not "OK" (rule 11), nor a finding against it
        unchecked = finding("relay-unchecked", domain=domain, detail=said)
        return RelayVerdict(Level.COULD_NOT_CHECK, tuple(hosts), (unchecked,), kind)
    if kind is MxAnswer.NULL_MX:
        return RelayVerdict(Level.WARN, (), (finding("relay-null-mx", domain=domain),), kind)
    if kind is MxAnswer.NO_MX:
        return RelayVerdict(Level.OK, (), (finding("relay-no-mx", domain=domain),), kind)
    found: list[Finding] = []
    dane_any = False
    for relay in hosts:
        host_findings, dane_matched = _relay_host(domain, relay)
        found += host_findings
        dane_any = dane_any or dane_matched
    probed = [relay.probe for relay in hosts if relay.probe is not None]
    if probed and all(_not_checked(p) for p in probed):  # nothing learned (rule 11)
        return RelayVerdict(Level.COULD_NOT_CHECK, tuple(hosts), tuple(found), kind)
    if hosts and mta_sts is False and not dane_any:
        found.append(finding("relay-no-policy", domain=domain))
    level = Level.WARN if any(f.severity is not Severity.INFO for f in found) else Level.OK
    return RelayVerdict(level, tuple(hosts), tuple(found))


def _relay_host(domain: str, relay: RelayProbe) -> tuple[list[Finding], bool]:
    """One MX host's findings, and whether DANE matched there."""
    probe = relay.probe
    if probe is None:
        return [], False
    if _not_checked(probe):
        return list(endpoint_findings(probe)), False  # INFO: nothing learned about that host
    host = shown_host(relay.host)
    if probe.failure is not None:
        code = "relay-unreachable" if probe.failure.code in _UNREACHABLE else "relay-no-starttls"
        return [finding(code, domain=domain, host=host, detail=probe.failure.detail)], False
    if probe.dane.outcome is DaneOutcome.MATCHED:
        return [finding("relay-dane", domain=domain, host=host, detail=probe.dane.detail)], True
    if probe.dane.outcome in (DaneOutcome.MISMATCH, DaneOutcome.BOGUS):
        return list(endpoint_findings(probe)), False
    return [], False


def judge(
    plan: Plan,
    probes: Sequence[EndpointProbe],
    relay: Sequence[RelayProbe],
    *,
    mta_sts: bool | None,
    mx: tuple[MxAnswer, str] = (MxAnswer.HOSTS, ""),
) -> Verdict:
    """The verdict for every leg from the plan and what the probe found."""
    by_service = {
        service: [p for p in probes if p.entry.service is service]
        for service in (Service.SUBMISSION, Service.IMAP, Service.POP3)
    }
    rank = {id(e): i for s in plan.services for i, e in enumerate(s.entries)}
    for found in by_service.values():
        found.sort(key=lambda p: rank.get(id(p.entry), len(rank)))
    submission = judge_service(Service.SUBMISSION, by_service[Service.SUBMISSION])
    imap = judge_service(Service.IMAP, by_service[Service.IMAP])
    pop3 = judge_service(Service.POP3, by_service[Service.POP3])
    verdict = Verdict(
        submission=submission,
        imap=imap,
        pop3=pop3,
        relay=judge_relay(shown_host(plan.domain), relay, mta_sts=mta_sts, mx=mx),
        discovery_findings=_oauth2_checked(plan, (submission, imap, pop3)),
    )
    return _said_once(verdict, probes)


def could_not_check(verdict: Verdict, why: CouldNotCheck) -> Verdict:
    """The verdict of a computer that could not judge: every leg "could not check", and no
    finding at all, since none of them can be told apart from this computer's own failure
    (DESIGN.md section 4, rule 11). The probes stay, for the JSON and the helpdesk."""

    def unchecked(leg: ServiceVerdict) -> ServiceVerdict:
        return replace(leg, level=Level.COULD_NOT_CHECK, chosen=None, findings=())

    return replace(
        verdict,
        submission=unchecked(verdict.submission),
        imap=unchecked(verdict.imap),
        pop3=unchecked(verdict.pop3),
        relay=replace(verdict.relay, level=Level.COULD_NOT_CHECK, findings=()),
        discovery_findings=(),
        findings=(),
        could_not_check=why,
    )


def _oauth2_checked(plan: Plan, legs: Sequence[ServiceVerdict]) -> tuple[Finding, ...]:
    """The plan's findings, without its "signs in with OAuth2, no password" when no chosen
    server offers OAuth2: that was the documents' word, and the sign-in findings say why
    a password is used instead."""
    chosen = [leg.chosen for leg in legs if leg.chosen is not None]
    if chosen and all(decide_sign_in(p).method is not AuthMethod.OAUTH2 for p in chosen):
        return tuple(f for f in plan.findings if f.code != "oauth2")
    return plan.findings


def _plaintext_upgraded(chosen: EndpointProbe) -> Finding:
    """The chosen endpoint was derived from a host a source published only in plaintext."""
    entry = chosen.entry
    return finding(
        "plaintext-upgraded",
        service=entry.service.value,
        host=entry.name.shown,
        endpoint=chosen.endpoint,
        sources="; ".join(f"{o.source.value} ({o.target})" for o in entry.origins),
        evidence=tuple(f"named by {o.source.value}: {o.target}" for o in entry.origins),
    )


def _said_once(verdict: Verdict, probes: Sequence[EndpointProbe]) -> Verdict:
    """The verdict with ``findings``: what a person reads, in the order of the module
    docstring, the same finding for the same host once (said_once.py)."""
    said = [
        *verdict.discovery_findings,
        *verdict.submission.findings,
        *verdict.access.findings,
        *verdict.relay.findings,
    ]
    by_endpoint = {(p.entry.hostname, p.entry.port): p for p in probes}
    for relay in verdict.relay.hosts:
        if relay.probe is not None:
            by_endpoint.setdefault((relay.host, 25), relay.probe)
    return replace(verdict, findings=said_once(said, by_endpoint))
