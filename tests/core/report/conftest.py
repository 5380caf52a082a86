"""The four checks every report test renders: an OK, a warned, a blocked domain, and a check
that could not be made (a resolver that does not answer), each against the lab."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from mailhop.core.common.address import parse_address
from mailhop.core.dns.resolver import parse_upstream
from mailhop.core.run.check import CheckReport, check
from tests.core.run.test_discovery import options
from tests.lab.lab import LabInfo

CHECKED_AT = datetime(2026, 12, 3, 17, 0, tzinfo=UTC)
# (name, address, overrides): the lab scenarios for OK, warn and block; for "could not
# check" the lab's own resolver address on a port where nothing listens.
CASES = {
    "ok": ("alice@healthy.test", {}),
    "warn": ("frank@blackhole.test", {"soft_deadline": 1.0, "hard_deadline": 4.0}),
    "block": ("jo@strip.cases.test", {"soft_deadline": 2.0, "hard_deadline": 4.0}),
    "could-not-check": ("alice@healthy.test", {"soft_deadline": 1.0, "hard_deadline": 2.0}),
}


def run_case(lab: LabInfo, name: str) -> CheckReport:
    address, overrides = CASES[name]
    values = dict(overrides)
    if name == "could-not-check":
        values["upstream"] = parse_upstream(f"{lab.resolver}:9")
    return check_address(lab, address, **values)


def check_address(lab: LabInfo, address: str, **overrides: object) -> CheckReport:
    parsed = parse_address(address, allow_test_domains=True)
    return asyncio.run(check(parsed, options(lab, **overrides)))


@pytest.fixture(scope="session")
def checks(lab: LabInfo) -> dict[str, CheckReport]:
    return {name: run_case(lab, name) for name in CASES}
