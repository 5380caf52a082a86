"""Writing a file so that it lands whole or not at all: the one way mailhop writes files.

A profile, an export or a folder of exports is written to a temporary file beside its
target, flushed to the disk, given its permissions and then renamed over the target
(``os.replace`` is atomic on POSIX and on Windows within one folder). A crash, a full disk
or Ctrl-C leaves the old file, or none, never half of a new one; the temporary file is
removed on any failure.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

__all__ = ["write_atomically"]


def write_atomically(path: Path, data: bytes, *, mode: int = 0o644) -> None:
    """Write ``data`` to ``path`` atomically with permissions ``mode``; the folder must
    exist. Raises OSError (with the path in it) as the write itself would."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
