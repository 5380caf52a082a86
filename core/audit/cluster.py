"""The audit sharded over Dask distributed: ``--workers N`` (a local cluster) or
``--scheduler ADDRESS`` (one already running).

    targets ─► shards (contiguous runs of the input, in order) ─► one Dask task each
            ─► on a worker: the async engine (engine.audit) over its shard ─► its records
            ─► here: shards written in input order as they come back

A shard's records travel back whole, as the task's result, and only this process writes:
a worker killed mid-shard has written nothing, the scheduler gives the shard to another
worker, and a shard's result is written once (each task completes once). So the output is
the single-process run's, in input order, nothing lost or written twice.

What is shared stays per worker: each worker's engine has its own probe sessions and caps
(sessions.py), so a provider named in every shard is probed once per worker, not once per
run, and each worker keeps ``--concurrency`` checks going. Shards are small (several per
worker, at most MAX_SHARD domains) so that a killed worker costs little, a slow shard does
not hold the end of the run for long, and a worker's memory is that of one shard's engine.

Dask is an optional dependency (the "cluster" extra), imported only here and only when a
cluster run is asked for.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from ..common.errors import UsageError
from ..common.i18n import _
from ..run.options import DiscoveryOptions
from .engine import AuditCount, AuditResult, AuditSettings, audit
from .targets import Target

if TYPE_CHECKING:
    from distributed import Client

__all__ = ["Record", "ToRecord", "audit_on_cluster", "cluster_client", "shards"]

Record = dict[str, Any]
ToRecord = Callable[[AuditResult], Record]
SHARDS_PER_WORKER = 4
# A shard's engine lives as long as its shard (its caches, its shared probes): no more domains
# than this to one, so memory stays bounded on a long list and a lost worker loses little.
MAX_SHARD = 1000


def shards(targets: Sequence[Target], count: int) -> list[list[Target]]:
    """`targets` cut into at most `count` contiguous runs of near-equal length, in order."""
    count = min(max(1, count), len(targets))
    size, longer = divmod(len(targets), count) if count else (0, 0)
    parts: list[list[Target]] = []
    start = 0
    for index in range(count):  # the first `longer` shards take one target more
        end = start + size + (1 if index < longer else 0)
        parts.append(list(targets[start:end]))
        start = end
    return parts


def run_shard(
    targets: Sequence[Target],
    options: DiscoveryOptions,
    settings: AuditSettings,
    to_record: ToRecord,
) -> list[Record]:
    """On a worker: the engine over one shard, its records in the shard's order."""
    records: list[Record] = []

    def write(result: AuditResult) -> None:
        records.append(to_record(result))

    asyncio.run(audit(targets, options, write, settings=settings))
    return records


@contextmanager
def cluster_client(*, workers: int | None = None, scheduler: str | None = None) -> Iterator[Client]:
    """A Dask client: to the scheduler at `scheduler`, or to a local cluster of `workers`
    processes (one thread each: every worker runs its own event loop) started for the run."""
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:
        raise UsageError(
            _(
                "--workers and --scheduler need Dask: pip install 'mailhop[cluster]' ({reason})"
            ).format(reason=exc)
        ) from exc
    # distributed's Client, LocalCluster and as_completed have no annotations: hence the ignores.
    if scheduler is not None:
        with Client(scheduler) as client:  # type: ignore[no-untyped-call]
            yield client
        return
    with (
        LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=max(1, workers or 1),
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",  # a free port: never one another run holds
        ) as cluster,
        Client(cluster) as client,  # type: ignore[no-untyped-call]
    ):
        yield client


def audit_on_cluster(
    client: Client,
    targets: Sequence[Target],
    options: DiscoveryOptions,
    write: Callable[[Record], None],
    to_record: ToRecord,
    *,
    settings: AuditSettings | None = None,
    done: frozenset[int] | set[int] = frozenset(),
    progress: Callable[[AuditCount], None] | None = None,
) -> None:
    """Every target whose line is not in `done`, sharded over the cluster's workers; each
    record handed to `write` in input order. `to_record` runs on the workers (a module-level
    function: Dask sends it by name)."""
    from distributed import as_completed

    settings = settings or AuditSettings()
    todo = [t for t in targets if t.line not in done]
    workers = max(1, len(client.scheduler_info().get("workers", {})))
    parts = shards(todo, max(workers * SHARDS_PER_WORKER, -(-len(todo) // MAX_SHARD)))
    run = uuid.uuid4().hex
    futures = [
        client.submit(
            run_shard, part, options, settings, to_record, key=f"mailhop-audit-{run}-{index}"
        )
        for index, part in enumerate(parts)
    ]
    index_of = {future.key: index for index, future in enumerate(futures)}
    waiting: dict[int, list[Record]] = {}
    following = 0  # the first shard not yet written
    written = 0
    began = time.monotonic()
    for future in as_completed(futures):  # type: ignore[no-untyped-call]
        waiting[index_of[future.key]] = future.result()
        future.release()  # its records are here now; the worker may forget them
        while following in waiting:
            for record in waiting.pop(following):
                write(record)
            written += len(parts[following])
            following += 1
        if progress is not None:
            progress(AuditCount(written, len(todo), time.monotonic() - began))
