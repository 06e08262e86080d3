"""The chart's scene: an item per entity (id -> item), the edge and detail layers, and the
state an analyst changes (positions, hidden, pinned, a time window, a highlighted path).

The same scene draws in the widget, in `threadline chart` (headless export) and, later, in
the brief, so all three show one picture. Nothing here knows about views or undo.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from PySide6.QtCore import QObject, QRectF
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QGraphicsScene

from analyst_app.collector import collection_paused
from analyst_app.graph import XY, ChartGraph, Positions
from analyst_app.schema.grading import GradingScheme
from analyst_app.schema.loader import Schema
from widgets.chart.layers import EdgeLayer
from widgets.chart.nodes import DetailLayer, NodeItem
from widgets.chart.style import BACKGROUND, ROLE_RING, ChartStyle, Look, icon_name, look

MARGIN = 120.0
LANDMARKS = 12
SUBJECTS = 40  # suspects and victims labelled at any zoom (the demo has 14)


class ChartScene(QGraphicsScene):
    """Items for one ChartGraph laid out at given positions."""

    def __init__(
        self, schema: Schema, scheme: GradingScheme, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.schema = schema
        self.scheme = scheme
        self.chart = ChartGraph.assemble([], [], {})
        self.chart_style = ChartStyle()
        self.look = Look()
        self.items_by_id: dict[str, NodeItem] = {}
        self.hidden: set[str] = set()
        self.active_keys: set[str] | None = None  # time window: edge keys with activity
        self.selected: set[str] = set()
        self.path: list[str] = []
        self.cache: dict[str, Any] = {}  # derived from the chart and style (the legend)
        self.edge_layer = EdgeLayer([], [])
        self.detail_layer = DetailLayer(self.items_by_id)
        self.setBackgroundBrush(QColor(BACKGROUND))

    # -- building --------------------------------------------------------------------
    def populate(
        self,
        chart: ChartGraph,
        positions: Mapping[str, XY],
        style: ChartStyle | None = None,
        *,
        hidden: Iterable[str] = (),
        pinned: Iterable[str] = (),
    ) -> None:
        """Replace everything with `chart` at `positions` (every node must have one)."""
        with collection_paused():  # 10,000 entities make 60,000 objects: no full sweeps
            self._populate(chart, positions, style, set(hidden), set(pinned))

    def _populate(
        self,
        chart: ChartGraph,
        positions: Mapping[str, XY],
        style: ChartStyle | None,
        hidden: set[str],
        pins: set[str],
    ) -> None:
        self.clear()
        self.cache = {}
        self.chart = chart
        self.chart_style = style or self.chart_style
        self.look = look(chart, self.chart_style, self.schema, self.scheme)
        self.items_by_id = {}
        self.hidden = hidden & set(chart.nodes)
        self.active_keys = None
        self.path = []
        self.selected = set()
        for node_id, node in chart.nodes.items():
            item = NodeItem(
                node_id,
                self.look.sizes.get(node_id, 28.0),
                self.look.colours.get(node_id, "#607d8b"),
                ROLE_RING.get(node.role or ""),
            )
            item.icon = icon_name(self.schema, node)
            item.label = node.label or node_id
            item.pinned = node_id in pins
            item.more = chart.collapsed.get(node_id, 0)
            x, y = positions[node_id]
            item.setPos(x, y)
            if node_id in self.hidden:
                item.setVisible(False)
            self.addItem(item)
            self.items_by_id[node_id] = item
        ends = [(self.items_by_id[e.source], self.items_by_id[e.target]) for e in chart.edges]
        self.edge_layer = EdgeLayer(chart.edges, ends)
        self.edge_layer.show_labels = self.chart_style.link_labels
        self.detail_layer = DetailLayer(self.items_by_id)
        self.detail_layer.show_labels = self.chart_style.labels
        self.detail_layer.landmarks = self._landmarks()
        self.addItem(self.edge_layer)
        self.addItem(self.detail_layer)
        self._apply_visibility()
        self.fit_rect()

    def _landmarks(self, count: int = LANDMARKS) -> list[str]:
        """Entities labelled at any zoom: suspects and victims first (who the case is
        about), then the most central (by the size measure) when sizes say anything."""
        nodes = self.chart.nodes
        subjects = sorted(
            (n for n in nodes.values() if n.role in ("suspect", "victim")),
            key=lambda n: (n.role != "suspect", -n.degree, n.id),
        )
        out = [n.id for n in subjects[:SUBJECTS]]
        sizes = self.look.sizes
        if sizes and max(sizes.values()) > min(sizes.values()) * 1.2:
            floor = min(sizes.values()) * 1.2
            order = sorted(sizes, key=lambda n: (-sizes[n], n))
            out += [n for n in order[:count] if sizes[n] > floor and n not in out]
        return out

    def fit_rect(self) -> QRectF:
        """Size the scene (and the layers) to the nodes plus a margin; returns the rect."""
        if self.items_by_id:
            points = [item.pos() for item in self.items_by_id.values()]
            reach = max(item.radius for item in self.items_by_id.values()) + MARGIN
            xs, ys = [p.x() for p in points], [p.y() for p in points]
            rect = QRectF(min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys))
            rect = rect.adjusted(-reach, -reach, reach, reach)
        else:
            rect = QRectF()
        if not rect.isValid():
            rect = QRectF(-200, -150, 400, 300)
        self.setSceneRect(rect)
        self.edge_layer.cover(rect)
        self.detail_layer.cover(rect)
        return rect

    def restyle(self, style: ChartStyle) -> None:
        """New colours and sizes for the same chart and positions."""
        self.populate(self.chart, self.positions(), style, hidden=self.hidden, pinned=self.pinned())

    # -- state -----------------------------------------------------------------------
    def positions(self) -> Positions:
        return {i: (item.pos().x(), item.pos().y()) for i, item in self.items_by_id.items()}

    def pinned(self) -> set[str]:
        return {i for i, item in self.items_by_id.items() if item.pinned}

    def move(self, positions: Mapping[str, XY]) -> None:
        for node_id, (x, y) in positions.items():
            item = self.items_by_id.get(node_id)
            if item is not None:
                item.setPos(x, y)
        self.edge_layer.refresh()
        self.detail_layer.reindex()

    def set_pinned(self, ids: Iterable[str], pinned: bool) -> None:
        for node_id in ids:
            if node_id in self.items_by_id:
                self.items_by_id[node_id].pinned = pinned
        self.detail_layer.update()

    def set_hidden(self, ids: Iterable[str], hidden: bool) -> None:
        ids = set(ids) & set(self.items_by_id)
        self.hidden = self.hidden | ids if hidden else self.hidden - ids
        self._apply_visibility()

    def set_active(self, keys: set[str] | None) -> None:
        """Keep only edges whose key is in `keys` (a time window); None shows all again."""
        self.active_keys = keys
        self._apply_visibility()

    def set_selected(self, ids: Iterable[str]) -> None:
        new = set(ids) & set(self.items_by_id)
        for node_id in self.selected ^ new:
            self.items_by_id[node_id].restyle(selected=node_id in new, on_path=node_id in self.path)
        self.selected = new

    def set_path(self, path: list[str]) -> None:
        """Highlight a path (node ids in order): its nodes ringed, its edges thick and red."""
        old = set(self.path)
        self.path = [n for n in path if n in self.items_by_id]
        for node_id in old | set(self.path):
            self.items_by_id[node_id].restyle(
                selected=node_id in self.selected, on_path=node_id in self.path
            )
        steps = {frozenset(p) for p in zip(self.path, self.path[1:], strict=False)}
        self.edge_layer.set_highlight(
            i for i, e in enumerate(self.chart.edges) if frozenset((e.source, e.target)) in steps
        )

    def _apply_visibility(self) -> None:
        """Hidden entities and their edges go; in a time window, edges without activity go,
        and so do entities left with no edge in it."""
        keys = self.active_keys
        flags = [
            e.source not in self.hidden
            and e.target not in self.hidden
            and (keys is None or e.key in keys)
            for e in self.chart.edges
        ]
        self.edge_layer.set_visible(flags)
        active: set[str] | None = None
        if keys is not None:
            active = {n for e, shown in zip(self.chart.edges, flags, strict=True) if shown
                      for n in (e.source, e.target)}  # fmt: skip
        for node_id, item in self.items_by_id.items():
            show = node_id not in self.hidden and (active is None or node_id in active)
            if item.isVisible() != show:
                item.setVisible(show)
        self.detail_layer.invalidate()

    def visible_link_count(self) -> int:
        return self.edge_layer.visible_count()

    def visible_entity_count(self) -> int:
        return sum(1 for item in self.items_by_id.values() if item.isVisible())

    def visible_ids(self) -> list[str]:
        return [i for i, item in self.items_by_id.items() if item.isVisible()]

    def ids_in(self, rect: QRectF) -> list[str]:
        """Visible entities whose disc touches `rect` (scene coordinates)."""
        return sorted(
            item.node_id
            for item in self.items(rect)
            if isinstance(item, NodeItem) and item.isVisible()
        )
