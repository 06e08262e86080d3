"""The link chart as vector art, from the same core layout the app and `threadline chart` use.

Conventions (DOMAIN.md section 6): solid line = confirmed, dashed = unconfirmed or suspected,
width grows with the number of events a line stands for, each type its icon shape in its
schema colour, and a legend of the icons and line styles shown. Links carry their first
date and exhibit when the chart is small enough to read them; large charts label only the
most connected entities so that the picture stays legible in court.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

from reportlab.graphics.shapes import Circle, Drawing, Group, Line, Polygon, Rect, String  # type: ignore[import-untyped]
from reportlab.lib import colors  # type: ignore[import-untyped]
from reportlab.pdfbase.pdfmetrics import stringWidth  # type: ignore[import-untyped]

from analyst_app.brief.styles import BOLD, FONT, INK, MUTED
from analyst_app.graph import ChartGraph, Positions

LABEL_ALL = 80  # up to this many entities every one is labelled
LABEL_TOP = 60  # on larger charts, this many of the most connected
EDGE_TEXT = 160  # link captions only on charts up to this many entities

# Icon shape per entity type: simple outlines a reader tells apart in print and in grey.
SHAPES = {
    "Person": "person", "Organization": "square", "Phone": "phone", "Email": "envelope",
    "Account": "diamond", "Address": "house", "Vehicle": "wide", "OnlineAd": "page",
    "Handle": "hexagon", "IdentityDocument": "card", "Device": "phone", "CellSite": "triangle",
    "Subscriber": "person",
}  # fmt: skip


def icon(shape: str, x: float, y: float, r: float, fill: colors.Color) -> Group:
    """One icon centred on (x, y), about 2r across."""
    g = Group()
    stroke = dict(fillColor=fill, strokeColor=colors.white, strokeWidth=max(0.3, r / 8))
    if shape == "person":
        g.add(Circle(x, y + r * 0.45, r * 0.42, **stroke))
        g.add(Polygon([x - r * 0.8, y - r, x + r * 0.8, y - r, x + r * 0.5, y, x - r * 0.5, y],
                      **stroke))  # fmt: skip
    elif shape == "square":
        g.add(Rect(x - r * 0.85, y - r * 0.85, r * 1.7, r * 1.7, **stroke))
    elif shape == "phone":
        g.add(Rect(x - r * 0.5, y - r, r, r * 2, rx=r * 0.2, ry=r * 0.2, **stroke))
    elif shape == "envelope":
        g.add(Rect(x - r, y - r * 0.65, r * 2, r * 1.3, **stroke))
        g.add(Line(x - r, y + r * 0.65, x, y, strokeColor=colors.white, strokeWidth=r / 8))
        g.add(Line(x + r, y + r * 0.65, x, y, strokeColor=colors.white, strokeWidth=r / 8))
    elif shape == "diamond":
        g.add(Polygon([x, y + r, x + r, y, x, y - r, x - r, y], **stroke))
    elif shape == "house":
        g.add(Polygon([x - r * 0.8, y - r, x + r * 0.8, y - r, x + r * 0.8, y + r * 0.1,
                       x, y + r, x - r * 0.8, y + r * 0.1], **stroke))  # fmt: skip
    elif shape == "triangle":
        g.add(Polygon([x - r, y - r * 0.85, x + r, y - r * 0.85, x, y + r], **stroke))
    elif shape == "hexagon":
        pts: list[float] = []
        for k in range(6):
            a = math.pi / 6 + k * math.pi / 3
            pts += [x + r * math.cos(a), y + r * math.sin(a)]
        g.add(Polygon(pts, **stroke))
    elif shape in ("page", "card", "wide"):
        w, h = {"page": (0.75, 1.0), "card": (1.0, 0.65), "wide": (1.1, 0.55)}[shape]
        g.add(Rect(x - r * w, y - r * h, 2 * r * w, 2 * r * h, **stroke))
    else:
        g.add(Circle(x, y, r, **stroke))
    return g


def line_style(status: str) -> list[float] | None:
    return None if status == "confirmed" else [3, 2]


def chart_drawing(
    chart: ChartGraph,
    positions: Positions,
    *,
    width: float,
    height: float,
    label: Callable[[str], str],
    colour: Mapping[str, str],
    edge_caption: Callable[[str], str] | None = None,
) -> Drawing:
    """The chart fitted into width x height points (labels already redacted by `label`)."""
    d = Drawing(width, height)
    ids = [i for i in chart.nodes if i in positions]
    if not ids:
        d.add(String(width / 2, height / 2, "No entities to chart.", fontName=FONT,
                     fontSize=10, textAnchor="middle"))  # fmt: skip
        return d
    xs = [positions[i][0] for i in ids]
    ys = [positions[i][1] for i in ids]
    pad = 34.0
    span_x, span_y = max(xs) - min(xs) or 1.0, max(ys) - min(ys) or 1.0
    scale = min((width - 2 * pad) / span_x, (height - 2 * pad) / span_y)
    off_x = (width - span_x * scale) / 2
    off_y = (height - span_y * scale) / 2

    def at(node: str) -> tuple[float, float]:
        px, py = positions[node]
        # Layout y grows downward like the screen; PDF y grows upward.
        return off_x + (px - min(xs)) * scale, height - (off_y + (py - min(ys)) * scale)

    n = len(ids)
    radius = max(2.2, min(9.0, 220 / math.sqrt(n)))
    font = max(4.0, min(7.0, radius * 0.95))
    max_count = max((e.count for e in chart.edges), default=1)
    placed = _Boxes()
    for node_id in ids:  # icons first, so that no label is printed over an icon
        x, y = at(node_id)
        placed.add(x - radius, y - radius, x + radius, y + radius)
    captions: list[tuple[float, float, str]] = []
    for edge in chart.edges:
        if edge.source not in positions or edge.target not in positions:
            continue
        (x1, y1), (x2, y2) = at(edge.source), at(edge.target)
        widen = 0.4 + 2.2 * math.log1p(edge.count) / math.log1p(max_count or 1)
        d.add(Line(x1, y1, x2, y2, strokeColor=colors.HexColor("#78909c"),
                   strokeWidth=widen if n < 600 else widen * 0.5,
                   strokeDashArray=line_style(edge.status)))  # fmt: skip
        if edge_caption is not None and n <= EDGE_TEXT:
            caption = edge_caption(edge.key)
            if caption:
                captions.append(((x1 + x2) / 2, (y1 + y2) / 2, caption))
    order = sorted(
        ids,
        key=lambda i: (chart.nodes[i].role not in ("suspect", "victim"), -chart.nodes[i].degree, i),
    )
    budget = len(ids) if n <= LABEL_ALL else LABEL_TOP
    for node_id in ids:
        node = chart.nodes[node_id]
        x, y = at(node_id)
        fill = colors.HexColor(colour.get(node.type, "#607d8b"))
        d.add(icon(SHAPES.get(node.type, "circle"), x, y, radius, fill))
    for node_id in order[:budget]:
        node = chart.nodes[node_id]
        x, y = at(node_id)
        text = label(node_id)
        if len(text) > 28:
            text = text[:27] + "…"
        bold = node.role in ("suspect", "victim")
        face = BOLD if bold else FONT
        w = stringWidth(text, face, font)
        below, above = y - radius - font - 0.5, y + radius + 1.5
        side = y - font * 0.35
        spots = (  # (anchor x, baseline y, left edge): below, above, right, left
            (x, below, x - w / 2), (x, above, x - w / 2),
            (x + radius + 2, side, x + radius + 2), (x - radius - 2, side, x - radius - 2 - w),
        )  # fmt: skip
        for _anchor, by, left in spots:
            box = (left - 1, by - 1.5, left + w + 1, by + font)
            if not placed.hits(*box):
                placed.add(*box)
                # A white ground, so lines passing under a label do not strike it through.
                d.add(Rect(left - 0.5, by - font * 0.25, w + 1, font * 1.05,
                           fillColor=colors.white, strokeColor=None))  # fmt: skip
                d.add(String(left, by, text, fontName=face, fontSize=font, fillColor=INK))
                break
    small = max(3.5, font - 1.8)
    for cx, cy, caption in captions:
        w = stringWidth(caption, FONT, small)
        box = (cx - w / 2 - 0.5, cy - 1, cx + w / 2 + 0.5, cy + small)
        if not placed.hits(*box):
            placed.add(*box)
            d.add(Rect(box[0], box[1], box[2] - box[0], box[3] - box[1], fillColor=colors.white,
                       strokeColor=None))  # fmt: skip
            d.add(String(cx, cy, caption, fontName=FONT, fontSize=small, fillColor=MUTED,
                         textAnchor="middle"))  # fmt: skip
    return d


def legend(
    types: list[tuple[str, str, str]], *, width: float, counts: Mapping[str, int]
) -> Drawing:
    """Icons (type name, label, colour) and the line styles, in rows across the width."""
    per_row = 6
    rows = (len(types) + per_row - 1) // per_row + 1
    d = Drawing(width, rows * 16 + 4)
    col = width / per_row
    for k, (name, text, colour) in enumerate(types):
        r, c = divmod(k, per_row)
        x, y = c * col + 8, d.height - 10 - r * 16
        d.add(icon(SHAPES.get(name, "circle"), x, y, 5.5, colors.HexColor(colour)))
        d.add(String(x + 11, y - 3, f"{text} ({counts.get(name, 0)})", fontName=FONT,
                     fontSize=7.5, fillColor=INK))  # fmt: skip
    y = 8.0
    for k, (text, dash) in enumerate(
        (("confirmed link", None), ("unconfirmed or suspected", [3, 2]))
    ):
        x = k * col * 2 + 2
        d.add(Line(x, y, x + 26, y, strokeColor=colors.HexColor("#78909c"), strokeWidth=1.6,
                   strokeDashArray=dash))  # fmt: skip
        d.add(String(x + 31, y - 3, text, fontName=FONT, fontSize=7.5, fillColor=INK))
    d.add(String(width - 2, y - 3, "line width: number of events", fontName=FONT,
                 fontSize=7.5, fillColor=MUTED, textAnchor="end"))  # fmt: skip
    return d


class _Boxes:
    """Boxes already printed, bucketed on a coarse grid so a check looks at a few only."""

    CELL = 40.0

    def __init__(self) -> None:
        self._grid: dict[tuple[int, int], list[tuple[float, float, float, float]]] = {}

    def _cells(self, x0: float, y0: float, x1: float, y1: float) -> list[tuple[int, int]]:
        c = self.CELL
        return [
            (i, j)
            for i in range(int(x0 // c), int(x1 // c) + 1)
            for j in range(int(y0 // c), int(y1 // c) + 1)
        ]

    def hits(self, x0: float, y0: float, x1: float, y1: float) -> bool:
        for cell in self._cells(x0, y0, x1, y1):
            for a0, b0, a1, b1 in self._grid.get(cell, ()):
                if x0 < a1 and a0 < x1 and y0 < b1 and b0 < y1:
                    return True
        return False

    def add(self, x0: float, y0: float, x1: float, y1: float) -> None:
        for cell in self._cells(x0, y0, x1, y1):
            self._grid.setdefault(cell, []).append((x0, y0, x1, y1))
