"""Benchmark: `mailhop audit` over the mass lab, next to checkdmarc and one domain at a time.

    python -m tests.lab up
    python -m tests.bench.bench_audit [--count 10000] [--limit N] [--concurrency N] [--sample 100]
                                      [--workers 2 4] [--no-rest]

Brings up the mass lab (tests/lab/mass.py: `--count` distinct domains, one in ten black-holed;
built once per lab and kept), then in one run:

    audit            `mailhop audit` over the whole list in a child process: domains a second,
                     its CPU ms per domain (getrusage of the child), its resident memory
                     sampled every 0.2 s (peak, final, and the peak of each tenth of the run:
                     flat means no growth with the number of domains done)
    rest             the same run without the black-holed tenth: the rate of the other nine
                     tenths with and without them beside it
    workers N        `mailhop audit --workers N` (a local Dask cluster) over the whole list
    one at a time    `mailhop audit --concurrency 1` over the first `--sample` domains
    checkdmarc       checkdmarc (SPF, DMARC, MX, STARTTLS: less than mailhop checks) over the
                     same sample, one domain after another as its check_domains does, asking
                     the mass lab's resolver

Goal (issue 18): >= 100 domains/s on 2 cores, <= 10 ms of mailhop CPU per domain, memory flat
and < 250 MB. Not a unit test: the figures depend on the machine and its load (printed).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from tests.lab import lab as labmod
from tests.lab import mass, netns

MAILHOP = [sys.executable, "-m", "mailhop.gui.launcher"]  # what the `mailhop` command runs
SAMPLE_EVERY = 0.2  # seconds between RSS samples


@dataclass
class Measured:
    name: str
    domains: int
    seconds: float
    cpu_seconds: float = 0.0
    rss_mb: list[float] = field(default_factory=list)  # samples, in order
    note: str = ""

    @property
    def rate(self) -> float:
        return self.domains / self.seconds if self.seconds > 0 else 0.0

    def row(self) -> str:
        cpu = f"{1000 * self.cpu_seconds / self.domains:7.2f}" if self.cpu_seconds else "      -"
        peak = f"{max(self.rss_mb):6.0f}" if self.rss_mb else "     -"
        final = f"{self.rss_mb[-1]:6.0f}" if self.rss_mb else "     -"
        return (
            f"{self.name:<28} {self.domains:>7} {self.seconds:>8.1f} {self.rate:>9.1f} "
            f"{cpu} {peak} {final}  {self.note}"
        )

    def tenths(self) -> str:
        """The peak RSS of each tenth of the run: flat over the run or growing."""
        if len(self.rss_mb) < 10:
            return ""
        size = len(self.rss_mb) / 10
        peaks = [max(self.rss_mb[int(i * size) : int((i + 1) * size)] or [0]) for i in range(10)]
        return " ".join(f"{p:.0f}" for p in peaks)


def rss_mb(pid: int) -> float | None:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a running process (the lab's Unbound, Knot), from /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def lab_options(lab: labmod.LabInfo, tree: mass.MassLab, ispdb: str) -> list[str]:
    return [
        "--resolver",
        f"{tree.resolver}:53",
        "--trust-anchor",
        str(tree.trust_anchor_file),
        "--ca-file",
        str(lab.ca_file),
        "--ispdb-url",
        ispdb,
        "--allow-test-domains",
    ]


def run_audit(
    name: str,
    domains: list[str],
    options: list[str],
    extra: list[str],
    folder: Path,
    resolver_pids: tuple[int, ...] = (),
) -> Measured:
    """One `mailhop audit` child over `domains`; its wall time, CPU and RSS samples."""
    listing = folder / f"{name.replace(' ', '-')}.txt"
    listing.write_text("".join(f"{d}\n" for d in domains))
    output = folder / f"{name.replace(' ', '-')}-out"
    argv = [*MAILHOP, "audit", str(listing), "--output", str(output), "--no-progress"]
    began = time.monotonic()
    servers = {"unbound": resolver_pids[0], "knot": resolver_pids[1]} if resolver_pids else {}
    served = {name: cpu_seconds(pid) for name, pid in servers.items()}
    child = subprocess.Popen([*argv, *options, *extra], stdout=subprocess.DEVNULL)
    samples: list[float] = []
    while True:
        pid, status, usage = os.wait4(child.pid, os.WNOHANG)
        if pid:
            break
        if (value := rss_mb(child.pid)) is not None:
            samples.append(value)
        time.sleep(SAMPLE_EVERY)
    seconds = time.monotonic() - began
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise RuntimeError(f"{name}: mailhop audit exited with {child.returncode}")
    records = sum(1 for _ in (output / "audit.jsonl").open())
    if records != len(domains):
        raise RuntimeError(f"{name}: {records} records for {len(domains)} domains")
    cpu = usage.ru_utime + usage.ru_stime
    # ru_maxrss (KiB) is the true peak, which sampling can miss.
    samples.append(usage.ru_maxrss / 1024) if not samples else None
    dns_cpu = ", ".join(
        f"{name} {1000 * (cpu_seconds(pid) - served[name]) / len(domains):.1f} ms/domain"
        for name, pid in servers.items()
    )
    return Measured(name, len(domains), seconds, cpu, samples, dns_cpu)


def run_checkdmarc(domains: list[str], resolver: str) -> Measured:
    import checkdmarc  # the dev extra; imported here so the rest runs without it

    began = time.monotonic()
    before = resource.getrusage(resource.RUSAGE_SELF)
    for domain in domains:  # what check_domains does: one domain after another
        checkdmarc.check_domains([domain], nameservers=[resolver], timeout=2.0, check_mx_tls=True)
    after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    version = getattr(checkdmarc, "__version__", "?")
    return Measured(f"checkdmarc {version}", len(domains), time.monotonic() - began, cpu)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=mass.DEFAULT_COUNT)
    parser.add_argument("--limit", type=int, default=None, help="audit only the first N domains")
    parser.add_argument("--concurrency", type=int, default=None, help="default: mailhop's own")
    parser.add_argument("--sample", type=int, default=100, help="domains for the slow columns")
    parser.add_argument("--workers", type=int, nargs="*", default=[])
    parser.add_argument("--no-rest", action="store_true", help="skip the run without black holes")
    parser.add_argument("--no-checkdmarc", action="store_true")
    parser.add_argument(
        "--ispdb",
        default="https://ispdb.test/v1.1/",
        help="the provider database's URL (the lab's by default: one small web server "
        "asked once per domain)",
    )
    args = parser.parse_args(argv)
    if not netns.inside():  # the lab's addresses exist only in its namespace
        return subprocess.call(
            netns.exec_argv(
                [sys.executable, "-m", "tests.bench.bench_audit", *(argv or sys.argv[1:])]
            )
        )
    # A `kill` of the benchmark stops the mass lab's daemons too (the `with` below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    lab = labmod.running()
    if lab is None:
        print("the lab is not up: python -m tests.lab up", file=sys.stderr)
        return 1
    print(f"load before: {os.getloadavg()}  ({os.cpu_count()} CPUs)", flush=True)
    with mass.mass_lab(lab, lab.workdir / "mass", args.count) as tree:
        print(
            f"mass lab: {len(tree.domains)} domains (built in {tree.build_seconds} s or kept, "
            f"started in {tree.start_seconds} s)",
            flush=True,
        )
        options = lab_options(lab, tree, args.ispdb)
        chosen = tree.domains[: args.limit]
        names = [d.name for d in chosen]
        rest = [d.name for d in chosen if d.kind != "black-holed"]
        sample = names[: args.sample]
        folder = Path(tempfile.mkdtemp(prefix="bench-audit-"))
        results: list[Measured] = []
        try:
            concurrency = ["--concurrency", str(args.concurrency)] if args.concurrency else []
            full = run_audit("audit", names, options, concurrency, folder, tree.pids)
            results.append(full)
            print(full.row(), flush=True)
            if not args.no_rest:
                results.append(
                    run_audit(
                        "audit, no black holes", rest, options, concurrency, folder, tree.pids
                    )
                )
                print(results[-1].row(), flush=True)
            for workers in args.workers:
                extra = [*concurrency, "--workers", str(workers)]
                results.append(
                    run_audit(
                        f"audit --workers {workers}", names, options, extra, folder, tree.pids
                    )
                )
                results[-1].note += "; RSS of the client process only"
                print(results[-1].row(), flush=True)
            results.append(
                run_audit(
                    "one at a time", sample, options, ["--concurrency", "1"], folder, tree.pids
                )
            )
            print(results[-1].row(), flush=True)
            if not args.no_checkdmarc:
                results.append(run_checkdmarc(sample, tree.resolver))
                print(results[-1].row(), flush=True)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    print()
    print(
        f"{'run':<28} {'domains':>7} {'seconds':>8} {'domains/s':>9} {'CPU ms':>7} "
        f"{'peak MB':>6} {'end MB':>6}"
    )
    for item in results:
        print(item.row())
    print(f"\naudit RSS, peak per tenth of the run (MB): {full.tenths()}")
    blackholed = len(names) - len(rest)
    print(
        f"not black-holed: {len(rest)} of {len(names)}; their rate beside the {blackholed} "
        f"black-holed ones: {len(rest) / full.seconds:.1f}/s"
        + (f", alone: {results[1].rate:.1f}/s" if not args.no_rest else "")
    )
    print(f"load after: {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
