"""Advanced settings: what is typed becomes the core's Settings; the next check uses them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mailhop.core.run.settings import Settings
from mailhop.gui.dialog_settings import SettingsDialog
from mailhop.gui.window import MainWindow, Session
from tests.gui.conftest import wait_for_page


def test_fields_round_trip_to_settings(qtbot: Any, tmp_path: Path) -> None:
    given = Settings(resolver="192.0.2.1:53", ca_file=tmp_path / "ca.pem", deadline=5.0)
    dialog = SettingsDialog(given)
    qtbot.addWidget(dialog)
    assert dialog.settings() == given
    dialog.resolver.setText("")
    dialog.ca_file.setText("")
    dialog.test_domains.setChecked(True)
    chosen = dialog.settings()
    assert chosen.resolver == "" and chosen.ca_file is None and chosen.allow_test_domains


def test_a_check_runs_with_the_settings_typed(
    qtbot: Any, open_window: Any, lab_session: Session, lab: Any
) -> None:
    """No ready-made options: the window builds them from Settings, as a person would type."""
    settings = Settings(
        resolver=f"{lab.resolver}:{lab.resolver_port}",
        trust_anchor=Path(lab.fact("dns", "trust_anchor_file")),
        ca_file=lab.ca_file,
        ispdb_url="https://ispdb.test/v1.1/",
        allow_test_domains=True,
    )
    session = Session(**{**lab_session.__dict__, "options": None, "settings": settings})
    window: MainWindow = open_window(session)
    window.address_page.set_address("alice@healthy.test")
    window.address_page._submit()
    wait_for_page(qtbot, window, window.result_page)
    assert window.result_page.headline.text() == "Ready to set up"
