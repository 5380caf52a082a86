"""mailhop's desktop shell (PySide6). It renders what mailhop.core computes and does no I/O itself."""
