"""The SMTP probe engine (RFC 5321, STARTTLS from RFC 3207): submission and relay alike.

See proto_base.py for the events and the shared dialogue. SMTP specifics:

* Every reply is one or more lines ``ddd-text`` ending with ``ddd text`` (or ``ddd``); all
  lines of a reply must carry the same code (RFC 5321 section 4.2.1). Anything else is a
  protocol error.
* The greeting is 220; 421 or 554 (RFC 5321 section 3.1) turn the session away.
* EHLO's 250 reply lists the extensions, one per line after the first (which names the
  server). A refused EHLO before TLS means no ESMTP and so no STARTTLS. After TLS it is a
  finding (capabilities hidden); mailhop does not fall back to HELO there, because HELO
  lists no extension and would tell nothing more than the refusal already does.
* STARTTLS is accepted by 220 only; 454, 502 or any other code is a refusal.
* The authentication mechanisms are the arguments of the ``AUTH`` extension (and of the
  pre-standard ``AUTH=`` form some servers still add).

The EHLO name is ``mailhop.invalid``. RFC 5321 section 4.1.1.1 wants the client's domain
or an address literal; mailhop has no domain of its own, and the address literal would
publish the machine's (often private) address to every server probed and differ from
connection to connection. ``.invalid`` is reserved never to exist (RFC 6761 section 6.4),
so it claims no one's name, is a syntactically valid FQDN for servers that insist on one,
and keeps every byte the engine sends constant. Relay probes on port 25 use the same
engine and the same name.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import ClassVar

from ..common.model import Security
from .proto_base import Engine, Event, FailureCode, Limits, Phase, sanitise

__all__ = ["EHLO_NAME", "Command", "SmtpEngine"]

EHLO_NAME = "mailhop.invalid"
REPLY_LINE = re.compile(rb"(\d{3})(?:([ -])(.*))?$", re.DOTALL)


class Command(enum.Enum):
    """Everything the SMTP engine can send."""

    EHLO = f"EHLO {EHLO_NAME}\r\n".encode()
    STARTTLS = b"STARTTLS\r\n"
    QUIT = b"QUIT\r\n"


class SmtpEngine(Engine):
    protocol = "SMTP"
    Command = Command
    COMMANDS: ClassVar[Mapping[Phase, enum.Enum]] = MappingProxyType(
        {
            Phase.CAPABILITIES: Command.EHLO,
            Phase.STARTTLS: Command.STARTTLS,
            Phase.CAPABILITIES_TLS: Command.EHLO,
            Phase.DONE: Command.QUIT,
        }
    )
    STARTTLS_NAME = "STARTTLS"

    def __init__(self, security: Security, *, limits: Limits | None = None) -> None:
        super().__init__(security, limits=limits)
        self._code: bytes | None = None  # of the reply being read
        self._texts: list[str] = []

    def _mechanisms(self, capabilities: Iterable[str]) -> Iterable[str]:
        for capability in capabilities:
            name, _, arguments = capability.replace("=", " ", 1).partition(" ")
            if name.upper() == "AUTH":
                yield from arguments.split()

    def _line(self, line: bytes) -> list[Event]:
        match = REPLY_LINE.match(line)
        if match is None or (self._code is not None and match[1] != self._code):
            raise self._stop(
                FailureCode.PROTOCOL,
                "the server's answer is not an SMTP reply",
                "\n".join([*self._texts, line.decode("utf-8", "replace")]),
            )
        self._code = match[1]
        self._texts.append((match[3] or b"").decode("utf-8", "replace"))
        if match[2] == b"-":
            return []  # more lines of this reply follow
        code, texts = int(match[1]), self._texts
        self._code, self._texts = None, []
        return self._reply(code, texts)

    def _reply(self, code: int, texts: list[str]) -> list[Event]:
        shown = "\n".join(f"{code} {text}".rstrip() for text in texts)
        if self.phase is Phase.GREETING:
            self.greeting = sanitise(shown)
            if code == 220:
                return self._advance()
            if 400 <= code < 600:  # 421 and 554 by RFC 5321 section 3.1
                raise self._stop(
                    FailureCode.REFUSED, "the server turned the connection away", shown
                )
            raise self._stop(FailureCode.PROTOCOL, "the server's greeting is not 220", shown)
        if self.phase is Phase.STARTTLS:
            if code == 220:
                return self._advance()
            raise self._stop(
                FailureCode.STARTTLS_REFUSED,
                f"the server offered STARTTLS but answered it with {code}, so the connection "
                "cannot be secured",
                shown,
                polite=True,
            )
        # EHLO, before or after TLS
        if code != 250:
            return self._capabilities_refused(shown)
        self._set_capabilities(text.strip() for text in texts[1:])
        return self._advance()
