"""The lab part that runs our own Python servers: web hosts and hostile mail servers.

They all live in one child process, `python -m tests.lab.serve WORKDIR` (serve.py), so that
`python -m tests.lab up` can return while they run. Starting waits for the ready file the
child writes once every listener is open; stopping is lab.py's SIGTERM to the pid, on which
the child closes everything and exits.

Facts for tests:
    recordings_dir  what our servers received, per connection (canary.py reads it)
    log             the child's output
    listeners       how many sockets it listens on
"""

from __future__ import annotations

import json
import os
import time

from . import procs
from .lab import REPO_ROOT, ComponentState, LabContext
from .procs import LabError
from .serve import ready_file, recordings_dir

START_TIMEOUT = 10.0


class PyServersComponent:
    name = "pyservers"

    def start(self, ctx: LabContext) -> ComponentState:
        ready = ready_file(ctx.workdir)
        log = ready.parent / "serve.log"
        paths = [str(REPO_ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}
        # -P: do not put the current folder first on sys.path; `tests` must be this repo's.
        argv = [ctx.python, "-P", "-m", "tests.lab.serve", str(ctx.workdir)]
        pid = procs.spawn(argv, log, env=env)
        deadline = time.monotonic() + START_TIMEOUT
        while not ready.exists():
            if not procs.alive(pid):
                raise LabError(f"pyservers exited while starting:\n{_tail(log)}")
            if time.monotonic() > deadline:
                procs.stop(pid)
                raise LabError(f"pyservers not ready within {START_TIMEOUT} s:\n{_tail(log)}")
            time.sleep(0.01)
        listeners = json.loads(ready.read_text())
        return ComponentState(
            pids=(pid,),
            facts={
                "recordings_dir": str(recordings_dir(ctx.workdir)),
                "log": str(log),
                "listeners": str(len(listeners)),
            },
        )

    def stop(self, ctx: LabContext, state: ComponentState) -> None:
        """Nothing beyond the SIGTERM lab.py sends to the pid."""


def _tail(log: os.PathLike[str], lines: int = 20) -> str:
    try:
        with open(log, encoding="utf-8", errors="replace") as handle:
            return "".join(handle.readlines()[-lines:])
    except OSError:
        return "(no log)"


COMPONENT = PyServersComponent()
