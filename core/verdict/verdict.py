"""The verdict: per leg, the server to use and whether that is ok, worth a warning, or blocked.

Pure and table-driven. For each service the plan's candidates are walked in rank order
(DESIGN.md section 5); the first one whose key was verified (PKIX with mailhop's context,
or DANE from DNSSEC-signed TLSA) and whose dialogue completed is chosen:

    no candidate passes                       -> block
    chosen, but it needs approval (tier C,
      or a look-alike name outside the
      address's registrable domain),
      or a better-ranked candidate failed,
      or its certificate expires soon / is
      weak, or it offers no sign-in method    -> warn
    otherwise                                 -> ok

A DANE mismatch or bogus TLSA blocks that candidate whatever PKIX says (rule 5). The
relay leg (server to server) is reported with its own level but never blocks the setup:
it is about how mail reaches the domain, not about the person's account, and it never
asks for approval (approval is about where a password goes; the relay leg sends none).

Each leg keeps its own findings (the JSON reports them per leg). ``Verdict.findings`` is
the list a person reads: the discovery's, then sending, receiving and relay, with the same
finding for the same host said once, naming the host and every port it was seen on (one
certificate seen on 993, 143, 465 and 587 is one finding, not four).
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from ..common.findings import Finding, Severity, finding, lookalike_words
from ..common.i18n import N_, Joined, Words
from ..common.lookalike import classify_host, shown_host
from ..common.model import AuthMethod, Service
from ..discover.report import Source
from ..policy.plan import ApprovalReason, Plan
from ..probe.probe_report import EndpointProbe, RelayProbe
from ..probe.proto_base import quote_server
from .signin import decide_sign_in, sign_in_findings

__all__ = [
    "EXPIRY_WARNING_DAYS",
    "Level",
    "RelayVerdict",
    "ServiceVerdict",
    "Verdict",
    "endpoint_findings",
    "judge",
]

EXPIRY_WARNING_DAYS = 21

# Session failure code -> finding code. An unknown code is a protocol error.
FAILURE_FINDINGS = {
    "connect": "probe-connect",
    "timeout": "probe-timeout",
    "starttls-missing": "starttls-missing",
    "starttls-refused": "starttls-refused",
    "preauth": "preauth",
    "injection": "injection",
    "tls-version": "tls-version",
    "tls-handshake": "tls-handshake",
    "closed": "server-closed",
    "refused": "server-refused",
    "flood": "server-flood",
    "protocol": "protocol-error",
}

# Certificate problem code (certinfo) -> finding code.
CERT_FINDINGS = {
    "expired": "cert-expired",
    "not-yet-valid": "cert-not-yet-valid",
    "name-mismatch": "cert-name-mismatch",
    "unknown-issuer": "cert-unknown-issuer",
    "self-signed": "cert-unknown-issuer",
    "missing-intermediate": "cert-missing-intermediate",
    "weak-key": "cert-weak",
    "weak-signature": "cert-weak",
}
_BLOCKING_CERT = {"cert-expired", "cert-not-yet-valid", "cert-name-mismatch"} | {
    "cert-unknown-issuer",
    "cert-missing-intermediate",
}


class Level(enum.StrEnum):
    OK = "ok"
    WARN = "warn"
    BLOCK = "block"


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

    @property
    def access(self) -> ServiceVerdict:
        """Incoming mail: IMAP, unless only POP3 works."""
        if self.imap.chosen is None and self.pop3.chosen is not None:
            return self.pop3
        return self.imap

    @property
    def level(self) -> Level:
        """The account's level: the worse of sending and receiving (relay never blocks)."""
        levels = (self.submission.level, self.access.level)
        return max(levels, key=_LEVEL_ORDER.index)


_LEVEL_ORDER = [Level.OK, Level.WARN, Level.BLOCK]


def _evidence(probe: EndpointProbe) -> tuple[str, ...]:
    """Where the endpoint came from and what it presented, for the helpdesk view."""
    found = [f"named by {o.source.value}: {o.target} ({o.auth.value})" for o in probe.entry.origins]
    if probe.peer:
        found.append(f"connected to {probe.peer}, {probe.tls_version or 'no TLS'}")
    cert = probe.cert
    if cert is not None:
        found.append(
            f"certificate: subject {cert.subject}; issuer {cert.issuer}; names "
            f"{', '.join(cert.names) or '(none)'}; not after {cert.not_after}; "
            f"SPKI SHA-256 {cert.spki_sha256}"
        )
    if probe.pkix_error:
        found.append(f"this computer's verification: {probe.pkix_error}")
    if probe.dane:
        found.append(f"TLSA {probe.tlsa_name}: {probe.dane} ({probe.dane_detail})")
    return tuple(found)


def endpoint_findings(
    probe: EndpointProbe, where: str | Words | None = None, ports: str | Words | None = None
) -> list[Finding]:
    """What one probed endpoint tells a person, from its failure, certificate and DANE.
    ``where`` and ``ports`` name the endpoint (default: the probe's own host and port), so
    that one finding can speak for the same host seen on several ports."""
    found = _endpoint_findings(probe, where or probe.endpoint, ports or str(probe.entry.port))
    entry = probe.entry
    return [
        replace(f, evidence=_evidence(probe), host=entry.hostname, port=entry.port) for f in found
    ]


def _endpoint_findings(
    probe: EndpointProbe, where: str | Words, port: str | Words
) -> list[Finding]:
    if probe.failure is not None:
        code = FAILURE_FINDINGS.get(probe.failure, "protocol-error")
        return [
            finding(
                code,
                endpoint=where,
                port=port,
                detail=probe.failure_detail,
                # The server's words, quoted so they never read as mailhop's (rule 10).
                server_said=quote_server(probe.evidence) if probe.evidence else "(nothing)",
            )
        ]
    out: list[Finding] = []
    if probe.dane == "mismatch":
        out.append(
            finding("dane-mismatch", endpoint=where, tlsa=probe.tlsa_name, detail=probe.dane_detail)
        )
    elif probe.dane == "bogus":
        out.append(finding("dane-bogus", endpoint=where, detail=probe.dane_detail))
    how = probe.authenticated_by
    if how == "dane-ee":
        out.append(finding("dane-ee", endpoint=where))
    elif how == "dane-ta":
        out.append(finding("dane-ta", endpoint=where))
    cert = probe.cert
    if how is None and probe.dane not in ("mismatch", "bogus"):
        problems = [
            (CERT_FINDINGS.get(code), words) for code, words in (cert.problems if cert else ())
        ]
        blocking = [(c, w) for c, w in problems if c in _BLOCKING_CERT]
        for code, words in blocking or [("cert-untrusted", probe.pkix_error or "not verified")]:
            names = ", ".join(cert.names) if cert else "(none)"
            out.append(
                finding(
                    code or "cert-untrusted",
                    endpoint=where,
                    detail=words,
                    names=names,
                    host=probe.entry.name.shown,
                )
            )
    if cert is not None:
        weak = [w for code, w in cert.problems if CERT_FINDINGS.get(code) == "cert-weak"]
        if weak:
            out.append(finding("cert-weak", endpoint=where, detail="; ".join(weak)))
        if how in ("pkix", "dane-ta") and 0 <= cert.days_left < EXPIRY_WARNING_DAYS:
            out.append(
                finding("cert-expiring", endpoint=where, days=cert.days_left, until=cert.not_after)
            )
    if probe.capabilities_hidden:
        out.append(
            finding(
                "capabilities-hidden",
                endpoint=where,
                detail=probe.failure_detail or "no capability list after TLS",
            )
        )
    elif how is not None and probe.entry.service is not Service.RELAY and not probe.auth_mechanisms:
        out.append(finding("no-auth-mechanism", endpoint=where))
    return out


def judge_service(service: Service, probes: Sequence[EndpointProbe]) -> ServiceVerdict:
    chosen_at = next((i for i, p in enumerate(probes) if p.authenticated_by), None)
    found: list[Finding] = []
    for index, probe in enumerate(probes):
        own = endpoint_findings(probe)
        if chosen_at is not None and index < chosen_at and _only_guessed(probe):
            # Nobody published this one: a guess that failed tells the helpdesk something,
            # but says nothing against the domain ("the preferred server failed" would).
            found += [_at_most(f, Severity.INFO) for f in own]
        elif chosen_at is None or index < chosen_at:
            if chosen_at is not None:  # a better candidate failed: worth a warning
                own = [_at_most(f, Severity.WARN) for f in own]
                detail = Joined.of("; ", (f.summary_words() for f in own))
                found.append(
                    finding("better-endpoint-failed", endpoint=probe.endpoint, detail=detail)
                )
            found += own
        elif index == chosen_at:
            found += own
        else:  # lower-ranked alternatives: for the helpdesk, not for the level
            found += [_at_most(f, Severity.INFO) for f in own]
    chosen = probes[chosen_at] if chosen_at is not None else None
    if chosen is None:
        if probes:
            found.append(finding("no-working-server", service=service.value))
        return ServiceVerdict(service, Level.BLOCK, None, tuple(probes), tuple(found))
    # How the account signs in there: the documents and the server together (signin.py).
    found += sign_in_findings(chosen, decide_sign_in(chosen))
    if chosen.entry.from_plaintext:
        found.append(_plaintext_upgraded(chosen))
    if chosen.entry.approval_reasons:
        found.append(_approval(chosen))
    level = Level.WARN if any(f.severity is not Severity.INFO for f in found) else Level.OK
    return ServiceVerdict(service, level, chosen, tuple(probes), tuple(found))


def _only_guessed(probe: EndpointProbe) -> bool:
    """Whether only mailhop's own guessing named this endpoint (no source published it)."""
    return all(origin.source is Source.GUESS for origin in probe.entry.origins)


def _approval(chosen: EndpointProbe, where: str | Words | None = None) -> Finding:
    """The chosen endpoint needs the person's yes (rule 4); ``where`` as in endpoint_findings."""
    entry = chosen.entry
    lookalike = entry.approval_reasons == (ApprovalReason.LOOKALIKE,)  # tier C says the rest
    found = finding(
        "lookalike-needs-approval" if lookalike else "needs-approval",
        endpoint=where or chosen.endpoint,
        registrable=entry.registrable,
        registrable_unicode=_unicode(entry.registrable),
        sources=", ".join(sorted({o.source.value for o in entry.origins})),
        details=lookalike_words(entry.name)[1],
    )
    return replace(found, host=entry.hostname, port=entry.port)


def judge_relay(domain: str, hosts: Sequence[RelayProbe], *, mta_sts: bool) -> RelayVerdict:
    found: list[Finding] = []
    dane_any = False
    for relay in hosts:
        probe = relay.probe
        if probe is None:
            continue
        if probe.failure in ("connect", "timeout"):
            found.append(
                finding(
                    "relay-unreachable",
                    domain=domain,
                    host=shown_host(relay.host),
                    detail=probe.failure_detail,
                )
            )
            continue
        if probe.failure is not None:
            found.append(
                finding(
                    "relay-no-starttls",
                    domain=domain,
                    host=shown_host(relay.host),
                    detail=probe.failure_detail,
                )
            )
            continue
        if probe.dane == "matched":
            dane_any = True
            found.append(
                finding(
                    "relay-dane",
                    domain=domain,
                    host=shown_host(relay.host),
                    detail=probe.dane_detail,
                )
            )
        elif probe.dane in ("mismatch", "bogus"):
            found += endpoint_findings(probe)
    if hosts and not mta_sts and not dane_any:
        found.append(finding("relay-no-policy", domain=domain))
    level = Level.WARN if any(f.severity is not Severity.INFO for f in found) else Level.OK
    return RelayVerdict(level, tuple(hosts), tuple(found))


def judge(
    plan: Plan, probes: Sequence[EndpointProbe], relay: Sequence[RelayProbe], *, mta_sts: bool
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
        relay=judge_relay(shown_host(plan.domain), relay, mta_sts=mta_sts),
        discovery_findings=_oauth2_checked(plan, (submission, imap, pop3)),
    )
    return _said_once(verdict, probes)


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
    """The verdict with ``findings``: what a person reads (module docstring). A finding about
    an endpoint (``host`` set) that has the same code as an earlier one for the same host is
    merged into that one: said again for the host and every port, in the order seen, at the
    most severe level of the group, with every piece of evidence."""
    access = verdict.access
    said = [
        *verdict.discovery_findings,
        *verdict.submission.findings,
        *access.findings,
        *verdict.relay.findings,
    ]
    groups: dict[tuple[str, str], list[Finding]] = {}
    for found in said:
        if found.host is not None and found.port is not None:
            groups.setdefault((found.code, found.host), []).append(found)
    by_endpoint = {(p.entry.hostname, p.entry.port): p for p in probes}
    for relay in verdict.relay.hosts:
        if relay.probe is not None:
            by_endpoint.setdefault((relay.host, 25), relay.probe)
    out: list[Finding] = []
    for found in said:
        group = groups.get((found.code, found.host or ""), [found])
        ports = list(dict.fromkeys(f.port for f in group if f.port is not None))
        if found is not group[0]:
            continue  # said with the first of its group
        probe = by_endpoint.get((found.host or "", ports[0])) if ports else None
        if len(ports) < 2 or probe is None:
            out += group
            continue
        listed = _listed([str(p) for p in ports])
        where = Words(  # put into the person's language when shown (core/common/i18n.py)
            N_("{host} (ports {ports})"),
            (("host", classify_host(probe.entry.hostname).shown), ("ports", listed)),
        )
        if found.code in ("needs-approval", "lookalike-needs-approval"):
            again = [_approval(probe, where)]
        else:
            again = [f for f in endpoint_findings(probe, where, listed) if f.code == found.code]
        if not again:
            out += group
            continue
        severity = max((f.severity for f in group), key=_SEVERITY_ORDER.index)
        evidence = tuple(dict.fromkeys(e for f in group for e in f.evidence))
        out.append(replace(again[0], severity=severity, evidence=evidence))
    return replace(verdict, findings=tuple(out))


def _listed(words: Sequence[str]) -> str | Words:
    if len(words) == 1:
        return words[0]
    return Words(N_("{some} and {last}"), (("some", ", ".join(words[:-1])), ("last", words[-1])))


_SEVERITY_ORDER = [Severity.INFO, Severity.WARN, Severity.ERROR]


def _at_most(found: Finding, severity: Severity) -> Finding:
    if _SEVERITY_ORDER.index(found.severity) <= _SEVERITY_ORDER.index(severity):
        return found
    return replace(found, severity=severity)


def _unicode(domain: str) -> str:
    import idna

    try:
        return str(idna.decode(domain))
    except idna.IDNAError:
        return domain
