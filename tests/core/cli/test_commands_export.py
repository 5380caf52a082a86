"""mailhop export --output: the file is written as every mailhop file is, whole or not at all."""

from __future__ import annotations

import errno
import os
from dataclasses import replace
from pathlib import Path

import pytest

from mailhop.core.account.profile import save_profile
from mailhop.core.cli import main as cli
from tests.core.account.test_profile import PROFILE


def test_a_failed_export_write_keeps_the_file_that_was_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    save_profile(replace(PROFILE, address="jo@export.test"), tmp_path)
    target = tmp_path / "jo.xml"
    target.write_bytes(b"the export from last week")

    def disk_full(_fd: int) -> None:  # a full disk, mid-write
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", disk_full)
    argv = ["export", "jo@export.test", "--allow-test-domains", "--profile-dir", str(tmp_path)]
    with pytest.raises(SystemExit) as stopped:  # argparse's usage error: exit 2
        cli.main([*argv, "--format", "thunderbird", "--output", str(target)])
    assert stopped.value.code == cli.EXIT_USAGE
    assert "No space" in capsys.readouterr().err
    assert target.read_bytes() == b"the export from last week"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["jo.xml", "jo@export.test.json"]
