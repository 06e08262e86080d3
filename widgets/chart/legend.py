"""The chart's legend: what the colours, icons, rings and line styles mean.

Drawn by the widget (over the view, in screen pixels) and by the export (on the page),
from what the chart actually holds, so it never lists a type that is not on the chart.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPaintEvent, QPen, QPolygonF
from PySide6.QtWidgets import QAbstractScrollArea, QWidget

from widgets.chart import icons
from widgets.chart.scene import ChartScene
from widgets.chart.style import EDGE_COLOURS, ROLE_RING, icon_name, type_colour

ROW = 18.0
PAD = 8.0


@dataclass(frozen=True)
class Entry:
    kind: str  # "node", "ring", "line", "arrow", "badge"
    text: str
    colour: str = "#546e7a"
    icon: str = ""
    dashed: bool = False


_EDGE_NAMES = {
    "link": "Link (uses, owns, lives at ...)",
    "Call": "Calls",
    "Message": "Messages",
    "Transaction": "Money",
    "AdPost": "Ad posts",
    "Tip": "Tips",
    "context": "Handset in calls",
}


def entries(scene: ChartScene) -> list[Entry]:
    """What the chart holds, worked out once per chart and style (it walks every edge)."""
    key = (id(scene.chart), scene.chart_style.colour_by)
    cached = scene.cache.get("legend")
    if cached is not None and cached[0] == key:
        found: list[Entry] = cached[1]
        return found
    found = _entries(scene)
    scene.cache["legend"] = (key, found)
    return found


def _entries(scene: ChartScene) -> list[Entry]:
    chart = scene.chart
    out: list[Entry] = []
    if scene.chart_style.colour_by == "type":
        for kind in sorted({n.type for n in chart.nodes.values()}):
            typedef = scene.schema.get(kind, "entity")
            node = next(n for n in chart.nodes.values() if n.type == kind)
            out.append(
                Entry(
                    "node",
                    typedef.label if typedef else kind,
                    type_colour(scene.schema, kind),
                    icon_name(scene.schema, node),
                )
            )
    else:
        out += [Entry("node", text, colour, "thing") for colour, text in scene.look.legend]
    roles = {n.role for n in chart.nodes.values()}
    out += [Entry("ring", role.capitalize(), c) for role, c in ROLE_RING.items() if role in roles]
    kinds = {e.type if e.kind == "event" else e.kind for e in chart.edges}
    out += [Entry("line", _EDGE_NAMES[k], EDGE_COLOURS[k]) for k in _EDGE_NAMES if k in kinds]
    if chart.edges:
        out.append(Entry("line", "Confirmed", "#546e7a"))
        out.append(Entry("line", "Unconfirmed", "#546e7a", dashed=True))
    if any(e.directed for e in chart.edges):
        out.append(Entry("arrow", "Direction (caller, payer, controller)"))
    if chart.collapsed:
        out.append(Entry("badge", "Ties not drawn (E: expand)"))
    return out


def size(scene: ChartScene, font: QFont) -> tuple[float, float]:
    items = entries(scene)
    metrics = QFontMetricsF(font)
    widest = max((metrics.horizontalAdvance(e.text) for e in items), default=0.0)
    return widest + 40 + 2 * PAD, len(items) * ROW + 2 * PAD


def draw(painter: QPainter, scene: ChartScene, top_left: QPointF, font: QFont) -> QRectF:
    """Draw the legend box with its top-left corner at `top_left` (painter units)."""
    width, height = size(scene, font)
    box = QRectF(top_left, QPointF(top_left.x() + width, top_left.y() + height))
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(QColor("#b0bec5"), 1))
    painter.setBrush(QColor(255, 255, 255, 235))
    painter.drawRoundedRect(box, 6, 6)
    painter.setFont(font)
    y = box.top() + PAD
    for entry in entries(scene):
        mid = QPointF(box.left() + PAD + 12, y + ROW / 2)
        _glyph(painter, entry, mid)
        painter.setPen(QColor("#263238"))
        painter.drawText(
            QRectF(box.left() + PAD + 32, y, width, ROW),
            Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
            entry.text,
        )
        y += ROW
    painter.restore()
    return box


def _glyph(painter: QPainter, entry: Entry, mid: QPointF) -> None:
    if entry.kind == "node":
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(entry.colour))
        painter.drawEllipse(mid, 7.5, 7.5)
        icons.draw(painter, entry.icon, QRectF(mid.x() - 5, mid.y() - 5, 10, 10))
    elif entry.kind == "ring":
        painter.setPen(QPen(QColor(entry.colour), 2.5))
        painter.setBrush(QColor("#90a4ae"))
        painter.drawEllipse(mid, 6.5, 6.5)
    elif entry.kind == "line":
        pen = QPen(QColor(entry.colour), 2)
        if entry.dashed:
            pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.drawLine(QLineF(mid.x() - 11, mid.y(), mid.x() + 11, mid.y()))
    elif entry.kind == "badge":
        painter.setPen(QPen(QColor("#78909c"), 0.8))
        painter.setBrush(QColor("#ffffff"))
        painter.drawRoundedRect(QRectF(mid.x() - 11, mid.y() - 6, 22, 12), 5, 5)
        painter.setPen(QColor("#37474f"))
        small = QFont(painter.font())
        small.setPixelSize(8)
        painter.save()
        painter.setFont(small)
        painter.drawText(
            QRectF(mid.x() - 11, mid.y() - 6, 22, 12), Qt.AlignmentFlag.AlignCenter, "+N"
        )
        painter.restore()
    else:
        painter.setPen(QPen(QColor(entry.colour), 2))
        painter.drawLine(QLineF(mid.x() - 11, mid.y(), mid.x() + 4, mid.y()))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(entry.colour))
        tip = QPointF(mid.x() + 11, mid.y())
        painter.drawPolygon(
            QPolygonF(
                [tip, QPointF(tip.x() - 8, tip.y() - 4.5), QPointF(tip.x() - 8, tip.y() + 4.5)]
            )
        )


class LegendOverlay(QWidget):
    """The legend beside the chart, in a margin on the view's right (not in the scene).

    Beside, not over: a widget overlapping the viewport, as a sibling or a child, turns
    every scroll into a repaint of most of the view, and panning must stay under 16 ms."""

    GAP = 8

    def __init__(self, view: QAbstractScrollArea) -> None:
        super().__init__(view)
        self.view = view
        self.font_ = QFont()
        self.font_.setPixelSize(11)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)

    def _scene(self) -> ChartScene | None:
        scene = getattr(self.view, "chart_scene", None)
        return scene if isinstance(scene, ChartScene) else None

    def place(self) -> None:
        scene = self._scene()
        margins = self.view.viewportMargins()
        if scene is None or not scene.chart_style.legend or not scene.chart.nodes:
            self.hide()
            if margins.right():
                self.view.setViewportMargins(0, 0, 0, 0)
            return
        width, height = size(scene, self.font_)
        room = int(width) + 2 + 2 * self.GAP
        if margins.right() != room:
            self.view.setViewportMargins(0, 0, room, 0)
        area = self.view.viewport().geometry()
        self.setGeometry(
            area.right() + 1 + self.GAP, area.top() + self.GAP, int(width) + 2, int(height) + 2
        )
        self.show()

    def paintEvent(self, event: QPaintEvent) -> None:
        scene = self._scene()
        if scene is not None:
            painter = QPainter(self)
            draw(painter, scene, QPointF(0.5, 0.5), self.font_)
            painter.end()
