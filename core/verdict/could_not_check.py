"""Why this computer could not judge the domain at all: the person's side, named first.

A check from a computer with no network, a resolver that lies or strips signatures, a clock
that is hours off or an HTTPS interceptor (a captive portal) fails everywhere; if those
failures were read as the domain's, a person would blame the domain or call its helpdesk for
nothing (DESIGN.md section 4, rule 11). Each such cause is one ``Cause``, with its own words
and advice; a verdict that carries one is "could not check", never "blocked", and it carries
no finding against the domain (verdict.py, ``could_not_check``).

Pure: the evidence is gathered by core/run/vantage.py; this module only names it.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from ..common.i18n import N_, Labels, Words
from ..dns.dnssec import Clock

__all__ = ["Cause", "CouldNotCheck"]


class Cause(enum.StrEnum):
    """What on this computer's side kept it from judging the domain."""

    NO_NETWORK = "no-network"  # no route: sending to the resolver fails at once
    RESOLVER_SILENT = "resolver-silent"  # the DNS server never answered the root's question
    RESOLVER_FAILS = "resolver-fails"  # it answered the root's question with SERVFAIL/REFUSED
    RESOLVER_NXDOMAIN = "resolver-nxdomain"  # it says the root zone does not exist
    RESOLVER_STRIPS = "resolver-strips-dnssec"  # the root's keys came without signatures
    ROOT_KEYS = "root-keys"  # the root's keys do not match the trust anchor
    CLOCK = "clock"  # the root's own signatures say this computer's clock is off
    HTTPS_INTERCEPTED = "https-intercepted"  # a third party's HTTPS shows an unknown issuer


SUMMARY = Labels(
    {
        Cause.NO_NETWORK: N_("This computer has no working internet connection."),
        Cause.RESOLVER_SILENT: N_("The DNS server this computer uses does not answer."),
        Cause.RESOLVER_FAILS: N_("The DNS server this computer uses refuses to look names up."),
        Cause.RESOLVER_NXDOMAIN: N_(
            "The DNS server of this network answers that no name exists, not even the root."
        ),
        Cause.RESOLVER_STRIPS: N_(
            "The DNS server of this network removes the security signatures."
        ),
        Cause.ROOT_KEYS: N_("The DNS root's keys received here do not match the trusted ones."),
        Cause.CLOCK: N_("This computer's clock is wrong."),
        Cause.HTTPS_INTERCEPTED: N_("This network intercepts encrypted (HTTPS) connections."),
    }
)

ADVICE = Labels(
    {
        Cause.NO_NETWORK: N_(
            "Connect to a network (Wi-Fi, cable or mobile data) and check again. Nothing was "
            "learned about the domain."
        ),
        Cause.RESOLVER_SILENT: N_(
            "Try another network, or set a resolver (--resolver, or the window's settings). "
            "Nothing was learned about the domain."
        ),
        Cause.RESOLVER_FAILS: N_(
            "Try another network or set a resolver. Nothing was learned about the domain."
        ),
        Cause.RESOLVER_NXDOMAIN: N_(
            "This is often a network that wants a sign-in page first (hotel, train, "
            "airport): sign in there, or try another network or set a resolver."
        ),
        Cause.RESOLVER_STRIPS: N_(
            "Without the signatures nothing can be verified. Try another network or set a resolver."
        ),
        Cause.ROOT_KEYS: N_(
            "Someone between this computer and the internet alters DNS answers, or the trust "
            "anchor mailhop uses is outdated. Try another network."
        ),
        Cause.CLOCK: N_(
            "Set this computer's date and time correctly (automatic time), then check again."
        ),
        Cause.HTTPS_INTERCEPTED: N_(
            "A sign-in page (hotel, train, airport) or a filter replaces the certificates of "
            "every site. Sign in there, or try another network, then check again."
        ),
    }
)


@dataclass(frozen=True, slots=True)
class CouldNotCheck:
    """One cause on this computer's side, with the evidence that shows it.

    ``detail`` is the technical evidence in English (the error, the resolver's answer), for
    the JSON and the helpdesk; ``clock_off_hours`` says by how much the clock is at least off
    (positive: ahead, negative: behind), when the cause is the clock.
    """

    cause: Cause
    detail: str
    clock: Clock = Clock.PLAUSIBLE
    clock_off_hours: float | None = None

    def summary(self) -> Words:
        """The sentence a person reads first, in the language of the moment when shown."""
        if self.cause is Cause.CLOCK and self.clock_off_hours is not None:
            hours = round(abs(self.clock_off_hours))
            ahead = self.clock_off_hours > 0
            if hours >= 2:
                template = _HOURS_AHEAD if ahead else _HOURS_BEHIND
                return Words(template, (("hours", hours),))
            if hours == 1:
                return Words(_HOUR_AHEAD if ahead else _HOUR_BEHIND)
        return Words(SUMMARY.english(self.cause))

    def advice(self) -> Words:
        return Words(ADVICE.english(self.cause))


# The clock's words name the amount (at least: the root's signatures bound it from one side).
_HOURS_AHEAD = N_("This computer's clock is at least {hours} hours ahead.")
_HOURS_BEHIND = N_("This computer's clock is at least {hours} hours behind.")
_HOUR_AHEAD = N_("This computer's clock is about an hour ahead.")
_HOUR_BEHIND = N_("This computer's clock is about an hour behind.")
