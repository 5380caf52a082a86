"""Other MTA-STS implementations' test vectors (tests/data/peers/postfix-mta-sts-resolver and
go-mtasts, each with its ORIGIN) through mailhop's parse_mtasts: the TXT record, the policy
and MX matching reach the peer's outcome, or the one written next to the case with its
reason (``mailhop.parser``). ``agreement()`` is the table for the issue's closing note."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from mailhop.core.common.address import AddressError, parse_address
from mailhop.core.discover.parse_mtasts import parse_mtasts_policy, parse_mtasts_record
from mailhop.core.export.lint import lint

PEERS = Path(__file__).resolve().parents[2] / "data" / "peers"
SUITES = ("postfix-mta-sts-resolver", "go-mtasts")


def _cases(suite: str) -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = json.loads((PEERS / suite / "cases.json").read_text())["cases"]
    return cases


CASES = [(suite, case) for suite in SUITES for case in _cases(suite)]


def _a_label(host: str) -> str:
    """An MX host as DNS hands it over: an A-label (the vectors write some as U-labels)."""
    try:
        return parse_address(f"postmaster@{host.rstrip('.')}").domain
    except AddressError:  # "without-dots": no domain an address can have, kept as it is
        return host


def outcome(case: dict[str, Any]) -> str:
    if case["kind"] == "record":
        return "valid" if parse_mtasts_record(case["txt"]).record else "no-record"
    if case["kind"] == "policy":
        result = parse_mtasts_policy(case["body"].encode())
        if result.policy is None:
            return "invalid"
        got = (result.policy.mode.value, list(result.policy.mx), result.policy.max_age)
        assert got == (case["mode"], case["mx"], case["max_age"]), got
        return "valid"
    lines = "".join(f"mx: {pattern}\n" for pattern in case["patterns"])
    policy = parse_mtasts_policy(f"version: STSv1\nmode: enforce\nmax_age: 1\n{lines}".encode())
    allowed = policy.policy is not None and policy.policy.allows(_a_label(case["mx"]))
    return "match" if allowed else "no-match"


def _expected(case: dict[str, Any]) -> str:
    difference = case.get("mailhop", {}).get("parser")
    if difference is not None:
        assert difference["reason"]
        return str(difference["outcome"])
    return str(case["outcome"])


POLICIES = [(s, c) for s, c in CASES if c["kind"] == "policy"]


@pytest.mark.parametrize(("suite", "case"), POLICIES, ids=[f"{s}-{c['id']}" for s, c in POLICIES])
def test_lint_says_what_the_parser_says_of_each_policy(suite: str, case: dict[str, Any]) -> None:
    """mailhop lint reads a policy with the same parser: ok exactly for the valid ones."""
    report = lint(case["body"].encode(), "mta-sts.txt")
    assert report.ok is (_expected(case) == "valid"), report.to_json()


@pytest.mark.parametrize(("suite", "case"), CASES, ids=[f"{s}-{c['id']}" for s, c in CASES])
def test_the_peers_vectors(suite: str, case: dict[str, Any]) -> None:
    assert outcome(case) == _expected(case)
    if case["kind"] == "record" and case["outcome"] == "valid" and "mailhop" not in case:
        record = parse_mtasts_record(case["txt"]).record
        assert record is not None and record.id == case["record_id"]


def agreement() -> dict[str, tuple[int, int, int]]:
    """Per suite: (cases, agree with the peer, explained differences)."""
    return {
        suite: (
            len(_cases(suite)),
            sum(outcome(c) == c["outcome"] for c in _cases(suite)),
            sum("mailhop" in c for c in _cases(suite)),
        )
        for suite in SUITES
    }


def test_agreement_table() -> None:
    for suite, (cases, same, explained) in agreement().items():
        print(f"{suite}: {cases} cases, {same} agree, {explained} explained differences")
        assert same + explained == cases
