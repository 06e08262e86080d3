"""The case sidebar: entities by type with counts, sources, findings, saved views.

Clicking an entity type selects its entities; a finding selects the entities it names;
a source opens its quarantined rows. Findings are read as plain rows
(`edits_more.finding_rows`), so the sidebar never loads the rules to list them.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHeaderView, QTreeWidget, QTreeWidgetItem, QWidget

from analyst_app.store import edits_more
from analyst_app.store.case import Case
from widgets.selection import SelectionModel

KIND = Qt.ItemDataRole.UserRole
VALUE = Qt.ItemDataRole.UserRole + 1
SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}


class Sidebar(QTreeWidget):
    sourceActivated = Signal(int)
    viewActivated = Signal(str)

    def __init__(
        self, case: Case, selection: SelectionModel, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.case, self.selection = case, selection
        self.setColumnCount(2)
        self.setHeaderHidden(True)
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.setRootIsDecorated(True)
        self.itemClicked.connect(self._clicked)
        self.itemActivated.connect(self._activated)
        self.refresh()

    def tops(self) -> list[QTreeWidgetItem]:
        found = (self.topLevelItem(i) for i in range(self.topLevelItemCount()))
        return [item for item in found if item is not None]

    @staticmethod
    def items_under(item: QTreeWidgetItem) -> list[QTreeWidgetItem]:
        found = (item.child(i) for i in range(item.childCount()))
        return [child for child in found if child is not None]

    def counts(self) -> dict[str, int]:
        """Entity counts by type as shown (for tests and the status bar)."""
        return {
            str(child.data(0, VALUE)): int(child.text(1).replace(",", ""))
            for child in self.items_under(self._section("entities"))
        }

    def _section(self, kind: str) -> QTreeWidgetItem:
        for item in self.tops():
            if item.data(0, KIND) == kind:
                return item
        raise KeyError(kind)

    def refresh(self) -> None:
        expanded = {item.data(0, KIND) for item in self.tops() if item.isExpanded()}
        self.clear()
        counts = edits_more.entity_counts(self.case)
        entities = self._add_section("entities", "Entities", sum(counts.values()))
        for type_name, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
            typedef = self.case.schema.get(type_name)
            item = QTreeWidgetItem(
                entities, [typedef.plural if typedef else type_name, f"{count:,}"]
            )
            item.setData(0, KIND, "type")
            item.setData(0, VALUE, type_name)
            item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight)
        rows = edits_more.sources(self.case)
        sources = self._add_section("sources", "Sources", len(rows))
        for source in rows:
            note = f"{source.quarantined:,} quarantined" if source.quarantined else ""
            item = QTreeWidgetItem(sources, [source.file_name, note])
            item.setToolTip(
                0, f"{source.importer} · imported {source.imported_at}\n{source.sha256}"
            )
            item.setData(0, KIND, "source")
            item.setData(0, VALUE, source.id)
        open_ones = [f for f in edits_more.finding_rows(self.case) if f.state != "dismissed"]
        findings = self._add_section("findings", "Findings", len(open_ones))
        for finding in sorted(open_ones, key=lambda f: SEVERITY_ORDER.get(f.severity, 3)):
            item = QTreeWidgetItem(findings, [finding.title, finding.severity])
            item.setToolTip(0, finding.explanation)
            item.setData(0, KIND, "finding")
            item.setData(0, VALUE, list(finding.entities))
        names = edits_more.chart_view_names(self.case)
        views = self._add_section("views", "Saved views", len(names))
        for name in names:
            item = QTreeWidgetItem(views, [name, ""])
            item.setData(0, KIND, "view")
            item.setData(0, VALUE, name)
        for top in self.tops():
            top.setExpanded(not expanded or top.data(0, KIND) in expanded)

    def _add_section(self, kind: str, title: str, count: int) -> QTreeWidgetItem:
        item = QTreeWidgetItem(self, [title, f"{count:,}"])
        item.setData(0, KIND, kind)
        font = item.font(0)
        font.setBold(True)
        item.setFont(0, font)
        item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight)
        return item

    def _clicked(self, item: QTreeWidgetItem, _column: int) -> None:
        kind, value = item.data(0, KIND), item.data(0, VALUE)
        if kind == "type":
            self.selection.set(edits_more.entities_of_type(self.case, str(value)), self)
        elif kind == "finding":
            self.selection.set(value or [], self)

    def _activated(self, item: QTreeWidgetItem, _column: int) -> None:
        kind, value = item.data(0, KIND), item.data(0, VALUE)
        if kind == "source":
            self.sourceActivated.emit(int(value))
        elif kind == "view":
            self.viewActivated.emit(str(value))
