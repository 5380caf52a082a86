"""The frozen program's first module: the same entry point as the `mailhop` command."""

import sys

from mailhop.gui.launcher import main

if __name__ == "__main__":
    sys.exit(main())
