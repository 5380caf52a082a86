"""Every source a discovery run asks, as one record the run is given.

The schedule (core/run/discovery_run.py) decides when each source runs; which function
answers for each is this record's business. The real ones are ``SOURCES``; a test gives a
run a record with one source replaced (``dataclasses.replace(SOURCES, tls_rpt=broken)``)
instead of patching module globals.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from . import source_dns, source_web
from .report import Attempt, Source
from .source_context import SourceContext

__all__ = ["SOURCES", "Sources"]

# How each kind of source is called: the context first, then what it is asked about.
Plain = Callable[[SourceContext], Awaitable[Attempt]]
ForLabel = Callable[[SourceContext, str], Awaitable[Attempt]]
ForEndpoint = Callable[[SourceContext, str, int], Awaitable[Attempt]]
ForKind = Callable[[SourceContext, Source], Awaitable[Attempt]]
ForMxHost = Callable[[SourceContext, str, tuple[str, ...]], Awaitable[list[Attempt]]]
ForMxHosts = Callable[[SourceContext, tuple[str, ...]], Awaitable[list[Attempt]]]


@dataclass(frozen=True, slots=True, kw_only=True)
class Sources:
    """The source functions of one run, by the job each does (DESIGN.md section 5)."""

    # phase 1, DNS
    srv: ForLabel = source_dns.srv
    mx: Plain = source_dns.mx
    tls_rpt: Plain = source_dns.tls_rpt
    smimea_or_openpgpkey: ForKind = source_dns.smimea_or_openpgpkey
    # phase 1, HTTPS
    ispdb: ForLabel = source_web.ispdb
    autoconfig: Plain = source_web.autoconfig
    well_known: Plain = source_web.well_known
    pacc: Plain = source_web.pacc
    autodiscover: Plain = source_web.autodiscover
    mta_sts: Plain = source_web.mta_sts
    wkd: Plain = source_web.wkd
    # follow-ups, as answers name hosts
    tlsa: ForEndpoint = source_dns.tlsa
    mx_derived: ForMxHost = source_web.mx_derived
    # phase 2
    http_autoconfig: Plain = source_web.http_autoconfig
    guess: ForMxHosts = source_dns.guess


SOURCES = Sources()
