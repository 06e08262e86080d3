"""Force-directed layout, from scratch or around pinned entities.

igraph's Fruchterman-Reingold does the work (its grid variant from GRID_FROM nodes up:
10,000 nodes in ~2 s where networkx's spring layout takes minutes), one connected
component at a time, then the pieces are packed (geometry.pack).

Deterministic: nodes go to igraph in sorted id order, each component starts from
positions drawn from `random.Random` seeded by (seed, the component's first id), and
igraph's own random numbers come from the same seed (fast.seeded). A component's picture
therefore depends only on itself and the seed, not on unrelated parts of the case.

Incremental: pinned nodes are held by igraph's per-vertex bounds (min = max = the pin),
new nodes start next to their placed neighbours and settle at a low temperature, and the
pins are returned exactly as given. Components with no pin are laid out apart and set to
the right of the pinned picture.
"""

from __future__ import annotations

import hashlib
import math
import random
import statistics
from collections.abc import Callable, Mapping, Sequence

import networkx as nx

from analyst_app.graph.analysis import components
from analyst_app.graph.declutter import separate, top_degree
from analyst_app.graph.fast import GraphLike, seeded, simple, to_igraph, to_igraph_of
from analyst_app.graph.geometry import (
    SPACING,
    XY,
    Positions,
    bbox,
    grid_of,
    pack,
    rounded,
    scaled_for_reading,
    shifted,
)

GRID_FROM = 700  # below, the exact O(n^2) variant: ~0.6 s at 660 nodes, and far clearer
ITERATIONS = 500
# The grid variant settles in fewer steps: 300 give the same picture to the eye at
# 10,000 nodes, in 0.6 s instead of 1.0 (`threadline chart` must beat networkx's
# 1,000-node spring layout end to end).
GRID_ITERATIONS = 300
BIG = 4_000  # from here half as many again: no one reads a 4,000-node hairball's detail
# Incremental: new nodes start beside their neighbours, so fewer, cooler steps suffice
# (10,000 nodes, 90% pinned: 1.1 s; 300 steps and a denser grid took 4.8 s, same result).
SETTLE_ITERATIONS = 150
FILL_MAX = 1.0
# Median edge length of igraph's grid-variant FR, in its own units (measured 1.12-1.16 on
# random graphs of 50-3,000 nodes): how many chart units one igraph unit is, at most.
IGRAPH_EDGE = 1.15


def component_seed(seed: int, first: str) -> int:
    """A seed per component from the layout seed and its first id (stable across runs)."""
    digest = hashlib.sha256(f"{seed}:{first}".encode()).digest()
    return int.from_bytes(digest[:4], "big")


def force(g: GraphLike, *, seed: int = 0, pinned: Mapping[str, XY] | None = None) -> Positions:
    """Force-directed positions of every node; with `pinned`, an incremental layout."""
    if pinned:
        return incremental(g, pinned, seed=seed)
    graph = simple(g)
    top = top_degree(graph)
    return per_component(
        graph,
        lambda comp: _component(graph, comp, seed, top),
        lambda singles: _by_type(graph, singles),
    )


def per_component(
    graph: nx.Graph,
    place: Callable[[list[str]], Positions],
    order_singles: Callable[[list[str]], list[str]],
) -> Positions:
    """Lay out each connected component with `place`, isolated nodes on a grid, then pack."""
    blocks, singles = [], []
    for comp in components(graph):
        if len(comp) == 1:
            singles.append(comp[0])
        else:
            blocks.append(place(comp))
    if singles:
        blocks.append(grid_of(order_singles(singles)))
    return rounded(pack(blocks))


def _by_type(graph: nx.Graph, ids: Sequence[str]) -> list[str]:
    return sorted(ids, key=lambda n: (str(graph.nodes[n].get("type", "")), n))


def _component(graph: nx.Graph, nodes: list[str], seed: int, top: int) -> Positions:
    if len(nodes) == 2:
        return {nodes[0]: (0.0, 0.0), nodes[1]: (SPACING, 0.0)}
    view = to_igraph_of(graph, nodes)
    local = component_seed(seed, nodes[0])
    rng = random.Random(local)
    # Centred on the origin: igraph's grid variant spans [-sqrt(n)/2, sqrt(n)/2] and crowds
    # nodes outside it into its border cells (10,000 nodes: 12.5 s off-centre, 1.3 s here).
    half = math.sqrt(len(nodes)) / 2
    start = [[rng.uniform(-half, half), rng.uniform(-half, half)] for _ in view.names]
    with seeded(local):
        coords = view.graph.layout_fruchterman_reingold(
            seed=start,
            niter=_iterations(len(nodes)),
            grid="grid" if len(nodes) >= GRID_FROM else "nogrid",
        ).coords
    names = view.names
    pos = {name: (float(coords[i][0]), float(coords[i][1])) for i, name in enumerate(names)}
    ties = [(names[a], names[b]) for a, b in view.graph.get_edgelist()]
    return separate(scaled_for_reading(pos, ties), graph, top=top)


def _iterations(n: int) -> int:
    if n < GRID_FROM:
        return ITERATIONS
    return GRID_ITERATIONS if n < BIG else GRID_ITERATIONS // 2


def incremental(g: GraphLike, pinned: Mapping[str, XY], *, seed: int = 0) -> Positions:
    """Pinned nodes stay exactly where they are; new nodes settle around them.

    Pins of nodes that are not in the chart are ignored (hidden or filtered out).
    """
    graph = simple(g)
    fixed = {n: (float(pinned[n][0]), float(pinned[n][1])) for n in graph if n in pinned}
    if not fixed:
        return force(graph, seed=seed)
    placed: Positions = dict(fixed)
    free: list[str] = []
    for comp in components(graph):
        if not any(n in fixed for n in comp):
            free.extend(comp)
        elif any(n not in fixed for n in comp):
            placed.update(_settle(graph, comp, fixed, seed))
    if free:
        rest = force(graph.subgraph(free), seed=seed)
        _, y0, x1, _ = bbox(placed)
        fx0, fy0, _, _ = bbox(rest)
        placed.update(shifted(rest, x1 + 2 * SPACING - fx0, y0 - fy0))
    return rounded(separate(placed, graph, fixed=fixed), keep=fixed)


def _first_guess(
    graph: nx.Graph, comp: list[str], fixed: Mapping[str, XY], rng: random.Random
) -> Positions:
    """Breadth-first from the pins: each new node near the mean of its placed neighbours."""
    guess = {n: fixed[n] for n in comp if n in fixed}
    frontier = sorted(guess)
    while frontier:
        nxt: list[str] = []
        for node in frontier:
            for other in sorted(graph[node]):
                if other in guess:
                    continue
                near = [guess[v] for v in graph[other] if v in guess]
                cx = sum(p[0] for p in near) / len(near)
                cy = sum(p[1] for p in near) / len(near)
                angle, reach = rng.uniform(0, 2 * math.pi), rng.uniform(0.5, 1.0) * SPACING
                guess[other] = (cx + reach * math.cos(angle), cy + reach * math.sin(angle))
                nxt.append(other)
        frontier = nxt
    return guess


def _settle(graph: nx.Graph, comp: list[str], fixed: Mapping[str, XY], seed: int) -> Positions:
    local = component_seed(seed, comp[0])
    guess = _first_guess(graph, comp, fixed, random.Random(local))
    sub = graph.subgraph(comp)
    view = to_igraph(sub)
    # Chart units per igraph unit: new nodes settle about one pinned edge length from
    # their neighbours, but the picture must roughly fill igraph's grid square (side
    # sqrt(n), centred: see _component), or its grid cells or border cells crowd and a
    # 5,000-node update takes 17 s instead of 1 s.
    x0, y0, x1, y1 = bbox(guess)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    pinned_edges = [
        math.dist(fixed[u], fixed[v]) for u, v in sub.edges() if u in fixed and v in fixed
    ]
    edge = statistics.median(pinned_edges) if pinned_edges else SPACING
    fill = max(x1 - x0, y1 - y0, SPACING) / math.sqrt(len(comp))
    unit = min(max(max(edge, 1.0) / IGRAPH_EDGE, fill / 4), fill * FILL_MAX)
    start = [[(guess[n][0] - cx) / unit, (guess[n][1] - cy) / unit] for n in view.names]
    # Free nodes may move anywhere near the picture.
    reach = max(max(abs(v) for xy in start for v in xy), math.sqrt(len(comp))) * 1.5 + 10
    lo_x, hi_x, lo_y, hi_y = [], [], [], []
    for name, (x, y) in zip(view.names, start, strict=True):
        pin = name in fixed
        lo_x.append(x if pin else -reach)
        hi_x.append(x if pin else reach)
        lo_y.append(y if pin else -reach)
        hi_y.append(y if pin else reach)
    with seeded(local):
        coords = view.graph.layout_fruchterman_reingold(
            seed=start,
            niter=SETTLE_ITERATIONS,
            start_temp=1.0,
            grid="grid" if len(comp) >= GRID_FROM else "nogrid",
            minx=lo_x,
            maxx=hi_x,
            miny=lo_y,
            maxy=hi_y,
        ).coords
    return {
        name: (float(coords[i][0]) * unit + cx, float(coords[i][1]) * unit + cy)
        for i, name in enumerate(view.names)
        if name not in fixed
    }
