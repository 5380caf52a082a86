"""Fuzzes the resolver's pure parts (core/dns/resolver.py): turning a name mailhop built into a
question (`query_name`, also behind a `_PORT._tcp.` prefix as the TLSA lookups build it),
`Resolver.lookup` on names no question can carry (answered without the network), the
`--resolver` option's parser, and the parsing of a response as the resolver's network step
receives it (`dns.message.from_wire`, whose errors `_query` turns into a failed lookup).

`parse_upstream` raises ValueError for text that is no resolver address (its documented
answer to a bad option); the harness catches that one call's ValueError itself, so that a
ValueError anywhere else still counts as a crash. CONTRACT is therefore empty: `query_name`
returns a name of at most 255 octets or a reason, `lookup` an INVALID_NAME answer, and
response parsing either a message or a `dns.exception.DNSException` (what `_query` catches;
anything else would escape `Resolver.lookup`).
"""

from __future__ import annotations

import asyncio
import contextlib
import time

import dns.exception
import dns.message
import dns.name

from mailhop.core.common.failure import Failure
from mailhop.core.dns.dnssec import Security
from mailhop.core.dns.resolver import Outcome, Resolver, Upstream, parse_upstream, query_name
from tests.fuzz.dnssec_world import WORLD

CONTRACT: tuple[type[BaseException], ...] = ()

LOOP = asyncio.new_event_loop()
# Port 9 (discard) on loopback with a deadline already passed: a lookup that did reach the
# network would come back FAILED at once, and the harness would say so.
UPSTREAM = Upstream("127.0.0.1", 9)


def _check_name(text: str) -> None:
    made = query_name(text)
    if isinstance(made, dns.name.Name):
        assert len(made.to_wire()) <= 255 and made.is_absolute()
        return
    assert isinstance(made, Failure) and made.message
    resolver = Resolver(UPSTREAM, WORLD.anchor, deadline=time.monotonic())  # one per run
    answer = LOOP.run_until_complete(resolver.lookup(text, "TLSA"))
    assert answer.outcome is Outcome.INVALID_NAME, answer
    assert answer.security is Security.INDETERMINATE and not answer.records


def one_input(data: bytes) -> None:
    mode, body = (data[0] % 3, data[1:]) if data else (0, b"")
    if mode == 0:
        text = body.decode("utf-8", "replace")
        _check_name(text)
        _check_name(f"_993._tcp.{text}")
    elif mode == 1:
        with contextlib.suppress(dns.exception.DNSException):
            dns.message.from_wire(body)
    else:
        with contextlib.suppress(ValueError):
            parse_upstream(body.decode("utf-8", "replace"))
