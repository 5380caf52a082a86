"""Entry point of the `mailhop` command.

`mailhop` with no arguments (or `mailhop gui`) opens the window; `mailhop demo` opens it on
the offline demo domain (`mailhop demo --cli` walks the same flow in the terminal); every
other sub-command is the core's CLI. PySide6 is imported only when a window opens, so the
CLI works on machines without Qt, and `--version` answers without loading anything else.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

NO_WINDOW = (
    "mailhop: cannot open the window: {why}\n"
    "The command line works without it: `mailhop --help`, or `mailhop demo --cli` for the "
    "offline demo in this terminal.\n"
)


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args in (["--version"], ["-V"]):
        from mailhop.core import __version__

        print(f"mailhop {__version__}")
        return 0
    if not args or args[0] == "gui":
        return _window(args[1:])
    if args[0] == "demo":
        return _demo(args[1:])
    from mailhop.core.cli import main as cli

    return cli.main(args)


def _no_display() -> str | None:
    """Why no window can open here, or None. Qt would abort the process instead of saying."""
    if os.environ.get("QT_QPA_PLATFORM"):
        return None  # the caller chose a platform (offscreen, xcb, wayland ...)
    if sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    ):
        return "there is no display (neither DISPLAY nor WAYLAND_DISPLAY is set)"
    return None


# The system libraries Qt's X11 platform plugin loads that a desktop Debian or Ubuntu may lack
# (the rest come with any X11 desktop), with the package that brings each. Without one, Qt
# aborts the process with a plugin error; asking dlopen first lets mailhop say which is missing.
XCB_LIBRARIES = (
    ("libxcb-cursor.so.0", "libxcb-cursor0"),
    ("libxcb-icccm.so.4", "libxcb-icccm4"),
    ("libxcb-image.so.0", "libxcb-image0"),
    ("libxcb-keysyms.so.1", "libxcb-keysyms1"),
    ("libxcb-randr.so.0", "libxcb-randr0"),
    ("libxcb-render-util.so.0", "libxcb-render-util0"),
    ("libxcb-shape.so.0", "libxcb-shape0"),
    ("libxcb-xkb.so.1", "libxcb-xkb1"),
    ("libxkbcommon-x11.so.0", "libxkbcommon-x11-0"),
    ("libX11-xcb.so.1", "libx11-xcb1"),
    ("libEGL.so.1", "libegl1"),
    ("libGL.so.1", "libgl1"),
    ("libfontconfig.so.1", "libfontconfig1"),
)


def _qt_missing() -> str | None:
    try:
        import PySide6  # noqa: F401
    except ImportError:
        return "PySide6 is not installed (pip install PySide6-Essentials adds it)"
    if _uses_xcb():
        return missing_libraries(XCB_LIBRARIES)
    return None


def _uses_xcb() -> bool:
    chosen = os.environ.get("QT_QPA_PLATFORM", "")
    if chosen:
        return chosen.startswith("xcb")
    return sys.platform.startswith("linux") and not os.environ.get("WAYLAND_DISPLAY")


def missing_libraries(libraries: Sequence[tuple[str, str]]) -> str | None:
    """Which of ``libraries`` (soname, package) cannot be loaded here, in words, or None."""
    import ctypes

    missing = []
    for soname, package in libraries:
        try:
            ctypes.CDLL(soname)
        except OSError:
            missing.append((soname, package))
    if not missing:
        return None
    return (
        "Qt needs system libraries this computer does not have: "
        + ", ".join(soname for soname, _ in missing)
        + " (Debian and Ubuntu packages: "
        + " ".join(package for _, package in missing)
        + "; whoever administers this computer can install them)"
    )


def _no_window(why: str) -> int:
    """Say why no window can open; the exit code is the CLI's usage error (one table)."""
    from mailhop.core.cli.exit_codes import EXIT_USAGE  # only now: not on the way to a window

    sys.stderr.write(NO_WINDOW.format(why=why))
    return EXIT_USAGE


def _window(args: list[str]) -> int:
    why = _qt_missing() or _no_display()
    if why is not None:
        return _no_window(why)
    from .app import run_window

    return run_window(None, args)


def _demo(args: list[str]) -> int:
    import argparse
    from pathlib import Path

    parser = argparse.ArgumentParser(
        prog="mailhop demo",
        description=(
            "Start a demo mail domain on this computer (no network, no root needed) and set "
            "up its account: in the window, or with --cli in this terminal. Nothing touches "
            "your keyring or your saved accounts; the demo's servers, keyring and folder are "
            "gone when it ends."
        ),
    )
    parser.add_argument("--cli", action="store_true", help="walk the flow in this terminal")
    parser.add_argument(
        "--output",
        metavar="DIR",
        type=Path,
        help="(--cli) keep the exported files in DIR instead of the demo's temporary folder",
    )
    chosen = parser.parse_args(args)
    if chosen.cli:
        from mailhop.core.cli.main import guarded
        from mailhop.core.demo.walk import run_demo_cli

        # sys.stdout is read inside: guarded() has put the terminal guard on it by then.
        return guarded(
            lambda: run_demo_cli(
                sys.stdout, interactive=sys.stdin.isatty(), export_dir=chosen.output
            )
        )
    why = _qt_missing() or _no_display()
    if why is not None:
        return _no_window(why)
    from .demo_window import run_demo_window

    return run_demo_window()


if __name__ == "__main__":
    sys.exit(main())
