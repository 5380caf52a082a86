"""The main window: five pages in a stack, and the one place that starts the core's work.

Each step hands a coroutine of the core to the runner (gui/runner.py) and shows the result
when it comes back; the window itself does no network, keyring or file I/O. The order of
the steps is the core's (check -> approval -> login test -> keyring -> profile -> exports).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QMainWindow, QMessageBox, QStackedWidget, QVBoxLayout, QWidget

from .look import icon, seconds, tr
from .page_address import AddressPage
from .session import Session, failure_message
from .untrusted import message_box, set_text
from .window_menus import Menus
from .window_signin import SignInFlow
from .window_steps import STEP_OF, StepBar, step_names
from .window_use import UseFlow

if TYPE_CHECKING:  # types only: the core loads when a check starts, after the first paint
    from PySide6.QtGui import QCloseEvent, QKeyEvent

    from mailhop.core.account.approval import ApprovalRequest
    from mailhop.core.account.profile import AccountProfile
    from mailhop.core.common.address import EmailAddress
    from mailhop.core.run.check import CheckReport
    from mailhop.core.run.events import ProgressObserver
    from mailhop.core.run.manual import ManualServer

    from .page_checking import CheckingPage
    from .page_manual import ManualPage
    from .page_result import ResultPage
    from .page_signin import SignInPage
    from .page_use import UsePage
    from .runner import AsyncRunner, Job

__all__ = ["MainWindow", "Session"]


P = TypeVar("P", bound=QWidget)


def _open_in_browser(url: str) -> None:
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QDesktopServices

    QDesktopServices.openUrl(QUrl(url))


def _open_with_system(path: Path) -> None:
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QDesktopServices

    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


class MainWindow(QMainWindow):
    def __init__(self, session: Session | None = None) -> None:
        super().__init__()
        self.session = session or Session()
        self.open_url: Callable[[str], None] = _open_in_browser  # tests drive the browser
        self.open_file: Callable[[Path], None] = _open_with_system  # tests watch it
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
        self.step_bar = StepBar(lambda index: self._step_page(index) is not None, self.go_to_step)
        self.steps = self.step_bar.steps
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addWidget(self.step_bar)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.menus = Menus(self)  # titles now, actions after the first paint (see event)
        self.signin = SignInFlow(self)
        self.use = UseFlow(self)

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
            page.proceed.connect(self.signin.to_sign_in)
            page.by_hand.clicked.connect(self._manual_from_result)
            page.save_wanted.connect(self.save_report)
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
            page.sign_in.connect(self.signin.sign_in)
            page.cancel.connect(self.cancel_check)
            page.done.connect(self.use.to_use)
            return page

        return self._page("signin", SignInPage, build)

    @property
    def use_page(self) -> UsePage:
        from .page_use import UsePage

        def build() -> UsePage:
            page = UsePage()
            page.save.connect(self.use.save_exports)
            page.copy_summary.connect(self.use.copy_summary)
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

    def show_page(self, page: QWidget) -> None:
        self.stack.setCurrentWidget(page)
        current = STEP_OF[type(page).__name__]
        self.step_bar.mark(current)
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

    def save_report(self, target: Path, mask: bool) -> None:
        """The helpdesk report written on the worker: the PDF engine's first start takes a
        second or two, which on this thread froze the window."""
        import asyncio

        from .report_save import save_failure, write_report

        page, report = self.result_page, self.report
        assert report is not None  # the page's buttons are there once a report is shown
        checked_at = page.checked_at

        async def write() -> Path:  # a thread of its own: the worker's loop goes on
            return await asyncio.to_thread(write_report, report, checked_at, target, mask=mask)

        def failed(error: BaseException, trace: str) -> None:
            page.report_saved(None, save_failure(error, trace))

        self.runner.submit(write(), done=page.report_saved, failed=failed)

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
            run(), done=self._checked, failed=self.failed, cancelled=self._cancelled
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

    def failed(self, error: BaseException, trace: str) -> None:
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

    @property
    def issuer_box(self) -> QMessageBox | None:
        """The open question about a foreign sign-in service, if any (window_signin.py)."""
        return self.signin.issuer_box

    def restart(self) -> None:
        self.report = self.profile = None
        self.approved = ()
        self.show_page(self.address_page)
        self.address_page.field.selectAll()
        self.address_page.field.setFocus()

    def use_saved(self, profile: AccountProfile) -> None:
        """A saved account's files and steps, as after its setup (the Accounts dialog)."""
        if self.job is not None:
            return
        self.report = None
        self.profile = profile
        self.use.to_use()

    def open_about(self) -> QMessageBox:
        from .window_menus import open_about

        return open_about(self)

    def menus_ready(self) -> bool:
        """Whether the menus have their actions (they come just after the first paint)."""
        return self.menus.ready

    def event(self, event: QEvent) -> bool:
        handled = super().event(event)
        if event.type() == QEvent.Type.Paint and not self.menus.ready:
            from PySide6.QtCore import QTimer

            QTimer.singleShot(0, self.menus.fill)  # after this frame is on the screen
        return handled

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.job is not None:
            self.job.cancel()
        if self._runner is not None:
            self._runner.stop()
        super().closeEvent(event)
