"""Layered layout: who is above whom, for recruitment and control chains.

Layers come from directed links (controls / recruited, employs, owns, uses, and handsets
under their numbers) by longest-path layering after cycles are broken (back edges of a
depth-first search in id order, so the result is deterministic); everything else hangs
one layer below its nearest placed neighbour. With `roots`, layers count hops from them.
Within layers, barycentre sweeps cut crossings; each node then sits under the mean of its
parents, pushed apart to SPACING. y grows downward: layer 0 is the top of the page.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

import networkx as nx

from analyst_app.graph.analysis import components
from analyst_app.graph.fast import GraphLike, simple
from analyst_app.graph.geometry import SPACING, Positions, pack, rounded
from analyst_app.graph.model import CONTEXT, LINK, ChartGraph

LAYER_GAP = SPACING * 1.5


def _arrows(g: GraphLike) -> list[tuple[str, str]]:
    """Edges that say who is above whom: directed links (controls, employs, owns, uses...)
    and handsets under their numbers. One-way calls and payments are traffic, not rank:
    layered by them, a CDR becomes a chain a hundred layers deep."""
    if isinstance(g, ChartGraph):
        return sorted(
            {(e.source, e.target) for e in g.edges if e.directed and e.kind in (LINK, CONTEXT)}
        )
    if g.is_directed():
        return sorted((str(u), str(v)) for u, v in g.edges() if u != v)
    return []


def _acyclic(nodes: Sequence[str], arrows: Iterable[tuple[str, str]]) -> nx.DiGraph:
    """The arrows minus back edges of a depth-first search in id order (breaks cycles)."""
    dag = nx.DiGraph()
    dag.add_nodes_from(nodes)
    out: dict[str, list[str]] = {n: [] for n in nodes}
    for u, v in sorted(set(arrows)):
        out[u].append(v)
    state: dict[str, int] = {}  # 1 on the stack, 2 done
    for root in nodes:
        if root in state:
            continue
        state[root] = 1
        stack = [(root, iter(out[root]))]
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                state[node] = 2
                stack.pop()
            elif state.get(child) != 1:  # an edge to a node on the stack closes a cycle
                dag.add_edge(node, child)
                if child not in state:
                    state[child] = 1
                    stack.append((child, iter(out[child])))
    return dag


def _layers(
    graph: nx.Graph, comp: list[str], arrows: list[tuple[str, str]], roots: set[str]
) -> dict[str, int]:
    layer: dict[str, int] = {}
    if roots & set(comp):
        layer = {r: 0 for r in sorted(roots & set(comp))}
    elif arrows:
        dag = _acyclic(comp, arrows)
        for node in nx.lexicographical_topological_sort(dag):
            if dag.degree(node):
                preds = [layer[p] + 1 for p in dag.predecessors(node)]
                layer[node] = max(preds, default=0)
    if not layer:
        top = min(comp, key=lambda n: (-graph.degree(n), n))
        layer = {top: 0}
    frontier = sorted(layer)
    while frontier:  # the rest hang below their nearest placed neighbour
        nxt = []
        for node in frontier:
            for other in sorted(graph[node]):
                if other not in layer:
                    layer[other] = layer[node] + 1
                    nxt.append(other)
        frontier = nxt
    return layer


def _ordered_layers(graph: nx.Graph, layer: Mapping[str, int], sweeps: int = 4) -> list[list[str]]:
    """Barycentre ordering within layers (down and up sweeps) to cut crossings."""
    rows: list[list[str]] = [[] for _ in range(max(layer.values()) + 1)]
    for node in sorted(layer):
        rows[layer[node]].append(node)
    index = {n: i for row in rows for i, n in enumerate(row)}
    for sweep in range(sweeps * 2):
        down = sweep % 2 == 0
        seq = range(1, len(rows)) if down else range(len(rows) - 2, -1, -1)
        for r in seq:
            near = r - 1 if down else r + 1

            def key(n: str, near: int = near) -> tuple[float, int]:
                xs = [index[v] for v in graph[n] if layer.get(v) == near]
                return (sum(xs) / len(xs) if xs else float(index[n]), index[n])

            rows[r].sort(key=key)
            index.update({n: i for i, n in enumerate(rows[r])})
    return rows


def _placed(graph: nx.Graph, rows: list[list[str]]) -> Positions:
    """x: the first row spaced evenly; below, each node under its parents, pushed apart."""
    pos: Positions = {}
    for r, row in enumerate(rows):
        y = r * LAYER_GAP
        wanted = []
        for node in row:
            xs = [pos[v][0] for v in graph[node] if v in pos and pos[v][1] < y]
            wanted.append(sum(xs) / len(xs) if xs else math.nan)
        xs_row: list[float] = []
        for i, want in enumerate(wanted):
            prev = xs_row[-1] + SPACING if xs_row else -math.inf
            guess = want if not math.isnan(want) else (prev if xs_row else i * SPACING)
            xs_row.append(max(guess, prev))
        known = [(w, x) for w, x in zip(wanted, xs_row, strict=True) if not math.isnan(w)]
        shift = sum(w - x for w, x in known) / len(known) if known else -xs_row[-1] / 2
        pos.update({n: (x + shift, y) for n, x in zip(row, xs_row, strict=True)})
    return pos


def hierarchical(g: GraphLike, *, seed: int = 0, roots: Iterable[str] | None = None) -> Positions:
    """Layers top to bottom. Directed edges point down (cycles broken in id order); with
    `roots`, layers count hops from them instead; a piece with no directed edge hangs from
    its most connected node. Nodes off the directed edges hang below a neighbour."""
    graph = simple(g)
    root_set = set(roots or ())
    pieces = components(graph)
    piece_of = {n: i for i, comp in enumerate(pieces) for n in comp}
    arrows: list[list[tuple[str, str]]] = [[] for _ in pieces]
    for u, v in _arrows(g):
        if u in piece_of and piece_of[u] == piece_of.get(v):
            arrows[piece_of[u]].append((u, v))
    blocks = []
    for comp, inside in zip(pieces, arrows, strict=True):
        layer = _layers(graph, comp, inside, root_set)
        blocks.append(_placed(graph, _ordered_layers(graph, layer)))
    return rounded(pack(blocks))
