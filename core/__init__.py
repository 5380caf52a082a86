"""mailhop's core: every decision and every network adapter, with no Qt.

Data flows one way (DESIGN.md section 3): address -> discovery -> policy -> probe ->
verdict -> credentials/export. The GUI and the CLI are shells over these stages.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("mailhop")
except PackageNotFoundError:  # running from a bare checkout without an install
    __version__ = "0+unknown"

__all__ = ["__version__"]
