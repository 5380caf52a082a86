"""The prober owns its session tasks: none outlives it, deadlines end the wait, and a broken
watcher or a bug in one probe never stops the others.

The resolver here is a small in-memory fake (the one seam before a socket): the cases are
a name lookup that never ends, one that fails, and one that raises a bug; the sessions
themselves are tested against the lab in test_mailsession.py and test_check.py.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any, cast

import pytest

from mailhop.core.common.model import Security, Service
from mailhop.core.dns.resolver import ResolveError, Resolver
from mailhop.core.net.tlscontext import client_context, diagnostic_context
from mailhop.core.probe.prober import Key, Prober
from mailhop.core.probe.stage import NOT_PROBED, STOPPED_WAITING, NoSession, NoSessionCode

KEY: Key = (Service.IMAP, "mail.example.com", 993, Security.IMPLICIT_TLS)
OTHER: Key = (Service.SUBMISSION, "mail.example.com", 465, Security.IMPLICIT_TLS)


class FakeResolver:
    def __init__(self, answer: BaseException | None = None) -> None:
        self.answer = answer  # None: never answers
        self.deadline = 0.0
        self.cancelled = 0

    async def addresses(self, host: str) -> list[str]:
        if self.answer is not None:
            raise self.answer
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            self.cancelled += 1
            raise
        return []


class Watcher:
    def __init__(self, broken: bool = False) -> None:
        self.broken = broken
        self.seen: list[tuple[str, Key, Any]] = []

    def probe_started(self, key: Key) -> None:
        self.seen.append(("started", key, None))
        if self.broken:
            raise RuntimeError("a broken progress view")

    def probe_finished(self, key: Key, outcome: Any) -> None:
        self.seen.append(("finished", key, outcome))
        if self.broken:
            raise RuntimeError("a broken progress view")


def prober(seconds: float, watcher: Watcher | None = None) -> Prober:
    return Prober(
        deadline=time.monotonic() + seconds,
        context=client_context(None),
        diagnostic=diagnostic_context(),
        watcher=watcher,
    )


def resolver(fake: FakeResolver) -> Resolver:
    return cast(Resolver, fake)


def test_no_probe_outlives_the_prober_even_when_its_caller_fails() -> None:
    fake, watcher = FakeResolver(), Watcher()

    async def go() -> Prober:
        probes = prober(5.0, watcher)
        with pytest.raises(RuntimeError, match="the caller failed"):
            async with probes:
                probes.start(KEY, resolver(fake))
                await asyncio.sleep(0.01)
                raise RuntimeError("the caller failed")
        return probes

    probes = asyncio.run(go())
    assert fake.cancelled == 1 and all(task.done() for task in probes.tasks.values())
    assert watcher.seen[-1] == ("finished", KEY, STOPPED_WAITING)
    assert probes.outcome(KEY) is STOPPED_WAITING


def test_the_soft_deadline_gives_up_pending_probes_once_the_legs_are_settled() -> None:
    async def go() -> tuple[bool, float, Prober]:
        async with prober(5.0) as probes:
            probes.start(KEY, resolver(FakeResolver()))
            began = time.monotonic()
            stopped = await probes.wait(lambda: True, soft_deadline=began + 0.05)
            return stopped, time.monotonic() - began, probes

    stopped, waited, probes = asyncio.run(go())
    assert stopped and waited < 1.0
    assert probes.outcome(KEY) is STOPPED_WAITING and not probes.finished(KEY)


def test_unsettled_legs_wait_to_the_hard_deadline_and_no_longer() -> None:
    async def go() -> tuple[bool, float, Prober]:
        async with prober(0.3) as probes:
            probes.start(KEY, resolver(FakeResolver()))
            began = time.monotonic()
            stopped = await probes.wait(lambda: False, soft_deadline=began + 0.05)
            return stopped, time.monotonic() - began, probes

    stopped, waited, probes = asyncio.run(go())
    assert not stopped and 0.2 < waited < 1.0
    assert probes.outcome(KEY) is STOPPED_WAITING


def test_a_failed_lookup_and_a_bug_are_outcomes_and_a_broken_watcher_changes_nothing() -> None:
    watcher = Watcher(broken=True)

    async def go() -> Prober:
        async with prober(5.0, watcher) as probes:
            probes.start(KEY, resolver(FakeResolver(ResolveError("no address", timed_out=True))))
            probes.start(OTHER, resolver(FakeResolver(KeyError("a bug"))))
            await probes.wait(lambda: False, soft_deadline=time.monotonic() + 5.0)
            return probes

    probes = asyncio.run(go())
    assert probes.outcome(KEY) == NoSession(code=NoSessionCode.TIMED_OUT, message="no address")
    bug = probes.outcome(OTHER)
    assert isinstance(bug, NoSession) and "internal error in mailhop" in bug.message
    assert bug.code is NoSessionCode.INTERNAL and bug.trace and "KeyError" in bug.trace
    assert bug.trace not in bug.message  # the traceback is for a report, not the words
    assert [kind for kind, key, _ in watcher.seen if key == KEY] == ["started", "finished"]
    assert probes.finished(KEY) and probes.finished(OTHER)


def test_a_key_is_probed_once_and_an_unknown_key_was_not_probed() -> None:
    fake = FakeResolver(ResolveError("no address"))

    async def go() -> Prober:
        async with prober(5.0) as probes:
            probes.start(KEY, resolver(fake))
            probes.start(KEY, resolver(fake))
            await probes.wait(lambda: False, soft_deadline=time.monotonic() + 5.0)
            return probes

    probes = asyncio.run(go())
    assert len(probes.tasks) == 1
    assert probes.outcome(OTHER) == NOT_PROBED
