"""Entry point of the `mailhop` command.

It lives in the GUI package because `mailhop` with no arguments will open the window; every
sub-command is handed to the core's CLI. PySide6 is imported only when the window opens, so
the CLI works on machines without Qt.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from mailhop.core import cli


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    return cli.main(args)


if __name__ == "__main__":
    sys.exit(main())
