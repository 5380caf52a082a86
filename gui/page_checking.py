"""Page 2: every source and every server probe as a live row, overall progress, Cancel.

Rows come from the core's progress events (core/run/events.py: discovery's SourceStarted,
SourceFinished and PhaseBegan, the check's ProbeStarted and ProbeFinished), delivered on
the GUI thread. A running row counts its seconds up from a timer; a finished row shows the
core's words.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QProgressBar,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from .look import heading, icon, seconds, tr
from .untrusted import item as new_item
from .untrusted import label, neutral, set_item_text, set_item_tooltip, set_text

if TYPE_CHECKING:  # types only: this page is built when a check starts
    from mailhop.core.discover.report import Status
    from mailhop.core.run.events import ProgressEvent

__all__ = ["CheckingPage"]


class CheckingPage(QWidget):
    """Emits ``cancel`` when the person stops the check."""

    cancel = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.title = heading(tr("Checking"))
        self.phase = label()
        self.phase.setWordWrap(True)
        self.phase.setAccessibleName(tr("What is happening now"))
        self.progress = QProgressBar()
        self.progress.setAccessibleName(tr("Overall progress"))
        self.progress.setTextVisible(True)
        self.table = QTreeWidget()
        self.table.setAccessibleName(tr("Sources and servers being checked"))
        self.table.setRootIsDecorated(False)
        self.table.setUniformRowHeights(True)
        self.table.setHeaderLabels([tr("What"), tr("Where"), tr("State"), tr("Time")])
        header = self.table.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        self.stop = QPushButton(tr("&Cancel"))
        self.stop.setAccessibleName(tr("Cancel the check"))
        self.stop.clicked.connect(self.cancel.emit)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.stop)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.phase)
        layout.addWidget(self.progress)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.rows: dict[str, QTreeWidgetItem] = {}
        self.started_at: dict[str, float] = {}
        self.began = time.monotonic()
        self.deadline = 8.0
        self.timer = QTimer(self)
        self.timer.setInterval(100)
        self.timer.timeout.connect(self._tick)

    def begin(self, address_display: str, deadline: float) -> None:
        set_text(self.title, tr("Checking {address}").format(address=address_display))
        set_text(self.phase, tr("Asking every published source at once…"))
        self.table.clear()
        self.rows.clear()
        self.started_at.clear()
        self.began = time.monotonic()
        self.deadline = deadline
        self.progress.setRange(0, 1000)
        self.progress.setValue(0)
        self.progress.setFormat(tr("starting"))
        self.stop.setEnabled(True)
        self.timer.start()
        self.stop.setFocus()

    def finish(self, words: str) -> None:
        self.timer.stop()
        self.stop.setEnabled(False)
        set_text(self.phase, words)
        self.progress.setValue(1000)
        self.progress.setFormat(neutral(words, 200))
        for key, item in self.rows.items():
            if key in self.started_at:  # never finished: the run ended around it
                item.setText(2, tr("stopped"))
                item.setIcon(2, icon("none"))
                self.started_at.pop(key)

    def on_event(self, event: ProgressEvent) -> None:
        """One core progress event: a source or a server probe started or finished, or a
        phase began."""
        from mailhop.core.run.events import (
            PHASE,
            PhaseBegan,
            ProbeFinished,
            ProbeStarted,
            SourceFinished,
            SourceStarted,
        )
        from mailhop.core.verdict.labels import SOURCE, STATUS

        match event:
            case PhaseBegan(phase=phase):
                set_text(self.phase, PHASE[phase])
                return
            case SourceStarted(source=source, target=target, task=task):
                self._started(task, SOURCE[source], target)
            case ProbeStarted(target=target, checks=checks):
                self._started(event.task, checks, target)  # what is checked there
            case SourceFinished(source=source, target=target, task=task, status=status):
                words = STATUS[status]
                self._finished(task, SOURCE[source], target, status, words, event.detail)
            case ProbeFinished(target=target, status=status, detail=detail):
                words = f"{STATUS[status]}: {detail}" if detail else STATUS[status]
                self._finished(event.task, "", target, status, words, detail)
        self._tick()

    def _started(self, key: str, what: str, target: str) -> None:
        item = self._row(key, what, target)
        item.setText(2, tr("running…"))
        item.setIcon(2, icon("none"))
        self.started_at[key] = time.monotonic()

    def _finished(
        self, key: str, what: str, target: str, status: Status, words: str, detail: str
    ) -> None:
        began = self.started_at.pop(key, None)
        if began is None:  # a further result of a source already shown: a row of its own
            item = self._row(f"{key} {len(self.rows)}", what, target)
        else:
            item = self.rows[key]
            item.setText(3, seconds(time.monotonic() - began, 2))
            set_item_text(item, 1, target)  # the source may name what it asked more exactly
            set_item_tooltip(item, 1, target)
        set_item_text(item, 2, words)  # a source's error: the server's or document's words
        set_item_tooltip(item, 2, words if not detail else f"{words}\n{detail}")
        item.setIcon(2, icon(_state_icon(status)))

    def _row(self, key: str, what: str, target: str) -> QTreeWidgetItem:
        item = new_item([what, target, "", ""], {1: target})
        self.table.addTopLevelItem(item)
        self.table.scrollToItem(item)
        self.rows[key] = item
        return item

    def _tick(self) -> None:
        now = time.monotonic()
        for key, began in self.started_at.items():
            self.rows[key].setText(3, seconds(now - began))
        total = len(self.rows)
        running = len(self.started_at)
        done = total - running
        # Done rows over all rows, but never behind the share of the deadline used up.
        share = max(done / total if total else 0.0, min(1.0, (now - self.began) / self.deadline))
        share = min(share, 0.97)  # full only when the core says the check is done
        self.progress.setValue(int(share * 1000))
        # The bound a person can count on: the core never waits past the hard deadline.
        left = max(0.0, self.deadline - (now - self.began))
        self.progress.setFormat(
            tr("{done} of {total} done, {running} running, at most {left} left").format(
                done=done, total=total, running=running, left=seconds(left, 0)
            )
        )


def _state_icon(status: Status) -> str:
    """A finished row's icon: found, failed, out of time; nothing published or skipped."""
    from mailhop.core.discover.report import Status

    return {Status.FOUND: "ok", Status.FAILED: "block", Status.TIMED_OUT: "warn"}.get(
        status, "none"
    )
