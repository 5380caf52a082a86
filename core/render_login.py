"""The login tests of a setup as lines of text, for the terminal (``mailhop setup`` and the
demo walk-through print the same lines).

A server's words stay the server's: named, quoted and escaped (``quote_server``,
``ServerAlert.said``), never printed as mailhop's own sentence. An IMAP ``[ALERT]`` is shown
whether the sign-in worked or not: RFC 3501 section 7.1 says the person MUST see it.
"""

from __future__ import annotations

from collections.abc import Sequence

from .login import LoginResult
from .proto_base import quote_server
from .render_text import safe

__all__ = ["render_logins"]


def render_logins(logins: Sequence[LoginResult]) -> list[str]:
    lines: list[str] = []
    for login in logins:
        state = "signed in" if login.ok else "sign-in failed"
        who = (login.username_used or "-") + (f" ({login.mechanism})" if login.mechanism else "")
        lines.append(f"  {login.service.value}: {state} at {login.host} as {who}")
        if not login.ok:
            said = quote_server(login.server_said) if login.server_said else "(nothing)"
            lines.append(f"    {login.host} said: {said}")
        lines += [f"    alert: {alert.said()}" for alert in login.alerts]
    return [safe(line) for line in lines]
