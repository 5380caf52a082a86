"""One publish run: gather the facts, refuse what is insecure, make the records and files.

    gather (network) -> refusals -> files (PACC bytes first: its digest goes into DNS)
                     -> records -> README            => PublishSet, written by ``write``

Only ``prepare`` touches the network; everything after it is pure, so a test can build a
PublishSet from hand-made facts. ``write`` puts the set into a folder: zones.txt,
records.txt, README.txt and every file that linted clean, and refuses to write anything when
a server was refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..common.files import write_atomically
from ..run.discovery import DiscoveryOptions
from .files import FileSet, render_files
from .gather import Gathered, gather
from .readme import render_readme
from .records import DnsRecord, records_for, table, zone_lines
from .refusals import Refusal, refusals
from .request import PublishRequest

__all__ = ["PublishSet", "compose", "prepare", "write"]


@dataclass(frozen=True, slots=True)
class PublishSet:
    request: PublishRequest
    gathered: Gathered
    refusals: tuple[Refusal, ...]
    records: tuple[DnsRecord, ...]
    files: FileSet
    readme: str

    @property
    def ok(self) -> bool:
        """Nothing refused: every server is fit to publish (files that would not lint clean
        are left out, with a note, not written)."""
        return not self.refusals

    @property
    def zone_text(self) -> str:
        return zone_lines(self.records)

    @property
    def table_text(self) -> str:
        return table(self.records)


async def prepare(request: PublishRequest, options: DiscoveryOptions, now: datetime) -> PublishSet:
    gathered = await gather(request.domain, request.servers, options)
    return compose(request, gathered, now)


def compose(request: PublishRequest, gathered: Gathered, now: datetime) -> PublishSet:
    refused = refusals(gathered, dane_only=request.dane_only)
    files = render_files(gathered, request)
    pacc = files.named("user-agent-configuration.json")
    records = records_for(
        gathered,
        now=now,
        pacc_document=pacc.body if pacc is not None else None,
        tls_rpt=request.tls_rpt_uri,
        next_keys=request.next_keys,
    )
    readme = render_readme(gathered, request, records, files)
    return PublishSet(request, gathered, refused, records, files, readme)


def write(published: PublishSet, folder: Path) -> tuple[Path, ...]:
    """Write the set into ``folder`` (created if need be); nothing at all if it is not ok."""
    if not published.ok:
        return ()
    folder.mkdir(parents=True, exist_ok=True)
    written = [
        _atomic(folder / "zones.txt", published.zone_text.encode()),
        _atomic(folder / "records.txt", published.table_text.encode()),
        _atomic(folder / "README.txt", published.readme.encode()),
    ]
    written += [_atomic(folder / f.name, f.body) for f in published.files.files]
    return tuple(written)


def _atomic(path: Path, data: bytes) -> Path:
    write_atomically(path, data)
    return path
