"""`mailhop demo`: the window on the offline demo domain (core/demo/domain.py), address filled in.

The demo's own resolver, trust anchor, CA, in-memory keyring and temporary folders go into
the window's Session; the flow is the ordinary one, from the check to the exports.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .look import tr
from .session import Session

if TYPE_CHECKING:
    from mailhop.core.demo.domain import DemoDomain

__all__ = ["demo_session", "run_demo_window"]


def demo_session(demo: DemoDomain) -> Session:
    """The window's Session for a running demo domain (call it once the application
    exists: its words are in the person's language)."""
    from mailhop.core.run.settings import Settings

    return Session(
        settings=Settings(allow_test_domains=True),
        options=demo.options,
        store=demo.store,
        keyring_label=tr("the demo keyring (in memory, gone when the demo ends)"),
        profile_dir=demo.profile_dir,
        export_dir=demo.export_dir,
        address=demo.address,
        title_note=tr("demo"),
        password_hint=demo.password.reveal(),
    )


def run_demo_window() -> int:
    from mailhop.core.demo.domain import start_demo

    from .app import application, run_window

    application()  # first: the session's words are translated
    with start_demo() as demo:
        return run_window(demo_session(demo))
