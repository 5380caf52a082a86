"""Can this computer judge the domain at all? Its network, resolver, clock and HTTPS path.

Asked alongside discovery, never after it (DESIGN.md section 4, rule 11):

    root probe (one ". DNSKEY" question, dns/root_probe.py)
      no route / silent / NXDOMAIN / refused / unsigned  -> the network's or resolver's fault
      signed -> the validator checks the root's keys against the trust anchor:
         secure                                          -> this computer can judge DNS
         bogus, the signatures' times say the clock      -> this computer's clock is off
         bogus otherwise                                 -> the root keys fail here
    after discovery: the provider database (a third party, never the domain) and the
    domain's own hosts both fail TLS, and no HTTPS exchange got through -> an interceptor

The root probe ends at the soft deadline at the latest: a resolver that has not answered
the one question every resolver can answer by then is not going to carry the run, so an
offline check says so in seconds instead of waiting for the hard deadline.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

import dns.name

from ..discover.report import Attempt, Auth, Failure, MtaSts, Source, Status
from ..dns.dnssec import Clock, Security
from ..dns.resolver import Resolver
from ..dns.root_probe import RootProbe, RootReply, probe_root
from ..verdict.could_not_check import Cause, CouldNotCheck

__all__ = ["assess", "intercepted", "stops_the_run"]

_CAUSE = {
    RootReply.UNREACHABLE: Cause.NO_NETWORK,
    RootReply.SILENT: Cause.RESOLVER_SILENT,
    RootReply.NXDOMAIN: Cause.RESOLVER_NXDOMAIN,
    RootReply.REFUSED: Cause.RESOLVER_FAILS,
    RootReply.UNSIGNED: Cause.RESOLVER_STRIPS,
}

# Where the resolver cannot carry a single question (or no packet leaves): everything the
# run would still wait for is bound to fail the same way, so the check stops at once.
_STOPS = frozenset(
    {Cause.NO_NETWORK, Cause.RESOLVER_SILENT, Cause.RESOLVER_NXDOMAIN, Cause.RESOLVER_FAILS}
)

# Failures that can only happen after a TLS handshake passed: HTTPS got through.
_AFTER_TLS = frozenset(
    {
        Failure.HTTP_STATUS,
        Failure.TOO_LARGE,
        Failure.HTTP_PROTOCOL,
        Failure.REDIRECT,
        Failure.DOCUMENT_REFUSED,
    }
)
_HTTPS_AUTH = frozenset({Auth.HTTPS_IN_DOMAIN, Auth.HTTPS_OTHER_DOMAIN, Auth.HTTPS_PROVIDER})


def stops_the_run(found: CouldNotCheck | None) -> bool:
    """Whether waiting for the rest of the run is pointless (module docstring)."""
    return found is not None and found.cause in _STOPS


async def assess(
    resolver: Resolver,
    *,
    deadline: float,
    anchor: dns.name.Name = dns.name.root,
    clock: Callable[[], float] = time.time,
) -> CouldNotCheck | None:
    """What keeps this computer from judging DNS, or None when it can.

    `deadline` is monotonic seconds; `anchor` the trust anchor's zone (the root unless a test
    or the demo sets another); `clock` is the wall clock the resolver validates with (the
    system's by default), to say by how much it is off.
    """
    probe = await probe_root(resolver.upstream, deadline=deadline, zone=anchor)
    if probe.reply is not RootReply.SIGNED:
        return CouldNotCheck(_CAUSE[probe.reply], probe.detail)
    # The validator, whose cache then serves the run.
    keys = await resolver.lookup(anchor.to_text(), "DNSKEY")
    if keys.security is Security.SECURE:
        return None
    if keys.clock is not Clock.PLAUSIBLE:
        return CouldNotCheck(Cause.CLOCK, keys.reason, keys.clock, _hours_off(probe, clock()))
    if keys.security is Security.BOGUS:
        return CouldNotCheck(Cause.ROOT_KEYS, keys.reason)
    # Indeterminate: the validator's own question failed after the probe's got through. The
    # run's answers will say what they say; nothing here is the computer's fault for sure.
    return None


def _hours_off(probe: RootProbe, now: float) -> float | None:
    """At least how far the clock is off: beyond the root signatures' window, in hours."""
    if probe.inception is None or probe.expiration is None:
        return None
    if now > probe.expiration:
        return (now - probe.expiration) / 3600
    if now < probe.inception:
        return -(probe.inception - now) / 3600
    return None


def intercepted(attempts: Sequence[Attempt]) -> CouldNotCheck | None:
    """An HTTPS interceptor (a captive portal, a filter with its own CA): the provider
    database, which is not the domain's, fails TLS; so does at least one of the domain's own
    HTTPS hosts; and no HTTPS exchange of the run got through TLS."""
    web = [a for a in attempts if (a.hops or (a.via,))[0].startswith("https://")]
    if any(_through_tls(a) for a in web):
        return None
    third = [a for a in web if a.source is Source.ISPDB and a.failure is Failure.TLS]
    own = [a for a in web if a.source is not Source.ISPDB and a.failure is Failure.TLS]
    if not third or not own:
        return None
    detail = f"{third[0].target}: {third[0].detail}; {own[0].target}: {own[0].detail}"
    return CouldNotCheck(Cause.HTTPS_INTERCEPTED, detail)


def _through_tls(attempt: Attempt) -> bool:
    """A request was answered over HTTPS (an MTA-STS policy from the cache, used because
    the live fetch failed, was not)."""
    sts = attempt.payload_as(MtaSts)
    if sts is not None and sts.from_cache is not None:
        return False
    if attempt.status is Status.FOUND:
        return attempt.auth in _HTTPS_AUTH or attempt.auth is Auth.DIGEST_MATCHED
    return attempt.failure in _AFTER_TLS
