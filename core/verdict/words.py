"""What a verdict's legs say, in one place for both front ends.

The terminal (``cli/render_check``) and the window's leg cards (``gui/page_result``) show
the same facts about each leg: which server, over what, how its key was verified, what it
alerted, and for the relay leg each MX host's state. They call these functions, so the
two say it in the same words, in the person's language (``common.i18n``), with every
value from outside (host names, server text, failure details) escaped by
``common.text.one_line``. The CLI adds the certificate's details below these lines.

``plain=True`` is the leg cards' variant (issue 16): the same facts with no protocol codes
(DANE-EE, STARTTLS, TLSv1.3, MTA-STS), which the window keeps for the helpdesk's details.
"""

from __future__ import annotations

from ..common.i18n import N_, Labels, _, ngettext
from ..common.lookalike import shown_host
from ..common.text import one_line
from ..probe.dane_records import DaneOutcome
from ..probe.probe_report import EndpointProbe, RelayProbe, VerifiedBy
from .labels import HOW_VERIFIED, SECURITY
from .relay_mx import MxAnswer
from .verdict import Level, RelayVerdict, ServiceVerdict

__all__ = ["alert_lines", "endpoint_line", "leg_lines", "relay_lines", "verified_line"]

PLAIN_VERIFIED = Labels(
    {
        VerifiedBy.DANE_EE: N_("verified by the key the domain published in its signed DNS"),
        VerifiedBy.DANE_TA: N_(
            "verified by the certificate authority the domain named in its signed DNS"
        ),
        VerifiedBy.PKIX: N_("verified by a certificate authority this computer trusts"),
    }
)


def endpoint_line(probe: EndpointProbe, *, plain: bool = False) -> str:
    """``imap.example.com:993  TLS, TLSv1.3``: the host by both its names for an IDN."""
    entry = probe.entry
    if plain:
        sealed = _("encrypted") if probe.connection.tls_version else _("not encrypted")
        return f"{entry.name.shown}:{entry.port}  {sealed}"
    tls = probe.connection.tls_version or _("no TLS")
    return f"{entry.name.shown}:{entry.port}  {SECURITY[entry.security]}, {one_line(tls)}"


def verified_line(how: VerifiedBy | None, *, plain: bool = False) -> str:
    """How the server's key was verified, or that it was not."""
    if how is None:
        return _("not verified")
    if plain:
        return PLAIN_VERIFIED[how]
    return _("verified by {how}").format(how=HOW_VERIFIED[how])


def alert_lines(probe: EndpointProbe) -> tuple[str, ...]:
    """Each IMAP [ALERT] the server sent over TLS, as its quoted words (RFC 3501 7.1: the
    person must see them)."""
    return tuple(
        _("alert: {said}").format(said=one_line(alert.said())) for alert in probe.dialogue.alerts
    )


def leg_lines(verdict: ServiceVerdict, *, plain: bool = False) -> tuple[str, ...]:
    """A client leg (sending or receiving): the chosen server, how it was verified and its
    alerts; or that none passed, and how many were tried."""
    if verdict.level is Level.COULD_NOT_CHECK:  # not "none found": nothing could be asked
        return (_("could not be checked from this computer"),)
    chosen = verdict.chosen
    if chosen is None:
        tried = len(verdict.probes)
        none = ngettext(
            "no server passed the checks ({count} tried)",
            "no server passed the checks ({count} tried)",
            tried,
        )
        return (none.format(count=tried) if tried else _("none found"),)
    how = chosen.authenticated_by
    lines = [endpoint_line(chosen, plain=plain), verified_line(how, plain=plain)]
    if how not in (None, VerifiedBy.PKIX) and chosen.pkix.valid:
        lines.append(_("the certificate also verifies with this computer's trust store"))
    return (*lines, *alert_lines(chosen))


def relay_lines(verdict: RelayVerdict, *, plain: bool = False) -> tuple[str, ...]:
    """The relay leg: one line per MX host, or why there is none (relay_mx.py)."""
    if verdict.mx is MxAnswer.UNKNOWN:
        return (_("the MX lookup got no answer: could not be checked"),)
    if verdict.mx is MxAnswer.NULL_MX:
        return (_("null MX: this domain receives no mail (RFC 7505)"),)
    if verdict.level is Level.COULD_NOT_CHECK:
        return (_("could not be checked from this computer"),)
    if verdict.mx is MxAnswer.NO_MX:
        return (_("no MX record: other servers deliver to the domain's own address"),)
    if not verdict.hosts:
        return (_("no MX host found"),)
    return tuple(_relay_line(relay, plain) for relay in verdict.hosts)


def _relay_line(relay: RelayProbe, plain: bool = False) -> str:
    """``mx.example.com:25  STARTTLS, TLSv1.3, DANE matched; MTA-STS enforce, listed``."""
    probe = relay.probe
    state = _("not probed")
    if probe is not None and probe.failure is not None:
        state = _("failed: {detail}").format(detail=one_line(probe.failure.detail))
    elif probe is not None and plain:
        state = _("encrypted") if probe.connection.tls_version else _("not encrypted")
        if probe.dane.outcome is DaneOutcome.MATCHED:
            state += ", " + _("verified by what the domain published in its signed DNS")
    elif probe is not None:
        state = f"STARTTLS, {one_line(probe.connection.tls_version or '')}".rstrip(", ")
        if probe.dane.outcome is DaneOutcome.MATCHED:
            state += ", " + _("DANE matched")
    policy = ""
    if relay.mta_sts_mode is not None and plain:
        policy = "; " + (
            _("named in the domain's published policy")
            if relay.mta_sts_match
            else _("NOT named in the domain's published policy")
        )
    elif relay.mta_sts_mode is not None:
        listed = _("listed") if relay.mta_sts_match else _("NOT listed")
        policy = f"; MTA-STS {relay.mta_sts_mode.value}, {listed}"
    return f"{shown_host(relay.host)}:25  {state}{policy}"
