"""The igraph fast path: one conversion, and igraph's random numbers under our seed.

networkx is the API (DESIGN.md); igraph does the heavy work where networkx is measured too
slow (issue 5: betweenness with 256 sources on 20k nodes 27 s in networkx, 0.6 s in
igraph; bench/chart.py has this machine's figures). Vertices are numbered in sorted id
order, so the same graph gives the same igraph graph whatever order networkx holds it in.

python-igraph draws random numbers from a process-wide generator (Python's `random`
module by default, seeded differently in every process). Layouts and Louvain use it, so
`seeded` swaps in a generator seeded by the caller, under a lock because layouts run on a
worker thread pool, and puts the default back afterwards.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TypeAlias

import igraph as ig
import networkx as nx

from analyst_app.graph.model import ChartGraph

GraphLike: TypeAlias = ChartGraph | nx.Graph

# Below this many nodes networkx answers in well under a second and is the reference;
# from it "auto" takes igraph. Measured here on random graphs with 2 edges per node:
# exact betweenness 0.16 s / 8 ms at 300 nodes, 3.6 s / 64 ms at 1,000, 39 s / 0.75 s
# at 3,000 (networkx / igraph); closeness and Louvain are ~10x faster in igraph too.
IGRAPH_FROM = 300

_RNG_LOCK = threading.Lock()


@dataclass(frozen=True)
class Indexed:
    """An igraph copy of an undirected simple graph and the id of each vertex."""

    graph: ig.Graph
    names: list[str]
    index: dict[str, int]


def simple(g: GraphLike) -> nx.Graph:
    """The undirected simple graph behind any input: ChartGraph, (Multi)(Di)Graph."""
    if isinstance(g, ChartGraph):
        return g.graph
    if g.is_directed() or g.is_multigraph():
        out = nx.Graph()
        out.add_nodes_from(g.nodes(data=True))
        out.add_edges_from((u, v) for u, v in g.edges() if u != v)
        return out
    return g


def to_igraph(g: nx.Graph, weight: str | None = None) -> Indexed:
    """Convert once, vertices in sorted id order, edges in sorted order (deterministic)."""
    names = sorted(g.nodes(), key=str)
    index = {n: i for i, n in enumerate(names)}
    pairs = sorted(
        (min(index[u], index[v]), max(index[u], index[v]), d.get(weight, 1.0) if weight else 1.0)
        for u, v, d in g.edges(data=True)
        if u != v
    )
    graph = ig.Graph(n=len(names), edges=[(a, b) for a, b, _ in pairs])
    if weight:
        graph.es["weight"] = [float(w) for _, _, w in pairs]
    return Indexed(graph, [str(n) for n in names], index)


def to_igraph_of(graph: nx.Graph, nodes: Iterable[str]) -> Indexed:
    """`to_igraph(graph.subgraph(nodes))`, the same graph, read off the adjacency: a
    networkx subgraph view filters every edge it yields (0.4 s for a 10,000-node piece)."""
    names = sorted(nodes, key=str)
    index = {n: i for i, n in enumerate(names)}
    adj = graph.adj
    edges: list[tuple[int, int]] = []
    for i, u in enumerate(names):
        later = sorted(k for k in (index.get(v, -1) for v in adj[u]) if k > i)
        edges.extend((i, j) for j in later)
    return Indexed(ig.Graph(n=len(names), edges=edges), [str(n) for n in names], index)


def indexed(g: GraphLike) -> Indexed:
    """The igraph copy of a ChartGraph is made once and kept (the chart is immutable)."""
    if isinstance(g, ChartGraph):
        if "igraph" not in g.cache:
            g.cache["igraph"] = to_igraph(g.graph)
        found: Indexed = g.cache["igraph"]
        return found
    return to_igraph(simple(g))


def use_igraph(engine: str, n: int) -> bool:
    if engine not in ("auto", "networkx", "igraph"):
        raise ValueError(f"engine must be auto, networkx or igraph, not {engine!r}")
    return engine == "igraph" or (engine == "auto" and n >= IGRAPH_FROM)


@contextmanager
def seeded(seed: int) -> Iterator[None]:
    """igraph's random numbers from `random.Random(seed)` for the duration of the block."""
    with _RNG_LOCK:
        ig.set_random_number_generator(random.Random(seed))
        try:
            yield
        finally:
            ig.set_random_number_generator(random)
