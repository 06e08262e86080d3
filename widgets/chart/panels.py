"""Side panels of the chart: the "most connected" list (by degree or betweenness ...).

Clicking a row selects that entity everywhere (the shared selection) and centres the chart
on it, so "who are the most connected numbers" is one click from the answer.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from analyst_app.graph import MEASURES
from widgets.chart.widget import ChartWidget

ID_ROLE = Qt.ItemDataRole.UserRole


class MostConnected(QWidget):
    """A measure picker over a ranked list of the chart's entities."""

    def __init__(self, chart: ChartWidget, parent: QWidget | None = None, count: int = 15) -> None:
        super().__init__(parent)
        self.chart = chart
        self.count = count
        self.measure = QComboBox()
        self.measure.addItems(list(MEASURES))
        self.list = QListWidget()
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.measure)
        box.addWidget(self.list)
        self.measure.currentTextChanged.connect(self.refresh)
        self.list.itemClicked.connect(self._clicked)
        chart.loaded.connect(self.refresh)
        chart.undo_stack.indexChanged.connect(self.refresh)
        self.refresh()

    def refresh(self, *_: object) -> None:
        self.list.clear()
        if not self.chart.chart.nodes:
            return
        measure = self.measure.currentText()
        for node_id, label, score in self.chart.most_connected(measure, self.count):
            shown = f"{score:,.0f}" if measure == "degree" else f"{score:.3f}"
            item = QListWidgetItem(f"{label}  ({shown})")
            item.setData(ID_ROLE, node_id)
            item.setToolTip(node_id)
            self.list.addItem(item)

    def rows(self) -> list[str]:
        return [str(self.list.item(i).data(ID_ROLE)) for i in range(self.list.count())]

    def _clicked(self, item: QListWidgetItem) -> None:
        node_id = str(item.data(ID_ROLE))
        self.chart.selection.set([node_id], self)
        found = self.chart.chart_scene.items_by_id.get(node_id)
        if found is not None:
            self.chart.centerOn(found)
