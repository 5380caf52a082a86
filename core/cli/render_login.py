"""The login tests of a setup as lines of text, for the terminal (``mailhop setup`` and the
demo walk-through print the same lines).

A server's words stay the server's: named, quoted and escaped (``quote_server``,
``ServerAlert.said``), never printed as mailhop's own sentence. An IMAP ``[ALERT]`` is shown
whether the sign-in worked or not: RFC 3501 section 7.1 says the person MUST see it.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..account.login import LoginResult
from ..common.i18n import _
from ..common.text import one_line
from ..probe.proto_base import quote_server

__all__ = ["render_logins"]


def render_logins(logins: Sequence[LoginResult]) -> list[str]:
    lines: list[str] = []
    for login in logins:
        who = (login.username_used or "-") + (f" ({login.mechanism})" if login.mechanism else "")
        state = (
            _("signed in at {host} as {who}")
            if login.ok
            else _("sign-in failed at {host} as {who}")
        )
        lines.append(f"  {login.service.value}: " + state.format(host=login.host, who=who))
        if not login.ok:
            said = quote_server(login.server_said) if login.server_said else _("(nothing)")
            lines.append("    " + _("{host} said: {said}").format(host=login.host, said=said))
        lines += ["    " + _("alert: {said}").format(said=alert.said()) for alert in login.alerts]
    return [one_line(line) for line in lines]
