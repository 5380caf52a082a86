"""Every source a discovery run asks, as one record the run is given.

The schedule (core/run/discovery_run.py) decides when each source runs; which function
answers for each is this record's business. The real ones are ``SOURCES``; a test gives a
run a record with one source replaced (``dataclasses.replace(SOURCES, tls_rpt=broken)``)
instead of patching module globals.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from .report import Attempt, Source
from .source_autoconfig import autoconfig, http_autoconfig, ispdb, well_known
from .source_autodiscover import autodiscover
from .source_context import SourceContext
from .source_dns_info import smimea_or_openpgpkey, tls_rpt
from .source_guess import guess
from .source_mtasts import mta_sts
from .source_mx import mx
from .source_mx_derived import mx_derived
from .source_pacc import pacc
from .source_srv import srv
from .source_tlsa import tlsa
from .source_wkd import wkd

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
    srv: ForLabel = srv
    mx: Plain = mx
    tls_rpt: Plain = tls_rpt
    smimea_or_openpgpkey: ForKind = smimea_or_openpgpkey
    # phase 1, HTTPS
    ispdb: ForLabel = ispdb
    autoconfig: Plain = autoconfig
    well_known: Plain = well_known
    pacc: Plain = pacc
    autodiscover: Plain = autodiscover
    mta_sts: Plain = mta_sts
    wkd: Plain = wkd
    # follow-ups, as answers name hosts
    tlsa: ForEndpoint = tlsa
    mx_derived: ForMxHost = mx_derived
    # phase 2
    http_autoconfig: Plain = http_autoconfig
    guess: ForMxHosts = guess


SOURCES = Sources()
