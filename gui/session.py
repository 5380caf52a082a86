"""What the window works with (the options, where things are kept, which keyring), and how it
words a step that raised: the person's to fix, or mailhop's own fault."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .look import tr

if TYPE_CHECKING:  # types only: the core loads when a check starts, after the first paint
    from mailhop.core.account.secrets import SecretStore
    from mailhop.core.run.discovery import DiscoveryOptions
    from mailhop.core.run.settings import Settings

__all__ = ["Session", "failure_message"]


@dataclass
class Session:
    """What the window works with: the options as typed, where things are kept, and
    which keyring. The demo fills it with its own domain, CA, keyring and folders."""

    settings: Settings | None = None  # None: defaults
    options: DiscoveryOptions | None = None  # given ready-made (the demo)
    store: SecretStore | None = None  # None: the OS keyring
    keyring_label: str = ""  # "": the OS keyring, named in the person's language (keyring_words)
    profile_dir: Path | None = None  # None: the platform's folder for mailhop
    export_dir: Path = field(default_factory=lambda: Path.home() / "mailhop-exports")
    address: str = ""  # filled in at start (the demo's address)
    title_note: str = ""
    password_hint: str = ""  # the demo's password for this run, shown on the sign-in page

    def keyring_words(self) -> str:
        """Where the password goes, for a sentence: the label given, else the OS keyring.
        Not a default value: a dataclass default is made before any translator is loaded."""
        return self.keyring_label or tr("your system keyring")

    def discovery_options(self) -> DiscoveryOptions:
        """The options for a check: the demo's ready-made ones, else built from the settings.
        Building reads the trust anchor and CA files: call it on the worker, not here."""
        if self.options is not None:
            return self.options
        from mailhop.core.run.settings import Settings, options_from_settings

        return options_from_settings(self.settings or Settings())

    @property
    def extra_ca_file(self) -> Path | None:
        if self.options is not None:
            return self.options.extra_ca_file
        return self.settings.ca_file if self.settings is not None else None

    @property
    def hard_deadline(self) -> float:
        from mailhop.core.run.discovery import DEFAULT_HARD_DEADLINE

        if self.options is not None:
            return float(self.options.hard_deadline)
        deadline = self.settings.deadline if self.settings is not None else None
        return deadline or DEFAULT_HARD_DEADLINE

    @property
    def allow_test_domains(self) -> bool:
        return self.settings is not None and self.settings.allow_test_domains


def failure_message(error: BaseException) -> str:
    """What a person reads when a step raised: a setting of theirs, or mailhop's own fault.
    Decided by the core's exception tree (core/common/errors.py), never by ``ValueError``,
    which any bug can raise too."""
    from mailhop.core.common.errors import is_persons_to_fix

    words = str(error) or type(error).__name__
    if is_persons_to_fix(error):
        return tr("This step could not run: {words}. Nothing was saved.").format(words=words)
    return tr(
        "Something went wrong inside mailhop, so this step did not finish. Nothing was "
        "saved and no password was sent.\n\nWhat happened: {words} ({kind})\n\nPlease report "
        "this; the technical details are in the program's log."
    ).format(words=words, kind=type(error).__name__)
