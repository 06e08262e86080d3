"""A mapping editor for tables no importer recognises: each row becomes one entity.

The analyst picks the entity type, which column feeds which property and which column
is the label; the editor writes the same YAML-shaped spec `--spec` takes, and shows the
first rows of the file beside the entities the real mapping engine (importers.csv_mapped)
makes of them. Values the schema refuses (a date that is not one) are caught at import
and counted in its summary. Richer specs (links, events) stay YAML files.
"""

from __future__ import annotations

from itertools import islice
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from analyst_app.schema.loader import Schema
from importers import csv_mapped
from importers.base import EntityDraft, ReadOptions, Unreadable
from importers.mapping import SpecError
from importers.textfile import iter_table

PREVIEW_ROWS = 8
IGNORE = "(not imported)"


def first_rows(path: Path, count: int = PREVIEW_ROWS) -> tuple[list[str], list[dict[str, str]]]:
    """The column names and the first `count` rows of a CSV/TSV/XLSX table."""
    rows = [r.values for r in islice(iter_table(path), count) if r.problem is None]
    columns: list[str] = []
    for row in rows:
        columns.extend(c for c in row if c not in columns)
    return columns, rows


def entity_spec(
    name: str, entity_type: str, label_column: str, columns: dict[str, str]
) -> dict[str, Any]:
    """A spec making one `entity_type` per row; `columns` maps column -> property."""
    rule: dict[str, Any] = {
        "type": entity_type,
        "properties": {prop: f"{{{col}}}" for col, prop in columns.items()},
    }
    if label_column:
        rule["label"] = f"{{{label_column}}}"
    return {"name": name, "entities": {"row": rule}}


def preview(path: Path, spec: dict[str, Any], count: int = PREVIEW_ROWS) -> list[list[str]]:
    """What the mapping engine makes of the first rows: [locator, type, label, properties]."""
    out = []
    try:
        rows = list(islice(csv_mapped.read(path, ReadOptions(spec=spec)), count))
    except (Unreadable, SpecError) as exc:
        return [["", "", f"The mapping cannot be used: {exc}", ""]]
    for row in rows:
        if row.problem:
            out.append([row.locator, "", f"quarantined: {row.problem}", ""])
        for draft in row.drafts:
            if isinstance(draft, EntityDraft):
                props = "; ".join(f"{k}={v}" for k, v in draft.properties.items())
                out.append([row.locator, draft.type, draft.label, props])
    return out


def _norm(text: str) -> str:
    return text.strip().casefold().replace(" ", "_")


def _fill(table: QTableWidget, headers: list[str], rows: list[list[str]]) -> None:
    table.clear()
    table.setColumnCount(len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.setItem(r, c, QTableWidgetItem(text))
    table.resizeColumnsToContents()
    table.horizontalHeader().setStretchLastSection(True)


class MappingEditor(QDialog):
    """After `accepted`, `spec` and `spec_name` describe the mapping (saved with the import)."""

    def __init__(self, schema: Schema, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.schema, self.path = schema, path
        self.setWindowTitle(f"Mapping for {path.name}")
        self.columns, rows = first_rows(path)
        self.name = QLineEdit(path.stem)
        self.type = QComboBox()
        for typedef in sorted(schema.of_kind("entity"), key=lambda t: t.label):
            self.type.addItem(typedef.label, typedef.name)
        self.label_column = QComboBox()
        self.label_column.addItem(IGNORE, "")
        self.label_column.addItems(self.columns)
        self.raw = QTableWidget()
        _fill(self.raw, self.columns, [[row.get(c, "") for c in self.columns] for row in rows])
        self.mapping = QTableWidget(len(self.columns), 2)
        self.mapping.setHorizontalHeaderLabels(["Column", "Property"])
        self.mapping.verticalHeader().hide()
        self.mapping.horizontalHeader().setStretchLastSection(True)
        self.made = QTableWidget()
        form = QFormLayout()
        form.addRow("Spec name", self.name)
        form.addRow("Each row is a", self.type)
        form.addRow("Label from", self.label_column)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"<b>First rows of {path.name}</b>"))
        layout.addWidget(self.raw, 2)
        layout.addLayout(form)
        layout.addWidget(self.mapping, 2)
        layout.addWidget(QLabel("<b>What the import will make of them</b>"))
        layout.addWidget(self.made, 2)
        layout.addWidget(buttons)
        self.type.currentIndexChanged.connect(self._type_changed)
        self.label_column.currentIndexChanged.connect(self.update_preview)
        self.name.textChanged.connect(self.update_preview)
        self._type_changed()
        self.resize(900, 720)

    def _type_changed(self) -> None:
        typedef = self.schema.types[str(self.type.currentData())]
        props = list(typedef.properties)
        for row, column in enumerate(self.columns):
            self.mapping.setItem(row, 0, QTableWidgetItem(column))
            combo = QComboBox()
            combo.addItem(IGNORE, "")
            for prop in props:
                combo.addItem(typedef.properties[prop].label, prop)
            # A column named like a property (or its label) is mapped to it at once.
            wanted = _norm(column)
            for index in range(1, combo.count()):
                if wanted in (_norm(str(combo.itemData(index))), _norm(combo.itemText(index))):
                    combo.setCurrentIndex(index)
            combo.currentIndexChanged.connect(self.update_preview)
            old = self.mapping.cellWidget(row, 1)
            if old is not None:
                old.hide()  # Qt deletes it later; hidden, it cannot linger over the table
            self.mapping.setCellWidget(row, 1, combo)
        self.mapping.resizeColumnToContents(0)
        self.update_preview()

    def set_property(self, column: str, prop: str) -> None:
        combo = self.mapping.cellWidget(self.columns.index(column), 1)
        assert isinstance(combo, QComboBox)
        combo.setCurrentIndex(max(0, combo.findData(prop)))

    @property
    def spec_name(self) -> str:
        return self.name.text().strip() or self.path.stem

    @property
    def spec(self) -> dict[str, Any]:
        chosen = {}
        for row, column in enumerate(self.columns):
            combo = self.mapping.cellWidget(row, 1)
            if isinstance(combo, QComboBox) and combo.currentData():
                chosen[column] = str(combo.currentData())
        return entity_spec(
            self.spec_name,
            str(self.type.currentData()),
            str(self.label_column.currentData() or self.label_column.currentText())
            if self.label_column.currentIndex() > 0
            else "",
            chosen,
        )

    def update_preview(self) -> None:
        _fill(self.made, ["Row", "Type", "Label", "Properties"], preview(self.path, self.spec))
