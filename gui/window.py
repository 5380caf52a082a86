"""The main window: five pages in a stack, and the one place that starts the core's work.

Each step hands a coroutine of the core to the runner (gui/runner.py) and shows the result
when it comes back; the window itself does no network, keyring or file I/O. The order of
the steps is the core's (check -> approval -> login test -> keyring -> profile -> exports).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtGui import QAction, QFontMetrics, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from .look import icon, seconds, tr
from .page_address import AddressPage
from .session import Session, failure_message
from .untrusted import message_box, set_text

if TYPE_CHECKING:  # types only: the core loads when a check starts, after the first paint
    import concurrent.futures

    from PySide6.QtGui import QCloseEvent, QKeyEvent

    from mailhop.core.account.approval import ApprovalRequest
    from mailhop.core.account.oauth_discover import IssuerAttempt
    from mailhop.core.account.oauth_signin import OAuthSetup
    from mailhop.core.account.profile import AccountProfile
    from mailhop.core.account.setup import SetupOutcome
    from mailhop.core.common.address import EmailAddress
    from mailhop.core.run.check import CheckReport
    from mailhop.core.run.events import ProgressObserver
    from mailhop.core.run.manual import ManualServer

    from .page_checking import CheckingPage
    from .page_manual import ManualPage
    from .page_result import ResultPage
    from .page_signin import SignInPage
    from .page_use import Signing, UsePage
    from .runner import AsyncRunner, Job

__all__ = ["MainWindow", "Session"]


def step_names() -> tuple[str, ...]:
    """The five steps' names in the person's language (literal tr() calls: lupdate reads them)."""
    return (tr("Address"), tr("Checking"), tr("Result"), tr("Sign in"), tr("Use it"))


# Only Qt and the address page are loaded before the first paint: even Qt's `Qt` namespace
# costs about 17 ms on first use, so the other pages import it when they are first built.
STEP_OF = {
    "AddressPage": 0,
    "ManualPage": 0,
    "CheckingPage": 1,
    "ResultPage": 2,
    "SignInPage": 3,
    "UsePage": 4,
}
P = TypeVar("P", bound=QWidget)


OAUTH_WAIT_SECONDS = 300.0  # how long the window waits for the browser sign-in


def _open_in_browser(url: str) -> None:
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QDesktopServices

    QDesktopServices.openUrl(QUrl(url))


def _open_with_system(path: Path) -> None:
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QDesktopServices

    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


class MainWindow(QMainWindow):
    # (url, until): the worker asks the GUI thread to open the system browser (queued).
    browser_wanted = Signal(str, str)
    # (reason, answer future): the worker asks the person to approve a foreign issuer.
    issuer_question = Signal(str, object)

    def __init__(self, session: Session | None = None) -> None:
        super().__init__()
        self.session = session or Session()
        self.open_url: Callable[[str], None] = _open_in_browser  # tests drive the browser
        self.open_file: Callable[[Path], None] = _open_with_system  # tests watch it
        self.browser_wanted.connect(self._show_browser)
        self.issuer_question.connect(self._ask_issuer)
        self.issuer_box: QMessageBox | None = None
        self._runner: AsyncRunner | None = None
        self.job: Job | None = None
        self.report: CheckReport | None = None
        self.approved: tuple[ApprovalRequest, ...] = ()
        self.profile: AccountProfile | None = None
        self.error_box: QMessageBox | None = None
        self.setWindowTitle(
            "mailhop" + (f" — {self.session.title_note}" if self.session.title_note else "")
        )
        self.setWindowIcon(icon("mailhop"))
        self.resize(980, 720)

        self.address_page = AddressPage(allow_test_domains=self.session.allow_test_domains)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.address_page)
        # The other pages are built when first shown (see _page): the first paint needs only
        # the address page, and each page costs some milliseconds of widgets.
        self._pages: dict[str, QWidget] = {}
        self.steps = [QLabel(f"{n}. {name}") for n, name in enumerate(step_names(), 1)]
        step_row = QHBoxLayout()
        step_row.setSpacing(18)
        for label in self.steps:
            bold = label.font()
            bold.setBold(True)
            # Room for the bold form, so the current step's name is never cut.
            label.setMinimumWidth(QFontMetrics(bold).horizontalAdvance(label.text()) + 4)
            label.setAccessibleName(label.text())
            label.installEventFilter(self)  # a done step is clicked to go back to it
            step_row.addWidget(label)
        step_row.addStretch(1)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addLayout(step_row)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self._menus()

        self.address_page.start.connect(self.start_check)
        self.address_page.manual.connect(self.to_manual)
        self.manual_address: EmailAddress | None = None
        self.show_page(self.address_page)
        if self.session.address:
            self.address_page.set_address(self.session.address)

    # -- pages, built on first use ---------------------------------------------------------

    @property
    def checking_page(self) -> CheckingPage:
        from .page_checking import CheckingPage

        def build() -> CheckingPage:
            page = CheckingPage()
            page.cancel.connect(self.cancel_check)
            return page

        return self._page("checking", CheckingPage, build)

    @property
    def result_page(self) -> ResultPage:
        from .page_result import ResultPage

        def build() -> ResultPage:
            page = ResultPage()
            page.back.connect(lambda: self.show_page(self.address_page))
            page.proceed.connect(self.to_sign_in)
            page.by_hand.clicked.connect(self._manual_from_result)
            return page

        return self._page("result", ResultPage, build)

    @property
    def manual_page(self) -> ManualPage:
        from .page_manual import ManualPage

        def build() -> ManualPage:
            page = ManualPage()
            page.back.connect(lambda: self.show_page(self.address_page))
            page.check.connect(self.start_manual)
            return page

        return self._page("manual", ManualPage, build)

    @property
    def signin_page(self) -> SignInPage:
        from .page_signin import SignInPage

        def build() -> SignInPage:
            page = SignInPage()
            page.back.connect(lambda: self.show_page(self.result_page))
            page.sign_in.connect(self.sign_in)
            page.cancel.connect(self.cancel_check)
            page.done.connect(self.to_use)
            return page

        return self._page("signin", SignInPage, build)

    @property
    def use_page(self) -> UsePage:
        from .page_use import UsePage

        def build() -> UsePage:
            page = UsePage()
            page.save.connect(self.save_exports)
            page.copy_summary.connect(self.copy_summary)
            page.back.connect(lambda: self.show_page(self.signin_page))
            page.finish.connect(self.restart)
            return page

        return self._page("use", UsePage, build)

    def _page(self, name: str, kind: type[P], build: Callable[[], P]) -> P:
        """The page ``name``, built on first use; ``kind`` is its class, which the cached
        page is checked against so the type checker knows what comes back."""
        page = self._pages.get(name)
        if page is None:
            page = self._pages[name] = build()
            self.stack.addWidget(page)
        assert isinstance(page, kind)  # a name is built by one property only
        return page

    @property
    def runner(self) -> AsyncRunner:
        """The worker, started on first use: asyncio and its ssl stay off the first paint."""
        if self._runner is None:
            from .runner import AsyncRunner

            self._runner = AsyncRunner()
        return self._runner

    def _menus(self) -> None:
        menu = self.menuBar().addMenu(tr("&Accounts"))
        accounts = QAction(tr("&Saved accounts…"), self)
        accounts.setShortcut(QKeySequence("Ctrl+L"))
        accounts.triggered.connect(self.open_accounts)
        settings = QAction(tr("&Advanced settings…"), self)
        settings.setShortcut(QKeySequence("Ctrl+,"))
        settings.triggered.connect(self.open_settings)
        quit_action = QAction(tr("&Quit"), self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        for action in (accounts, settings, quit_action):
            menu.addAction(action)
        publish = QAction(tr("&Publish a domain's settings…"), self)
        publish.triggered.connect(self.open_publish)
        self.menuBar().addMenu(tr("For a&dministrators")).addAction(publish)
        about = QAction(tr("&About mailhop"), self)
        about.setMenuRole(QAction.MenuRole.AboutRole)  # macOS moves it to the app menu
        about.triggered.connect(self.open_about)
        self.menuBar().addMenu(tr("&Help")).addAction(about)

    def open_about(self) -> QMessageBox:
        from .about import show_about

        return show_about(self)

    def show_page(self, page: QWidget) -> None:
        from PySide6.QtCore import Qt

        self.stack.setCurrentWidget(page)
        current = STEP_OF[type(page).__name__]
        for index, label in enumerate(self.steps):
            label.setObjectName("stepCurrent" if index == current else "step")
            font = label.font()
            font.setBold(index == current)
            label.setFont(font)
            label.setEnabled(index <= current)
            back = self._step_page(index) is not None and index < current
            label.setCursor(
                Qt.CursorShape.PointingHandCursor if back else Qt.CursorShape.ArrowCursor
            )
            label.setToolTip(tr("Back to this step") if back else "")
        note = f" ({self.session.title_note})" if self.session.title_note else ""
        self.setWindowTitle(f"mailhop — {step_names()[current]}{note}")

    def _step_page(self, index: int) -> QWidget | None:
        """The page of a done step that can be shown again (the check itself cannot)."""
        if self.job is not None:
            return None  # while something runs, Cancel (or Escape) comes first
        if index == 0:
            return self.address_page
        if index == 2 and self.report is not None:
            return self.result_page
        if index == 3 and self.report is not None and "signin" in self._pages:
            return self.signin_page
        if index == 4 and self.profile is not None and "use" in self._pages:
            return self.use_page
        return None

    def go_to_step(self, index: int) -> None:
        current = STEP_OF[type(self.stack.currentWidget()).__name__]
        page = self._step_page(index)
        if page is not None and index < current:
            self.show_page(page)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Escape stops what runs (a check, a sign-in test), as the Cancel button does: a
        key no field of the page took reaches the window."""
        from PySide6.QtCore import Qt

        if event.key() == Qt.Key.Key_Escape and self.job is not None:
            self.cancel_check()
            return
        super().keyPressEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.MouseButtonRelease and watched in self.steps:
            self.go_to_step(self.steps.index(watched))
            return True
        return super().eventFilter(watched, event)

    # -- step 2: the check -----------------------------------------------------------------

    def to_manual(self, address: EmailAddress) -> None:
        """The servers by hand, for ``address`` (from the address page or a result)."""
        self.manual_address = address
        self.show_page(self.manual_page)
        self.manual_page.prepare(address.display)  # shown first: a hidden field takes no focus

    def _manual_from_result(self) -> None:
        if self.report is not None:
            self.to_manual(self.report.discovery.address)

    def start_manual(self, servers: tuple[ManualServer, ...]) -> None:
        assert self.manual_address is not None  # the manual page is shown for an address
        self.start_check(self.manual_address, servers)

    def start_check(self, address: EmailAddress, servers: tuple[ManualServer, ...] = ()) -> None:
        """The check of ``address``: discovery, or exactly the ``servers`` typed in."""
        from mailhop.core.run.check import check
        from mailhop.core.run.manual import check_manual

        self.report = None
        self.checking_page.begin(address.display, self.session.hard_deadline)
        self.show_page(self.checking_page)
        observer = self._observer()
        session = self.session

        async def run() -> CheckReport:
            if servers:
                return await check_manual(address, servers, session.discovery_options(), observer)
            return await check(address, session.discovery_options(), observer)

        self.job = self.runner.submit(
            run(), done=self._checked, failed=self._failed, cancelled=self._cancelled
        )

    def _observer(self) -> ProgressObserver:
        runner, page = self.runner, self.checking_page
        return lambda event: runner.post(page.on_event, event)

    def cancel_check(self) -> None:
        """Cancel whatever the worker runs for the current page (a check, a sign-in test)."""
        if self.job is not None:
            self.job.cancel()

    def _cancelled(self) -> None:
        self.job = None
        self.checking_page.finish(tr("Cancelled: nothing was saved and no password was used."))
        self.show_page(self.address_page)
        set_text(self.address_page.error, tr("The check was cancelled. Nothing was saved."))

    def _checked(self, report: CheckReport) -> None:
        self.job = None
        self.report = report
        self.checking_page.finish(tr("Done in {time}").format(time=seconds(report.elapsed)))
        self.result_page.show_report(report)
        self.show_page(self.result_page)

    def _failed(self, error: BaseException, trace: str) -> None:
        """A step that raised: readable words for the person, the traceback to the log."""
        self.job = None
        print(trace, file=sys.stderr)
        self.checking_page.finish(tr("Stopped by an error"))
        page = self.stack.currentWidget()
        if page is self.checking_page:
            self.show_page(self.address_page)
        message = failure_message(error)
        if page is self.signin_page:
            self.signin_page.show_error(message)
        # Not exec(): a modal loop here would stall the window (and the tests that drive it).
        # The error's words may be a server's or a file's: the box shows them as plain text.
        box = message_box(QMessageBox.Icon.Warning, tr("mailhop could not finish"), message)
        box.setParent(self, box.windowFlags())
        from PySide6.QtCore import Qt

        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        self.error_box = box

    # -- step 4: sign in -------------------------------------------------------------------

    def to_sign_in(self, approved: tuple[ApprovalRequest, ...]) -> None:
        from mailhop.core.account.display_name import system_display_name

        self.approved = approved
        choice = self.result_page.choice  # chosen once, when the result was shown
        # The result page offers the way on only for a report whose choice is not blocked,
        # and a choice is blocked unless it has both servers.
        assert self.report is not None and choice is not None
        assert choice.incoming is not None and choice.outgoing is not None
        hosts = (choice.incoming.entry.name.shown, choice.outgoing.entry.name.shown)
        self.signin_page.prepare(
            self.report.discovery.address.display,
            not choice.password_legs,  # no password field only when no server takes one
            hosts,
            self.session.keyring_words(),
            self.session.password_hint,
            system_display_name(),
        )
        self.show_page(self.signin_page)

    def sign_in(self, password: str | None) -> None:
        from mailhop.core.account.secrets import InvalidPassword, Password, SecretStore
        from mailhop.core.account.setup import run_setup

        report, approved, session = self.report, self.approved, self.session
        assert report is not None  # the sign-in page follows a result
        secret: Password | None = None
        if password is not None:  # None: OAuth2, no password is ever asked for
            try:
                secret = Password(password)
            except InvalidPassword as exc:
                self.signin_page.show_error(
                    tr("This password cannot be used: {why}.").format(why=exc)
                )
                return
        # OAuth2 for every server (no password typed), or for one of them next to a password
        # (signin.py decides per server).
        choice = self.result_page.choice
        oauth = password is None or (choice is not None and choice.oauth2)
        del password  # only the Password object (which never prints itself) is kept

        async def ask_approval(request: ApprovalRequest) -> bool:
            return request in approved

        async def ask_password() -> Password:
            if secret is None:
                raise InvalidPassword("no password was typed")
            return secret

        store = session.store or SecretStore()
        name = " ".join(self.signin_page.name.text().split())  # one line, as a header needs
        coroutine = run_setup(
            report,
            ask_approval=ask_approval,
            ask_password=ask_password,
            store=store,
            extra_ca_file=session.extra_ca_file,
            profile_dir=session.profile_dir,
            display_name=name,
            oauth=self._oauth_setup() if oauth else None,
        )
        # Cancel is safe at any point: nothing is stored before both login tests passed, and
        # storing and saving have no await between them for a cancellation to land on.
        self.job = self.runner.submit(
            coroutine,
            done=self._signed_in,
            failed=self._failed,
            cancelled=self._sign_in_cancelled,
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
        approved = {request.registrable for request in self.approved}

        def open_browser(url: str) -> None:  # on the worker thread
            until = datetime.datetime.now() + datetime.timedelta(seconds=seconds)
            self.browser_wanted.emit(url, until.strftime("%H:%M"))

        async def ask_issuer(issuer: IssuerAttempt) -> bool:  # on the worker thread
            if issuer.registrable in approved:
                return True
            answer: concurrent.futures.Future[bool] = concurrent.futures.Future()
            self.issuer_question.emit(issuer.reason, answer)
            return await asyncio.wrap_future(answer)

        client_id = self.signin_page.client_id.text().strip() or None
        return OAuthSetup(
            fetcher=fetcher_factory(self.session.discovery_options(), seconds),
            open_browser=open_browser,
            ask_issuer=ask_issuer,
            client_id=client_id,
            seconds=seconds,
        )

    def _ask_issuer(self, reason: str, answer: concurrent.futures.Future[bool]) -> None:
        """Approval of a sign-in service on another domain, named in full (rule 4); the
        reason is words mailhop made around a checked host name, shown as plain text."""
        box = message_box(
            QMessageBox.Icon.Question, tr("Approve the sign-in service?"), reason, self
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
        self.open_url(url)
        self.signin_page.waiting_for_browser(url, until)

    def _sign_in_cancelled(self) -> None:
        self.job = None
        self.signin_page.cancelled()

    def _signed_in(self, outcome: SetupOutcome) -> None:
        self.job = None
        self.profile = outcome.profile
        self.signin_page.show_outcome(outcome)

    # -- step 5: exports -------------------------------------------------------------------

    def to_use(self) -> None:
        from mailhop.core.export.formats import render_export
        from mailhop.core.export.manual_values import manual_values

        profile = self._saved_profile()
        self.use_page.prepare(
            profile.address_unicode, self.session.export_dir, manual_values(profile)
        )
        self.show_page(self.use_page)

        async def qr() -> bytes:
            return render_export(profile, "k9-qr-png")[0].data

        self.runner.submit(qr(), done=self.use_page.show_qr, failed=lambda error, _: None)

    def save_exports(
        self,
        formats: tuple[str, ...],
        folder: Path,
        signing: Signing | None,
        open_first: bool = False,
    ) -> None:
        from mailhop.core.export.formats import export_chosen, export_format, load_signer

        profile = self._saved_profile()
        opened: list[Path] = []

        async def save() -> list[str]:
            signer = load_signer(*signing) if signing is not None else None
            lines: list[str] = []
            results = export_chosen(profile, formats, folder, signer=signer)
            for result in results:
                client = export_format(result.name).shown_client
                if result.error is not None:
                    lines.append(f"✗ {client}: {result.error}")
                else:
                    lines += [f"✓ {client}: {path}" for path in result.paths]
            if open_first and results[0].paths:
                opened.append(results[0].paths[0])
            return lines

        def saved(lines: list[str]) -> None:
            self.use_page.show_saved(lines)
            for path in opened:  # the system's own handler: installs a profile, imports a .reg
                self.open_file(path)

        def failed(error: BaseException, _: str) -> None:
            self.use_page.show_saved([tr("Nothing was saved: {m}").format(m=error)])

        self.runner.submit(save(), done=saved, failed=failed)

    def copy_summary(self) -> None:
        from mailhop.core.export.formats import render_export

        profile = self._saved_profile()

        async def sheet() -> str:
            return render_export(profile, "sheet")[0].data.decode("utf-8")

        self.runner.submit(sheet(), done=self.use_page.summary_copied, failed=self._failed)

    def _saved_profile(self) -> AccountProfile:
        """The profile setup saved: the sign-in page leads on only after a saved outcome."""
        assert self.profile is not None
        return self.profile

    def restart(self) -> None:
        self.report = self.profile = None
        self.approved = ()
        self.show_page(self.address_page)
        self.address_page.field.selectAll()
        self.address_page.field.setFocus()

    # -- dialogs ---------------------------------------------------------------------------

    def open_accounts(self) -> None:
        from .dialog_accounts import AccountsDialog

        dialog = AccountsDialog(self)
        if dialog.exec() and dialog.chosen is not None:
            self.use_saved(dialog.chosen)

    def use_saved(self, profile: AccountProfile) -> None:
        """A saved account's files and steps, as after its setup (the Accounts dialog)."""
        if self.job is not None:
            return
        self.report = None
        self.profile = profile
        self.to_use()

    def open_settings(self) -> None:
        from .dialog_settings import SettingsDialog

        dialog = SettingsDialog(self.session.settings, self)
        if dialog.exec():
            self.session = replace(self.session, settings=dialog.settings())
            self.address_page.allow_test_domains = dialog.settings().allow_test_domains

    def open_publish(self) -> None:
        from .dialog_publish import PublishDialog

        PublishDialog(self.session, self.runner, self).exec()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.job is not None:
            self.job.cancel()
        if self._runner is not None:
            self._runner.stop()
        super().closeEvent(event)
