"""Saved accounts: re-check one against a fresh check (differences shown, nothing changed)
or forget it (keyring entries, then the profile). All work runs in the core, off this thread."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
)

from .legs import level_text
from .look import heading, tr
from .untrusted import ask, label, list_item, plain_document, set_text

if TYPE_CHECKING:
    from mailhop.core.account.accounts import ForgetResult, RecheckResult
    from mailhop.core.account.profile import AccountProfile, ProfileError

    from .window import MainWindow

__all__ = ["AccountsDialog"]


class AccountsDialog(QDialog):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window_ = window
        self.setWindowTitle(tr("Saved accounts"))
        self.setMinimumSize(640, 440)
        self.accounts = QListWidget()
        self.accounts.setAccessibleName(tr("Saved accounts"))
        self.accounts.currentItemChanged.connect(self._selected)
        self.details = QPlainTextEdit()
        self.details.setReadOnly(True)
        self.details.setAccessibleName(tr("Account details and re-check result"))
        self.recheck = QPushButton(tr("&Re-check"))
        self.recheck.setAccessibleName(tr("Re-check the selected account"))
        self.recheck.clicked.connect(self._recheck)
        self.forget = QPushButton(tr("&Forget…"))
        self.forget.setAccessibleName(tr("Forget the selected account"))
        self.forget.clicked.connect(self._forget)
        # A saved account's files and steps for a mail app: the window's last page.
        self.use = QPushButton(tr("&Use in a mail app…"))
        self.use.setAccessibleName(tr("Use the selected account in a mail app"))
        self.use.clicked.connect(self._use)
        self.chosen: AccountProfile | None = None
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.recheck)
        buttons.addWidget(self.forget)
        buttons.addWidget(self.use)
        buttons.addStretch(1)
        buttons.addWidget(close)
        self.note = label()
        self.note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(heading(tr("Saved accounts"), size=1.2))
        layout.addWidget(self.note)
        body = QHBoxLayout()
        body.addWidget(self.accounts, 1)
        body.addWidget(self.details, 2)
        layout.addLayout(body, 1)
        layout.addLayout(buttons)
        self.last_action = ""  # what the last forget did, kept above the refreshed list
        self._set_busy(True)
        self.load()

    def _set_busy(self, busy: bool) -> None:
        selected = self.accounts.currentItem() is not None
        self.recheck.setEnabled(not busy and selected)
        self.forget.setEnabled(not busy and selected)
        self.use.setEnabled(not busy and selected)

    def load(self) -> None:
        from mailhop.core.account.profile import list_profiles

        folder = self.window_.session.profile_dir

        async def listing() -> list[AccountProfile | ProfileError]:
            return list_profiles(folder)

        self.window_.runner.submit(listing(), done=self._listed, failed=self._failed)

    def _listed(self, found: list[AccountProfile | ProfileError]) -> None:
        self.accounts.clear()
        for item in found:
            # A profile is a file on disk: its values are shown as text, escaped.
            row: QListWidgetItem
            if isinstance(item, Exception):
                row = list_item(tr("(unreadable) {why}").format(why=item))
                row.setData(256, None)
            else:
                row = list_item(item.address_unicode)
                row.setData(256, item)
            self.accounts.addItem(row)
        set_text(
            self.note,
            " ".join(
                filter(
                    None,
                    [
                        self.last_action,
                        tr("Saved accounts: {n}.").format(n=len(found))
                        if found
                        else tr("No saved accounts yet. Set one up from the main window."),
                    ],
                )
            ),
        )
        if found:
            self.accounts.setCurrentRow(0)
        self._set_busy(False)

    def _profile(self) -> AccountProfile | None:
        from mailhop.core.account.profile import AccountProfile

        item = self.accounts.currentItem()
        profile = item.data(256) if item is not None else None  # Qt.ItemDataRole.UserRole
        return profile if isinstance(profile, AccountProfile) else None

    def _selected(self) -> None:
        profile = self._profile()
        self._set_busy(False)
        if profile is None:
            self.details.clear()
            return
        incoming, outgoing = profile.incoming, profile.outgoing
        plain_document(
            self.details,
            "\n".join(
                [
                    f"{profile.address_unicode}",
                    tr("checked {when}, verdict {verdict}").format(
                        when=profile.checked_at, verdict=level_text(profile.verdict)
                    ),
                    "",
                    tr("receive: {service} {host}:{port} {security}, as {user}").format(
                        service=incoming.service.value,
                        host=incoming.host,
                        port=incoming.port,
                        security=incoming.security.value,
                        user=incoming.username,
                    ),
                    tr("send: {host}:{port} {security}, as {user}").format(
                        host=outgoing.host,
                        port=outgoing.port,
                        security=outgoing.security.value,
                        user=outgoing.username,
                    ),
                ]
            ),
        )

    def _use(self) -> None:
        self.chosen = self._profile()
        if self.chosen is not None:
            self.accept()

    def _recheck(self) -> None:
        from mailhop.core.account.accounts import recheck_against
        from mailhop.core.common.address import parse_address
        from mailhop.core.run.check import check

        profile = self._profile()
        if profile is None:
            return
        session = self.window_.session

        async def run() -> RecheckResult:
            options = session.discovery_options()
            allow = session.allow_test_domains
            address = parse_address(profile.address, allow_test_domains=allow)
            return recheck_against(profile, await check(address, options))

        self._set_busy(True)
        plain_document(self.details, "\n" + tr("Re-checking…"), append=True)
        self.window_.runner.submit(run(), done=self._rechecked, failed=self._failed)

    def _rechecked(self, result: RecheckResult) -> None:
        from mailhop.core.account.security_state import downgrade_lines

        self._set_busy(False)
        if result.blocked is not None:
            words = tr("Now blocked: {why}. The saved settings are unchanged.").format(
                why=result.blocked
            )
        elif not result.differences:
            words = tr("No differences since the last check.")
        else:
            lines = [difference.describe() for difference in result.differences]
            words = tr("Differences: {n}; nothing was changed:").format(n=len(lines))
            words += "\n" + "\n".join(f"  {line}" for line in lines)
            words += "\n" + tr("Set the account up again to accept the new settings.")
        # A weaker MTA-STS, DANE or TLSA state than at setup: said first, on its own.
        words = "\n".join([*downgrade_lines(result.downgrades), words])
        plain_document(self.details, words, append=True)  # values from servers and the file

    def _forget(self) -> None:
        from mailhop.core.account.accounts import forget_account_revoking
        from mailhop.core.account.oauth_forget import REVOKE_SECONDS
        from mailhop.core.account.oauth_signin import fetcher_factory
        from mailhop.core.account.secrets import SecretStore

        profile = self._profile()
        if profile is None:
            return
        asked = ask(
            self,
            tr("Forget this account?"),
            tr(
                "Remove the password of {address} from {keyring} and delete its saved "
                "settings? Your mail and your mail clients are not touched."
            ).format(address=profile.address_unicode, keyring=self.window_.session.keyring_words()),
        )
        if not asked:
            return
        session = self.window_.session

        async def run() -> ForgetResult:
            # An OAuth2 sign-in is revoked at its issuer first (best effort, with a deadline)
            return await forget_account_revoking(
                profile.address,
                session.profile_dir,
                session.store or SecretStore(),
                fetcher_factory(session.discovery_options(), REVOKE_SECONDS),
            )

        self._set_busy(True)
        self.window_.runner.submit(run(), done=self._forgotten, failed=self._failed)

    def _forgotten(self, result: ForgetResult) -> None:
        self.last_action = tr("Removed the profile {path} and keyring entries: {n}.").format(
            n=len(result.removed), path=result.profile_path or "-"
        )
        if result.profile_error is not None:
            self.last_action = tr(
                "Removed keyring entries: {n}; the profile could not be removed: {why}."
            ).format(n=len(result.removed), why=result.profile_error)
        revocation = result.revocation
        if revocation is not None and revocation.words:  # the core's words, translated there
            self.last_action = f"{revocation.words}\n{self.last_action}"
        self.load()

    def _failed(self, error: BaseException, trace: str) -> None:
        self._set_busy(False)
        plain_document(self.details, tr("Could not finish: {m}").format(m=error), append=True)
