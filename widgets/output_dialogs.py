"""The brief (Ctrl+B) and export (Ctrl+E) dialogs: options, a progress bar, the result.

Both run the core on the thread pool (analyst_app.brief.build_brief takes progress and
cancel callbacks; a cancelled brief leaves the output untouched) and are window-modal,
so no view reads the case while they write to its audit trail. "Open" hands the result
to the desktop's own viewer through a file:// URL: nothing is fetched.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from analyst_app.store import edits_more
from analyst_app.store.case import Case
from widgets.workers import Job, start

DEFAULT_VIEW = "(suspects and victims)"


class OutputDialog(QDialog):
    """A path, some options, Run / Cancel / Open; subclasses say what `task` makes."""

    finishedOutput = Signal(object)  # the core's result, or None after a failure
    title = ""
    suffix = ""

    def __init__(self, case: Case, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.case = case
        self.job: Job | None = None
        self.result_path: Path | None = None
        self.setWindowTitle(self.title)
        self.path = QLineEdit()
        browse = QPushButton("Choose…")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        self.form = QFormLayout()
        self.form.addRow("Write to", row)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.run_button = QPushButton(self.title)
        self.run_button.setDefault(True)
        self.run_button.clicked.connect(self.start)
        self.open_button = QPushButton("Open")
        self.open_button.setEnabled(False)
        self.open_button.clicked.connect(self._open)
        self.cancel_button = QPushButton("Close")
        self.cancel_button.clicked.connect(self._cancel_or_close)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.run_button, self.open_button, self.cancel_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        number = case.settings.get("case_number") or case.path.stem
        self.path.setText(str(case.path.with_name(f"{number}-{self.default_name()}")))
        self.resize(620, 0)

    def default_name(self) -> str:
        return "output" + self.suffix

    def task(self, out: Path) -> Any:
        raise NotImplementedError

    def describe(self, result: Any) -> str:
        raise NotImplementedError

    def _browse(self) -> None:
        chosen, _ = QFileDialog.getSaveFileName(self, self.title, self.path.text())
        if chosen:
            self.path.setText(chosen)

    def start(self) -> Job | None:
        text = self.path.text().strip()
        if not text:
            self.status.setText("Choose where to write it.")
            return None
        out = Path(text).expanduser()
        self.run_button.setEnabled(False)
        self.cancel_button.setText("Cancel")
        self.status.setText("Working…")
        self.progress.setValue(0)
        self.job = Job(lambda progress, cancelled: self.task_with(out, progress, cancelled))
        self.job.signals.progress.connect(lambda f: self.progress.setValue(int(f * 1000)))
        self.job.signals.done.connect(self._done)
        self.job.signals.failed.connect(self._failed)
        return start(self.job)

    def task_with(self, out: Path, progress: Any, cancelled: Any) -> Any:
        self._progress, self._cancelled = progress, cancelled
        return self.task(out)

    def _done(self, result: Any) -> None:
        self.job = None
        self.progress.setValue(1000)
        self.result_path = Path(str(getattr(result, "path", self.path.text())))
        self.status.setText(self.describe(result))
        self.open_button.setEnabled(True)
        self.run_button.setEnabled(True)
        self.cancel_button.setText("Close")
        self.finishedOutput.emit(result)

    def _failed(self, sentence: str) -> None:
        self.job = None
        self.status.setText(sentence)
        self.run_button.setEnabled(True)
        self.cancel_button.setEnabled(True)
        self.cancel_button.setText("Close")
        self.finishedOutput.emit(None)

    def _cancel_or_close(self) -> None:
        if self.job is not None:
            self.job.cancel()
            self.cancel_button.setEnabled(False)
            self.status.setText("Cancelling…")
        else:
            self.accept()

    def reject(self) -> None:
        if self.job is not None:
            self._cancel_or_close()  # Escape while working cancels, never abandons
            return
        super().reject()

    def _open(self) -> None:
        if self.result_path is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.result_path)))


class BriefDialog(OutputDialog):
    title = "Write brief"
    suffix = ".pdf"

    def __init__(self, case: Case, parent: QWidget | None = None) -> None:
        super().__init__(case, parent)
        self.redact = QCheckBox("Pseudonymise victims (Victim-1, Victim-2) and mask identifiers")
        self.redact.setChecked(True)
        self.view = QComboBox()
        self.view.addItem(DEFAULT_VIEW, None)
        for name in edits_more.chart_view_names(case):
            self.view.addItem(name, name)
        self.form.addRow("", self.redact)
        self.form.addRow("Chart", self.view)
        marking = case.settings.get("handling_marking", "")
        self.status.setText(f"Every page is marked {marking}.")

    def default_name(self) -> str:
        return "brief.pdf"

    def task(self, out: Path) -> Any:
        from analyst_app.brief.build import build_brief

        if out.suffix.lower() != ".pdf":
            out = out.with_name(out.name + ".pdf")
        return build_brief(
            self.case,
            out,
            redact=self.redact.isChecked(),
            progress=self._progress,
            cancel=self._cancelled,
            chart_view=self.view.currentData(),
        )

    def describe(self, result: Any) -> str:
        kind = "redacted" if result.redacted else "UNREDACTED: file under seal"
        return (
            f"Wrote {result.path}: {result.pages} pages ({kind}), {result.exhibits} exhibits, "
            f"{result.findings} findings. SHA-256 {result.sha256}."
        )


class ExportDialog(OutputDialog):
    title = "Export"

    def __init__(
        self, case: Case, selected: frozenset[str] = frozenset(), parent: QWidget | None = None
    ) -> None:
        super().__init__(case, parent)
        from analyst_app.exchange import FORMATS

        self.selected = selected
        self.format = QComboBox()
        labels = {
            "ftm": "FollowTheMoney (Aleph) .ftm.json",
            "anx": "i2 Analyst's Notebook .anx",
            "graphml": "GraphML (Gephi, yEd) .graphml",
            "gexf": "GEXF (Gephi) .gexf",
            "csv": "CSV tables (.zip)",
        }
        for name in FORMATS:
            self.format.addItem(labels.get(name, name), name)
        self.format.currentIndexChanged.connect(self._format_changed)
        self.only_selected = QCheckBox(f"Only the {len(selected):,} selected objects")
        self.only_selected.setEnabled(bool(selected))
        self.form.addRow("Format", self.format)
        self.form.addRow("", self.only_selected)
        self.progress.setRange(0, 0)  # the exporters report no progress: a busy bar
        self.progress.hide()
        self._format_changed()

    def _format_changed(self) -> None:
        name = str(self.format.currentData())
        ending = {"ftm": ".ftm.json", "csv": ".zip"}.get(name, f".{name}")
        current = Path(self.path.text())
        stem = current.name.split(".")[0] if current.name else "export"
        self.path.setText(str(current.with_name(stem + ending)))

    def default_name(self) -> str:
        return "export"

    def start(self) -> Job | None:
        self.progress.show()
        return super().start()

    def task(self, out: Path) -> Any:
        from analyst_app.exchange import export_case

        ids = sorted(self.selected) if self.only_selected.isChecked() else None
        return export_case(self.case, str(self.format.currentData()), out, ids=ids)

    def _done(self, result: Any) -> None:
        self.progress.setRange(0, 1000)
        super()._done(result)

    def _failed(self, sentence: str) -> None:
        self.progress.setRange(0, 1000)
        super()._failed(sentence)

    def describe(self, result: Any) -> str:
        written = result.written
        return (
            f"Exported {written.get('entities', 0):,} entities, {written.get('links', 0):,} "
            f"links and {written.get('events', 0):,} events to {result.path}."
        )
