"""Load a view's data (or lay out its chart) on the thread pool, with a busy panel that
never flickers. Used by the timeline, the heat map and the link chart.

The team rule: anything that can take over ~100 ms runs off the GUI thread with a progress
bar and a cancel button. A `Loader` runs one request at a time per view through the shared
`widgets.workers.Job`; a newer request cancels the older one, and whatever an older request
still delivers is dropped (it is recognised by its job, so a slow old read can never paint
over a newer one). The view keeps its previous picture until a result arrives.

The `BusyPanel` (message, thin progress bar, Cancel) appears only when a load has taken
SHOW_AFTER_MS: the demo case loads in a few milliseconds and shows no panel at all.

Reading the case from a worker: the Case has one SQLCipher connection, opened with
check_same_thread=False in SQLite's serialized mode, and its passphrase is not kept, so no
second connection can be keyed. The core reads in short chunks (timeline/work.py), so the
GUI thread's own small queries wait at most one chunk for the connection.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from analyst_app.collector import collection_paused
from analyst_app.timeline.work import Cancelled, LoadCancelled, Progress
from widgets.workers import Job, start

SHOW_AFTER_MS = 150
Say = Callable[[str], None]
LoadTask = Callable[[Progress, Cancelled, Say], Any]


class BusyPanel(QFrame):
    """'Loading 1,000,000 events…', a thin progress bar and a Cancel button, floating over
    the top of its view (placed by `place`) so showing it never moves the layout.

    Opaque on purpose: a see-through panel made every progress step repaint the view
    beneath it (the whole heat map, or the timeline's plot), which stalled the GUI thread
    for 100-600 ms during a load.
    """

    def __init__(self, parent: QWidget, top: int | None = 28) -> None:
        super().__init__(parent)
        self.top = top
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.Window, QColor("#fffdf5"))
        self.setPalette(palette)
        self.label = QLabel()
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.bar.setTextVisible(False)
        self.bar.setFixedSize(160, 6)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop loading and keep what is shown")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 4, 6, 4)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel_button)
        self.hide()

    def place(self) -> None:
        """Centre over the parent, `top` pixels down (None: halfway), over its picture."""
        parent = self.parentWidget()
        if parent is None:
            return
        self.adjustSize()
        width = min(self.sizeHint().width(), max(parent.width() - 16, 120))
        height = self.sizeHint().height()
        y = self.top if self.top is not None else (parent.height() - height) // 2
        self.setGeometry((parent.width() - width) // 2, y, width, height)
        self.raise_()


class Loader(QObject):
    """One request at a time for one view; `done(result)` only for the newest request."""

    done = Signal(object)
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, panel: BusyPanel) -> None:
        super().__init__(panel)
        self.panel = panel
        self.job: Job | None = None
        self._show = QTimer(self)
        self._show.setSingleShot(True)
        self._show.setInterval(SHOW_AFTER_MS)
        self._show.timeout.connect(self._show_panel)
        panel.cancel_button.clicked.connect(self.cancel)

    def busy(self) -> bool:
        return self.job is not None

    def request(self, task: LoadTask, message: str) -> Job:
        """Run `task(progress, cancelled, say)` on the pool, replacing any older request."""
        showing = self.panel.isVisible()  # then it stays up: no flicker between requests
        self._drop()
        job: Job

        def run(progress: Progress, cancelled: Cancelled) -> Any:
            try:
                with collection_paused():
                    result = task(progress, cancelled, job.signals.message.emit)
            except LoadCancelled:
                return None
            return None if cancelled() else result

        job = Job(run)
        self.job = job
        job.signals.progress.connect(self._progressed)
        job.signals.message.connect(self._said)
        job.signals.done.connect(self._done)
        job.signals.failed.connect(self._failed)
        self.panel.label.setText(message)
        self.panel.bar.setValue(0)
        if showing:
            self._show_panel()
        else:
            self._show.start()
        return start(job)  # connected first: a quick load must not finish unheard

    def cancel(self) -> None:
        """Stop the current request; the view keeps what it shows and stays usable."""
        if self.job is None:
            return
        self._drop()
        self.cancelled.emit()

    def _drop(self) -> None:
        if self.job is not None:
            self.job.cancel()
            self.job = None
        self._show.stop()
        self.panel.hide()

    def _current(self) -> bool:
        """Whether the signal being handled comes from the newest request."""
        sender = self.sender()
        return self.job is not None and sender is self.job.signals

    def _show_panel(self) -> None:
        if self.job is not None:
            self.panel.show()
            self.panel.place()

    def _progressed(self, fraction: float) -> None:
        if self._current():
            self.panel.bar.setValue(round(fraction * 1000))

    def _said(self, message: str) -> None:
        if self._current():
            self.panel.label.setText(message)
            if self.panel.isVisible():
                self.panel.place()

    def _done(self, result: object) -> None:
        if not self._current():
            return  # an older request, or one cancelled: dropped
        self.job = None
        self._show.stop()
        self.panel.hide()
        if result is not None:
            self.done.emit(result)

    def _failed(self, sentence: str) -> None:
        if not self._current():
            return
        self.job = None
        self._show.stop()
        self.panel.hide()
        self.failed.emit(sentence)
