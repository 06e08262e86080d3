"""Side panels of the chart: the "most connected" list (by degree or betweenness ...).

Clicking a row selects that entity everywhere (the shared selection) and centres the chart
on it, so "who are the most connected numbers" is one click from the answer. The scores
are kept with the chart (style.scores); a big chart's first betweenness or closeness is
worked out on the pool (closeness of 10,000 entities: 4 s), with the busy panel and Cancel.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from analyst_app.graph import MEASURES, ChartGraph
from widgets.chart.style import scores
from widgets.chart.widget import ChartWidget
from widgets.loading import BusyPanel, Loader

ID_ROLE = Qt.ItemDataRole.UserRole
Rows = list[tuple[str, str, float]]


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
        self.panel = BusyPanel(self, top=None)
        self.loader = Loader(self.panel)
        self.loader.done.connect(self._measured)
        self._shown: tuple[int, str] | None = None  # (chart, measure) the list is for
        self.measure.currentTextChanged.connect(self.refresh)
        self.list.itemClicked.connect(self._clicked)
        chart.rebuilt.connect(self.refresh)
        self.refresh()

    def refresh(self, *_: object) -> None:
        graph, measure = self.chart.chart, self.measure.currentText()
        if self._shown == (id(graph), measure):
            return  # hidden, pinned or moved: the same chart, the same ranking
        if not graph.nodes:
            self.loader.cancel()
            self._fill(graph, measure, [])
        elif len(graph) < self.chart.background_from or f"scores:{measure}" in graph.cache:
            self.loader.cancel()
            self._fill(graph, measure, self.chart.most_connected(measure, self.count))
        else:
            self.list.clear()
            self._shown = None

            def work(_progress: object, _cancelled: object, _say: object) -> object:
                scores(graph, measure)
                return graph, measure

            self.loader.request(work, f"Measuring {measure} of {len(graph):,} entities…")

    def _measured(self, result: object) -> None:
        graph, measure = result  # type: ignore[misc]
        if graph is self.chart.chart and measure == self.measure.currentText():
            self._fill(graph, measure, self.chart.most_connected(measure, self.count))

    def _fill(self, graph: ChartGraph, measure: str, rows: Rows) -> None:
        self.list.clear()
        for node_id, label, score in rows:
            shown = f"{score:,.0f}" if measure == "degree" else f"{score:.3f}"
            item = QListWidgetItem(f"{label}  ({shown})")
            item.setData(ID_ROLE, node_id)
            item.setToolTip(node_id)
            self.list.addItem(item)
        self._shown = (id(graph), measure)

    def busy(self) -> bool:
        return self.loader.busy()

    def rows(self) -> list[str]:
        return [str(self.list.item(i).data(ID_ROLE)) for i in range(self.list.count())]

    def _clicked(self, item: QListWidgetItem) -> None:
        node_id = str(item.data(ID_ROLE))
        self.chart.selection.set([node_id], self)
        found = self.chart.chart_scene.items_by_id.get(node_id)
        if found is not None:
            self.chart.centerOn(found)
