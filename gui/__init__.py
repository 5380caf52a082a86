"""mailhop's desktop shell (PySide6): renders what mailhop.core computes, does no I/O itself."""
