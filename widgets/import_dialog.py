"""Import files: pick or drop them, check the sniffed format, watch progress, cancel.

Each file is one transaction in the core (ingest.run.import_file), so cancelling stops
the file in flight and leaves the case exactly as it was before that file; files that
finished earlier stay imported, and the summary says which. The work runs on the thread
pool; the dialog is modal while it runs, so no other view touches the case meanwhile.
A table no importer claims is read through a mapping spec: a YAML file, a spec saved in
the case, or one made in the mapping editor (saved in the case with the import).
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from analyst_app.ingest.formats import choose_importer
from analyst_app.ingest.run import ImportSummary, import_file
from analyst_app.store import edits_more
from analyst_app.store.case import Case
from analyst_app.store.errors import CaseError
from importers import REGISTRY
from importers.base import Unreadable
from widgets.audit_view import QuarantineDialog
from widgets.workers import Job, start

CHOOSE = "choose a format…"


@dataclass
class Outcome:
    summaries: list[ImportSummary]
    error: str = ""


def sniffed(path: Path) -> str:
    """The importer the core would pick for `path`, or '' when none claims it."""
    try:
        return choose_importer(path).name
    except CaseError:
        return ""


class ImportDialog(QDialog):
    finishedImport = Signal(object)  # Outcome

    def __init__(self, case: Case, files: list[Path] = (), parent: QWidget | None = None) -> None:  # type: ignore[assignment]
        super().__init__(parent)
        self.case = case
        self.job: Job | None = None
        self.outcome: Outcome | None = None
        self.setWindowTitle("Import files")
        self.setAcceptDrops(True)
        self.files = QTableWidget(0, 2)
        self.files.setHorizontalHeaderLabels(["File", "Format"])
        self.files.verticalHeader().hide()
        self.files.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.spec = QLineEdit()
        self.spec.setPlaceholderText(
            "mapping spec for tables: a YAML file or a name saved in the case"
        )
        spec_browse = QPushButton("Spec…")
        spec_browse.clicked.connect(self._browse_spec)
        self.mapped: tuple[dict[str, Any], str] | None = None
        mapping = QPushButton("Mapping…")
        mapping.setToolTip("Map the columns of a table no importer recognises")
        mapping.clicked.connect(lambda: self.edit_mapping())
        add = QPushButton("Add files…")
        add.clicked.connect(self._browse)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setValue(0)
        self.status = QLabel(
            "Drop files here or add them; the format is recognised from the content."
        )
        self.status.setWordWrap(True)
        self.summary = QTableWidget(0, 5)
        self.summary.setHorizontalHeaderLabels(
            ["File", "Format", "Rows imported", "Already present", "Quarantined"]
        )
        self.summary.verticalHeader().hide()
        self.summary.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.summary.cellDoubleClicked.connect(self._show_quarantine)
        self.summary.hide()
        self.import_button = QPushButton("Import")
        self.import_button.setDefault(True)
        self.import_button.clicked.connect(self.start_import)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self._cancel_or_close)
        spec_row = QHBoxLayout()
        spec_row.addWidget(QLabel("Spec"))
        spec_row.addWidget(self.spec, 1)
        spec_row.addWidget(spec_browse)
        spec_row.addWidget(mapping)
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addStretch(1)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.files, 2)
        layout.addLayout(spec_row)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.summary, 1)
        layout.addLayout(buttons)
        self.resize(760, 460)
        self.add_files(list(files))

    # -- choosing files ------------------------------------------------------------
    def add_files(self, paths: list[Path]) -> None:
        names = [imp.name for imp in REGISTRY]
        for path in paths:
            row = self.files.rowCount()
            self.files.insertRow(row)
            item = QTableWidgetItem(path.name)
            item.setData(Qt.ItemDataRole.UserRole, str(path))
            item.setToolTip(str(path))
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            self.files.setItem(row, 0, item)
            combo = QComboBox()
            combo.addItem(CHOOSE, "")
            for name in names:
                title = next(i.title for i in REGISTRY if i.name == name)
                combo.addItem(f"{name}: {title}", name)
            combo.setCurrentIndex(max(0, combo.findData(sniffed(path))))
            self.files.setCellWidget(row, 1, combo)
        self.files.resizeColumnToContents(1)
        self.import_button.setEnabled(self.files.rowCount() > 0)

    def chosen(self) -> list[tuple[Path, str]]:
        out = []
        for row in range(self.files.rowCount()):
            combo, item = self.files.cellWidget(row, 1), self.files.item(row, 0)
            assert isinstance(combo, QComboBox) and item is not None
            out.append((Path(item.data(Qt.ItemDataRole.UserRole)), str(combo.currentData())))
        return out

    def set_format(self, row: int, name: str) -> None:
        combo = self.files.cellWidget(row, 1)
        assert isinstance(combo, QComboBox)
        combo.setCurrentIndex(combo.findData(name))

    def _browse(self) -> None:
        chosen, _ = QFileDialog.getOpenFileNames(self, "Import files")
        self.add_files([Path(p) for p in chosen])

    def edit_mapping(self, row: int | None = None, *, run: bool = True) -> Any:
        """Open the mapping editor for a file (the selected one, else the first); with
        `run=False` return the editor unshown (tests drive it)."""
        from widgets.mapping_editor import MappingEditor

        if self.files.rowCount() == 0:
            self.status.setText("Add a table first.")
            return None
        row = self.files.currentRow() if row is None else row
        row = max(row, 0)
        path = self.chosen()[row][0]
        initial = self.mapped[0] if self.mapped is not None else None
        try:
            editor = MappingEditor(
                self.case.schema, path, self, saved=self.saved_specs(), initial=initial
            )
        except Unreadable as exc:
            self.status.setText(f"{path.name} cannot be mapped: {exc}.")
            return None
        if run and editor.exec():
            self.use_mapping(row, editor.spec, editor.spec_name)
        return editor

    def saved_specs(self) -> dict[str, dict[str, Any]]:
        """The specs earlier imports kept in the case, to start a mapping from."""
        import yaml

        found = {}
        for name, text in edits_more.saved_specs(self.case).items():
            with suppress(yaml.YAMLError):
                raw = yaml.safe_load(text)
                if isinstance(raw, dict):
                    found[name] = raw
        return found

    def use_mapping(self, row: int, spec: dict[str, Any], name: str) -> None:
        self.mapped = (spec, name)
        self.set_format(row, "csv")
        self.spec.setText("")
        self.spec.setPlaceholderText(f"mapping {name!r} (saved in the case with the import)")

    def _browse_spec(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(self, "Mapping spec", "", "YAML (*.yaml *.yml)")
        if chosen:
            self.spec.setText(chosen)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        self.add_files([Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()])

    # -- running -------------------------------------------------------------------
    def start_import(self) -> Job | None:
        files = self.chosen()
        missing = [p.name for p, fmt in files if not fmt]
        if not files or missing:
            self.status.setText(
                f"Choose a format for {', '.join(missing)}." if missing else "Add a file first."
            )
            return None
        from analyst_app.cli.import_command import load_spec

        spec_text = self.spec.text().strip() or None
        try:
            spec, spec_name = load_spec(self.case, spec_text)
        except CaseError as exc:
            self.status.setText(str(exc))
            return None
        if spec is None and self.mapped is not None:
            spec, spec_name = self.mapped
        case, count = self.case, len(files)

        def task(progress: Any, cancelled: Any) -> Outcome:
            outcome = Outcome([])
            for index, (path, fmt) in enumerate(files):

                def tick(fraction: float, index: int = index) -> None:
                    progress((index + min(max(fraction, 0.0), 1.0)) / count)

                try:
                    outcome.summaries.append(
                        import_file(
                            case,
                            path,
                            format_name=fmt,
                            spec=spec,
                            spec_name=spec_name,
                            progress=tick,
                            cancelled=cancelled,
                        )
                    )
                except CaseError as exc:
                    outcome.error = str(exc)
                    break
            return outcome

        self.import_button.setEnabled(False)
        self.files.setEnabled(False)
        self.cancel_button.setText("Cancel import")
        self.status.setText(f"Importing {count} file{'s' if count > 1 else ''}…")
        self.job = Job(task)
        self.job.signals.progress.connect(lambda f: self.progress.setValue(int(f * 1000)))
        self.job.signals.done.connect(self._done)
        self.job.signals.failed.connect(lambda s: self._done(Outcome([], s)))
        return start(self.job)

    def _cancel_or_close(self) -> None:
        if self.job is not None and self.outcome is None:
            self.job.cancel()
            self.status.setText("Cancelling… the file in progress will be rolled back.")
            self.cancel_button.setEnabled(False)
        else:
            self.reject() if self.outcome is None else self.accept()

    def reject(self) -> None:
        if self.job is not None and self.outcome is None:
            self._cancel_or_close()  # Escape during an import cancels it, never abandons it
            return
        super().reject()

    def _done(self, outcome: Outcome) -> None:
        self.outcome = outcome
        self.job = None
        self.cancel_button.setEnabled(True)
        self.cancel_button.setText("Close")
        if not outcome.error:
            self.progress.setValue(1000)
        rows = outcome.summaries
        self.summary.setRowCount(len(rows))
        for r, s in enumerate(rows):
            cells = [
                s.file,
                s.format,
                f"{s.imported_rows:,}",
                f"{s.present_rows:,}",
                f"{s.quarantined_rows:,}",
            ]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, s.source_id)
                self.summary.setItem(r, c, item)
        self.summary.resizeColumnsToContents()
        self.summary.setVisible(bool(rows))
        quarantined = sum(s.quarantined_rows for s in rows)
        said = f"Imported {len(rows)} file{'s' if len(rows) != 1 else ''}."
        if quarantined:
            said += f" {quarantined:,} rows were quarantined: double-click a file to see them."
        if outcome.error:
            said = (said + " " if rows else "") + outcome.error
        self.status.setText(said)
        self.finishedImport.emit(outcome)

    def _show_quarantine(self, row: int, _column: int) -> None:
        item = self.summary.item(row, 0)
        if item is None:
            return
        source_id = item.data(Qt.ItemDataRole.UserRole)
        QuarantineDialog(self.case, int(source_id), self).exec()
