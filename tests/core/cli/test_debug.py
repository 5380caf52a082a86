"""MAILHOP_DEBUG=1 shows the traceback of a source that crashed (core/cli/debug.py), on
stderr; without it, nothing more is written."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest

from mailhop.core.cli.debug import DEBUG_VARIABLE, crash_traces, print_crash_traces
from mailhop.core.common.address import parse_address
from mailhop.core.discover.report import Attempt
from mailhop.core.discover.source_context import SourceContext
from mailhop.core.discover.sources import SOURCES
from mailhop.core.probe.stage import NoSession, assemble_probe
from mailhop.core.run.discovery import discover
from tests.core.probe.test_certinfo import NOW
from tests.core.probe.test_stage import ENTRY
from tests.core.run.test_discovery import options
from tests.lab.lab import LabInfo


def crashed_run(lab: LabInfo) -> tuple[Attempt, ...]:
    async def broken(ctx: SourceContext) -> Attempt:
        raise RuntimeError("planted bug")

    parsed = parse_address("bob@srvonly.test", allow_test_domains=True)
    sources = replace(SOURCES, tls_rpt=broken)
    return tuple(asyncio.run(discover(parsed, options(lab), sources=sources)).attempts)


def test_the_traceback_of_a_crashed_source_is_shown_only_when_asked_for(
    lab: LabInfo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    attempts = crashed_run(lab)
    (trace,) = crash_traces(attempts)
    assert trace.startswith("mailhop: tls-rpt _smtp._tls.srvonly.test TXT crashed:\n")
    assert "Traceback" in trace and 'raise RuntimeError("planted bug")' in trace

    monkeypatch.delenv(DEBUG_VARIABLE, raising=False)
    print_crash_traces(attempts)
    assert capsys.readouterr() == ("", "")

    monkeypatch.setenv(DEBUG_VARIABLE, "1")
    print_crash_traces(attempts)
    out, err = capsys.readouterr()
    assert out == "" and err == trace.rstrip("\n") + "\n"


def test_the_traceback_of_a_crashed_probe_is_shown_too() -> None:
    try:
        {}["imap"]
    except KeyError as exc:
        bug = NoSession.internal_error(exc)
    probe = assemble_probe(ENTRY, bug, None, now=NOW)
    (trace,) = crash_traces((), (probe,))
    assert trace.startswith(f"mailhop: the probe of {probe.endpoint} crashed:\nTraceback")
    assert "KeyError: 'imap'" in trace
