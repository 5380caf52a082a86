"""A check of the servers the person typed in: when nothing is published, or they know better.

Thunderbird's "configure manually" in mailhop's terms: the person gives host, port and
security per service (and a user name if it is not the address), and the very same check runs
on exactly those values: the probe, the certificate check (WebPKI or DANE), the verdict, then
approval and sign-in as for any other account. Only discovery differs: no document or record
is asked for the client settings; one attempt of its own source, ``Source.MANUAL`` with
``Auth.ENTERED`` (tier C: nothing vouches for a typed name, so the approval before the
password still applies), holds the typed servers. The domain's own MX, MTA-STS, TLS-RPT and
the TLSA records of the typed hosts are still asked: the relay leg and DANE need them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace

from ..common.address import EmailAddress
from ..common.fields import validate_hostname, validate_username
from ..common.model import Security, ServerCandidate, Service
from ..discover.report import Attempt, Auth, Source, Status
from ..discover.source_context import SourceContext
from ..discover.source_srv import SRV_SERVICES
from ..discover.sources import SOURCES, Sources
from .check import CheckReport, check
from .discovery import DiscoveryOptions
from .events import ProgressObserver

__all__ = ["ManualServer", "check_manual", "manual_sources"]

NOT_ASKED = "not asked: you entered the servers yourself"


@dataclass(frozen=True, slots=True)
class ManualServer:
    """One server as typed; ``manual_server`` validates the text fields."""

    service: Service
    host: str  # the A-label, validated
    port: int
    security: Security
    username: str | None = None  # None: the address, as with most providers

    @classmethod
    def typed(
        cls, service: Service, host: str, port: int, security: Security, username: str = ""
    ) -> ManualServer:
        """From the form's text; raises fields.FieldError naming what is wrong."""
        if service is Service.RELAY:
            raise ValueError("the relay is the domain's MX, never typed in")
        if not 1 <= port <= 65535:
            raise ValueError(f"port {port} is not 1-65535")
        name = validate_hostname(host.strip().rstrip("."))
        user = validate_username(username.strip()) if username.strip() else None
        return cls(service, name, port, security, user)


def _entered(servers: Sequence[ManualServer], label: str, ctx: SourceContext) -> Attempt:
    """What the SRV question for ``label`` would have named, from the person instead."""
    service, security = SRV_SERVICES[label]
    mine = [s for s in servers if (s.service, s.security) == (service, security)]
    started = ctx.since_start()
    if not mine:
        return _skipped(Source.SRV, label, started)
    candidates = tuple(
        ServerCandidate(
            service=s.service,
            hostname=s.host,
            port=s.port,
            security=s.security,
            username=s.username,
            auth_methods=(),
            order=order,
        )
        for order, s in enumerate(mine)
    )
    target = ", ".join(f"{s.host}:{s.port}" for s in mine)
    detail = "typed in by the person"
    return Attempt(
        source=Source.MANUAL,
        target=target,
        status=Status.FOUND,
        auth=Auth.ENTERED,
        detail=detail,
        started=started,
        elapsed=0.0,
        candidates=candidates,
    )


def _skipped(source: Source, target: str, started: float = 0.0) -> Attempt:
    return Attempt(
        source=source,
        target=target,
        status=Status.SKIPPED,
        auth=Auth.NONE,
        detail=NOT_ASKED,
        started=started,
        elapsed=0.0,
    )


def manual_sources(servers: Sequence[ManualServer]) -> Sources:
    """The run's sources: the typed servers in place of every client-settings source."""
    typed = tuple(servers)

    async def srv(ctx: SourceContext, label: str) -> Attempt:
        return _entered(typed, label, ctx)

    async def ispdb(ctx: SourceContext, domain: str) -> Attempt:
        return _skipped(Source.ISPDB, domain)

    def plain(source: Source) -> Callable[[SourceContext], Awaitable[Attempt]]:
        async def ask(ctx: SourceContext) -> Attempt:
            return _skipped(source, ctx.domain)

        return ask

    async def by_kind(ctx: SourceContext, kind: Source) -> Attempt:
        return _skipped(kind, ctx.address.ascii)

    async def none_for_host(ctx: SourceContext, host: str, names: tuple[str, ...]) -> list[Attempt]:
        return []

    async def none_for_hosts(ctx: SourceContext, hosts: tuple[str, ...]) -> list[Attempt]:
        return []

    return replace(
        SOURCES,
        srv=srv,
        ispdb=ispdb,
        autoconfig=plain(Source.AUTOCONFIG),
        well_known=plain(Source.WELL_KNOWN),
        pacc=plain(Source.PACC),
        autodiscover=plain(Source.AUTODISCOVER),
        wkd=plain(Source.WKD),
        smimea_or_openpgpkey=by_kind,
        mx_derived=none_for_host,
        http_autoconfig=plain(Source.HTTP_AUTOCONFIG),
        guess=none_for_hosts,
    )


async def check_manual(
    address: EmailAddress,
    servers: Sequence[ManualServer],
    options: DiscoveryOptions,
    observer: ProgressObserver | None = None,
) -> CheckReport:
    """The normal check of exactly ``servers``: probe, certificates, verdict (no phase 2:
    there is nothing to guess)."""
    if not servers:
        raise ValueError("no server was entered")
    return await check(
        address, replace(options, phase2=False), observer, sources=manual_sources(servers)
    )
