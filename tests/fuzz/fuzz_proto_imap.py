"""Fuzzes the IMAP probe engine (core/probe/proto_imap.py, with proto_base.py): server replies in
chunks of the fuzzer's choosing, over STARTTLS or implicit TLS, checked against the engines'
safety rules (tests/fuzz/proto_dialogue.py: fixed commands only, nothing before TLS trusted,
any byte after the STARTTLS reply fatal, sanitised text).

CONTRACT is empty: a sans-IO engine answers every byte string with events, a hostile one
with a ``Failed`` event; an exception of any kind would escape the probe's driver.
"""

from __future__ import annotations

from mailhop.core.probe.proto_imap import Command, ImapEngine
from tests.fuzz.proto_dialogue import Protocol, run

CONTRACT: tuple[type[BaseException], ...] = ()


def _yes_to_starttls(line: bytes) -> bool:
    """``M2 OK ...``: the tagged OK to STARTTLS (proto_imap.STATUS)."""
    tag, _, rest = line.partition(b" ")
    return tag == Command.STARTTLS.tag and rest.split(b" ", 1)[0].upper() == b"OK"


IMAP = Protocol(
    make=lambda security, limits: ImapEngine(security, limits=limits),
    before_tls=frozenset({Command.CAPABILITY.value, Command.STARTTLS.value, Command.LOGOUT.value}),
    after_tls=frozenset({Command.CAPABILITY_TLS.value, Command.LOGOUT.value}),
    ask_after_tls=Command.CAPABILITY_TLS.value,
    accepts_starttls=_yes_to_starttls,
    canonical=b"* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] ready\r\nM2 OK go\r\n",
)


def one_input(data: bytes) -> None:
    run(IMAP, data)
