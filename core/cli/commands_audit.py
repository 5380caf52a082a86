"""`mailhop audit FILE|-`: check every domain of a list, politely, into one output folder.

The engine is core/audit/; this module reads the list, turns each result into its JSON line
(the check schema, check_json.py, plus an ``audit`` object: the input line, the domain, why
a line was refused), shows a progress bar on a terminal, and writes the CSV and the HTML
overview from the JSON lines at the end. The exit code is 0 when every line has its record:
the verdicts are in the files, not in the code.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from ..audit import DEFAULT_CONCURRENCY  # a constant: the engine loads when the command runs
from ..common.i18n import _
from .exit_codes import EXIT_OK

if TYPE_CHECKING:
    from ..audit.engine import AuditCount, AuditResult

__all__ = ["add_parser", "audit_command", "record_of"]


def add_parser(commands: Any, shared: argparse.ArgumentParser, epilog: str) -> None:
    """The `audit` sub-command on main.py's sub-parsers; the engine loads when it runs."""
    audit = commands.add_parser(
        "audit",
        parents=[shared],
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        help=_("check a whole list of domains and write JSON lines, CSV and an HTML overview"),
        description=_(
            "Check every domain in FILE (one domain or address per line, # comments; - reads "
            "standard input): discovery and the server checks, never a sign-in. Each server is "
            "probed once per run however many domains name it, with few connections at once "
            "to any server address or provider. Writes audit.jsonl (one record per domain, in "
            "input order), audit.csv and audit.html into the output folder."
        ),
    )
    audit.add_argument("file", metavar="FILE", help=_("the list of domains, or - for stdin"))
    _add_run_options(audit)
    _add_cluster_options(audit)
    audit.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help=_("show a progress bar on stderr (default: when stderr is a terminal)"),
    )


def _add_run_options(audit: argparse.ArgumentParser) -> None:
    """Where the results go, resuming, and how fast."""
    audit.add_argument(
        "--output",
        type=Path,
        default=Path("mailhop-audit"),
        metavar="DIR",
        help=_("the folder for the results (default: mailhop-audit)"),
    )
    audit.add_argument(
        "--resume",
        action="store_true",
        help=_("continue an interrupted run in the output folder; finished domains are kept"),
    )
    audit.add_argument(
        "--concurrency",
        type=_positive_int,
        default=DEFAULT_CONCURRENCY,
        metavar="N",
        help=_(
            "domains in flight at most; a new one starts while the CPU has room (default: {count})"
        ).format(count=DEFAULT_CONCURRENCY),
    )
    audit.add_argument(
        "--rate",
        type=_positive_float,
        default=None,
        metavar="R",
        help=_("at most R domains started per second (default: no limit)"),
    )


def _add_cluster_options(audit: argparse.ArgumentParser) -> None:
    """Sharding the list over a Dask cluster (core/audit/cluster.py)."""
    audit.add_argument(
        "--workers",
        type=_positive_int,
        default=None,
        metavar="N",
        help=_(
            "shard the list over a local Dask cluster of N worker processes (pip install "
            "'mailhop[cluster]'); each worker runs --concurrency checks and probes a shared "
            "server once per worker, not once per run"
        ),
    )
    audit.add_argument(
        "--scheduler",
        default=None,
        metavar="ADDRESS",
        help=_(
            "shard the list over the Dask cluster whose scheduler is at ADDRESS "
            "(tcp://host:8786); shared probes and caps are per worker"
        ),
    )


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(_("must be at least 1"))
    return value


def _positive_float(text: str) -> float:
    value = float(text)
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(_("must be a number above 0"))
    return value


def audit_command(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    import asyncio

    from ..audit.engine import AuditSettings, audit
    from ..audit.files import JSONL_NAME, open_records, records_done
    from ..audit.targets import read_targets
    from ..common.errors import UsageError
    from .commands import options_from

    options = options_from(parser, args)
    try:
        text = _read_list(args.file)
    except OSError as exc:
        parser.error(
            _("cannot read {path}: {reason}").format(path=args.file, reason=exc.strerror or exc)
        )
    targets = list(read_targets(text.splitlines(), allow_test_domains=args.allow_test_domains))
    done = records_done(args.output / JSONL_NAME) if args.resume else set()
    try:
        stream = open_records(args.output, resume=args.resume)
    except UsageError as exc:
        parser.error(str(exc))
    except OSError as exc:
        parser.error(
            _("cannot write to {path}: {reason}").format(path=args.output, reason=exc.strerror)
        )
    show = sys.stderr.isatty() if args.progress is None else args.progress
    settings = AuditSettings(concurrency=args.concurrency, rate=args.rate)
    with stream:
        write = _writer(stream)
        bar = _ProgressBar(sys.stderr) if show else None
        if args.workers is not None or args.scheduler is not None:
            _audit_on_cluster(parser, args, targets, options, stream, settings, done, bar)
        else:
            asyncio.run(audit(targets, options, write, settings=settings, done=done, progress=bar))
        if bar is not None:
            bar.end()
    _summaries(args.output)
    return EXIT_OK


def _audit_on_cluster(
    parser: argparse.ArgumentParser,
    args: argparse.Namespace,
    targets: list[Any],
    options: Any,
    stream: TextIO,
    settings: Any,
    done: set[int],
    bar: Any,
) -> None:
    """The same audit sharded over Dask (core/audit/cluster.py); records written here only."""
    from dataclasses import replace

    from ..audit.cluster import audit_on_cluster, cluster_client
    from ..audit.files import write_record
    from ..common.errors import UsageError

    try:
        with cluster_client(workers=args.workers, scheduler=args.scheduler) as client:
            workers = max(1, len(client.scheduler_info().get("workers", {})))
            if settings.rate is not None:  # --rate is the whole run's: each worker its share
                settings = replace(settings, rate=settings.rate / workers)
            audit_on_cluster(
                client,
                targets,
                options,
                lambda record: write_record(stream, record),
                record_of,
                settings=settings,
                done=done,
                progress=bar,
            )
    except UsageError as exc:
        parser.error(str(exc))


def _read_list(name: str) -> str:
    """The list as text; bytes that are not UTF-8 become U+FFFD, which refuses their line."""
    data = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
    return data.decode("utf-8", errors="replace")


def _writer(stream: TextIO) -> Any:
    from ..audit.files import write_record

    def write(result: AuditResult) -> None:
        write_record(stream, record_of(result))

    return write


def record_of(result: AuditResult) -> dict[str, Any]:
    """One JSON line: the check's JSON (check_json.py) and what the audit adds."""
    from ..audit.summary import RECORD_KEY

    target = result.target
    audit = {
        "line": target.line,
        "input": target.text,
        "domain": target.domain,
        "refused": target.problem or None,
        "error": result.error or None,
    }
    if result.report is None:
        return {"schema": "mailhop.audit/1", RECORD_KEY: audit}
    from .check_json import check_to_json

    record = check_to_json(result.report)
    record[RECORD_KEY] = audit
    return record


def _summaries(folder: Path) -> None:
    """audit.csv and audit.html from every record in the folder (this run's and earlier)."""
    from ..audit.files import CSV_NAME, HTML_NAME, JSONL_NAME, replace_text
    from ..audit.render_csv import render_csv
    from ..audit.render_html import render_html
    from ..audit.summary import overview, read_rows

    with (folder / JSONL_NAME).open(encoding="utf-8", errors="replace") as lines:
        rows = list(read_rows(lines))
    replace_text(folder / CSV_NAME, render_csv(rows))
    page = render_html(overview(rows), title=_("mailhop audit"))
    replace_text(folder / HTML_NAME, page)


class _ProgressBar:
    """One line on stderr, redrawn (at most 10 times a second): done/total, the rate, the
    time left at that rate. A stream that cannot redraw gets a line a second instead."""

    WIDTH = 30

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.redraw = getattr(stream, "redraw", None)
        self.shown = -math.inf

    def __call__(self, count: AuditCount) -> None:
        now = time.monotonic()
        every = 0.1 if self.redraw is not None else 1.0
        if now - self.shown < every and count.done < count.total:
            return
        self.shown = now
        share = count.done / count.total if count.total else 1.0
        filled = int(share * self.WIDTH)
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        left = count.left
        eta = _("{seconds:.0f} s left").format(seconds=left) if left is not None else ""
        rate = _("{rate:.1f} domains/s").format(rate=count.rate)
        line = f"[{bar}] {count.done}/{count.total}  {rate}  {eta}   "
        if self.redraw is not None:
            self.redraw(line)
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def end(self) -> None:
        if self.redraw is not None:
            self.stream.write("\n")
            self.stream.flush()
