"""Keep entities from covering each other: a post-pass over any layout's positions.

Force layouts place points; the chart draws discs (bigger for hubs) with a label under
each. In a dense cluster (a hub's twenty ads, five accounts paid by one boss) the points
sit closer than the discs are wide, and an analyst cannot tell how many entities are
there or read their names. So every entity gets a footprint, its disc and the label
under it (labels longer than LABEL_MOST units are drawn but not given room: they are
dropped where they would collide, and appear when zoomed in; pieces of more than
LABEL_ROOM_MOST entities get room for their discs only), and overlapping footprints
are pushed apart, a few passes, then the discs alone until none overlap. Pinned
entities do not move; the other one of a pair moves the whole way.

Vectorised with numpy over a grid of cells (pairs only between neighbouring cells), so
a pass over 10,000 entities takes milliseconds. Deterministic: no random numbers, and
ties are broken by id order.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

import networkx as nx
import numpy as np
import numpy.typing as npt

from analyst_app.graph.geometry import Positions

# The Qt chart's default look (widgets/chart/style.py: 24-unit discs, twice that for the
# most connected, sized by degree; 11-unit labels), which the layout makes room for.
BASE = 24.0
LARGEST = 2.0
LABEL_HEIGHT = 14.0
CHAR_WIDTH = 6.2  # mean advance of an 11-pixel sans-serif character
LABEL_MOST = 110.0
GAP = 6.0
LABEL_ROOM_MOST = 300
WORK = 50_000
PASSES = 40
DENSE_CELLS = 4_000_000  # up to this many grid cells, count them in a table (32 MB)
_OFFSETS = ((0, 0), (1, -1), (1, 0), (1, 1), (0, 1))

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]


def top_degree(graph: nx.Graph) -> int:
    return max((d for _, d in graph.degree()), default=1) or 1


def footprints(
    graph: nx.Graph, ids: list[str], top: int | None = None
) -> tuple[Floats, Floats, Floats]:
    """Half width, extent above and extent below the centre of each entity's footprint.

    Discs are scaled by `top`, the degree of the most connected entity on the whole
    chart (as the chart sizes them), not of the piece being laid out."""
    degrees = np.array([graph.degree(n) for n in ids], dtype=np.float64)
    top = top or top_degree(graph)
    radius = BASE / 2 * (1 + (LARGEST - 1) * np.sqrt(degrees / top))
    label = np.array(
        [min(LABEL_MOST, CHAR_WIDTH * len(str(graph.nodes[n].get("label") or n))) for n in ids]
    )
    half = np.maximum(radius, label / 2)
    return half, radius, radius + LABEL_HEIGHT


def _pairs(x: Floats, y: Floats, cell_w: float, cell_h: float) -> tuple[Ints, Ints]:
    """Index pairs (i, j), each once, whose cells touch: the only ones that can overlap."""
    cx = np.floor(x / cell_w).astype(np.int64)
    cy = np.floor(y / cell_h).astype(np.int64)
    span = int(cy.max() - cy.min()) + 3
    key = (cx - cx.min() + 1) * span + (cy - cy.min() + 1)
    order = np.argsort(key, kind="stable")
    n = len(x)
    shifts = np.array([ox * span + oy for ox, oy in _OFFSETS], dtype=np.int64)
    wanted = (key[None, :] + shifts[:, None]).ravel()  # offset-major: 5 blocks of n
    cells = (int(cx.max() - cx.min()) + 3) * span
    if cells <= DENSE_CELLS:
        # A table of every cell's count and first place in `order`: two lookups per
        # question instead of two binary searches (10,000 entities: 1 ms, not 8).
        per_cell = np.bincount(key, minlength=cells)
        first = np.cumsum(per_cell) - per_cell
        lo, counts = first[wanted], per_cell[wanted]
    else:
        keys = key[order]
        lo = np.searchsorted(keys, wanted, side="left")
        counts = np.searchsorted(keys, wanted, side="right") - lo
    total = int(counts.sum())
    if total == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    i = np.repeat(np.tile(np.arange(n), len(_OFFSETS)), counts)
    starts = np.repeat(lo - np.cumsum(counts) + counts, counts)
    j = order[starts + np.arange(total)]
    # Within one cell (the first offset) each pair is found twice, and each node itself.
    own = np.repeat(np.arange(len(wanted)) < n, counts)
    keep = ~own | (j > i)
    return i[keep], j[keep]


def separate(
    pos: Mapping[str, tuple[float, float]],
    graph: nx.Graph,
    *,
    fixed: Collection[str] = (),
    passes: int = PASSES,
    top: int | None = None,
) -> Positions:
    """`pos` with overlapping footprints pushed apart (see the module docstring).

    Two phases: `passes` rounds over whole footprints (disc and label), then rounds over
    the discs alone until none overlap (a jam of labels may stay; a jam of discs may not).
    Each overlapping pair moves apart along the line between their centres, far enough
    to clear the axis that is cheaper to clear.
    """
    ids = sorted(pos)
    if len(ids) < 2:
        return dict(pos)
    x = np.array([pos[n][0] for n in ids], dtype=np.float64)
    y = np.array([pos[n][1] for n in ids], dtype=np.float64)
    half, above, below = footprints(graph, ids, top)
    if len(ids) > LABEL_ROOM_MOST:
        # Room for labels only in pieces small enough to read whole; a hairball forced
        # apart to make room for 600 labels loses the shape the force layout found.
        half, below = above, above
    free = np.array([n not in fixed for n in ids], dtype=np.float64)
    cell_w = 2 * float(half.max()) + GAP
    cell_h = float((above + below).max()) + GAP
    # Small pieces (a hub and its six ads) settle in a few passes; more would only chase
    # the last overlapping labels, which the chart drops anyway.
    n = len(ids)
    for _ in range(min(passes, 8 + n // 8, max(4, WORK // n))):
        i, j = _pairs(x, y, cell_w, cell_h)
        dx, dy = x[j] - x[i], y[j] - y[i]
        over_x = half[i] + half[j] + GAP - np.abs(dx)
        over_y = np.minimum(y[i] + below[i], y[j] + below[j]) - np.maximum(
            y[i] - above[i], y[j] - above[j]
        )
        over_y += GAP
        hit = (over_x > 0) & (over_y > 0) & ((free[i] + free[j]) > 0)
        if not hit.any():
            break
        i, j, dx, dy = i[hit], j[hit], dx[hit], dy[hit]
        ux, uy = _direction(i, j, dx, dy)
        need = np.minimum(
            np.where(np.abs(ux) > 1e-3, over_x[hit] / np.maximum(np.abs(ux), 1e-3), np.inf),
            np.where(np.abs(uy) > 1e-3, over_y[hit] / np.maximum(np.abs(uy), 1e-3), np.inf),
        )
        _push(x, y, free, i, j, ux * need, uy * need)
    radius = above  # the disc: above the centre is the disc alone
    cell = 2 * float(radius.max()) + 1
    # Big pieces get a bounded number of passes (WORK node-steps): a 10,000-entity
    # hairball is not read disc by disc, and its layout must stay fast.
    for _ in range(min(PASSES * 5, max(20, 4 * WORK // n))):
        i, j = _pairs(x, y, cell, cell)
        dx, dy = x[j] - x[i], y[j] - y[i]
        over = radius[i] + radius[j] + 1 - np.hypot(dx, dy)
        hit = (over > 0) & ((free[i] + free[j]) > 0)
        if not hit.any():
            break
        i, j = i[hit], j[hit]
        ux, uy = _direction(i, j, dx[hit], dy[hit])
        _push(x, y, free, i, j, ux * over[hit], uy * over[hit])
    return {n: (float(x[k]), float(y[k])) for k, n in enumerate(ids)}


def _direction(i: Ints, j: Ints, dx: Floats, dy: Floats) -> tuple[Floats, Floats]:
    """Unit vectors from i to j; on top of each other, the later id goes right."""
    apart = np.hypot(dx, dy)
    same = apart <= 1e-9
    ux = np.where(same, np.where(j > i, 1.0, -1.0), dx / np.maximum(apart, 1e-9))
    uy = np.where(same, 0.0, dy / np.maximum(apart, 1e-9))
    return ux, uy


def _push(x: Floats, y: Floats, free: Floats, i: Ints, j: Ints, px: Floats, py: Floats) -> None:
    """Move each pair apart by (px, py): half each, or all of it for the one not pinned."""
    share = free[i] + free[j]
    move_i, move_j = free[i] / share, free[j] / share
    # bincount sums each entity's pushes in one pass (np.add.at is ten times slower).
    n = len(x)
    x += np.bincount(j, px * move_j, n) - np.bincount(i, px * move_i, n)
    y += np.bincount(j, py * move_j, n) - np.bincount(i, py * move_i, n)


def overlaps(pos: Mapping[str, tuple[float, float]], graph: nx.Graph) -> int:
    """How many pairs of discs (without labels) overlap: what the tests and bench count."""
    ids = sorted(pos)
    if len(ids) < 2:
        return 0
    x = np.array([pos[n][0] for n in ids], dtype=np.float64)
    y = np.array([pos[n][1] for n in ids], dtype=np.float64)
    _, radius, _ = footprints(graph, ids)
    reach = 2 * float(radius.max())
    i, j = _pairs(x, y, reach, reach)
    apart = np.hypot(x[j] - x[i], y[j] - y[i])
    return int(np.count_nonzero(apart < (radius[i] + radius[j]) * (1 - 1e-6)))
