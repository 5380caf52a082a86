"""The POP3 probe engine (RFC 1939, CAPA from RFC 2449, STLS from RFC 2595).

See proto_base.py for the events and the shared dialogue. POP3 specifics:

* The greeting is one line, ``+OK`` (go on) or ``-ERR`` (turned away).
* CAPA answers ``+OK`` and a list of lines ending with a lone ``.`` (dot-stuffed: a line
  that starts with ``..`` stands for one that starts with ``.``), or ``-ERR``. A server
  without CAPA cannot offer STLS (RFC 2595 section 4 puts STLS in the CAPA list), so before
  TLS that is ``starttls-missing``; after TLS it is a finding (capabilities hidden).
* STLS answers one line: ``+OK`` starts the handshake, ``-ERR`` (or anything else) is a
  refusal.
* The authentication mechanisms are the ``SASL`` capability's arguments (RFC 2449 6.3).
  USER is listed among the capabilities as the server says it; the engine never sends it.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import ClassVar

from ..common.model import Security
from .proto_base import Engine, Event, FailureCode, Limits, Phase, sanitise

__all__ = ["Command", "Pop3Engine"]


class Command(enum.Enum):
    """Everything the POP3 engine can send."""

    CAPA = b"CAPA\r\n"
    STLS = b"STLS\r\n"
    QUIT = b"QUIT\r\n"


class Pop3Engine(Engine):
    protocol = "POP3"
    Command = Command
    COMMANDS: ClassVar[Mapping[Phase, enum.Enum]] = MappingProxyType(
        {
            Phase.CAPABILITIES: Command.CAPA,
            Phase.STARTTLS: Command.STLS,
            Phase.CAPABILITIES_TLS: Command.CAPA,
            Phase.DONE: Command.QUIT,
        }
    )
    STARTTLS_NAME = "STLS"

    def __init__(self, security: Security, *, limits: Limits | None = None) -> None:
        super().__init__(security, limits=limits)
        self._listing: list[str] | None = None  # CAPA lines so far, once +OK came

    def _mechanisms(self, capabilities: Iterable[str]) -> Iterable[str]:
        for capability in capabilities:
            name, _, arguments = capability.partition(" ")
            if name.upper() == "SASL":
                yield from arguments.split()

    def _line(self, line: bytes) -> list[Event]:
        text = line.decode("utf-8", "replace")
        if self._listing is not None:
            return self._listed(line)
        positive = line[:3].upper() == b"+OK"
        negative = line[:4].upper() == b"-ERR"
        if not (positive or negative):
            raise self._stop(
                FailureCode.PROTOCOL, "the server's answer is neither +OK nor -ERR", text
            )
        if self.phase is Phase.GREETING:
            self.greeting = sanitise(line)
            if negative:
                raise self._stop(FailureCode.REFUSED, "the server turned the connection away", text)
            return self._advance()
        if self.phase is Phase.STARTTLS:
            if positive:
                return self._advance()
            raise self._stop(
                FailureCode.STARTTLS_REFUSED,
                "the server offered STLS but did not accept it, so the connection cannot "
                "be secured",
                text,
                polite=True,
            )
        # CAPA, before or after TLS
        if negative:
            return self._capabilities_refused(text)
        self._listing = []
        return []

    def _listed(self, line: bytes) -> list[Event]:
        assert self._listing is not None
        if line == b".":
            listing, self._listing = self._listing, None
            self._set_capabilities(listing)
            return self._advance()
        if line.startswith(b"."):
            line = line[1:]  # dot-stuffing (RFC 1939 section 3)
        self._listing.append(line.decode("utf-8", "replace").strip())
        return []
