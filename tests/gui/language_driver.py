"""A child process for the language tests: the demo in a fresh window, every page, as JSON.

    python -m tests.gui.language_driver walk            # the demo, page by page
    python -m tests.gui.language_driver choose CODE     # pick CODE in Advanced settings, OK

The language comes from the environment the parent gives (LANG, and XDG_CONFIG_HOME where
Qt keeps the saved choice), read once at start, as for a person. ``walk`` prints one JSON
object: the language in effect, and per page every text shown (labels, buttons, group
titles, table headers and cells, placeholders, accessible names, the window title) and the
widgets whose text does not fit (see ``clipped``).
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from typing import Any


def pump(app: Any, until: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not until():
        if time.monotonic() > deadline:
            raise TimeoutError("the window did not get there in time")
        app.processEvents()
        time.sleep(0.01)
    for _ in range(10):  # layouts settle
        app.processEvents()


def texts(root: Any) -> list[str]:
    """Every text a person (or a screen reader) is given in ``root``'s visible widgets."""
    from PySide6.QtWidgets import (
        QAbstractButton,
        QComboBox,
        QGroupBox,
        QLabel,
        QLineEdit,
        QPlainTextEdit,
        QProgressBar,
        QTreeWidget,
        QWidget,
    )

    found = [root.windowTitle()]
    for widget in [root, *root.findChildren(QWidget)]:
        if not widget.isVisibleTo(root) and widget is not root:
            continue
        found.append(widget.accessibleName())
        found.append(widget.accessibleDescription())
        if isinstance(widget, QLabel | QAbstractButton):
            found.append(widget.text())
        elif isinstance(widget, QGroupBox):
            found.append(widget.title())
        elif isinstance(widget, QLineEdit):
            found.append(widget.placeholderText())
        elif isinstance(widget, QPlainTextEdit):
            found += widget.toPlainText().splitlines()
        elif isinstance(widget, QProgressBar):
            found.append(widget.format())
        elif isinstance(widget, QComboBox):
            found += [widget.itemText(i) for i in range(widget.count())]
        elif isinstance(widget, QTreeWidget) and widget.objectName() != "findings":
            # (The findings are the core's words, helpdesk evidence included: core/common/i18n.py.)
            header = widget.headerItem()
            found += [header.text(c) for c in range(widget.columnCount())]
            rows = [widget.topLevelItem(i) for i in range(widget.topLevelItemCount())]
            while rows:
                row = rows.pop()
                found += [row.text(c) for c in range(widget.columnCount())]
                rows += [row.child(i) for i in range(row.childCount())]
    if hasattr(root, "menuBar"):
        for menu in root.menuBar().actions():
            found.append(menu.text())
            if menu.menu() is not None:
                found += [action.text() for action in menu.menu().actions()]
    return [text for text in found if text]


def clipped(root: Any) -> list[str]:
    """The visible labels and buttons whose text does not fit their widget.

    A label that does not wrap needs its size hint's width; one that wraps needs the height
    its text takes at its width; a button (push, tick box) needs its size hint's width; an
    empty field needs its placeholder's width and the field's margins. A
    widget inside a scroll area is measured against its own size too: a scroll bar is not
    clipping, but nothing may be cut inside the scrolled page.
    """
    from PySide6.QtWidgets import QAbstractButton, QLabel, QLineEdit, QWidget

    found = []
    for field in root.findChildren(QLineEdit):
        # An empty field's placeholder says what it takes, or the default: readable whole.
        if field.isVisibleTo(root) and not field.text() and field.placeholderText():
            need = field.fontMetrics().horizontalAdvance(field.placeholderText()) + 12
            if need > field.width():
                found.append(f"placeholder {field.placeholderText()!r}: {need} px wide")
    for widget in root.findChildren(QWidget):
        if not isinstance(widget, QLabel | QAbstractButton) or not widget.isVisibleTo(root):
            continue
        if not widget.text():
            continue
        if isinstance(widget, QLabel):
            if widget.pixmap() is not None and not widget.pixmap().isNull():
                continue
            if widget.wordWrap():
                need = widget.heightForWidth(widget.width())
                if need > widget.height():
                    found.append(f"{widget.text()!r}: {need} px high, has {widget.height()}")
            elif widget.sizeHint().width() > widget.width():
                found.append(
                    f"{widget.text()!r}: {widget.sizeHint().width()} px wide, has {widget.width()}"
                )
        elif widget.sizeHint().width() > widget.width():  # a button or a tick box
            found.append(
                f"{widget.text()!r}: {widget.sizeHint().width()} px wide, has {widget.width()}"
            )
    return found


def cut_cells(tree: Any, column: int) -> list[str]:
    """The texts of ``column`` in ``tree`` that its width cuts (elides)."""
    from PySide6.QtWidgets import QStyle

    # The item delegate's margin each side of the text: the focus frame's, plus one.
    margin = 2 * (tree.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin) + 1)
    found = []
    rows = [(tree.topLevelItem(i), 0) for i in range(tree.topLevelItemCount())]
    while rows:
        row, depth = rows.pop()
        text = row.text(column)
        icon = 0 if row.icon(column).isNull() else tree.iconSize().width() + 8
        indent = tree.indentation() * (depth + 1) if column == 0 else 0
        need = tree.fontMetrics().horizontalAdvance(text) + icon + indent + margin
        if text and need > tree.columnWidth(column):
            found.append(f"{text!r}: {need} px wide, has {tree.columnWidth(column)}")
        rows += [(row.child(i), depth + 1) for i in range(row.childCount())]
    return found


def page(root: Any) -> dict[str, Any]:
    from mailhop.gui.page_result import ResultPage

    # Where each setting came from (the trust badges): never cut (on the result page).
    origins = [cut_cells(p.origins, 2) for p in root.findChildren(ResultPage) if p.isVisible()]
    return {
        "texts": texts(root),
        "clipped": clipped(root) + [cell for cells in origins for cell in cells],
        "minimum_width": root.minimumSizeHint().width(),
        "width": root.width(),
    }


def walk() -> dict[str, Any]:
    from mailhop.core.common.i18n import language as core_language
    from mailhop.core.demo.domain import start_demo
    from mailhop.gui import i18n
    from mailhop.gui.app import application
    from mailhop.gui.demo_window import demo_session
    from mailhop.gui.dialog_accounts import AccountsDialog
    from mailhop.gui.dialog_cert import CertificateDialog
    from mailhop.gui.dialog_settings import SettingsDialog
    from mailhop.gui.window import MainWindow

    app = application()
    pages: dict[str, Any] = {}
    with start_demo() as demo:
        window = MainWindow(demo_session(demo))
        window.show()
        pump(app, window.menus_ready)  # the menus' actions come just after the first paint
        pages["address"] = page(window)
        window.address_page._submit()
        pump(app, lambda: window.stack.currentWidget() is not window.checking_page)
        result = window.result_page
        window.stack.setCurrentWidget(window.checking_page)
        pump(app, lambda: True)
        pages["checking"] = page(window)
        window.show_page(result)
        # The helpdesk details start closed on an OK check: open them, so their words are
        # checked for the language and for fitting as well.
        result.details_toggle.setChecked(True)
        pump(app, lambda: True)
        pages["result"] = page(window)
        assert result.choice is not None and result.choice.incoming is not None
        probe = result.choice.incoming
        certificate = CertificateDialog(probe.entry.name.shown, probe, window)
        certificate.show()
        pump(app, lambda: True)
        pages["certificate"] = page(certificate)
        certificate.close()
        result.go.click()
        pump(app, lambda: window.stack.currentWidget() is window.signin_page)
        pages["signin"] = page(window)
        window.signin_page.password.setText(demo.password.reveal())
        window.signin_page.go.click()
        pump(app, lambda: window.signin_page.next.isEnabled())
        pages["signed-in"] = page(window)
        window.signin_page.next.click()
        use = window.use_page
        pump(app, lambda: use.qr.pixmap() is not None and not use.qr.pixmap().isNull())
        use.app.setCurrentIndex(use.app.findData("apple-mac"))  # an app with a file to save
        use._save(open_first=False)
        pump(app, lambda: use.save_button.isEnabled())
        pages["use"] = page(window)
        accounts = AccountsDialog(window)
        accounts.show()
        pump(app, lambda: accounts.accounts.count() > 0 and accounts.recheck.isEnabled())
        pages["accounts"] = page(accounts)
        accounts.close()
        settings = SettingsDialog(window.session.settings, window)
        settings.show()
        pump(app, lambda: True)
        pages["settings"] = page(settings)
        settings.close()
        about = window.open_about()
        pump(app, lambda: "…" not in about.text())
        pages["about"] = page(about)
        about.close()
        window.close()
    return {
        "language": i18n.language_for(i18n.saved_choice()),
        "core": core_language(),
        "pages": pages,
    }


def choose(code: str) -> dict[str, Any]:
    """Pick ``code`` in Advanced settings as a person would, and press OK."""
    from PySide6.QtWidgets import QDialogButtonBox

    from mailhop.gui.app import application
    from mailhop.gui.dialog_settings import SettingsDialog

    app = application()
    dialog = SettingsDialog(None)
    dialog.show()
    dialog.language.setCurrentIndex(dialog.language.findData(code))
    ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    ok.click()
    pump(app, lambda: not dialog.isVisible())
    return {"offered": [dialog.language.itemText(i) for i in range(dialog.language.count())]}


def main(argv: list[str]) -> int:
    report = walk() if argv[0] == "walk" else choose(argv[1])
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
