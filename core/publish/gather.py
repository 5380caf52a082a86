"""What the admin's servers really offer: each one connected to, no login, before anything is
written for the domain to publish.

    ServerSpec (service, host, port or None)
        -> the endpoints to try: the given port, or the standard pair (implicit TLS first,
           RFC 8314 section 3, then STARTTLS), and port 25 for an MX host
        -> probe_session (core/probe: greeting, capabilities, TLS with mailhop's verifying
           context, capabilities again over TLS; never a credential)
        -> EndpointFacts: offered or not, the key (SPKI SHA-256), whether the certificate
           verified for the name, the mechanisms offered before and after TLS
    and, from mailhop's own DNSSEC validation: whether the domain's zone and each host's zone
    are signed (TLSA and SRV count only from a signed zone, RFC 7671 section 1.3, RFC 6186
    section 6).

Every endpoint is tried at once under one deadline. A server that does not answer is a fact
here (``offered`` False with the reason), never an exception: the refusals and the records
decide what it means.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from ..common.model import STANDARD_PORTS, Security, Service
from ..common.tasks import gather_all
from ..dns.dnssec import load_root_anchors
from ..dns.resolver import ResolveError, Resolver, system_upstream
from ..net.tlscontext import client_context, diagnostic_context
from ..policy.entries import Plan
from ..policy.tiers import Tier
from ..probe.mailsession import SessionResult, probe_session
from ..run.discovery import DiscoveryOptions

__all__ = [
    "STANDARD_ENDPOINTS",
    "EndpointFacts",
    "Gathered",
    "ServerSpec",
    "endpoints_to_try",
    "gather",
    "security_for_port",
    "specs_from_plan",
]

# The standard ports per service, implicit TLS first (common/model.STANDARD_PORTS, the one
# table), and the relay's SMTP port 25.
STANDARD_ENDPOINTS: dict[Service, tuple[tuple[int, Security], ...]] = {
    **STANDARD_PORTS,
    Service.RELAY: ((25, Security.STARTTLS),),
}
_KNOWN_PORTS = {port: security for pairs in STANDARD_ENDPOINTS.values() for port, security in pairs}


@dataclass(frozen=True, slots=True)
class ServerSpec:
    """A server the admin named: ``host`` an A-label; ``port`` None for the standard ports."""

    service: Service
    host: str
    port: int | None = None


@dataclass(frozen=True, slots=True)
class EndpointFacts:
    """One endpoint as the server presented it.

    ``offered`` means the dialogue completed over TLS (verified or not: ``pkix_valid`` says).
    ``reachable`` False means nothing listened (connection refused, no address, timeout):
    for a standard port the admin did not name, that is "not offered", not a fault.
    ``mechanisms_before_tls`` are the authentication mechanisms the server advertised in
    plaintext (before STARTTLS): a server that offers to take a password there is refused.
    """

    service: Service
    host: str
    port: int
    security: Security
    named_port: bool  # the admin gave this port (not one of the standard pair)
    offered: bool
    reachable: bool
    failure_code: str | None
    failure: str
    spki_sha256: str | None
    pkix_valid: bool
    verify_error: str | None
    mechanisms: tuple[str, ...]  # over TLS
    mechanisms_before_tls: tuple[str, ...]
    host_signed: bool  # the host's address answer was DNSSEC-secure: its zone is signed


@dataclass(frozen=True, slots=True)
class Gathered:
    domain: str  # A-label
    domain_signed: bool
    endpoints: tuple[EndpointFacts, ...]
    mx_hosts: tuple[str, ...]

    def offered(self, service: Service) -> tuple[EndpointFacts, ...]:
        return tuple(e for e in self.endpoints if e.service is service and e.offered)


def security_for_port(port: int) -> Security | None:
    """The security a standard port implies; None for a port of the admin's own choosing."""
    return _KNOWN_PORTS.get(port)


def endpoints_to_try(spec: ServerSpec) -> tuple[tuple[int, Security], ...]:
    """The (port, security) pairs to probe for ``spec``, in preference order."""
    if spec.port is None:
        return STANDARD_ENDPOINTS[spec.service]
    known = security_for_port(spec.port)
    if known is not None:
        return ((spec.port, known),)
    return ((spec.port, Security.IMPLICIT_TLS), (spec.port, Security.STARTTLS))


def specs_from_plan(plan: Plan) -> tuple[ServerSpec, ...]:
    """The servers a domain already names, for ``--verify`` without server options: every
    host an authenticated or curated source (tier A or B) names, per service, in the plan's
    order; a guess (tier C) is not the domain's word, so it is left out."""
    found: dict[tuple[Service, str, int | None], None] = {}
    for service in (Service.IMAP, Service.POP3, Service.SUBMISSION, Service.RELAY):
        standard = {port for port, _ in STANDARD_ENDPOINTS[service]}
        for entry in plan.for_service(service).entries:
            if entry.tier in (Tier.A, Tier.B):
                port = None if entry.port in standard else entry.port
                found.setdefault((service, entry.hostname, port), None)
    return tuple(ServerSpec(service, host, port) for service, host, port in found)


async def gather(
    domain: str,
    specs: tuple[ServerSpec, ...],
    options: DiscoveryOptions,
) -> Gathered:
    """Probe every endpoint of ``specs`` at once and learn which zones are signed."""
    started = time.monotonic()
    deadline = started + options.hard_deadline
    resolver = Resolver(
        options.upstream or system_upstream(),
        options.anchor or load_root_anchors(),
        deadline=deadline,
    )
    context = client_context(options.extra_ca_file)
    diagnostic = diagnostic_context()

    async def one(spec: ServerSpec, port: int, security: Security) -> EndpointFacts:
        signed = (await resolver.lookup(spec.host, "A")).secure
        try:
            addresses = await resolver.addresses(spec.host)
        except ResolveError as exc:
            return _unreachable(spec, port, security, str(exc), signed)
        result = await probe_session(
            spec.service,
            spec.host,
            port,
            security,
            addresses=addresses,
            context=context,
            diagnostic_context=diagnostic,
            deadline=deadline,
        )
        return _facts(spec, result, signed)

    async def for_spec(spec: ServerSpec) -> list[EndpointFacts]:
        tried = endpoints_to_try(spec)
        if spec.port is not None and len(tried) == 2:
            # A port of the admin's own: implicit TLS if it speaks it, else STARTTLS.
            first = await one(spec, *tried[0])
            return [first] if first.offered else [await one(spec, *tried[1])]
        return list(await gather_all(*(one(spec, p, s) for p, s in tried)))

    async def every_spec() -> list[list[EndpointFacts]]:
        return list(await gather_all(*(for_spec(spec) for spec in specs)))

    domain_answer, found = await gather_all(resolver.lookup(domain, "SOA"), every_spec())
    endpoints = tuple(facts for group in found for facts in group)
    mx_hosts = tuple(dict.fromkeys(s.host for s in specs if s.service is Service.RELAY))
    return Gathered(domain, domain_answer.secure, endpoints, mx_hosts)


def _unreachable(
    spec: ServerSpec, port: int, security: Security, why: str, signed: bool
) -> EndpointFacts:
    return EndpointFacts(
        service=spec.service,
        host=spec.host,
        port=port,
        security=security,
        named_port=spec.port is not None,
        offered=False,
        reachable=False,
        failure_code="connect",
        failure=why,
        spki_sha256=None,
        pkix_valid=False,
        verify_error=None,
        mechanisms=(),
        mechanisms_before_tls=(),
        host_signed=signed,
    )


# Failures that mean nothing is listening there (as opposed to a server that answered badly).
_NOT_LISTENING = frozenset({"connect", "timeout"})


def _facts(spec: ServerSpec, result: SessionResult, signed: bool) -> EndpointFacts:
    failure = result.failure
    tls = result.tls
    return EndpointFacts(
        service=spec.service,
        host=spec.host,
        port=result.port,
        security=result.security,
        named_port=spec.port is not None,
        offered=failure is None and tls is not None,
        reachable=failure is None or failure.code.value not in _NOT_LISTENING,
        failure_code=None if failure is None else failure.code.value,
        failure="" if failure is None else failure.message,
        spki_sha256=tls.spki_sha256 if tls else None,
        pkix_valid=bool(tls and tls.verified),
        verify_error=tls.verify_error if tls else None,
        mechanisms=tuple(result.auth_mechanisms),
        mechanisms_before_tls=_mechanisms_before_tls(spec.service, result.capabilities_before),
        host_signed=signed,
    )


def _mechanisms_before_tls(service: Service, capabilities: tuple[str, ...]) -> tuple[str, ...]:
    """The password mechanisms a STARTTLS server advertised in plaintext.

    IMAP ``AUTH=X`` without ``LOGINDISABLED`` (RFC 3501 section 6.2.3; LOGIN itself is then
    allowed too), SMTP ``AUTH X Y`` in the EHLO reply (RFC 4954 section 4 says a server should
    not offer PLAIN or LOGIN before TLS), POP3 ``USER`` or ``SASL X`` in CAPA (RFC 2449).
    """
    words = [c.upper() for c in capabilities]
    found: list[str] = []
    if service is Service.IMAP:
        if "LOGINDISABLED" in words:
            return ()
        found = [w.removeprefix("AUTH=") for w in words if w.startswith("AUTH=")]
        return (*found, "LOGIN") if words else ()
    if service is Service.RELAY:
        return ()  # server to server: no person's password goes there
    if service is Service.SUBMISSION:
        for word in words:
            if word.startswith("AUTH ") or word.startswith("AUTH="):
                found += word[5:].split()
        return tuple(found)
    for word in words:
        if word == "USER":
            found.append("USER")
        elif word.startswith("SASL "):
            found += word[5:].split()
    return tuple(found)
