"""Entities on the chart: a native disc item per entity, and the layer that draws their
icons and labels once they are big enough to read.

The discs are QGraphicsEllipseItems with no Python paint, so a zoomed-out frame of 10,000
of them runs no Python per node (BSP indexed by the scene). Icons and labels are one
layer item that draws only what is exposed, with label places decided once per zoom over
the whole chart (placing.Placed), so panning never recomputes them.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import (
    QGraphicsEllipseItem,
    QGraphicsItem,
    QStyleOptionGraphicsItem,
    QWidget,
)

from analyst_app.collector import collection_paused
from widgets.chart import cells, icons
from widgets.chart.placing import HALO, Placed
from widgets.chart.style import PATH, SELECTED

CELL = 400.0  # grid index cell, scene units (five node spacings)
NODE_CELL = 120.0  # finer for the nodes: a pan strip is a few units tall
ICONS_FROM = 11.0  # node diameter on screen (px) from which icons are drawn
LABELS_FROM = 7.5  # label height on screen (px) from which labels are drawn
LABEL_SIZE = 11.0  # scene units
LANDMARK_PX = 12.0  # landmark labels on screen, at any zoom


_PENS: dict[tuple[str, float], QPen] = {}
_BRUSHES: dict[str, QBrush] = {}


class NodeItem(QGraphicsEllipseItem):
    """One entity: a coloured disc (native paint), its id and what the detail layer draws."""

    def __init__(self, node_id: str, diameter: float, colour: str, ring: str | None) -> None:
        r = diameter / 2
        super().__init__(-r, -r, diameter, diameter)
        self.node_id = node_id
        self.radius = r
        self.colour = colour
        self.ring = ring
        self.icon = "thing"
        self.label = ""
        self.pinned = False
        self.more = 0  # neighbours in the case that the chart does not show ("+12")
        brush = _BRUSHES.get(colour)
        if brush is None:
            brush = _BRUSHES[colour] = QBrush(QColor(colour))
        self.setBrush(brush)
        self.restyle(selected=False)
        self.setZValue(1)

    def restyle(self, *, selected: bool, on_path: bool = False) -> None:
        if selected:
            key = (SELECTED, 5.0)
        elif on_path:
            key = (PATH, 4.0)
        elif self.ring:
            key = (self.ring, 3.5)
        else:
            key = ("#ffffff", 1.5)
        pen = _PENS.get(key)
        if pen is None:  # a few pens shared by 10,000 discs, not one each
            pen = _PENS[key] = QPen(QColor(key[0]), key[1])
        self.setPen(pen)


def _empty() -> QPainterPath:
    return QPainterPath()


class Layer(QGraphicsItem):
    """An item covering the scene that is never hit by the mouse or a rubber band."""

    def __init__(self) -> None:
        super().__init__()
        self.rect = QRectF()
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        # Without this flag Qt leaves option.exposedRect empty, and culling needs it.
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption)

    def boundingRect(self) -> QRectF:
        return self.rect

    def shape(self) -> QPainterPath:
        return _empty()

    def cover(self, rect: QRectF) -> None:
        self.prepareGeometryChange()
        self.rect = QRectF(rect)


class DetailLayer(Layer):
    """Icons, labels and pin marks of the nodes in view, once they are big enough to read."""

    def __init__(self, scene_items: dict[str, NodeItem]) -> None:
        super().__init__()
        self.items = scene_items
        self.show_labels = True
        self._font = QFont()
        self._font.setPixelSize(int(LABEL_SIZE))
        self._badge_font = QFont()
        self._badge_font.setPixelSize(8)
        self._widths: dict[str, float] = {}
        self.landmarks: list[str] = []
        self.context: QRectF | None = None  # the view's visible area, set by the widget
        self._grid: dict[tuple[int, int], list[NodeItem]] | None = None  # filed when asked
        self._by_size: list[NodeItem] | None = None  # biggest first, for label places
        self.largest = 0.0  # diameter of the biggest node
        self.version = 0  # bumped when nodes move, hide or show: label places are stale
        self._places: Placed[NodeItem] | None = None
        self._places_key: tuple[float, int] = (0.0, -1)
        self.setZValue(2)
        self.reindex()

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        lod = option.levelOfDetailFromTransform(painter.worldTransform())  # type: ignore[attr-defined]
        exposed: QRectF = option.exposedRect  # type: ignore[attr-defined]
        if self.largest * lod >= ICONS_FROM:
            found = self.visible_in(exposed)
            self._icons(painter, lod, found)
            self._badges(painter, lod, found)
        if self.show_labels:
            painter.setFont(self._font)
            for item, box in self._label_places(lod).within(exposed):
                self._label(painter, item, box)

    def _icons(self, painter: QPainter, lod: float, found: list[NodeItem]) -> None:
        big = [it for it in found if it.radius * 2 * lod >= ICONS_FROM]
        if icons.is_vector(painter):  # SVG or PDF: the icons as vectors
            for item in big:
                r, pos = item.radius * 0.62, item.pos()
                icons.draw(painter, item.icon, QRectF(pos.x() - r, pos.y() - r, 2 * r, 2 * r))
            return
        # On screen: a pixmap of exactly the size shown, drawn untransformed (fast).
        world = painter.worldTransform()
        painter.save()
        painter.resetTransform()
        for item in big:
            size = min(256, max(6, round(item.radius * 1.24 * lod)))
            centre = world.map(item.pos())
            painter.drawPixmap(
                round(centre.x() - size / 2),
                round(centre.y() - size / 2),
                icons.pixmap(item.icon, size),
            )
        painter.restore()

    def _badges(self, painter: QPainter, lod: float, found: list[NodeItem]) -> None:
        """ "+12" at the upper right of an entity with ties the chart does not show."""
        marked = [it for it in found if it.more and it.radius * 2 * lod >= ICONS_FROM]
        if not marked:
            return
        painter.save()
        painter.setFont(self._badge_font)
        for item in marked:
            text = f"+{item.more:,}"
            width = QFontMetricsF(self._badge_font).horizontalAdvance(text) + 6
            pos = item.pos()
            box = QRectF(pos.x() + item.radius * 0.55, pos.y() - item.radius - 4, width, 11)
            painter.setPen(QPen(QColor("#78909c"), 0.8))
            painter.setBrush(QColor("#ffffff"))
            painter.drawRoundedRect(box, 5, 5)
            painter.setPen(QColor("#37474f"))
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
        painter.restore()

    def _label_places(self, lod: float) -> Placed[NodeItem]:
        """Labels that fit at this zoom, decided over the whole chart so every strip of a
        pan agrees: landmarks first (readable at any zoom), then the biggest nodes; a
        label that would overlap one already placed is left out (zoom in to see it)."""
        key = (round(lod, 6), self.version)
        if self._places is not None and self._places_key == key:
            return self._places
        metrics = QFontMetricsF(self._font)
        placed: Placed[NodeItem] = Placed(CELL)
        for node_id in self.landmarks:
            item = self.items.get(node_id)
            if item is None or not item.label or not item.isVisible():
                continue
            scale = max(1.0, item.radius / 14.0) ** 0.5
            if LABEL_SIZE * scale * lod < LABELS_FROM:
                scale = LANDMARK_PX / (LABEL_SIZE * lod)  # readable at any zoom
            placed.place(item, self._box(metrics, item, scale))
        marks = set(self.landmarks)
        if self._by_size is None:  # the same at every zoom: sorted once per layout
            with collection_paused():  # 10,000 keys on a big heap: 0.3 s of sweeps otherwise
                self._by_size = sorted(self.items.values(), key=lambda it: (-it.radius, it.node_id))
        for item in self._by_size:
            scale = max(1.0, item.radius / 14.0) ** 0.5
            if LABEL_SIZE * scale * lod < LABELS_FROM:
                break  # biggest first: every node after this one is too small as well
            if item.node_id in marks or not item.label or not item.isVisible():
                continue
            placed.place(item, self._box(metrics, item, scale))
        self._places, self._places_key = placed, key
        return placed

    def _box(self, metrics: QFontMetricsF, item: NodeItem, scale: float) -> QRectF:
        width = self._widths.get(item.node_id)
        if width is None:
            width = metrics.horizontalAdvance(item.label)
            self._widths[item.node_id] = width
        pos = item.pos()
        w, h = (width + 4) * scale, (LABEL_SIZE + 3) * scale
        box = QRectF(pos.x() - w / 2, pos.y() + item.radius + 1, w, h)
        # A landmark's label, kept readable when zoomed far out, can be wider than the
        # margin around the chart: keep it inside, or the page cuts its name in half.
        if self.rect.isValid() and box.width() < self.rect.width():
            if box.left() < self.rect.left():
                box.moveLeft(self.rect.left())
            elif box.right() > self.rect.right():
                box.moveRight(self.rect.right())
        return box

    def reindex(self) -> None:
        """Forget the grid of nodes by position (after a load or a move); it is filed again
        when next asked (a zoomed-out picture of the whole chart never asks)."""
        self._grid = self._by_size = None
        self.largest = max((n.radius for n in self.items.values()), default=14.0) * 2
        self.invalidate()

    def invalidate(self) -> None:
        self.version += 1
        self.update()

    def _filed(self) -> dict[tuple[int, int], list[NodeItem]]:
        """Our own index because QGraphicsScene.items() answers nothing while the scene is
        painting, which is exactly when this layer needs it."""
        if self._grid is None:
            items = list(self.items.values())
            xy = np.array([(p.x(), p.y()) for p in (i.pos() for i in items)], dtype=np.float64)
            filed = cells.points(xy.reshape(-1, 2), NODE_CELL)
            self._grid = {key: [items[i] for i in found] for key, found in filed.items()}
        return self._grid

    def visible_in(self, rect: QRectF) -> list[NodeItem]:
        """Visible nodes whose disc touches `rect`, in id order."""
        with collection_paused():
            grid = self._filed()
        reach = self.largest / 2
        wide = rect.adjusted(-reach, -reach, reach, reach)
        found = []
        c = NODE_CELL
        for cx in range(math.floor(wide.left() / c), math.floor(wide.right() / c) + 1):
            for cy in range(math.floor(wide.top() / c), math.floor(wide.bottom() / c) + 1):
                for item in grid.get((cx, cy), ()):
                    if item.isVisible() and rect.intersects(item.sceneBoundingRect()):
                        found.append(item)
        found.sort(key=lambda it: it.node_id)
        return found

    def _label(self, painter: QPainter, item: NodeItem, box: QRectF) -> None:
        scale = box.height() / (LABEL_SIZE + 3)
        painter.save()
        painter.translate(box.topLeft())
        painter.scale(scale, scale)
        inner = QRectF(0, 0, box.width() / scale, LABEL_SIZE + 3)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(HALO)
        painter.drawRect(inner)
        painter.setPen(QColor(item.ring or "#212121"))  # suspects and victims in their colour
        painter.drawText(inner, Qt.AlignmentFlag.AlignCenter, item.label)
        if item.pinned:
            painter.setBrush(QColor("#455a64"))
            painter.setPen(Qt.PenStyle.NoPen)
            painter.drawEllipse(QPointF(inner.right() + 5, inner.center().y()), 3, 3)
        painter.restore()
