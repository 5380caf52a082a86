"""Step 4 of the window: the sign-in test, and the OAuth2 prompts it may need.

The core's setup runs on the worker; the browser and the question about a foreign sign-in
service are the person's, so the worker asks for them through queued signals and the GUI
thread opens the browser or the box.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox

from .look import tr
from .untrusted import message_box

if TYPE_CHECKING:
    import concurrent.futures

    from mailhop.core.account.approval import ApprovalRequest
    from mailhop.core.account.oauth_discover import IssuerAttempt
    from mailhop.core.account.oauth_signin import OAuthSetup
    from mailhop.core.account.setup import SetupOutcome

    from .window import MainWindow

__all__ = ["OAUTH_WAIT_SECONDS", "SignInFlow"]

OAUTH_WAIT_SECONDS = 300.0  # how long the window waits for the browser sign-in


class SignInFlow(QObject):
    # (url, until): the worker asks the GUI thread to open the system browser (queued).
    browser_wanted = Signal(str, str)
    # (reason, answer future): the worker asks the person to approve a foreign issuer.
    issuer_question = Signal(str, object)

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.issuer_box: QMessageBox | None = None
        self.browser_wanted.connect(self._show_browser)
        self.issuer_question.connect(self._ask_issuer)

    def to_sign_in(self, approved: tuple[ApprovalRequest, ...]) -> None:
        from mailhop.core.account.display_name import system_display_name

        window = self.window
        window.approved = approved
        choice = window.result_page.choice  # chosen once, when the result was shown
        # The result page offers the way on only for a report whose choice is not blocked,
        # and a choice is blocked unless it has both servers.
        assert window.report is not None and choice is not None
        assert choice.incoming is not None and choice.outgoing is not None
        hosts = (choice.incoming.entry.name.shown, choice.outgoing.entry.name.shown)
        window.signin_page.prepare(
            window.report.discovery.address.display,
            not choice.password_legs,  # no password field only when no server takes one
            hosts,
            window.session.keyring_words(),
            window.session.password_hint,
            system_display_name(),
        )
        window.show_page(window.signin_page)

    def sign_in(self, password: str | None) -> None:
        from mailhop.core.account.secrets import InvalidPassword, Password, SecretStore
        from mailhop.core.account.setup import run_setup

        window = self.window
        report, approved, session = window.report, window.approved, window.session
        assert report is not None  # the sign-in page follows a result
        secret: Password | None = None
        if password is not None:  # None: OAuth2, no password is ever asked for
            try:
                secret = Password(password)
            except InvalidPassword as exc:
                window.signin_page.show_error(
                    tr("This password cannot be used: {why}.").format(why=exc)
                )
                return
        # OAuth2 for every server (no password typed), or for one of them next to a password
        # (signin.py decides per server).
        choice = window.result_page.choice
        oauth = password is None or (choice is not None and choice.oauth2)
        del password  # only the Password object (which never prints itself) is kept

        async def ask_approval(request: ApprovalRequest) -> bool:
            return request in approved

        async def ask_password() -> Password:
            if secret is None:
                raise InvalidPassword("no password was typed")
            return secret

        name = " ".join(window.signin_page.name.text().split())  # one line, as a header needs
        coroutine = run_setup(
            report,
            ask_approval=ask_approval,
            ask_password=ask_password,
            store=session.store or SecretStore(),
            extra_ca_file=session.extra_ca_file,
            profile_dir=session.profile_dir,
            display_name=name,
            oauth=self._oauth_setup() if oauth else None,
        )
        # Cancel is safe at any point: nothing is stored before both login tests passed, and
        # storing and saving have no await between them for a cancellation to land on.
        window.job = window.runner.submit(
            coroutine, done=self._signed_in, failed=window.failed, cancelled=self._cancelled
        )

    def _oauth_setup(self) -> OAuthSetup:
        """OAuth2 in the window: the browser opens on the GUI thread (a queued signal), the
        page waits with Cancel until the deadline; a foreign issuer is approved only if the
        result page's approvals named its domain."""
        import asyncio
        import concurrent.futures
        import datetime

        from mailhop.core.account.oauth_signin import OAuthSetup, fetcher_factory

        seconds = OAUTH_WAIT_SECONDS
        approved = {request.registrable for request in self.window.approved}

        def open_browser(url: str) -> None:  # on the worker thread
            until = datetime.datetime.now() + datetime.timedelta(seconds=seconds)
            self.browser_wanted.emit(url, until.strftime("%H:%M"))

        async def ask_issuer(issuer: IssuerAttempt) -> bool:  # on the worker thread
            if issuer.registrable in approved:
                return True
            answer: concurrent.futures.Future[bool] = concurrent.futures.Future()
            self.issuer_question.emit(issuer.reason, answer)
            return await asyncio.wrap_future(answer)

        client_id = self.window.signin_page.client_id.text().strip() or None
        return OAuthSetup(
            fetcher=fetcher_factory(self.window.session.discovery_options(), seconds),
            open_browser=open_browser,
            ask_issuer=ask_issuer,
            client_id=client_id,
            seconds=seconds,
        )

    def _ask_issuer(self, reason: str, answer: concurrent.futures.Future[bool]) -> None:
        """Approval of a sign-in service on another domain, named in full (rule 4); the
        reason is words mailhop made around a checked host name, shown as plain text."""
        box = message_box(
            QMessageBox.Icon.Question, tr("Approve the sign-in service?"), reason, self.window
        )
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        box.setDefaultButton(QMessageBox.StandardButton.No)

        def decided(result: int) -> None:
            self.issuer_box = None
            if not answer.done():
                answer.set_result(result == QMessageBox.StandardButton.Yes)

        box.finished.connect(decided)
        self.issuer_box = box
        box.open()

    def _show_browser(self, url: str, until: str) -> None:
        self.window.open_url(url)
        self.window.signin_page.waiting_for_browser(url, until)

    def _cancelled(self) -> None:
        self.window.job = None
        self.window.signin_page.cancelled()

    def _signed_in(self, outcome: SetupOutcome) -> None:
        self.window.job = None
        self.window.profile = outcome.profile
        self.window.signin_page.show_outcome(outcome)
