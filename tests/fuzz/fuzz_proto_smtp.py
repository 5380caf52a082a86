"""Fuzzes the SMTP probe engine (core/probe/proto_smtp.py, with proto_base.py): server replies in
chunks of the fuzzer's choosing, over STARTTLS or implicit TLS, checked against the engines'
safety rules (tests/fuzz/proto_dialogue.py: fixed commands only, nothing before TLS trusted,
any byte after the STARTTLS reply fatal, sanitised text).

CONTRACT is empty: a sans-IO engine answers every byte string with events, a hostile one
with a ``Failed`` event; an exception of any kind would escape the probe's driver.
"""

from __future__ import annotations

from mailhop.core.probe.proto_smtp import Command, SmtpEngine
from tests.fuzz.proto_dialogue import Protocol, run

CONTRACT: tuple[type[BaseException], ...] = ()


def _yes_to_starttls(line: bytes) -> bool:
    """The last line of a 220 reply (RFC 3207 section 4)."""
    return line[:4] in (b"220", b"220 ")


SMTP = Protocol(
    make=lambda security, limits: SmtpEngine(security, limits=limits),
    before_tls=frozenset({Command.EHLO.value, Command.STARTTLS.value, Command.QUIT.value}),
    after_tls=frozenset({Command.EHLO.value, Command.QUIT.value}),
    ask_after_tls=Command.EHLO.value,
    accepts_starttls=_yes_to_starttls,
    canonical=b"220 mx ready\r\n250-mx\r\n250 STARTTLS\r\n220 go\r\n",
)


def one_input(data: bytes) -> None:
    run(SMTP, data)
