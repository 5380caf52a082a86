"""Fuzzes the POP3 probe engine (core/probe/proto_pop3.py, with proto_base.py): server replies in
chunks of the fuzzer's choosing, over STLS or implicit TLS, checked against the engines'
safety rules (tests/fuzz/proto_dialogue.py: fixed commands only, nothing before TLS trusted,
any byte after the STLS reply fatal, sanitised text).

CONTRACT is empty: a sans-IO engine answers every byte string with events, a hostile one
with a ``Failed`` event; an exception of any kind would escape the probe's driver.
"""

from __future__ import annotations

from mailhop.core.probe.proto_pop3 import Command, Pop3Engine
from tests.fuzz.proto_dialogue import Protocol, run

CONTRACT: tuple[type[BaseException], ...] = ()


def _yes_to_stls(line: bytes) -> bool:
    return line[:3].upper() == b"+OK"


POP3 = Protocol(
    make=lambda security, limits: Pop3Engine(security, limits=limits),
    before_tls=frozenset({Command.CAPA.value, Command.STLS.value, Command.QUIT.value}),
    after_tls=frozenset({Command.CAPA.value, Command.QUIT.value}),
    ask_after_tls=Command.CAPA.value,
    accepts_starttls=_yes_to_stls,
    canonical=b"+OK ready\r\n+OK capabilities\r\nSTLS\r\n.\r\n+OK go\r\n",
)


def one_input(data: bytes) -> None:
    run(POP3, data)
