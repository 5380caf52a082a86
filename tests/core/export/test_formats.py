"""The export table: every format renders from one profile, files land whole, names are safe."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest

from mailhop.core.common.model import AuthMethod
from mailhop.core.export.formats import (
    FORMATS,
    ExportFile,
    export_chosen,
    export_format,
    render_export,
    save_exports,
)
from tests.core.account.test_profile import PROFILE


def test_every_format_renders_and_names_its_files_from_the_address() -> None:
    for item in FORMATS:
        files = render_export(PROFILE, item.name)
        assert files and all(f.data for f in files), item.name
        if item.name != "evolution":
            (only,) = files
            local, _, domain = PROFILE.address.partition("@")
            assert only.filename == item.filename.format(local=local, domain=domain)
        assert ":" in item.what and item.kind == item.what.split(":")[0], item.name


def test_unknown_format_and_a_slash_in_the_local_part() -> None:
    with pytest.raises(ValueError, match="unknown export format"):
        export_format("nonesuch")
    odd = replace(PROFILE, address="a/b@example.com")
    (made,) = render_export(odd, "apple")
    assert "/" not in made.filename and made.filename.startswith("a_b@")


def test_save_writes_whole_files_and_refuses_paths(tmp_path: Path) -> None:
    written = save_exports([ExportFile("one.txt", b"1"), ExportFile("two.txt", b"22")], tmp_path)
    assert [p.read_bytes() for p in written] == [b"1", b"22"]
    assert sorted(os.listdir(tmp_path)) == ["one.txt", "two.txt"]  # no temporary file left
    with pytest.raises(ValueError, match="refusing"):
        save_exports([ExportFile("../escape.txt", b"x")], tmp_path)
    assert not (tmp_path.parent / "escape.txt").exists()


def test_export_chosen_keeps_going_past_a_format_that_cannot_say_the_account(
    tmp_path: Path,
) -> None:
    oauth = replace(
        PROFILE,
        oauth2=True,
        incoming=replace(PROFILE.incoming, auth_method=AuthMethod.OAUTH2),
        outgoing=replace(PROFILE.outgoing, auth_method=AuthMethod.OAUTH2),
    )
    results = {r.name: r for r in export_chosen(oauth, ["apple", "thunderbird"], tmp_path)}
    assert results["apple"].error and results["apple"].paths == ()
    assert results["thunderbird"].error is None and results["thunderbird"].paths[0].exists()
    evolution = export_chosen(PROFILE, ["evolution"], tmp_path)[0]
    assert len(evolution.paths) == 3 and evolution.paths[0].parent != tmp_path


def test_a_reg_saved_on_windows_points_at_the_xml_saved_beside_it(tmp_path: Path) -> None:
    """Issue 16's "Save and open it" for classic Outlook: on Windows the .reg names the XML
    where it was saved, not the default C:\\mailhop\\ folder the person never made."""
    from mailhop.core.export.formats import export_chosen

    names = ("outlook-reg", "outlook-autodiscover")
    here = export_chosen(PROFILE, names, tmp_path / "w", platform="win32")
    reg = here[0].paths[0].read_bytes().decode("utf-16")
    xml = here[1].paths[0]
    assert str(xml) in reg.replace("\\\\", "\\")
    away = export_chosen(PROFILE, names, tmp_path / "l", platform="linux")
    assert "C:\\\\mailhop\\\\autodiscover-" in away[0].paths[0].read_bytes().decode("utf-16")
