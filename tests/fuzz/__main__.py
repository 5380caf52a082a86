"""Runs the fuzz harnesses under atheris for as long as asked, and says what each one did.

    python -m tests.fuzz                          every target, 60 s each
    python -m tests.fuzz autoconfig lint --runs 1000000
    python -m tests.fuzz --seconds 600 --jobs 2 --out build/fuzz

Each target runs in a process of its own (libFuzzer exits when it is done). New inputs the
search finds go to OUT/TARGET/corpus, never into the seed corpus in the repository; a crashing
input is kept as OUT/TARGET/crash-*, with the traceback in OUT/TARGET/log. The table at the end
gives executions, rate and crashes per target; the exit code is 1 when any target crashed.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from tests.fuzz import harnesses

_EXECUTED = re.compile(rb"stat::number_of_executed_units:\s*(\d+)")
_DONE = re.compile(rb"Done (\d+) runs in (\d+) second")
_PULSE = re.compile(rb"^#(\d+)\s", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class Outcome:
    target: str
    executions: int
    seconds: float
    crashes: tuple[Path, ...]
    exit_code: int

    @property
    def crashed(self) -> bool:
        return bool(self.crashes) or self.exit_code != 0

    @property
    def rate(self) -> float:
        return self.executions / self.seconds if self.seconds > 0 else 0.0


def run_target(target: str, *, seconds: int, runs: int, out: Path) -> Outcome:
    work = out / target
    corpus = work / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    for kind in ("crash-*", "timeout-*"):  # a run's findings are its own, not an earlier run's
        for old in work.glob(kind):
            old.unlink()
    seeds = harnesses.CORPUS_DIR / target
    flags = [
        f"-max_total_time={seconds}",
        f"-runs={runs}" if runs else "-runs=-1",
        "-print_final_stats=1",
        "-timeout=10",  # one input taking 10 s is a hang, and a finding
        "-rss_limit_mb=4096",
        "-max_len=65536",  # the fetcher's byte cap: nothing longer reaches a parser
        f"-artifact_prefix={work}/",
    ]
    dirs = [str(corpus)] + ([str(seeds)] if seeds.is_dir() else [])
    command = [sys.executable, "-m", "tests.fuzz.one", target, *flags, *dirs]
    started = time.monotonic()
    log_path = work / "log"
    with log_path.open("wb") as log:
        done = subprocess.run(command, stdout=log, stderr=subprocess.STDOUT, check=False)
    elapsed = time.monotonic() - started
    text = log_path.read_bytes()
    return Outcome(
        target=target,
        executions=_executions(text),
        seconds=elapsed,
        crashes=tuple(sorted(work.glob("crash-*")) + sorted(work.glob("timeout-*"))),
        exit_code=done.returncode,
    )


def _executions(log: bytes) -> int:
    for pattern in (_EXECUTED, _DONE):
        found = pattern.findall(log)
        if found:
            return int(found[-1] if isinstance(found[-1], bytes) else found[-1][0])
    pulses = _PULSE.findall(log)
    return int(pulses[-1]) if pulses else 0


def _table(outcomes: list[Outcome]) -> str:
    lines = [f"{'target':<22} {'executions':>12} {'seconds':>8} {'exec/s':>8}  crashes"]
    for o in outcomes:
        crash = (
            "0"
            if not o.crashed
            else f"{len(o.crashes) or 1} ({o.crashes[0] if o.crashes else f'exit {o.exit_code}'})"
        )
        lines.append(
            f"{o.target:<22} {o.executions:>12,} {o.seconds:>8.0f} {o.rate:>8,.0f}  {crash}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.fuzz", description=__doc__.split("\n")[0]
    )
    parser.add_argument("targets", nargs="*", help=f"default: all ({', '.join(harnesses.names())})")
    parser.add_argument("--seconds", type=int, default=60, help="time per target (0: no limit)")
    parser.add_argument("--runs", type=int, default=0, help="executions per target (0: no limit)")
    parser.add_argument("--jobs", type=int, default=1, help="targets run at once")
    parser.add_argument("--out", type=Path, default=Path("build/fuzz"), help="work folder")
    args = parser.parse_args(argv)
    known = harnesses.names()
    unknown = sorted(set(args.targets) - set(known))
    if unknown:
        parser.error(f"unknown target(s) {', '.join(unknown)}; known: {', '.join(known)}")
    if args.seconds == 0 and args.runs == 0:
        parser.error("give --seconds or --runs (or both): a run with neither never ends")
    targets = args.targets or known
    out = args.out.resolve()

    def one(target: str) -> Outcome:
        outcome = run_target(target, seconds=args.seconds, runs=args.runs, out=out)
        print(
            f"{target}: {outcome.executions:,} executions, "
            f"{'CRASH' if outcome.crashed else 'no crash'}",
            flush=True,
        )
        return outcome

    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        outcomes = list(pool.map(one, targets))
    print(_table(outcomes))
    return 1 if any(o.crashed for o in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())
