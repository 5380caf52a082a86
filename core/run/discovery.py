"""The discovery schedule: every phase-1 source at once, under one deadline.

    t=0   SRV x6, MX, autoconfig, .well-known, ISPDB, PACC, MTA-STS, TLS-RPT,
          Autodiscover, WKD, OPENPGPKEY, SMIMEA            -- all started together
    SRV/MX/document answers  -> TLSA for each new host:port, the moment they arrive
    MX answer                -> MX-derived autoconfig + ISPDB for the MX host's parent
                                domains, deepest first, down to its registrable domain
    soft deadline (3 s)      -> stop waiting if submission and access already have
                                tier-A candidates and no TLSA lookup for them is pending
    hard deadline (8 s)      -> stop; what has not answered is "timed out"
    phase 2                  -> only when phase 1 found nothing usable for submission or
                                access: plain-HTTP autoconfig (no address) and guesses

An unreachable host therefore costs its deadline once, in parallel with everything
else (DESIGN.md section 7). Progress goes to an observer as it happens, so the CLI and
the GUI can show each source live; the observer is called on the event loop's thread.

``discover`` takes what it works with as arguments (DESIGN.md section 3): the resolver (the
check shares its own), the fetcher, the sources and the scheduler, each defaulting to the
real one. The run itself (tasks, follow-ups, deadlines) is core/run/discovery_run.py.
"""

from __future__ import annotations

import time
from contextlib import AsyncExitStack
from dataclasses import dataclass, field

from ..common.address import EmailAddress
from ..common.domains import registrable_domain
from ..common.schedule import AllAtOnce, Scheduler
from ..discover.mtasts_cache import MtaStsCache
from ..discover.report import Attempt
from ..discover.source_context import SourceContext
from ..discover.sources import SOURCES, Sources
from ..dns.resolver import Resolver
from ..net.fetch import Fetcher
from ..net.tlscontext import client_context
from ..policy.plan import Plan, make_plan
from .discovery_run import AttemptHook, DiscoveryRun
from .events import Phase, PhaseBegan, ProgressObserver, ignore
from .options import (  # where they live: light, for the CLI's early start (options.py)
    DEFAULT_HARD_DEADLINE,
    DEFAULT_SOFT_DEADLINE,
    DiscoveryOptions,
    discovery_resolver,
)

__all__ = [
    "DEFAULT_HARD_DEADLINE",
    "DEFAULT_SOFT_DEADLINE",
    "AttemptHook",
    "DiscoveryOptions",
    "DiscoveryReport",
    "discover",
    "discovery_resolver",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class DiscoveryReport:
    """One discovery run: every attempt with its provenance, and the plan made of them."""

    address: EmailAddress
    registrable: str
    attempts: tuple[Attempt, ...]
    plan: Plan
    elapsed: float
    phase2: bool  # phase 2 ran
    stopped_early: bool  # the soft deadline ended the wait
    resolver: str
    options: DiscoveryOptions = field(repr=False)


async def discover(
    address: EmailAddress,
    options: DiscoveryOptions,
    observer: ProgressObserver | None = None,
    *,
    resolver: Resolver | None = None,
    fetcher: Fetcher | None = None,
    sources: Sources = SOURCES,
    scheduler: Scheduler | None = None,
    on_attempt: AttemptHook | None = None,
) -> DiscoveryReport:
    """Run discovery for `address`; remote failures are in the report, never raised.

    Without `resolver` or `fetcher` the run makes its own from `options` (and closes the
    fetcher it made); `scheduler` defaults to every source at once under the hard deadline.
    `on_attempt` sees each attempt as it arrives, with all attempts so far: the check
    starts probing a server the moment a source names it.
    """
    started = time.monotonic()
    registrable = registrable_domain(address.domain) or address.domain
    resolver = resolver or discovery_resolver(options, started)
    deadline = started + options.hard_deadline
    async with AsyncExitStack() as stack:
        if fetcher is None:
            context = client_context(options.extra_ca_file)
            fetcher = Fetcher(resolve=resolver.addresses, ssl_context=context)
            await stack.enter_async_context(fetcher)
        ctx = SourceContext(
            address=address,
            registrable=registrable,
            resolver=resolver,
            fetcher=fetcher,
            ispdb_url=options.ispdb_url,
            started=started,
            deadline=deadline,
            mtasts_cache=(
                MtaStsCache(options.mtasts_cache_dir) if options.mtasts_cache_dir else None
            ),
        )
        run = DiscoveryRun(
            ctx,
            sources=sources,
            scheduler=scheduler or AllAtOnce(deadline),
            observer=observer or ignore,
            soft_deadline=started + options.soft_deadline,
            on_attempt=on_attempt,
        )
        phase2 = await _phases(run, options)
    attempts = tuple(run.attempts)
    return DiscoveryReport(
        address=address,
        registrable=registrable,
        attempts=attempts,
        plan=make_plan(address.ascii, address.domain, registrable, attempts),
        elapsed=time.monotonic() - started,
        phase2=phase2,
        stopped_early=run.stopped_early,
        resolver=str(resolver.upstream),
        options=options,
    )


async def _phases(run: DiscoveryRun, options: DiscoveryOptions) -> bool:
    """Phase 1, then phase 2 when it is wanted and needed; True when phase 2 ran."""
    try:
        await run.phase_one()
        if not options.phase2 or run.usable():
            return False
        run.emit(PhaseBegan(phase=Phase.PLAIN_HTTP_AND_GUESSES, at=run.now()))
        await run.phase_two()
        return True
    finally:
        # Every path: the sources a deadline gave up on, and on the caller's cancel (the
        # GUI's Cancel) or an error all that still runs, end before discover returns.
        await run.abandon()
