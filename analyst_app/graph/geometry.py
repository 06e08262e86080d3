"""Shared geometry for layouts: positions, scaling, and packing pieces side by side.

Coordinates are plain floats in chart units, y pointing down as in Qt scenes, SVG and PNG
(the PDF brief flips y). Neighbours sit about SPACING apart, so a widget can use the
numbers as scene coordinates with icons of ~32 units and labels under them.

Why pack: a case is rarely one network. Laid out together, a force layout flings the
small pieces to the rim and shrinks the one that matters; laid out apart and packed in
rows, largest first, each piece keeps its own shape and the singletons line up at the end.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Mapping, Sequence

XY = tuple[float, float]
Positions = dict[str, XY]

SPACING = 80.0
DIGITS = 3  # rounding of computed coordinates: stable text in saved views and tests


def bbox(pos: Mapping[str, XY]) -> tuple[float, float, float, float]:
    """(min x, min y, max x, max y); a point for one node, zeros for none."""
    if not pos:
        return 0.0, 0.0, 0.0, 0.0
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    return min(xs), min(ys), max(xs), max(ys)


def shifted(pos: Mapping[str, XY], dx: float, dy: float) -> Positions:
    return {n: (x + dx, y + dy) for n, (x, y) in pos.items()}


def centred(pos: Mapping[str, XY]) -> Positions:
    x0, y0, x1, y1 = bbox(pos)
    return shifted(pos, -(x0 + x1) / 2, -(y0 + y1) / 2)


def scaled_for_reading(pos: Mapping[str, XY], edges: Iterable[tuple[str, str]]) -> Positions:
    """Scale a layout engine's output (its own units) to chart units.

    The median edge becomes SPACING long, unless that would crowd the nodes: a hairball's
    edges span the picture, so the scale is also at least what gives each node an area of
    (0.7 SPACING)^2 inside the bounding box.
    """
    lengths = [math.dist(pos[u], pos[v]) for u, v in edges if u in pos and v in pos]
    lengths = [d for d in lengths if d > 0]
    if not lengths:
        return dict(pos)
    edge = statistics.median(lengths)
    x0, y0, x1, y1 = bbox(pos)
    area = max(x1 - x0, edge) * max(y1 - y0, edge)
    factor = max(SPACING / edge, math.sqrt(len(pos) * (0.7 * SPACING) ** 2 / area))
    return {n: (x * factor, y * factor) for n, (x, y) in pos.items()}


def rounded(pos: Mapping[str, XY], keep: Mapping[str, XY] | None = None) -> Positions:
    """Round computed coordinates; `keep` (pinned) values are returned exactly as given."""
    keep = keep or {}
    return {
        n: keep[n] if n in keep else (round(x, DIGITS) + 0.0, round(y, DIGITS) + 0.0)
        for n, (x, y) in sorted(pos.items())
    }


def grid_of(ids: Sequence[str], spacing: float = SPACING, columns: int | None = None) -> Positions:
    """Row-major square-ish grid in the given order, top-left at the origin."""
    cols = columns or max(1, math.ceil(math.sqrt(len(ids))))
    return {n: ((i % cols) * spacing, (i // cols) * spacing) for i, n in enumerate(ids)}


def ring(
    ids: Sequence[str], radius: float, centre: XY = (0.0, 0.0), start: float = 0.0
) -> Positions:
    """Points evenly around a circle, clockwise on screen from angle `start`."""
    count = len(ids)
    cx, cy = centre
    return {
        n: (
            cx + radius * math.cos(start + 2 * math.pi * i / count),
            cy + radius * math.sin(start + 2 * math.pi * i / count),
        )
        for i, n in enumerate(ids)
    }


def pack(blocks: Sequence[Mapping[str, XY]], gap: float = SPACING * 1.5) -> Positions:
    """Place blocks in rows (shelf packing) in the order given; the result is centred."""
    if not blocks:
        return {}
    sizes = []
    for block in blocks:
        x0, y0, x1, y1 = bbox(block)
        sizes.append((x1 - x0, y1 - y0, x0, y0))
    area = sum((w + gap) * (h + gap) for w, h, _, _ in sizes)
    row_width = max(max(w for w, _, _, _ in sizes), math.sqrt(area) * 1.2)
    out: Positions = {}
    x = y = row_height = 0.0
    for block, (w, h, x0, y0) in zip(blocks, sizes, strict=True):
        if x > 0 and x + w > row_width:
            x, y, row_height = 0.0, y + row_height + gap, 0.0
        out.update(shifted(block, x - x0, y - y0))
        x += w + gap
        row_height = max(row_height, h)
    return centred(out)
