"""The chart's layouts by name, each returning {id: (x, y)} for every node.

- force: who is tied to whom, clusters visible (force_layout.py).
- circular: everyone on one circle, ordered by community so ties run mostly along the rim.
- hierarchical: layers down the page along directed links (controls / recruited, employs,
  owns, uses): recruitment and control chains read top to bottom (hierarchy.py).
- grouped: one block per entity type (all phones together, all accounts together).
- peacock: the network by force, each node's leaves fanned out behind it like a tail.
- grid: rows by type and degree, for scanning.
The same graph and seed give the same coordinates (nodes are always taken in id order).
Only `force` takes pins (`incremental`); the others are fresh arrangements on request.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence

import networkx as nx

from analyst_app.graph.analysis import communities
from analyst_app.graph.declutter import separate
from analyst_app.graph.fast import GraphLike, simple
from analyst_app.graph.force_layout import force, incremental, per_component
from analyst_app.graph.geometry import (
    SPACING,
    XY,
    Positions,
    grid_of,
    pack,
    ring,
    rounded,
)
from analyst_app.graph.hierarchy import hierarchical


def _kind(graph: nx.Graph, node: str) -> str:
    return str(graph.nodes[node].get("type", ""))


def _by_type_and_degree(graph: nx.Graph, ids: Iterable[str]) -> list[str]:
    return sorted(ids, key=lambda n: (_kind(graph, n), -graph.degree(n), n))


def grid(g: GraphLike, *, seed: int = 0) -> Positions:
    """Rows ordered by type, then most connected first, then id (`seed` is unused)."""
    graph = simple(g)
    return rounded(grid_of(_by_type_and_degree(graph, graph.nodes())))


def circular(g: GraphLike, *, seed: int = 0) -> Positions:
    """One circle, communities together, hubs first within each; arcs about SPACING long."""
    graph = simple(g)
    order = [
        n
        for group in communities(graph, seed=seed)
        for n in sorted(group, key=lambda n: (-graph.degree(n), n))
    ]
    if len(order) == 1:
        return {order[0]: (0.0, 0.0)}
    radius = max(SPACING, len(order) * SPACING / (2 * math.pi))
    return rounded(ring(order, radius, start=-math.pi / 2))


def grouped(g: GraphLike, *, seed: int = 0) -> Positions:
    """A square block per entity type (types in name order), most connected first."""
    graph = simple(g)
    groups: dict[str, list[str]] = {}
    for node in sorted(graph.nodes()):
        groups.setdefault(_kind(graph, node), []).append(node)
    blocks = [grid_of(_by_type_and_degree(graph, groups[t])) for t in sorted(groups)]
    return rounded(pack(blocks, gap=SPACING * 2.5))


# -- peacock -----------------------------------------------------------------------------


LEAF_GAP = SPACING * 0.6  # leaves in a tail sit closer than nodes in the network
MAX_SPREAD = 3.0  # how far the network may be stretched to make room for the tails


def _fan(centre: XY, toward: float | None, tail: Sequence[str]) -> Positions:
    """Leaves in rows of arcs: a half circle facing `toward`, or all round when None."""
    spread = 2 * math.pi if toward is None else math.pi
    direction = 0.0 if toward is None else toward
    pos: Positions = {}
    radius, at = SPACING, 0
    while at < len(tail):
        room = max(3, int(spread * radius / LEAF_GAP))
        row = tail[at : at + room]
        step = spread / len(row)
        for i, node in enumerate(row):
            angle = direction + (i * step if toward is None else (i + 0.5) * step - spread / 2)
            pos[node] = (centre[0] + radius * math.cos(angle), centre[1] + radius * math.sin(angle))
        at += room
        radius += LEAF_GAP
    return pos


def _tails(graph: nx.Graph, comp: list[str]) -> tuple[list[str], dict[str, list[str]]]:
    """The network without its leaves, and each node's leaves (its tail), by type and id."""
    core = [n for n in comp if graph.degree(n) > 1]
    if not core:  # two nodes: the one with the smaller id holds the other
        core = [comp[0]]
    inner = set(core)
    tails: dict[str, list[str]] = {}
    for leaf in sorted(set(comp) - inner, key=lambda n: (_kind(graph, n), n)):
        tails.setdefault(next(iter(graph[leaf])), []).append(leaf)
    return core, tails


def _fan_out(graph: nx.Graph, comp: list[str], seed: int) -> Positions:
    core, tails = _tails(graph, comp)
    centres = force(graph.subgraph(core), seed=seed) if len(core) > 1 else {core[0]: (0.0, 0.0)}
    reach = {
        hub: SPACING + LEAF_GAP * (len(t) * LEAF_GAP / (math.pi * SPACING))
        for hub, t in tails.items()
    }
    stretch = 1.0
    for u, v in graph.subgraph(core).edges():
        if u in reach or v in reach:
            room = reach.get(u, 0.0) + reach.get(v, 0.0)
            stretch = max(stretch, room / max(math.dist(centres[u], centres[v]), 1e-9))
    stretch = min(stretch, MAX_SPREAD)
    pos = {n: (x * stretch, y * stretch) for n, (x, y) in centres.items()}
    for hub, tail in tails.items():
        near = [pos[v] for v in graph[hub] if v in pos]
        toward = None
        if near:
            mx, my = sum(p[0] for p in near) / len(near), sum(p[1] for p in near) / len(near)
            toward = math.atan2(pos[hub][1] - my, pos[hub][0] - mx)
        pos.update(_fan(pos[hub], toward, tail))
    return separate(pos, graph)


def peacock(g: GraphLike, *, seed: int = 0) -> Positions:
    """Hub and spoke: the network without its leaves by force, and each node's leaves
    (entities tied to it alone: handsets, ads, addresses) fanned out behind it, facing
    away from its neighbours like a peacock's tail; the network stretches (at most
    MAX_SPREAD times) to make room for the tails."""
    graph = simple(g)
    return per_component(
        graph,
        lambda comp: _fan_out(graph, comp, seed),
        lambda singles: _by_type_and_degree(graph, singles),
    )


# -- by name -----------------------------------------------------------------------------

Layout = Callable[..., Positions]
LAYOUTS: dict[str, Layout] = {
    "force": force,
    "circular": circular,
    "hierarchical": hierarchical,
    "grouped": grouped,
    "peacock": peacock,
    "grid": grid,
}


def layout(
    g: GraphLike, name: str = "force", *, seed: int = 0, pinned: Mapping[str, XY] | None = None
) -> Positions:
    """The layout called `name` (LAYOUTS, or "incremental" = force around `pinned`)."""
    if name == "incremental" or (name == "force" and pinned):
        return incremental(g, pinned or {}, seed=seed)
    if name not in LAYOUTS:
        raise ValueError(f"layout must be one of {', '.join(LAYOUTS)}, not {name!r}")
    return LAYOUTS[name](g, seed=seed)
