"""What a person reads after a login test: what happened, whether the password was sent,
and what to check next, in their language (core/common/i18n.py)."""

from __future__ import annotations

from ..common.i18n import N_, Labels, Words, _
from ..common.model import Service
from ..probe.proto_base import quote_server
from .login_codes import LoginCode
from .login_wire import Wire
from .oauth_sasl import MECHANISMS as OAUTH_MECHANISMS

__all__ = ["advice"]

# -- wording -------------------------------------------------------------------------------

# Marked here, put into the person's language when the advice is made (core/common/i18n.py).
_TIMES = Labels({1: N_("once"), 2: N_("twice")})
_ATTEMPTS = Labels(
    {
        0: N_("no attempt with the password"),
        1: N_("one attempt"),
        2: N_("two attempts"),
    }
)
_SERVICE_WORDS = {Service.IMAP: "IMAP", Service.POP3: "POP3", Service.SUBMISSION: "SMTP"}
# Typos and Caps Lock first: far more people mistype than need an app password.
_CHECK = N_(
    "Check the password for typos and that Caps Lock is off. If it is right, check whether the "
    "provider requires an app password for mail programs (common with two-step verification), "
    "whether this account signs in with OAuth2 in the mail client instead, and whether it is "
    "enabled for {service} access."
)


def advice(wire: Wire, code: LoginCode, detail: str, said: str) -> str:
    """The advice for a login test that ended with ``code``; ``said`` is the server's
    answer (masked and sanitised), ``detail`` mailhop's own note on what happened."""
    target = wire.target
    where = _("{host} port {port}").format(host=target.host, port=target.port)
    if code is LoginCode.OK:
        return _("Signed in to {service} at {where} as {user}.").format(
            service=_SERVICE_WORDS[target.service], where=where, user=wire.username
        )
    answered = " " + _("The server said: {said}.").format(said=quote_server(said)) if said else ""
    if code is LoginCode.CREDENTIALS_REJECTED and _bearer(wire):
        return _(
            "{where} did not accept the OAuth2 sign-in token.{answered} The token was sent "
            "only over verified TLS; no password was. Sign in again, and check with your "
            "provider that this account may use {service} with OAuth2."
        ).format(where=where, answered=answered, service=_SERVICE_WORDS[target.service])
    if code in (
        LoginCode.CREDENTIALS_REJECTED,
        LoginCode.ACCOUNT_UNAVAILABLE,
        LoginCode.TEMPORARY_FAILURE,
    ):
        return _refused(wire, code, where, answered)
    sent = _sent(wire)
    if code is LoginCode.KEY_CHANGED:
        return _(
            "{where} presented a different key than during the check (now {now}..., checked "
            "{checked}...). {sent} Run the check again: a key that changed legitimately shows "
            "up there; otherwise something is intercepting the connection."
        ).format(where=where, now=detail[:16], checked=target.pin[:16], sent=sent)
    if code is LoginCode.NO_MECHANISM_AFTER_TLS:
        return _no_mechanism(wire, where, detail, sent)
    if code is LoginCode.TIMEOUT:
        return _("{where} did not answer before the deadline; mailhop was {phase}. {sent}").format(
            where=where, phase=Words(wire.phase), sent=sent
        )
    return _failed(code, where, detail, answered, sent)


def _bearer(wire: Wire) -> bool:
    """The session carried an OAuth2 token (oauth_sasl.py), not a password."""
    return (wire.mechanism or "").removeprefix("AUTH ") in OAUTH_MECHANISMS


def _sent(wire: Wire) -> str:
    """Whether the password went out, and how often: the person's first question."""
    if _bearer(wire):
        return _("No password was sent; the OAuth2 sign-in token went only over verified TLS.")
    if wire.attempts == 0:
        return _("The password was not sent.")
    return _("The password was sent {times}, only over verified TLS.").format(
        times=_TIMES.get(wire.attempts, _("more than twice"))
    )


def _refused(wire: Wire, code: LoginCode, where: str, answered: str) -> str:
    """The server answered the sign-in with no: the password, the account, or for now."""
    forms = _(" and ").join(wire.target.forms[: max(wire.attempts, 1)])
    check = str(Words(_CHECK, (("service", _SERVICE_WORDS[wire.target.service]),)))
    if code is LoginCode.CREDENTIALS_REJECTED:
        return (
            _(
                "{where} did not accept the password for {forms}.{answered} mailhop stopped "
                "after {attempts} so that the account is not locked. "
            ).format(
                where=where, forms=forms, answered=answered, attempts=_ATTEMPTS.get(wire.attempts)
            )
            + check
        )
    if code is LoginCode.ACCOUNT_UNAVAILABLE:
        return (
            _(
                "{where} refused the sign-in for a reason other than the password: the account "
                "may be locked, disabled, expired or restricted to other sign-in methods."
                "{answered} mailhop did not try again. Check with your provider or "
                "administrator; "
            ).format(where=where, answered=answered)
            + check
        )
    return _(
        "{where} reported a temporary problem.{answered} mailhop did not try again, so "
        "that the account is not locked; run the setup again later."
    ).format(where=where, answered=answered)


def _no_mechanism(wire: Wire, where: str, detail: str, sent: str) -> str:
    """After TLS no sign-in method mailhop uses; before TLS perhaps one (a bad sign)."""
    before = (
        " "
        + _(
            "Before TLS it offered {offered}: a server that offers sign-in only before "
            "encryption is misconfigured, or the connection was tampered with."
        ).format(offered=", ".join(wire.offered_before))
        if wire.offered_before
        else ""
    )
    return _(
        "After TLS, {where} offered no sign-in method mailhop uses ({detail}).{before} {sent}"
    ).format(where=where, detail=detail, before=before, sent=sent)


def _failed(code: LoginCode, where: str, detail: str, answered: str, sent: str) -> str:
    """No answer to the sign-in: the connection, TLS or the server itself failed."""
    words = {
        LoginCode.CONNECT: _("mailhop could not connect to {where} ({detail})."),
        LoginCode.TLS_FAILED: _("The TLS handshake with {where} failed ({detail})."),
        LoginCode.CERTIFICATE_REFUSED: _(
            "{where} presented a certificate this computer refuses now ({detail}), though "
            "the check accepted it. Run the check again."
        ),
        LoginCode.STARTTLS_FAILED: _("{where} did not switch to TLS as required: {detail}."),
        LoginCode.SERVER_ERROR: _("{where} did not behave as expected ({detail}).{answered}"),
    }
    said_words = words.get(code)
    if said_words is None:
        return f"{detail} {sent}"
    return f"{said_words.format(where=where, detail=detail, answered=answered)} {sent}"
