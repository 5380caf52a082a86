"""The discover command's text (render_text.py) against the lab."""

from __future__ import annotations

from mailhop.core.cli.render_text import render_discovery
from tests.core.run.test_discovery import run
from tests.lab.lab import LabInfo


def test_oauth2_in_the_documents_is_no_promise_of_no_password_att(lab: LabInfo) -> None:
    # att-shape.test: every entry lists OAuth2 then a password; the servers take only the
    # password (tests/core/verdict/test_signin.py). Discovery asked no server yet, so it may
    # not say the account signs in with OAuth2 and needs no password.
    text = render_discovery(run(lab, "abby@att-shape.test"))
    assert "OAuth2" in text
    assert "no password" not in text
    assert "mailhop check" in text
