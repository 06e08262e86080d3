"""A mapping editor for tables no importer recognises: what each row of the table makes.

A row can make several entities (a person and the phone they called from), a link
between two of them (the person *uses* the phone) and one event with its date (the
call, with the person as caller). The analyst names each entity, picks its type, its
label column and which column feeds which property; the editor writes the same spec
`--spec` takes (importers/mapping.py) and shows the first rows of the file beside what
the real mapping engine (importers.csv_mapped) makes of them, links and events included.
A saved spec of this shape opens in the editor again (`set_spec`); richer specs (value
maps, conversions, several columns in one value) stay YAML files, and the editor says so.
"""

from __future__ import annotations

from contextlib import suppress
from itertools import islice
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from analyst_app.schema.loader import Schema
from importers import csv_mapped
from importers.base import EntityDraft, EventDraft, LinkDraft, ReadOptions, Unreadable
from importers.mapping import SpecError
from importers.textfile import iter_table

PREVIEW_ROWS = 8
IGNORE = "(not imported)"
NO_LINK = "(no link)"
NO_EVENT = "(no event)"
NOT_DRAWN = ("same_as", "linked")  # resolution's and other tools' links: not for mapping


def first_rows(
    path: Path, count: int = PREVIEW_ROWS
) -> tuple[list[str], list[dict[str, str]], list[str]]:
    """The column names, the first `count` rows of a CSV/TSV/XLSX table, and where each
    row is in the file ("line 2"), as the preview names them."""
    read = [r for r in islice(iter_table(path), count) if r.problem is None]
    rows = [r.values for r in read]
    columns: list[str] = []
    for row in rows:
        columns.extend(c for c in row if c not in columns)
    return columns, rows, [r.locator for r in read]


def entity_rule(entity_type: str, label_column: str, columns: dict[str, str]) -> dict[str, Any]:
    """One entity per row of `entity_type`; `columns` maps column -> property."""
    rule: dict[str, Any] = {
        "type": entity_type,
        "properties": {prop: f"{{{col}}}" for col, prop in columns.items()},
    }
    if label_column:
        rule["label"] = f"{{{label_column}}}"
    return rule


def _text(value: str | list[str]) -> str:
    return value if isinstance(value, str) else ", ".join(value)


def _shown(draft: EntityDraft) -> str:
    return draft.label or _text(next(iter(draft.properties.values()), draft.key))


def preview(path: Path, spec: dict[str, Any], count: int = PREVIEW_ROWS) -> list[list[str]]:
    """What the mapping engine makes of the first rows: [row, what, type, name, details]."""
    out = []
    try:
        rows = list(islice(csv_mapped.read(path, ReadOptions(spec=spec)), count))
    except (Unreadable, SpecError) as exc:
        return [["", "", "", f"The mapping cannot be used: {exc}", ""]]
    for row in rows:
        if row.problem:
            out.append([row.locator, "quarantined", "", row.problem, ""])
        names = {d.key: _shown(d) for d in row.drafts if isinstance(d, EntityDraft)}
        for draft in row.drafts:
            if isinstance(draft, EntityDraft):
                props = "; ".join(f"{k}={_text(v)}" for k, v in draft.properties.items())
                out.append([row.locator, "entity", draft.type, _shown(draft), props])
            elif isinstance(draft, LinkDraft):
                ends = f"{names.get(draft.source, draft.source)} → {names.get(draft.target, '')}"
                out.append([row.locator, "link", draft.type, ends, ""])
            elif isinstance(draft, EventDraft):
                who = "; ".join(f"{role}: {names.get(k, k)}" for role, k in draft.participants)
                out.append([row.locator, "event", draft.type, draft.start or "", who])
    return out


def _norm(text: str) -> str:
    return text.strip().casefold().replace(" ", "_")


def _column_of(template: Any, where: str) -> str:
    """'{Phone}' -> 'Phone': the one shape of value the editor shows."""
    text = template if isinstance(template, str) else ""
    inner = text[1:-1]
    if not (text.startswith("{") and text.endswith("}")) or not inner or "{" in inner + "}":
        raise SpecError(f"{where} is {template!r}; the editor shows only one '{{column}}' each")
    return inner


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


def _choose(combo: QComboBox, data: str) -> bool:
    index = combo.findData(data)
    if index >= 0:
        combo.setCurrentIndex(index)
    return index >= 0


class EntityPanel(QWidget):
    """One entity each row makes: its name in the spec, type, label and properties."""

    changed = Signal()

    def __init__(self, schema: Schema, columns: list[str], name: str, type_name: str) -> None:
        super().__init__()
        self.schema, self.columns = schema, columns
        self.name = QLineEdit(name)
        self.name.setToolTip("How links and the event refer to this entity")
        self.type = QComboBox()
        for typedef in sorted(schema.of_kind("entity"), key=lambda t: t.label):
            self.type.addItem(typedef.label, typedef.name)
        self.label_column = QComboBox()
        self.label_column.addItem(IGNORE, "")
        for column in columns:
            self.label_column.addItem(column, column)
        self.mapping = QTableWidget(len(columns), 2)
        self.mapping.setHorizontalHeaderLabels(["Column", "Property"])
        self.mapping.verticalHeader().hide()
        self.mapping.horizontalHeader().setStretchLastSection(True)
        form = QFormLayout()
        form.addRow("Name", self.name)
        form.addRow("Each row makes a", self.type)
        form.addRow("Label from", self.label_column)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(form)
        layout.addWidget(self.mapping, 1)
        _choose(self.type, type_name)
        self._type_changed()
        self.type.currentIndexChanged.connect(self._type_changed)
        self.label_column.currentIndexChanged.connect(self.changed)
        self.name.textChanged.connect(self.changed)

    @property
    def type_name(self) -> str:
        return str(self.type.currentData())

    def _type_changed(self) -> None:
        typedef = self.schema.types[self.type_name]
        for row, column in enumerate(self.columns):
            self.mapping.setItem(row, 0, QTableWidgetItem(column))
            combo = QComboBox()
            combo.addItem(IGNORE, "")
            for prop, definition in typedef.properties.items():
                combo.addItem(definition.label, prop)
            # A column named like a property (or its label) is mapped to it at once.
            wanted = _norm(column)
            for index in range(1, combo.count()):
                if wanted in (_norm(str(combo.itemData(index))), _norm(combo.itemText(index))):
                    combo.setCurrentIndex(index)
            combo.currentIndexChanged.connect(self.changed)
            old = self.mapping.cellWidget(row, 1)
            if old is not None:
                old.hide()  # Qt deletes it later; hidden, it cannot linger over the table
            self.mapping.setCellWidget(row, 1, combo)
        self.mapping.resizeColumnToContents(0)
        self.changed.emit()

    def _combo(self, column: str) -> QComboBox:
        combo = self.mapping.cellWidget(self.columns.index(column), 1)
        assert isinstance(combo, QComboBox)
        return combo

    def set_property(self, column: str, prop: str) -> None:
        """Feed `prop` from `column` ('' leaves the column out)."""
        combo = self._combo(column)
        combo.setCurrentIndex(max(0, combo.findData(prop)))

    def rule(self) -> dict[str, Any]:
        chosen = {}
        for column in self.columns:
            prop = self._combo(column).currentData()
            if prop:
                chosen[column] = str(prop)
        return entity_rule(self.type_name, str(self.label_column.currentData() or ""), chosen)

    def set_rule(self, rule: Any, where: str) -> None:
        """Show `rule` (an entity of a spec); SpecError when the editor cannot show it."""
        if not isinstance(rule, dict):
            raise SpecError(f"{where} is not a mapping")
        extra = sorted(set(rule) - {"type", "label", "properties"})
        if extra:
            raise SpecError(f"{where} uses {', '.join(extra)}, which the editor does not show")
        if not _choose(self.type, str(rule.get("type"))):
            raise SpecError(f"{where}.type: no entity type {rule.get('type')!r}")
        for column in self.columns:
            self.set_property(column, "")
        props = rule.get("properties") or {}
        for prop, template in props.items():
            column = _column_of(template, f"{where}.properties.{prop}")
            if column not in self.columns:
                raise SpecError(f"{where}.properties.{prop}: the file has no column {column!r}")
            if self._combo(column).currentData():
                raise SpecError(f"{where}: the column {column!r} feeds two properties")
            if self._combo(column).findData(prop) < 0:
                raise SpecError(f"{where}.properties: {rule['type']} has no property {prop!r}")
            self.set_property(column, str(prop))
        label = rule.get("label")
        column = _column_of(label, f"{where}.label") if label else ""
        if not _choose(self.label_column, column):
            raise SpecError(f"{where}.label: the file has no column {column!r}")


class MappingEditor(QDialog):
    """After `accepted`, `spec` and `spec_name` describe the mapping (saved with the import).

    `saved` offers specs kept in the case (by name) to start from; `initial` opens one.
    """

    def __init__(
        self,
        schema: Schema,
        path: Path,
        parent: QWidget | None = None,
        *,
        saved: dict[str, dict[str, Any]] | None = None,
        initial: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(parent)
        self.schema, self.path, self.saved = schema, path, dict(saved or {})
        self._quiet = True  # no previews while the editor is being put together
        self.setWindowTitle(f"Mapping for {path.name}")
        self.columns, rows, where = first_rows(path)
        self.name = QLineEdit(path.stem)
        self.start_from = QComboBox()
        self.start_from.addItem("(a new mapping)", "")
        for name in sorted(self.saved):
            self.start_from.addItem(name, name)
        self.start_from.setEnabled(bool(self.saved))
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.raw = QTableWidget()
        _fill(self.raw, self.columns, [[row.get(c, "") for c in self.columns] for row in rows])
        self.raw.setVerticalHeaderLabels(where)
        self.entities = QTabWidget()
        add, remove = QPushButton("Add entity"), QPushButton("Remove entity")
        add.clicked.connect(lambda: self.add_entity())
        remove.clicked.connect(lambda: self.remove_entity(self.entities.currentIndex()))
        self.remove_button = remove
        self.link_from, self.link_type, self.link_to = QComboBox(), QComboBox(), QComboBox()
        self.event_type, self.event_date = QComboBox(), QComboBox()
        self.event_type.addItem(NO_EVENT, "")
        for typedef in sorted(schema.of_kind("event"), key=lambda t: t.label):
            self.event_type.addItem(typedef.label, typedef.name)
        self.event_date.addItem("(no date)", "")
        for column in self.columns:
            self.event_date.addItem(column, column)
        self.roles = QTableWidget(0, 2)
        self.roles.setHorizontalHeaderLabels(["Entity", "Part in the event"])
        self.roles.verticalHeader().hide()
        self.roles.horizontalHeader().setStretchLastSection(True)
        self.made = QTableWidget()
        self.made.verticalHeader().hide()  # its first column says which row of the file
        self._lay_out(add, remove)
        for combo in (self.link_from, self.link_to):
            combo.currentIndexChanged.connect(self._ends_changed)
        self.link_type.currentIndexChanged.connect(self.update_preview)
        self.event_type.currentIndexChanged.connect(self._event_changed)
        self.event_date.currentIndexChanged.connect(self.update_preview)
        self.name.textChanged.connect(self.update_preview)
        self.start_from.activated.connect(self._start_from)
        self.add_entity()
        self._quiet = False
        if initial is not None:
            self.set_spec(initial)
        else:
            self._entities_changed()
        self.resize(1240, 720)

    def _lay_out(self, add: QPushButton, remove: QPushButton) -> None:
        top = QFormLayout()
        top.addRow("Spec name", self.name)
        top.addRow("Start from", self.start_from)
        entity_buttons = QHBoxLayout()
        entity_buttons.addWidget(QLabel("<b>Entities each row makes</b>"))
        entity_buttons.addStretch(1)
        entity_buttons.addWidget(add)
        entity_buttons.addWidget(remove)
        link = QHBoxLayout()
        link.addWidget(QLabel("Link"))
        link.addWidget(self.link_from, 1)
        link.addWidget(self.link_type, 1)
        link.addWidget(self.link_to, 1)
        event = QHBoxLayout()
        event.addWidget(QLabel("Event"))
        event.addWidget(self.event_type, 1)
        event.addWidget(QLabel("dated by"))
        event.addWidget(self.event_date, 1)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        # The file and what it will make on the left, the mapping on the right: each
        # change on the right shows at once on the left.
        seen = QWidget()
        left = QVBoxLayout(seen)
        left.setContentsMargins(0, 0, 0, 0)
        left.addWidget(QLabel(f"<b>First rows of {self.path.name}</b>"))
        left.addWidget(self.raw, 1)
        left.addWidget(QLabel("<b>What the import will make of them</b>"))
        left.addWidget(self.made, 2)
        mapping = QWidget()
        right = QVBoxLayout(mapping)
        right.setContentsMargins(0, 0, 0, 0)
        right.addLayout(top)
        right.addWidget(self.note)
        right.addLayout(entity_buttons)
        right.addWidget(self.entities, 3)
        right.addLayout(link)
        right.addLayout(event)
        right.addWidget(self.roles, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(seen)
        splitter.addWidget(mapping)
        splitter.setSizes([640, 560])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(buttons)

    # -- entities ------------------------------------------------------------------------
    def panels(self) -> list[EntityPanel]:
        found = (self.entities.widget(i) for i in range(self.entities.count()))
        return [p for p in found if isinstance(p, EntityPanel)]

    def panel(self, name: str) -> EntityPanel:
        return next(p for p in self.panels() if p.name.text().strip() == name)

    def add_entity(self, type_name: str = "Person", name: str = "") -> EntityPanel:
        """Another entity each row makes (named after its type unless `name` is given)."""
        taken = {p.name.text().strip() for p in self.panels()}
        base = name or type_name.lower()
        name = (
            base
            if base not in taken
            else next(f"{base}{n}" for n in range(2, 100) if f"{base}{n}" not in taken)
        )
        panel = EntityPanel(self.schema, self.columns, name, type_name)
        panel.changed.connect(self._entities_changed)
        self.entities.addTab(panel, name)
        self.entities.setCurrentWidget(panel)
        self._entities_changed()
        return panel

    def remove_entity(self, index: int) -> None:
        if self.entities.count() > 1 and 0 <= index < self.entities.count():
            widget = self.entities.widget(index)
            self.entities.removeTab(index)
            if widget is not None:
                widget.deleteLater()
            self._entities_changed()

    def _entities_changed(self) -> None:
        """Names or types changed: the tabs, link ends and event roles follow."""
        if self._quiet:
            return
        self._quiet = True
        panels = self.panels()
        for index, panel in enumerate(panels):
            self.entities.setTabText(index, panel.name.text().strip() or "?")
        self.remove_button.setEnabled(len(panels) > 1)
        names = [p.name.text().strip() for p in panels]
        for combo, fallback in ((self.link_from, 0), (self.link_to, 1)):
            kept = combo.currentData()
            combo.clear()
            for name in names:
                combo.addItem(name, name)
            if not _choose(combo, str(kept)):
                combo.setCurrentIndex(min(fallback, combo.count() - 1))
        self._quiet = False
        self._ends_changed()
        self._event_changed()

    def _ends_changed(self) -> None:
        """The link types the schema allows from the first chosen entity to the second."""
        if self._quiet:
            return
        self._quiet = True
        kept = self.link_type.currentData()
        self.link_type.clear()
        self.link_type.addItem(NO_LINK, "")
        ends = [self.link_from.currentData(), self.link_to.currentData()]
        if all(ends) and ends[0] != ends[1]:
            source, target = (self.schema.lineage(self.panel(str(e)).type_name) for e in ends)
            for typedef in sorted(self.schema.of_kind("link"), key=lambda t: t.label):
                edge = typedef.edge
                if edge is None or typedef.name in NOT_DRAWN:
                    continue
                if source & set(edge.source) and target & set(edge.target):
                    self.link_type.addItem(edge.label, typedef.name)
        _choose(self.link_type, str(kept or ""))
        self._quiet = False
        self.update_preview()

    def _event_changed(self) -> None:
        """One row per entity, each with the parts it can play in the chosen event."""
        if self._quiet:
            return
        self._quiet = True
        kept = self.participants()
        typedef = self.schema.types.get(str(self.event_type.currentData() or ""))
        parts = typedef.participants if typedef else ()
        names = [p.name.text().strip() for p in self.panels()]
        self.roles.setRowCount(len(names) if typedef else 0)
        for row, name in enumerate(names if typedef else []):
            self.roles.setItem(row, 0, QTableWidgetItem(name))
            combo = QComboBox()
            combo.addItem("(not in the event)", "")
            for part in parts:
                combo.addItem(part, part)
            for part, entity in kept.items():
                if entity == name:
                    _choose(combo, part)
            combo.currentIndexChanged.connect(self.update_preview)
            self.roles.setCellWidget(row, 1, combo)
        self.roles.setEnabled(typedef is not None)
        self.event_date.setEnabled(typedef is not None)
        self._quiet = False
        self.update_preview()

    def participants(self) -> dict[str, str]:
        """Part in the event -> entity name, as chosen."""
        chosen = {}
        for row in range(self.roles.rowCount()):
            item, combo = self.roles.item(row, 0), self.roles.cellWidget(row, 1)
            if item is not None and isinstance(combo, QComboBox) and combo.currentData():
                chosen[str(combo.currentData())] = item.text()
        return chosen

    def set_role(self, entity: str, part: str) -> None:
        for row in range(self.roles.rowCount()):
            item, combo = self.roles.item(row, 0), self.roles.cellWidget(row, 1)
            if item is not None and item.text() == entity and isinstance(combo, QComboBox):
                combo.setCurrentIndex(max(0, combo.findData(part)))

    # -- the spec ------------------------------------------------------------------------
    @property
    def spec_name(self) -> str:
        return self.name.text().strip() or self.path.stem

    @property
    def spec(self) -> dict[str, Any]:
        spec: dict[str, Any] = {"name": self.spec_name, "entities": {}}
        for panel in self.panels():
            spec["entities"][panel.name.text().strip()] = panel.rule()
        if self.link_type.currentData():
            spec["links"] = [
                {
                    "type": str(self.link_type.currentData()),
                    "source": str(self.link_from.currentData()),
                    "target": str(self.link_to.currentData()),
                }
            ]
        if self.event_type.currentData():
            event: dict[str, Any] = {"type": str(self.event_type.currentData())}
            if self.event_date.currentData():
                event["start"] = f"{{{self.event_date.currentData()}}}"
            if self.participants():
                event["participants"] = self.participants()
            spec["event"] = event
        return spec

    def set_spec(self, spec: dict[str, Any]) -> bool:
        """Show a spec of the editor's own shape; False (said in the note, and the mapping
        on screen kept as it was) otherwise."""
        before = self.spec
        try:
            self._show_spec(spec)
        except SpecError as exc:
            with suppress(SpecError):
                self._show_spec(before)
            self.note.setText(f"This spec cannot be shown here ({exc}); edit it as YAML.")
            return False
        self.note.setText("")
        return True

    def _show_spec(self, spec: dict[str, Any]) -> None:
        unknown = set(spec) - {"name", "entities", "links", "event"}
        if unknown:
            raise SpecError(f"{', '.join(sorted(unknown))} is not shown by the editor")
        entities, links = spec.get("entities") or {}, spec.get("links") or []
        if not isinstance(entities, dict) or not entities or not isinstance(links, list):
            raise SpecError("the editor needs at least one entity")
        if len(links) > 1 or any(set(link) - {"type", "source", "target"} for link in links):
            raise SpecError("links: the editor shows one link with type, source and target")
        event = spec.get("event") or {}
        if set(event) - {"type", "start", "participants"} or not isinstance(
            event.get("type", ""), str
        ):
            raise SpecError("event: the editor shows a type, a date column and participants")
        self._quiet = True
        try:
            while self.entities.count():
                widget = self.entities.widget(0)
                self.entities.removeTab(0)
                if widget is not None:
                    widget.deleteLater()
            for name, rule in entities.items():
                panel = self.add_entity(str(rule.get("type", "")) or "Person", str(name))
                panel.set_rule(rule, f"entities.{name}")
            self.name.setText(str(spec.get("name", self.path.stem)))
        finally:
            self._quiet = False
        self._entities_changed()
        for link in links:
            _choose(self.link_from, str(link["source"]))
            _choose(self.link_to, str(link["target"]))
            if not _choose(self.link_type, str(link["type"])):
                raise SpecError(f"links: no {link['type']!r} link fits these two entities")
        if event and not _choose(self.event_type, str(event["type"])):
            raise SpecError(f"event.type: no event type {event['type']!r}")
        start = event.get("start")
        if start and not _choose(self.event_date, _column_of(start, "event.start")):
            raise SpecError(f"event.start: the file has no column {start!r}")
        for part, entity in (event.get("participants") or {}).items():
            self.set_role(str(entity), str(part))
        if event.get("participants", {}) and self.participants() != event["participants"]:
            raise SpecError("event.participants: a part the event type does not have")

    def _start_from(self) -> None:
        name = str(self.start_from.currentData() or "")
        if name and self.set_spec(self.saved[name]):
            self.name.setText(name)

    def update_preview(self) -> None:
        if self._quiet:
            return
        headers = ["Row", "Makes", "Type", "Name / link / date", "Details"]
        names = [p.name.text().strip() for p in self.panels()]
        if "" in names or len(set(names)) != len(names):
            rows = [["", "", "", "Give each entity its own name.", ""]]
        else:
            rows = preview(self.path, self.spec) or [
                ["", "", "", "Nothing yet: map a column to a property of an entity.", ""]
            ]
        _fill(self.made, headers, rows)
