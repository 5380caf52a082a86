"""The clients' own autoconfig test cases (tests/data/peers/, each suite with its ORIGIN) run
through ``mailhop lint`` and through mailhop's parser.

Lint must report each client's outcome for each case (accepted, fallback, entry-dropped,
rejected), read from the findings that name that client. mailhop's parser must reach the same
outcome, or the one written next to the case with its reason (``mailhop.parser``). The
agreement table is ``agreement()``: run this module with ``-s -k table`` to print it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from mailhop.core.common.model import IssueCode
from mailhop.core.discover.parse_autoconfig import parse_autoconfig
from mailhop.core.export.lint import Format, LintReport, RuleCode, Severity, lint

PEERS = Path(__file__).resolve().parents[2] / "data" / "peers"
SUITES = {"thunderbird-android": "Thunderbird for Android", "thunderbird-desktop": "Thunderbird"}
# A document no client can read at all is every client's rejection.
_DOCUMENT = {
    RuleCode.MALFORMED,
    RuleCode.FORBIDDEN_XML,
    RuleCode.TOO_LARGE,
    RuleCode.UNKNOWN_FORMAT,
}
_EFFECTS = (
    ("rejects the file", "rejected"),
    ("drops the entry", "entry-dropped"),
    ("falls back", "fallback"),
)


def _cases(suite: str) -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = json.loads((PEERS / suite / "cases.json").read_text())["cases"]
    return cases


CASES = [(suite, case) for suite in SUITES for case in _cases(suite)]


def lint_outcome(report: LintReport, client: str) -> str:
    if report.format is not Format.AUTOCONFIG or any(
        p.code in _DOCUMENT and p.severity is Severity.ERROR for p in report.problems
    ):
        return "rejected"
    effects = {p.effect for p in report.problems if p.client == client}
    return next((word for effect, word in _EFFECTS if effect in effects), "accepted")


def parser_outcome(data: bytes, address: str) -> str:
    local_part, domain = address.split("@")
    result = parse_autoconfig(data, local_part=local_part, domain=domain)
    if result.error:
        return "rejected"
    dropped = [i for i in result.issues if i.dropped and i.code is not IssueCode.UNSUPPORTED_TYPE]
    return "entry-dropped" if dropped else "accepted"


def _expected(case: dict[str, Any], reader: str) -> str:
    difference = case.get("mailhop", {}).get(reader)
    if difference is not None:
        assert difference["reason"], "an intended difference says why"
        return str(difference["outcome"])
    return str(case["outcome"])


@pytest.mark.parametrize(("suite", "case"), CASES, ids=[f"{s}-{c['id']}" for s, c in CASES])
def test_lint_reports_the_clients_outcome(suite: str, case: dict[str, Any]) -> None:
    report = lint((PEERS / suite / case["input"]).read_bytes(), case["input"])
    assert lint_outcome(report, SUITES[suite]) == _expected(case, "lint"), report.to_json()


@pytest.mark.parametrize(("suite", "case"), CASES, ids=[f"{s}-{c['id']}" for s, c in CASES])
def test_the_parser_reaches_the_clients_outcome_or_says_why_not(
    suite: str, case: dict[str, Any]
) -> None:
    data = (PEERS / suite / case["input"]).read_bytes()
    assert parser_outcome(data, case["address"]) == _expected(case, "parser")


def agreement() -> dict[str, tuple[int, int, int]]:
    """Per suite and reader: (cases, agree with the client, explained differences)."""
    table: dict[str, tuple[int, int, int]] = {}
    for suite, client in SUITES.items():
        for reader in ("lint", "parser"):
            cases = _cases(suite)
            same = 0
            for case in cases:
                data = (PEERS / suite / case["input"]).read_bytes()
                got = (
                    lint_outcome(lint(data), client)
                    if reader == "lint"
                    else parser_outcome(data, case["address"])
                )
                same += got == case["outcome"]
            explained = sum(reader in case.get("mailhop", {}) for case in cases)
            table[f"{suite} {reader}"] = (len(cases), same, explained)
    return table


def test_agreement_table() -> None:
    for name, (cases, same, explained) in agreement().items():
        print(f"{name}: {cases} cases, {same} agree, {explained} explained differences")
        assert same + explained == cases
