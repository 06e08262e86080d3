"""Read-only tables: the audit log, and the rows an import quarantined.

The audit log shows newest first with a one-line summary of each entry's details; the
chain itself is checked by `threadline verify`. Quarantined rows are shown with their
reason and raw text so the analyst can fix the file and re-import.
"""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from analyst_app.store import audit, edits_more
from analyst_app.store.case import Case

SHOWN = 2000


def summary(details: dict[str, Any]) -> str:
    """A one-line reading of an entry's details (file names, ids, changed fields)."""
    parts = []
    for key, value in details.items():
        if isinstance(value, dict | list):
            value = json.dumps(value, ensure_ascii=False)
        parts.append(f"{key}: {value}")
    line = "; ".join(parts)
    return line if len(line) <= 240 else line[:239] + "…"


def _table(headers: list[str], rows: list[list[str]]) -> QTableWidget:
    table = QTableWidget(len(rows), len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().hide()
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    table.setWordWrap(False)
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            item = QTableWidgetItem(text)
            item.setToolTip(text)
            table.setItem(r, c, item)
    table.resizeColumnsToContents()
    table.horizontalHeader().setSectionResizeMode(len(headers) - 1, QHeaderView.ResizeMode.Stretch)
    return table


class AuditView(QWidget):
    def __init__(self, case: Case, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.case = case
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(0, 0, 0, 0)
        self.table = _table(["#", "When (UTC)", "Analyst", "Action", "Details"], [])
        self.layout_.addWidget(self.table)
        self.refresh()

    def refresh(self) -> None:
        entries = audit.entries(self.case.conn, SHOWN)
        self.table.setRowCount(len(entries))
        for r, entry in enumerate(entries):
            row = [
                str(entry["seq"]),
                entry["at"],
                entry["analyst"],
                entry["action"],
                summary(entry["details"]),
            ]
            for c, text in enumerate(row):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()

    def action_names(self) -> list[str]:
        """The action of each entry shown, newest first."""
        return [self.table.item(r, 3).text() for r in range(self.table.rowCount())]  # type: ignore[union-attr]


class QuarantineDialog(QDialog):
    def __init__(self, case: Case, source_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        source = next((s for s in edits_more.sources(case) if s.id == source_id), None)
        name = source.file_name if source else f"source {source_id}"
        self.setWindowTitle(f"Quarantined rows: {name}")
        rows = edits_more.quarantined(case, source_id)
        self.table = _table(
            ["Where", "Reason", "Raw row"], [[q.locator, q.reason, q.raw or ""] for q in rows]
        )
        layout = QVBoxLayout(self)
        said = (
            f"{len(rows):,} rows of {name} could not be imported and are kept here with the reason."
            if rows
            else f"Every row of {name} was imported; nothing is quarantined."
        )
        layout.addWidget(QLabel(said))
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(900, 420)
