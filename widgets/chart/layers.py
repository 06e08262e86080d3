"""The chart's edge layer: every edge in one item (node icons and labels: nodes.py).

Why layers and not one item per edge or per label: a Python `paint` costs ~15 µs a call,
so 20,000 edge items and 10,000 label items would take half a second per frame. Each layer
is one item that batches its drawing (`drawLines` per opaque pen) and draws only what the
exposed rectangle holds (edges through a grid index), and adds detail by level of detail:
plain aliased lines when zoomed out, then smoothing, dashes, arrows and link labels as the
chart grows on screen (antialiased or dashed, 20,000 lines take seconds, not ms).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import datetime

import numpy as np
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPen,
    QPolygonF,
)
from PySide6.QtWidgets import (
    QStyleOptionGraphicsItem,
    QWidget,
)

from analyst_app.collector import collection_paused
from analyst_app.graph import ChartEdge
from widgets.chart import cells
from widgets.chart.nodes import Layer, NodeItem
from widgets.chart.placing import HALO, Placed
from widgets.chart.style import BACKGROUND, PATH, edge_colour, edge_width

CELL = 400.0  # grid index cell, scene units (five node spacings)
LONG = 48  # edges spanning more cells than this are kept in one always-drawn list
DASHES_FROM = 0.4  # level of detail from which unconfirmed links are dashed
SMOOTH_FROM = 0.35  # and from which edges are antialiased
BUSY = 800  # more lines than this in view: no dashes, no smoothing (see paint)
ARROWS_FROM = 0.3
LINK_LABELS_FROM = 0.75


def mixed(colour: str, share: float, ground: str = BACKGROUND) -> QColor:
    """`share` of `colour` over the chart's background, as one opaque colour."""
    a, b = QColor(colour), QColor(ground)
    return QColor(
        round(a.red() * share + b.red() * (1 - share)),
        round(a.green() * share + b.green() * (1 - share)),
        round(a.blue() * share + b.blue() * (1 - share)),
    )


def clipped(line: QLineF, rect: QRectF) -> QLineF | None:
    """The part of `line` inside `rect` (Liang-Barsky), None when it misses the rect."""
    if rect.contains(line.p1()) and rect.contains(line.p2()):
        return line
    x0, y0, dx, dy = line.x1(), line.y1(), line.dx(), line.dy()
    lo, hi = 0.0, 1.0
    for p, q in (
        (-dx, x0 - rect.left()),
        (dx, rect.right() - x0),
        (-dy, y0 - rect.top()),
        (dy, rect.bottom() - y0),
    ):
        if p == 0:
            if q < 0:
                return None
            continue
        t = q / p
        if p < 0:
            lo = max(lo, t)
        else:
            hi = min(hi, t)
        if lo > hi:
            return None
    return QLineF(x0 + lo * dx, y0 + lo * dy, x0 + hi * dx, y0 + hi * dy)


def short_date(value: str | None) -> str:
    if not value:
        return ""
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value[:10]
    return f"{moment.day} {moment:%b %Y}"


def edge_caption(edge: ChartEdge) -> str:
    """ "120 calls · 1 Feb 2024 - 20 Feb 2024", or the link's label."""
    first, last = short_date(edge.first), short_date(edge.last)
    when = first if first == last else f"{first} - {last}" if first and last else first or last
    return f"{edge.label} · {when}" if when else edge.label


class EdgeLayer(Layer):
    """All edges, batched by pen, culled through a grid index."""

    def __init__(self, edges: Sequence[ChartEdge], ends: Sequence[tuple[NodeItem, NodeItem]]):
        super().__init__()
        self.edges = list(edges)
        self.ends = list(ends)
        self.visible = [True] * len(self.edges)
        self.highlight: set[int] = set()
        self.show_labels = True
        self.lines: list[QLineF] = []
        self._groups: dict[tuple[str, float, bool], list[int]] = {}
        self._group_of: list[tuple[str, float, bool]] = []
        for i, edge in enumerate(self.edges):
            key = (edge_colour(edge), round(edge_width(edge) * 2) / 2, edge.status != "confirmed")
            self._groups.setdefault(key, []).append(i)
            self._group_of.append(key)
        self._pens: dict[tuple[str, float, bool, bool, bool], QPen] = {}
        # The pan index, built on the first question (_in): a one-shot render of the whole
        # chart (`threadline chart`, the brief) never asks, and building it costs 0.3 s.
        self._index: tuple[dict[tuple[int, int], list[int]], list[int]] | None = None
        self._cached: dict[tuple[str, float, bool], list[QLineF]] | None = None
        self._font = QFont()
        self._font.setPixelSize(9)
        self._texts: dict[int, tuple[str, float]] = {}
        self.context: QRectF | None = None  # the view's visible area, set by the widget
        self._count = 0
        self._count_key: tuple[int, int, int, int, int] = (0, 0, 0, 0, -1)
        self._directed = {i for i, e in enumerate(self.edges) if e.directed}
        self.version = 0  # bumped when lines move or hide: caption places are stale
        self._places: Placed[int] | None = None
        self._places_key: tuple[float, int] = (0.0, -1)
        self._heads_of: tuple[int, dict[tuple[int, int], list[tuple[int, QPolygonF, QRectF]]]]
        self._heads_of = (-1, {})
        # Each end as an index into the nodes: positions are read once per node.
        slot: dict[int, int] = {}
        self._nodes: list[NodeItem] = []
        for item in (item for pair in self.ends for item in pair):
            if id(item) not in slot:
                slot[id(item)] = len(self._nodes)
                self._nodes.append(item)
        self._pairs = np.array(
            [(slot[id(a)], slot[id(b)]) for a, b in self.ends], dtype=np.int64
        ).reshape(-1, 2)
        self._points: list[QPointF] = []
        self.setZValue(0)
        self.refresh()

    # -- geometry --------------------------------------------------------------------
    def refresh(self) -> None:
        """Re-read node positions (after a move); the index is rebuilt when next asked."""
        self._points = [item.pos() for item in self._nodes]  # once per node, not per end
        points = self._points
        self.lines = [QLineF(points[a], points[b]) for a, b in self._pairs.tolist()]
        self._index, self._cached = None, None
        self.version += 1
        self.update()

    def _built_index(self) -> tuple[dict[tuple[int, int], list[int]], list[int]]:
        """Grid cell -> the lines through it, and the lines too long to file by cell."""
        if self._index is not None:
            return self._index
        with collection_paused():
            self._index = self._filed()
        return self._index

    def _filed(self) -> tuple[dict[tuple[int, int], list[int]], list[int]]:
        if not self.lines:
            return {}, []
        xy = np.array([(p.x(), p.y()) for p in self._points], dtype=np.float64)
        ends = np.hstack((xy[self._pairs[:, 0]], xy[self._pairs[:, 1]]))
        return cells.boxes(ends, CELL, LONG)

    def set_visible(self, flags: Sequence[bool]) -> None:
        self.visible = list(flags)
        self._cached = None
        self.version += 1
        self.update()

    def set_highlight(self, indices: Iterable[int]) -> None:
        self.highlight = set(indices)
        self.update()

    def visible_count(self) -> int:
        return sum(self.visible)

    def _in_view(self, exposed: QRectF) -> int:
        """How many visible lines the view (or, without one, the exposed rect) holds."""
        rect = self.context if self.context is not None else exposed
        # Counted again only when the view's centre enters another grid cell or its size
        # changes, not on every pan step.
        centre = rect.center()
        key = (
            math.floor(centre.x() / CELL),
            math.floor(centre.y() / CELL),
            round(rect.width()),
            round(rect.height()),
            self.version,
        )
        if self._count_key != key:
            if rect.contains(self.rect):
                self._count = sum(self.visible)
            else:
                self._count = sum(1 for i in self._in(rect) if self.visible[i])
            self._count_key = key
        return self._count

    def _in(self, rect: QRectF) -> list[int]:
        grid, long = self._built_index()
        found: set[int] = set(long)
        for cx in range(math.floor(rect.left() / CELL), math.floor(rect.right() / CELL) + 1):
            for cy in range(math.floor(rect.top() / CELL), math.floor(rect.bottom() / CELL) + 1):
                found.update(grid.get((cx, cy), ()))
        return sorted(found)

    def _pen(self, key: tuple[str, float, bool], dashed: bool, thin: bool) -> QPen:
        full = (*key, dashed, thin)
        pen = self._pens.get(full)
        if pen is None:
            colour, width, unconfirmed = key
            # Opaque colours mixed with the background: alpha blending 20,000 lines costs
            # several times more than drawing them opaque.
            pen = QPen(mixed(colour, 0.55 if unconfirmed else 0.8), width)
            pen.setCapStyle(Qt.PenCapStyle.FlatCap)
            if dashed:
                pen.setStyle(Qt.PenStyle.DashLine)
            self._pens[full] = pen
        return pen

    # -- painting --------------------------------------------------------------------
    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        lod = option.levelOfDetailFromTransform(painter.worldTransform())  # type: ignore[attr-defined]
        exposed = option.exposedRect  # type: ignore[attr-defined]
        whole = exposed.contains(self.rect) or len(self.lines) < 2000
        # Antialiased or dashed, 20,000 lines take seconds, and nobody reads either in a
        # hairball: both come with zoom, and only while the view holds few enough lines.
        # Decided for the whole view (not the strip being repainted), so strips agree.
        calm = self._in_view(exposed) <= BUSY
        dashed = lod >= DASHES_FROM and calm
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, lod >= SMOOTH_FROM and calm)
        if whole:
            if self._cached is None:
                self._cached = {
                    k: [self.lines[i] for i in ids if self.visible[i]]
                    for k, ids in self._groups.items()
                }
            batches = self._cached
        else:
            batches = {}
            for i in self._in(exposed):
                if self.visible[i]:
                    batches.setdefault(self._group_of[i], []).append(self.lines[i])
        room = exposed.adjusted(-20, -20, 20, 20)
        for key, lines in batches.items():
            if not lines:
                continue
            thin = key[1] * lod < 1.5
            painter.setPen(self._pen(key, dashed and key[2] and not thin, thin))
            if dashed and key[2] and not thin:
                # Qt dashes a line end to end before clipping it: clip long ones first.
                longest = 2 * max(room.width(), room.height())
                lines = [
                    c
                    for c in (clipped(ln, room) if ln.length() > longest else ln for ln in lines)
                    if c is not None
                ]
            painter.drawLines(lines)
        if self.highlight:
            pen = QPen(QColor(PATH), 6.0)
            painter.setPen(pen)
            painter.drawLines([self.lines[i] for i in sorted(self.highlight) if self.visible[i]])
        painter.restore()
        if lod < ARROWS_FROM:
            return
        if self._in_view(exposed) > 4000:  # far too many to read; keep the frame fast
            return
        self._arrows(painter, exposed)
        if self.show_labels and lod >= LINK_LABELS_FROM:
            self._captions(painter, lod, exposed)

    def _arrows(self, painter: QPainter, exposed: QRectF) -> None:
        """The arrowheads whose tip is in the exposed rect (a strip of a pan holds few of
        them, though its lines may point at hundreds of heads elsewhere)."""
        heads = self._heads()
        room = exposed.adjusted(-1, -1, 1, 1)
        by_colour: dict[str, list[QPolygonF]] = {}
        seen: set[int] = set()
        for cx in range(math.floor(room.left() / CELL), math.floor(room.right() / CELL) + 1):
            for cy in range(math.floor(room.top() / CELL), math.floor(room.bottom() / CELL) + 1):
                for i, head, box in heads.get((cx, cy), ()):
                    if i in seen or not self.visible[i] or not box.intersects(room):
                        continue
                    seen.add(i)
                    colour = PATH if i in self.highlight else edge_colour(self.edges[i])
                    by_colour.setdefault(colour, []).append(head)
        painter.setPen(Qt.PenStyle.NoPen)
        for colour, polygons in by_colour.items():
            painter.setBrush(QColor(colour))
            for head in polygons:
                painter.drawPolygon(head)

    def _heads(self) -> dict[tuple[int, int], list[tuple[int, QPolygonF, QRectF]]]:
        """Arrowheads of the directed edges, by the grid cell of their box; computed
        once per geometry (self.version), not per paint."""
        if self._heads_of[0] == self.version:
            return self._heads_of[1]
        grid: dict[tuple[int, int], list[tuple[int, QPolygonF, QRectF]]] = {}
        for i in sorted(self._directed):
            line = self.lines[i]
            length = line.length()
            target = self.ends[i][1]
            if length <= target.radius + 4:
                continue
            size = 7 + edge_width(self.edges[i]) * 1.5
            unit = QPointF(line.dx() / length, line.dy() / length)
            tip = line.p2() - unit * (target.radius + 2)
            normal = QPointF(-unit.y(), unit.x())
            base = tip - unit * size
            head = QPolygonF([tip, base + normal * (size * 0.45), base - normal * (size * 0.45)])
            box = head.boundingRect()
            for cx in range(math.floor(box.left() / CELL), math.floor(box.right() / CELL) + 1):
                for cy in range(math.floor(box.top() / CELL), math.floor(box.bottom() / CELL) + 1):
                    grid.setdefault((cx, cy), []).append((i, head, box))
        self._heads_of = (self.version, grid)
        return grid

    def _captions(self, painter: QPainter, lod: float, exposed: QRectF) -> None:
        placed = self._caption_places(lod)
        painter.setFont(self._font)
        text_pen = QColor("#37474f")
        for i, box in placed.within(exposed):
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(HALO)
            painter.drawRect(box)
            painter.setPen(text_pen)
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, self._caption(i)[0])

    def _caption(self, i: int) -> tuple[str, float]:
        found = self._texts.get(i)
        if found is None:
            text = edge_caption(self.edges[i])
            found = (text, QFontMetricsF(self._font).horizontalAdvance(text))
            self._texts[i] = found
        return found

    def _caption_places(self, lod: float) -> Placed[int]:
        """Where captions go at this zoom, over the whole chart (so every strip of a pan
        agrees): heaviest edges first, none wider than its line or over another."""
        key = (round(lod, 6), self.version)
        if self._places is not None and self._places_key == key:
            return self._places
        placed: Placed[int] = Placed(CELL)
        order = sorted(
            (i for i in range(len(self.lines)) if self.visible[i]),
            key=lambda i: (-self.edges[i].weight, i),
        )
        for i in order:
            line = self.lines[i]
            a, b = self.ends[i]
            room = line.length() - a.radius - b.radius - 8
            if room < 30:
                continue
            width = self._caption(i)[1]
            if width > room:  # a caption wider than its line only hides other things
                continue
            mid = line.center()
            placed.place(i, QRectF(mid.x() - width / 2 - 2, mid.y() - 6.5, width + 4, 13))
        self._places, self._places_key = placed, key
        return placed
