"""The administrator's publish dialog against the lab: it generates what `mailhop publish`
does, shows refusals with the server's reasons as plain text, and saves the files."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mailhop.core.publish.request import ServerNameError
from mailhop.gui.dialog_publish import PublishDialog
from mailhop.gui.runner import AsyncRunner
from mailhop.gui.window import MainWindow, Session


@pytest.fixture
def runner() -> Iterator[AsyncRunner]:
    worker = AsyncRunner()
    yield worker
    worker.stop()


def dialog(qtbot: Any, session: Session, runner: AsyncRunner, **fields: str) -> PublishDialog:
    made = PublishDialog(session, runner)
    qtbot.addWidget(made)
    for name, value in fields.items():
        getattr(made, name).setText(value)
    made.generate.click()
    qtbot.waitUntil(lambda: made.generate.isEnabled(), timeout=20000)
    return made


def test_the_dialog_shows_every_record_and_saves_the_files(
    qtbot: Any, lab_session: Session, runner: AsyncRunner, tmp_path: Path
) -> None:
    made = dialog(qtbot, lab_session, runner, domain="pubimap.test", imap="mail.pubimap.test",
                  submission="mail.pubimap.test", mx="mail.pubimap.test")  # fmt: skip
    text = made.output.toPlainText()
    assert "_imaps._tcp.pubimap.test. 3600 IN SRV 0 1 993 mail.pubimap.test." in text
    assert "_25._tcp.mail.pubimap.test. 3600 IN TLSA 3 1 1 " in text
    assert made.save.isEnabled()
    written = made.save_into(tmp_path)
    assert {path.name for path in written} >= {"zones.txt", "README.txt", "mta-sts.txt"}
    assert str(tmp_path) in made.status.text()


def test_a_refused_server_is_named_with_its_reason_and_nothing_can_be_saved(
    qtbot: Any, lab_session: Session, runner: AsyncRunner
) -> None:
    made = dialog(qtbot, lab_session, runner, domain="pubimap.test",
                  imap="strip.hostile-mail.test:143")  # fmt: skip
    assert "strip.hostile-mail.test:143" in made.output.toPlainText()
    assert "[no-tls]" in made.output.toPlainText()
    assert not made.save.isEnabled()


def test_fields_that_name_no_server_are_said_at_once(
    qtbot: Any, lab_session: Session, runner: AsyncRunner
) -> None:
    made = PublishDialog(lab_session, runner)
    qtbot.addWidget(made)
    made.domain.setText("pubimap.test")
    made.generate.click()
    assert made.status.text() == "Name at least one server."
    assert made.generate.isEnabled()


@pytest.mark.parametrize("named", ["mail.pubimap.test:99999", "mail.pubimap.test:0", "bad_host"])
def test_a_server_that_cannot_be_one_is_said_at_once_as_the_cli_says_it(
    qtbot: Any, lab_session: Session, runner: AsyncRunner, named: str
) -> None:
    # The CLI's parse (core/publish/request.parse_server): no port outside 1..65535 reaches
    # the worker, and the person reads what is wrong with the field, not an internal error.
    made = PublishDialog(lab_session, runner)
    qtbot.addWidget(made)
    made.domain.setText("pubimap.test")
    made.imap.setText(f"mail.pubimap.test {named}")
    made.generate.click()
    assert made.status.text().startswith(f"{named}: ")
    assert made.job is None and made.generate.isEnabled()


def test_a_bug_while_generating_is_said_as_mailhops_own_fault(
    qtbot: Any, lab_session: Session, runner: AsyncRunner
) -> None:
    # Decided by the exception tree (core/common/errors.py), as the rest of the window does.
    made = PublishDialog(lab_session, runner)
    qtbot.addWidget(made)
    made._failed(KeyError("mx"), "")
    assert made.status.text().startswith("Something went wrong inside mailhop")
    made._failed(ServerNameError("bad_host: not a host name"), "")
    assert made.status.text() == "Generating failed: bad_host: not a host name"


def test_the_window_offers_it_to_administrators(open_window: Any, lab_session: Session) -> None:
    window: MainWindow = open_window(lab_session)
    titles = [action.text() for action in window.menuBar().actions()]
    assert "For a&dministrators" in titles
