"""The audit sharded over a local Dask cluster of worker processes, against the lab: the same
records as a single-process run, in input order, and a worker killed in the middle of a shard
costs that shard a second run, never a lost or doubled record."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import threading
import time
from typing import Any

import pytest

from mailhop.core.audit.cluster import audit_on_cluster, cluster_client, shards
from mailhop.core.audit.engine import AuditCount, AuditResult, audit
from mailhop.core.audit.summary import Row, read_rows
from mailhop.core.audit.targets import Target, read_targets
from mailhop.core.cli.commands_audit import record_of
from tests.core.run.test_discovery import options
from tests.lab.lab import LabInfo

# blackhole.test waits for its dead hosts' deadlines: its shard is the one still running
# when the others are done, and the one a test can kill a worker in.
LIST = ["blackhole.test", "healthy.test", "# a comment", "hostile-mail.test", "no domain", ""]
LIST += ["hosted.test", "provider.test", "unsigned.test", "bogus.test", "mxonly.test"]
WORKERS = 3


def targets() -> list[Target]:
    return list(read_targets(LIST, allow_test_domains=True))


def rows(records: list[dict[str, Any]]) -> list[Row]:
    """What the CSV and the overview say of each record: its level and its findings."""
    return list(read_rows(json.dumps(record) for record in records))


@pytest.fixture(scope="module")
def single(lab: LabInfo) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = []

    def write(result: AuditResult) -> None:
        records.append(record_of(result))

    asyncio.run(audit(targets(), options(lab), write))
    return records


def test_shards_are_contiguous_runs_in_order() -> None:
    items = targets()
    parts = shards(items, 4)
    assert [t for part in parts for t in part] == items
    assert [len(part) for part in parts] == [3, 2, 2, 2]
    assert shards(items, 100) == [[t] for t in items]
    assert shards([], 4) == []


def test_cluster_run_writes_the_single_runs_records_in_input_order(
    lab: LabInfo, single: list[dict[str, Any]]
) -> None:
    written: list[dict[str, Any]] = []
    counts: list[AuditCount] = []
    with cluster_client(workers=WORKERS) as client:
        assert len(client.scheduler_info()["workers"]) == WORKERS
        pids = set(client.run(os.getpid).values())
        assert os.getpid() not in pids and len(pids) == WORKERS  # processes, not threads
        audit_on_cluster(
            client, targets(), options(lab), written.append, record_of, progress=counts.append
        )
    lines = [record["audit"]["line"] for record in written]
    assert lines == [1, 2, 4, 5, 7, 8, 9, 10, 11]
    assert rows(written) == rows(single)
    assert counts[-1].done == counts[-1].total == len(targets())


def test_a_worker_killed_mid_shard_has_the_shard_run_again(
    lab: LabInfo, single: list[dict[str, Any]]
) -> None:
    written: list[dict[str, Any]] = []
    killed: dict[str, Any] = {}

    with cluster_client(workers=WORKERS) as client:
        pids = client.run(os.getpid)

        def kill_the_worker_of_the_first_shard() -> None:
            # The first shard (blackhole.test) runs for seconds: once a worker holds it, wait a
            # moment so the check is under way, then kill that worker's process outright.
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                for worker, keys in client.processing().items():
                    first = [key for key in keys if str(key).endswith("-0")]
                    if first:
                        time.sleep(0.5)
                        killed.update(worker=worker, pid=pids[worker], key=first[0])
                        killed["at"] = len(written)
                        os.kill(pids[worker], signal.SIGKILL)
                        return
                time.sleep(0.02)

        killer = threading.Thread(target=kill_the_worker_of_the_first_shard)
        killer.start()
        audit_on_cluster(client, targets(), options(lab), written.append, record_of)
        killer.join()
    assert killed, "no worker was seen holding the first shard"
    assert killed["at"] == 0  # killed before its records (the first in order) were written
    with pytest.raises(ProcessLookupError):
        os.kill(killed["pid"], 0)
    lines = [record["audit"]["line"] for record in written]
    assert lines == [1, 2, 4, 5, 7, 8, 9, 10, 11]  # nothing lost, nothing twice
    assert rows(written) == rows(single)
