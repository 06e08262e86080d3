"""The inspector: one selected entity's label, status, role, grading, properties, notes
and provenance, all editable where the schema allows, each edit one undo step.

Edits build an `EditEntity` command from the value shown (old) and the value typed
(new) and push it on the window's undo stack; the store refuses invalid values (a
grade outside the case's scheme, a malformed phone) and the sentence is shown here.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from analyst_app.model import ROLES, STATUSES, Entity
from analyst_app.records import RecordError
from analyst_app.store import edits_more
from analyst_app.store.case import Case
from analyst_app.store.errors import CaseError
from analyst_app.store.queries import get_entity, provenance
from widgets.commands import AddNote, CaseContext, EditEntity
from widgets.selection import SelectionModel

NONE = "—"


def _joined(value: Any) -> str:
    return "; ".join(value) if isinstance(value, list) else str(value)


class Inspector(QWidget):
    problem = Signal(str)
    linkRequested = Signal()  # "Link…" with two entities selected

    def __init__(
        self,
        context: CaseContext,
        selection: SelectionModel,
        undo_stack: QUndoStack,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context, self.selection, self.undo_stack = context, selection, undo_stack
        case = self.case = context.case
        self.entity: Entity | None = None
        self._loading = False
        self.header = QLabel("Select an entity to see it here.")
        self.header.setWordWrap(True)
        self.header.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.label = QLineEdit()
        self.label.editingFinished.connect(lambda: self._edit("label", self.label.text()))
        self.status = QComboBox()
        self.status.addItems(STATUSES)
        self.status.activated.connect(lambda: self._edit("status", self.status.currentText()))
        self.role = QComboBox()
        self.role.addItems([NONE, *ROLES])
        self.role.activated.connect(lambda: self._edit("role", self._none(self.role)))
        grading = case.grading
        self.source_grade = QComboBox()
        self.source_grade.addItem(NONE)
        for code, meaning in grading.source.items():
            self.source_grade.addItem(f"{code}  {meaning}", code)
        self.info_grade = QComboBox()
        self.info_grade.addItem(NONE)
        for code, meaning in grading.information.items():
            self.info_grade.addItem(f"{code}  {meaning}", code)
        self.source_grade.activated.connect(
            lambda: self._edit("source_grade", self.source_grade.currentData())
        )
        self.info_grade.activated.connect(
            lambda: self._edit("info_grade", self.info_grade.currentData())
        )
        self.properties = QTableWidget(0, 2)
        self.properties.setHorizontalHeaderLabels(["Property", "Value"])
        self.properties.horizontalHeader().setStretchLastSection(True)
        self.properties.verticalHeader().hide()
        self.properties.itemChanged.connect(self._property_changed)
        self.notes = QListWidget()
        self.note_text = QLineEdit()
        self.note_text.setPlaceholderText("Add a note and press Enter")
        self.note_text.returnPressed.connect(self._add_note)
        self.sources = QListWidget()
        self.sources.itemActivated.connect(self._open_source)

        for combo in (self.status, self.role, self.source_grade, self.info_grade):
            # Grade meanings are long; let the dock be narrow and show them in the popup.
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(8)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("Label", self.label)
        form.addRow("Status", self.status)
        form.addRow("Role", self.role)
        self.source_grade.setToolTip("Source reliability (grading scheme of the case)")
        self.info_grade.setToolTip("Information credibility (grading scheme of the case)")
        form.addRow("Source", self.source_grade)
        form.addRow("Information", self.info_grade)
        self.body = QWidget()
        body = QVBoxLayout(self.body)
        body.setContentsMargins(0, 0, 0, 0)
        body.addLayout(form)
        body.addWidget(QLabel("<b>Properties</b>"))
        body.addWidget(self.properties, 2)
        body.addWidget(QLabel("<b>Notes</b>"))
        body.addWidget(self.notes, 1)
        note_row = QHBoxLayout()
        note_row.addWidget(self.note_text, 1)
        add = QPushButton("Add")
        add.clicked.connect(self._add_note)
        note_row.addWidget(add)
        body.addLayout(note_row)
        body.addWidget(QLabel("<b>Provenance</b> (double-click opens the source record)"))
        body.addWidget(self.sources, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(self.body)
        self.link_button = QPushButton("Link the two…")
        self.link_button.setToolTip("Draw a link between the two selected entities (Ctrl+K)")
        self.link_button.clicked.connect(self.linkRequested)
        self.link_button.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(self.link_button)
        layout.addWidget(scroll, 1)
        self.body.setEnabled(False)
        selection.changed.connect(self._selection_changed)
        context.edited.connect(self._edited)

    def detach(self) -> None:
        """Stop following the window (the case is about to close)."""
        self.selection.changed.disconnect(self._selection_changed)
        self.context.edited.disconnect(self._edited)

    def _selection_changed(self, ids: frozenset[str], _origin: object) -> None:
        self.show_ids(ids)

    @staticmethod
    def _none(combo: QComboBox) -> str | None:
        text = combo.currentText()
        return None if text == NONE else text

    def show_ids(self, ids: frozenset[str]) -> None:
        self.link_button.setVisible(len(ids) == 2)
        entity = None
        if len(ids) == 1:
            entity = get_entity(self.case, next(iter(ids)))
        elif ids:
            self.header.setText(f"{len(ids):,} objects selected; select one to inspect it.")
        else:
            self.header.setText("Select an entity to see it here.")
        self.load(entity)

    def _edited(self, object_id: str) -> None:
        if self.entity is not None and self.entity.id == object_id:
            self.load(get_entity(self.case, object_id))

    def load(self, entity: Entity | None) -> None:
        self.entity = entity
        self.body.setEnabled(entity is not None)
        self._loading = True
        try:
            self._fill(entity)
        finally:
            self._loading = False

    def _fill(self, entity: Entity | None) -> None:
        self.properties.setRowCount(0)
        self.notes.clear()
        self.sources.clear()
        if entity is None:
            self.label.clear()
            return
        typedef = self.case.schema.get(entity.type)
        type_label = typedef.label if typedef else entity.type
        self.header.setText(f"<b>{type_label}</b>: {entity.label}<br><small>{entity.id}</small>")
        self.label.setText(entity.label)
        self.status.setCurrentText(entity.status)
        self.role.setCurrentText(entity.role or NONE)
        self.source_grade.setCurrentIndex(max(0, self.source_grade.findData(entity.source_grade)))
        self.info_grade.setCurrentIndex(max(0, self.info_grade.findData(entity.info_grade)))
        names = list(typedef.properties) if typedef else []
        names += [n for n in entity.properties if n not in names]
        self.properties.setRowCount(len(names))
        for row, name in enumerate(names):
            pdef = typedef.properties.get(name) if typedef else None
            key = QTableWidgetItem(pdef.label if pdef else name)
            key.setData(Qt.ItemDataRole.UserRole, name)
            key.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.properties.setItem(row, 0, key)
            self.properties.setItem(
                row, 1, QTableWidgetItem(_joined(entity.properties.get(name, "")))
            )
        self.properties.resizeColumnToContents(0)
        assert entity.id is not None
        for note in edits_more.notes(self.case, entity.id):
            item = QListWidgetItem(f"{note.text}\n    {note.author}, {note.created_at}")
            self.notes.addItem(item)
        for record in provenance(self.case, entity.id):
            item = QListWidgetItem(f"{record['file']}  ·  {record['locator']}")
            item.setData(Qt.ItemDataRole.UserRole, record)
            item.setToolTip(f"SHA-256 {record['sha256']}")
            self.sources.addItem(item)

    def _edit(self, field: str, value: Any) -> None:
        if self._loading or self.entity is None or self.entity.id is None:
            return
        old = getattr(self.entity, field)
        if (value or None) == (old or None) and field != "label":
            return
        if field == "label" and value == old:
            return
        self._push(field.replace("_", " "), {field: old}, {field: value})

    def _property_changed(self, item: QTableWidgetItem) -> None:
        if self._loading or self.entity is None or item.column() != 1:
            return
        key_item = self.properties.item(item.row(), 0)
        if key_item is None:
            return
        name = key_item.data(Qt.ItemDataRole.UserRole)
        text = item.text().strip()
        old_props = dict(self.entity.properties)
        new_props = dict(old_props)
        pdef = self.case.schema.types[self.entity.type].properties.get(name)
        multiple = isinstance(old_props.get(name), list) or bool(pdef and ";" in text)
        if not text:
            new_props.pop(name, None)
        elif multiple:
            new_props[name] = [v.strip() for v in text.split(";") if v.strip()]
        else:
            new_props[name] = text
        if new_props != old_props:
            self._push(name, {"properties": old_props}, {"properties": new_props})

    def _push(self, what: str, old: dict[str, Any], new: dict[str, Any]) -> None:
        assert self.entity is not None and self.entity.id is not None
        command = EditEntity(
            self.context, self.entity.id, old, new, f"Edit {what} of {self.entity.label}"
        )
        try:
            changed = command.apply()
        except (RecordError, CaseError) as exc:
            self.problem.emit(str(exc))
            self.load(get_entity(self.case, self.entity.id))
            return
        if changed:
            self.undo_stack.push(command)

    def _add_note(self) -> None:
        text = self.note_text.text().strip()
        if not text or self.entity is None or self.entity.id is None:
            return
        command = AddNote(self.context, self.entity.id, text)
        try:
            command.apply()
        except CaseError as exc:
            self.problem.emit(str(exc))
            return
        self.undo_stack.push(command)
        self.note_text.clear()

    def _open_source(self, item: QListWidgetItem) -> None:
        record = item.data(Qt.ItemDataRole.UserRole)
        detail = source_record(self.case, record)
        QMessageBox.information(self, f"Source record: {record['file']}", detail)


def source_record(case: Case, record: dict[str, Any]) -> str:
    """What the analyst sees for one provenance entry: the file, its hash, and the line."""
    path = next((s.path for s in edits_more.sources(case) if s.id == record["source_id"]), None)
    lines = [
        f"File: {record['file']}",
        f"Where: {record['locator']}",
        f"SHA-256 at import: {record['sha256']}",
    ]
    match = re.match(r"line (\d+)", str(record["locator"]))
    if path and match and Path(path).is_file():
        wanted = int(match.group(1))
        with Path(path).open(encoding="utf-8", errors="replace") as handle:
            for number, text in enumerate(handle, start=1):
                if number == wanted:
                    lines.append(f"\n{text.strip()[:2000]}")
                    break
    elif not (path and Path(path).is_file()):
        lines.append("\nThe file is not at hand on this workstation.")
    return "\n".join(lines)
