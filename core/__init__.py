"""mailhop's core: every decision and every network adapter, with no Qt.

Data flows one way (DESIGN.md section 3): address -> discovery -> policy -> probe ->
verdict -> credentials/export. The GUI and the CLI are shells over these stages.
"""

# The one place the version is written: pyproject.toml reads it from here (dynamic version),
# so `mailhop --version` answers without importlib.metadata (about 15 ms at every start).
__version__ = "0.1.0"

__all__ = ["__version__"]
