"""Fuzzes the linter (core/export/lint.py) with files of every format it knows: the seeds are one
autoconfig, K-9, Autodiscover, PACC, MTA-STS file, an XML and a binary plist, and a signed
(CMS) profile. The first byte picks the file name, since the name breaks format ties.

lint documents that nothing in a file raises out of it: every problem is a finding (every
library call goes through core/common/untrusted.py). CONTRACT is therefore empty. Safety rules
(asserts): the report's JSON form serialises, and a report without errors is "ok".
"""

from __future__ import annotations

import json

from mailhop.core.export.lint import Severity, lint

CONTRACT: tuple[type[BaseException], ...] = ()

NAMES = ("", "config-v1.1.xml", "profile.mobileconfig", "settings.k9s", "policy.txt")


def one_input(data: bytes) -> None:
    name = NAMES[data[0] % len(NAMES)] if data else ""
    report = lint(data, name)
    json.dumps(report.to_json())
    assert report.ok == all(p.severity is not Severity.ERROR for p in report.problems)
