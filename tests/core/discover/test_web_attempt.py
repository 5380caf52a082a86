"""How a fetch that went wrong becomes an attempt (web_attempt.fetch_failure), against the lab."""

from __future__ import annotations

from mailhop.core.discover.report import Failure, Source, Status
from tests.core.run.test_discovery import attempts, codes, run
from tests.lab.lab import LabInfo


def test_a_web_host_that_does_not_listen_published_nothing(lab: LabInfo) -> None:
    # autoconfig.plainonly.test has an address but nothing on port 443 (plain HTTP only):
    # the TCP reset says "connection refused", which is no refused document.
    report = run(lab, "ivan@plainonly.test")
    (found,) = attempts(report, Source.AUTOCONFIG)
    assert (found.status, found.failure) == (Status.NOTHING, Failure.CONNECT_REFUSED)
    assert found.detail.startswith("nothing published: could not connect")
    assert "document-refused" not in codes(report)
