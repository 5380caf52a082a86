"""write_atomically: a file lands whole, with its permissions, or the old one stays."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from mailhop.core.common.files import write_atomically


def test_a_new_file_lands_with_its_permissions(tmp_path: Path) -> None:
    target = tmp_path / "profile.json"
    write_atomically(target, b"{}", mode=0o600)
    assert target.read_bytes() == b"{}"
    assert target.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["profile.json"]


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "settings.txt"
    target.write_bytes(b"old settings")

    def disk_full(_fd: int) -> None:  # the disk is the one part no test can fill safely
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(OSError, match="No space"):
        write_atomically(target, b"new settings")
    assert target.read_bytes() == b"old settings"
    assert [p.name for p in tmp_path.iterdir()] == ["settings.txt"]


def test_a_missing_folder_is_an_oserror_naming_it(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        write_atomically(tmp_path / "nowhere" / "x.xml", b"<x/>")
