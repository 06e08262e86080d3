"""The link chart widget: a QGraphicsView over a ChartScene, wired to the shared selection
and the undo stack.

Mouse: click selects (Ctrl/Shift adds), dragging a selected entity moves the selection (one
undo step per drag), dragging on empty space draws a rubber band, wheel zooms about the
cursor, middle button pans, double-click activates. Keys: + / - zoom, arrows pan, F fits,
H hides the selection, Shift+H shows all, P pins, E expands neighbours, Ctrl+A selects
all. Every edit goes on the undo stack as a QUndoCommand.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QPoint, QPointF, QRect, QRectF, Qt, Signal
from PySide6.QtGui import (
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QResizeEvent,
    QUndoStack,
    QWheelEvent,
)
from PySide6.QtWidgets import QGraphicsView, QLabel, QWidget

from analyst_app.graph import ChartGraph, layout
from analyst_app.graph.overview import case_network
from analyst_app.store.case import Case
from widgets.chart.actions import ChartActions
from widgets.chart.commands import FlagCommand, MoveCommand
from widgets.chart.layers import SMOOTH_FROM
from widgets.chart.legend import LegendOverlay
from widgets.chart.nodes import NodeItem
from widgets.chart.scene import ChartScene
from widgets.chart.style import ChartStyle
from widgets.chart.timewindow import banner_text, window_keys
from widgets.selection import SelectionModel

ZOOM_STEP = 1.25
MIN_SCALE, MAX_SCALE = 0.01, 8.0
DRAG_PIXELS = 4  # a press that moves less than this is a click, not a drag


# Room kept around the fitted entities for the half of a label that overhangs (pixels).
LABEL_ROOM_PX = (90, 28)


class ChartWidget(ChartActions, QGraphicsView):
    """The analyst's link chart over `case`, sharing `selection`, editing through `undo_stack`."""

    activated = Signal(str)
    loaded = Signal()
    laidOut = Signal()  # a re-layout, expand, scope change, view or style has been applied
    rebuilt = Signal()  # the scene was built again: another chart, layout or style
    problem = Signal(str)  # a user-level problem in one sentence (the window's status bar)

    def __init__(
        self,
        case: Case,
        selection: SelectionModel,
        undo_stack: QUndoStack,
        parent: QWidget | None = None,
    ) -> None:
        QGraphicsView.__init__(self, parent)
        self.case = case
        self.selection = selection
        self.undo_stack = undo_stack
        self.chart_scene = ChartScene(case.schema, case.grading, self)
        self.setScene(self.chart_scene)
        self.layout_name = "force"
        self.seed = 0
        self.time_window: tuple[str | None, str | None] = (None, None)
        self._window_cache: dict[tuple[str | None, str | None], set[str]] = {}
        self._press: QPoint | None = None
        self._drag_from: dict[str, QPointF] | None = None
        self._press_scene = QPointF()
        self._panning: QPoint | None = None
        self._band: QRectF | None = None
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        self.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        self.setOptimizationFlag(QGraphicsView.OptimizationFlag.DontSavePainterState, True)
        self.setOptimizationFlag(QGraphicsView.OptimizationFlag.DontAdjustForAntialiasing, True)
        self.setCacheMode(QGraphicsView.CacheModeFlag.CacheBackground)
        self.setDragMode(QGraphicsView.DragMode.RubberBandDrag)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.rubberBandChanged.connect(self._band_changed)
        # The banner is a child of the viewport (a sibling overlapping it would turn every
        # scroll into a full repaint); scrolling carries it along, so it is put back.
        self.legend = LegendOverlay(self)
        self.banner = QLabel(self.viewport())
        self.banner.setStyleSheet(
            "background: rgba(255, 243, 224, 235); color: #4e342e; border: 1px solid #ffb74d;"
            " border-radius: 4px; padding: 3px 8px;"
        )
        self.banner.hide()
        selection.changed.connect(self._selection_changed)
        self.horizontalScrollBar().valueChanged.connect(self._view_moved)
        self.verticalScrollBar().valueChanged.connect(self._view_moved)
        self.setup_actions()
        self.setup_background()

    # -- loading -------------------------------------------------------------------
    def load(
        self,
        chart: ChartGraph | None = None,
        *,
        layout_name: str = "force",
        seed: int = 0,
        style: ChartStyle | None = None,
    ) -> None:
        """Show `chart` laid out by `layout_name`; clears undo. None: the case network
        (suspects, victims, findings and their strongest ties; the whole case when it has
        none of those), with "+N" on entities whose other ties wait for "expand"."""
        chart = case_network(self.case) if chart is None else chart
        self.layout_name, self.seed = layout_name, seed
        positions = layout(chart, layout_name, seed=seed)
        self.chart_scene.populate(chart, positions, style)
        self._after_rebuild()
        self.undo_stack.clear()
        self.fit()
        self.loaded.emit()

    def _after_rebuild(self) -> None:
        self._window_cache.clear()
        if self.time_window != (None, None):
            self._apply_window()
        self.chart_scene.set_selected(self.selection.ids())
        self.legend.place()
        self._view_moved()
        self.rebuilt.emit()

    @property
    def chart(self) -> ChartGraph:
        return self.chart_scene.chart

    def tell(self, sentence: str) -> None:
        self.problem.emit(sentence)

    # -- public answers ----------------------------------------------------------------
    def visible_link_count(self) -> int:
        return self.chart_scene.visible_link_count()

    def visible_entity_count(self) -> int:
        return self.chart_scene.visible_entity_count()

    def fit(self) -> None:
        """Fit the visible entities into the view (the whole chart if none is visible)."""
        rect = QRectF()
        for item in self.chart_scene.items_by_id.values():
            if item.isVisible():
                rect = rect.united(item.sceneBoundingRect())
        if not rect.isValid():
            rect = self.chart_scene.sceneRect()
        self.fitInView(rect.adjusted(-40, -40, 40, 40), Qt.AspectRatioMode.KeepAspectRatio)
        # Labels keep their size on screen and are centred on their entity, so an entity on
        # the edge would have half its name cut off: fit again with room for them, in
        # scene units at the scale just found.
        scale = self.transform().m11() or 1.0
        wide, tall = LABEL_ROOM_PX[0] / scale, LABEL_ROOM_PX[1] / scale
        self.fitInView(rect.adjusted(-wide, -tall, wide, tall), Qt.AspectRatioMode.KeepAspectRatio)
        self._clamp_zoom()
        self._view_moved()

    # -- time window -----------------------------------------------------------------
    def set_time_window(self, start_utc: str | None, end_utc: str | None) -> int:
        """Show only links with activity in [start, end); (None, None) clears. Returns the
        number of links left visible."""
        self.time_window = (start_utc or None, end_utc or None)
        self._apply_window()
        return self.visible_link_count()

    def _apply_window(self) -> None:
        if self.time_window == (None, None):
            self.chart_scene.set_active(None)
            self.banner.hide()
            return
        keys = self._window_cache.get(self.time_window)
        if keys is None:
            keys = window_keys(self.case, self.chart, *self.time_window)
            self._window_cache[self.time_window] = keys
        self.chart_scene.set_active(keys)
        self.banner.setText(
            banner_text(
                *self.time_window, self.visible_link_count(), len(self.chart.edges), self.case
            )
        )
        self.banner.adjustSize()
        self.banner.move(10, 10)
        self.banner.show()
        self.banner.raise_()

    # -- selection -------------------------------------------------------------------
    def _selection_changed(self, ids: frozenset[str], origin: object) -> None:
        if origin is self:
            return
        self.chart_scene.set_selected(ids)

    def _select(self, ids: Iterable[str], *, add: bool = False) -> None:
        new = set(ids)
        if add:
            new ^= self.chart_scene.selected & new  # Ctrl-click on a selected one drops it
            new |= self.chart_scene.selected - set(ids)
        self.chart_scene.set_selected(new)
        # Keep selected ids of other views (events, links) that this chart does not show.
        foreign = {i for i in self.selection.ids() if i not in self.chart_scene.items_by_id}
        self.selection.set(foreign | self.chart_scene.selected, self)

    def selected_ids(self) -> list[str]:
        return sorted(self.chart_scene.selected)

    # -- mouse -----------------------------------------------------------------------
    def node_at(self, pos: QPoint) -> NodeItem | None:
        for item in self.items(pos):
            if isinstance(item, NodeItem) and item.isVisible():
                return item
        return None

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.MiddleButton:
            self._panning = event.position().toPoint()
            self.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
            return
        node = self.node_at(event.position().toPoint())
        if event.button() != Qt.MouseButton.LeftButton or node is None:
            self._band = None
            super().mousePressEvent(event)
            return
        add = bool(
            event.modifiers()
            & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
        )
        if add:
            self._select([node.node_id], add=True)
        elif node.node_id not in self.chart_scene.selected:
            self._select([node.node_id])
        self._press = event.position().toPoint()
        self._press_scene = self.mapToScene(self._press)
        items = self.chart_scene.items_by_id
        self._drag_from = {
            i: items[i].pos() for i in self.chart_scene.selected if items[i].isVisible()
        }

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._panning is not None:
            delta = event.position().toPoint() - self._panning
            self._panning = event.position().toPoint()
            self.pan(-delta.x(), -delta.y())
            return
        if self._drag_from is None or self._press is None:
            super().mouseMoveEvent(event)
            return
        moved = event.position().toPoint() - self._press
        if moved.manhattanLength() < DRAG_PIXELS:
            return
        shift = self.mapToScene(event.position().toPoint()) - self._press_scene
        for node_id, start in self._drag_from.items():
            self.chart_scene.items_by_id[node_id].setPos(start + shift)
        self.chart_scene.edge_layer.refresh()
        self.chart_scene.detail_layer.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._panning is not None:
            self._panning = None
            self.viewport().unsetCursor()
            return
        if self._drag_from is not None:
            items = self.chart_scene.items_by_id
            old = {i: (p.x(), p.y()) for i, p in self._drag_from.items()}
            new = {i: (items[i].pos().x(), items[i].pos().y()) for i in self._drag_from}
            self._drag_from, self._press = None, None
            if old != new:
                self.chart_scene.detail_layer.reindex()
                self.undo_stack.push(MoveCommand(self.chart_scene, old, new))
            event.accept()
            return
        band = self._band
        super().mouseReleaseEvent(event)
        if band is not None and band.width() > 0 and band.height() > 0:
            add = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
            self._select(self.chart_scene.ids_in(band), add=add)
        elif event.button() == Qt.MouseButton.LeftButton and band is None:
            self._select([])  # a click on empty space clears the selection
        self._band = None
        event.accept()

    def _band_changed(self, rect: QRect, start: QPointF, end: QPointF) -> None:
        # The scene points Qt passes lag one mouse move behind; the viewport rect does not.
        if not rect.isNull():
            self._band = self.mapToScene(rect).boundingRect()

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        node = self.node_at(event.position().toPoint())
        if node is not None:
            self.activated.emit(node.node_id)
            return
        super().mouseDoubleClickEvent(event)

    # -- zoom and pan ----------------------------------------------------------------
    def wheelEvent(self, event: QWheelEvent) -> None:
        steps = event.angleDelta().y() / 120
        if steps:
            self.zoom(ZOOM_STEP**steps)

    def zoom(self, factor: float) -> None:
        current = self.transform().m11()
        factor = max(MIN_SCALE / current, min(MAX_SCALE / current, factor))
        self.scale(factor, factor)
        self._view_moved()

    def _clamp_zoom(self) -> None:
        current = self.transform().m11()
        if current < MIN_SCALE or current > MAX_SCALE:
            self.zoom(1.0)

    def pan(self, dx: int, dy: int) -> None:
        """Scroll by (dx, dy) pixels. A diagonal step is two: across, painted at once,
        then down. Together Qt would expose an L of two strips and the view would hand
        each layer the rectangle around it, i.e. the whole view (a full repaint, 3-8x
        the cost of the two strips)."""
        across, down = self.horizontalScrollBar(), self.verticalScrollBar()
        if dx and dy and self.isVisible():
            before = across.value()
            across.setValue(before + dx)
            moved = across.value() - before
            if moved:
                port = self.viewport().rect()
                width = min(abs(moved), port.width())
                left = port.right() - width + 1 if moved > 0 else 0
                self.viewport().repaint(QRect(left, 0, width, port.height()))
        else:
            across.setValue(across.value() + dx)
        down.setValue(down.value() + dy)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = Qt.Key(event.key())
        step = max(40, self.viewport().width() // 10)
        moves = {
            Qt.Key.Key_Left: (-step, 0),
            Qt.Key.Key_Right: (step, 0),
            Qt.Key.Key_Up: (0, -step),
            Qt.Key.Key_Down: (0, step),
        }
        if key in moves:
            self.pan(*moves[key])
        elif key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom(ZOOM_STEP)
        elif key == Qt.Key.Key_Minus:
            self.zoom(1 / ZOOM_STEP)
        else:
            super().keyPressEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.legend.place()
        if self.panel.isVisible():
            self.panel.place()
        self._view_moved()

    def scrollContentsBy(self, dx: int, dy: int) -> None:
        super().scrollContentsBy(dx, dy)
        if self.banner.isVisible():
            self.banner.move(10, 10)

    def _view_moved(self, *_: Any) -> None:
        """Tell the layers what is on screen: the edge layer decides its level of detail
        for the whole view, not strip by strip while panning."""
        seen = self.mapToScene(self.viewport().rect()).boundingRect()
        self.chart_scene.detail_layer.context = seen
        self.chart_scene.edge_layer.context = seen
        # Smooth edges only where they show: antialiasing 10,000 discs zoomed out is slow.
        self.setRenderHint(QPainter.RenderHint.Antialiasing, self.transform().m11() >= SMOOTH_FROM)

    # -- edits -------------------------------------------------------------------------
    def hide_ids(self, ids: Iterable[str], hidden: bool = True) -> None:
        command = FlagCommand(self.chart_scene, "hide", ids, hidden)
        if command.ids:
            self.undo_stack.push(command)
            if hidden:
                self._select(self.chart_scene.selected - set(command.ids))

    def pin_ids(self, ids: Iterable[str], pinned: bool = True) -> None:
        command = FlagCommand(self.chart_scene, "pin", ids, pinned)
        if command.ids:
            self.undo_stack.push(command)
