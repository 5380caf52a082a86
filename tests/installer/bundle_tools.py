"""Running a built bundle the way a person's computer would: no build Python, a real X server.

Shared by tests/installer/test_bundle_linux.py and tests/bench/bench_bundle.py.

* ``without_build_python`` wraps a command so that it runs in a private mount namespace
  (``unshare -m``, root only, as CI and the lab run) where empty tmpfs folders lie over every
  Python installation of this machine: the interpreter the venv was made from, the venv, the
  checkout, and Debian's own Python. The wrapper checks that the interpreter is really gone
  before it starts the command (exit 97 otherwise), so a passing run proves the bundle
  carries its own Python.
* ``clean_env`` is the environment of a fresh login: PATH, HOME, LANG and nothing of this
  process (no PYTHONPATH, no VIRTUAL_ENV, no QT_QPA_PLATFORM).
* ``x_server`` starts Xvfb on a free display (``-displayfd``); ``wait_for_window`` polls the
  X server for mailhop's top-level window to be mapped, which is how both the bundle and the
  source install are timed in the same way.
"""

from __future__ import annotations

import glob
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
HIDDEN_EXIT = 97  # the wrapper's own failure: some Python was still visible


def python_installations() -> list[str]:
    """Every folder that holds a Python this machine could lend a bundle."""
    found = {
        os.path.realpath(sys.base_prefix),
        os.path.realpath(sys.prefix),
        str(REPO),
        *glob.glob("/usr/lib/python3*"),
        *glob.glob("/usr/local/lib/python3*"),
    }
    # The innermost first would be hidden by its parent's tmpfs anyway; keep only the outermost.
    return sorted(p for p in found if not any(p != q and p.startswith(q + "/") for q in found))


def without_build_python(argv: Sequence[str]) -> list[str]:
    """``argv`` wrapped to run with every Python installation hidden (see the module doc)."""
    interpreter = os.path.realpath(sys.executable)
    mounts = " ".join(
        f"mount -t tmpfs -o size=1m,mode=0755 hidden {shlex.quote(d)} &&"
        for d in python_installations()
    )
    script = (
        f"{mounts} if [ -e {shlex.quote(interpreter)} ]; then "
        f"echo 'the build Python is still visible' >&2; exit {HIDDEN_EXIT}; fi; "
        'exec "$@"'
    )
    return ["unshare", "--mount", "--propagation", "private", "sh", "-c", script, "sh", *argv]


def clean_env(home: Path, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8"}
    env.update(extra or {})
    return env


@contextmanager
def x_server() -> Iterator[str]:
    """A fresh Xvfb on a display number it picks itself; yields DISPLAY."""
    if shutil.which("Xvfb") is None:
        raise RuntimeError("Xvfb is not installed (Debian: xvfb; `make setup` installs it)")
    read, write = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", "1280x900x24", "-nolisten", "tcp"],
        pass_fds=(write,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    os.close(write)
    try:
        with os.fdopen(read) as numbers:
            display = f":{numbers.readline().strip()}"  # written once the server listens
        if display == ":":
            raise RuntimeError("Xvfb did not start")
        yield display
    finally:
        server.terminate()
        server.wait(10)


_WINDOW = re.compile(r'^\s*(0x[0-9a-f]+) "mailhop — ', re.MULTILINE)


def find_window(display: str) -> str | None:
    """The id of mailhop's main window if it is mapped (viewable) on ``display``."""
    env = {**os.environ, "DISPLAY": display}
    tree = subprocess.run(
        ["xwininfo", "-root", "-tree"], capture_output=True, text=True, env=env, check=False
    ).stdout
    for window in _WINDOW.findall(tree):
        info = subprocess.run(
            ["xwininfo", "-id", window], capture_output=True, text=True, env=env, check=False
        ).stdout
        if "Map State: IsViewable" in info:
            return window
    return None


def wait_for_window(
    display: str, process: subprocess.Popen[bytes], timeout: float = 60
) -> tuple[str, float]:
    """Poll until mailhop's window is viewable: its id and the seconds since ``started``."""
    started = time.perf_counter()
    deadline = started + timeout
    while time.perf_counter() < deadline:
        window = find_window(display)
        if window is not None:
            return window, time.perf_counter() - started
        if process.poll() is not None:
            raise RuntimeError(f"the program exited ({process.returncode}) without a window")
        time.sleep(0.005)
    raise TimeoutError("no mailhop window appeared")


def window_property(display: str, window: str, name: str) -> str:
    return subprocess.run(
        ["xprop", "-id", window, name],
        capture_output=True,
        text=True,
        env={**os.environ, "DISPLAY": display},
        check=True,
    ).stdout


def screenshot(display: str, window: str, out: Path) -> Path:
    """The window as the X server shows it (ImageMagick's import)."""
    subprocess.run(
        ["import", "-window", window, str(out)],
        env={**os.environ, "DISPLAY": display},
        check=True,
        timeout=30,
    )
    return out


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
