"""Network analysis over a chart: who is central, who brokers, which groups, which paths.

Every function takes a `ChartGraph` or any networkx graph and works on the undirected
simple graph of ties (hop counts, not event counts: a broker between two groups matters
however often either side calls). networkx defines the answers; above `IGRAPH_FROM` nodes
("auto") igraph computes the same numbers, scaled exactly as networkx scales them, and the
tests hold the two equal on small graphs. Results are plain dicts and lists keyed by id,
sorted where order is not meaningful, so a view, the CLI and the brief show the same.
"""

from __future__ import annotations

import math
import random
import warnings
from collections.abc import Callable, Iterable
from itertools import islice
from typing import Any

import networkx as nx

from analyst_app.graph.fast import GraphLike, indexed, seeded, simple, use_igraph

Scores = dict[str, float]
MEASURES = ("degree", "betweenness", "closeness", "eigenvector")


def degree(g: GraphLike, *, normalized: bool = False) -> Scores:
    """Distinct neighbours (normalized: divided by n - 1, as networkx's degree_centrality)."""
    graph = simple(g)
    scale = 1 / (len(graph) - 1) if normalized and len(graph) > 1 else 1.0
    return {str(n): d * scale for n, d in graph.degree()}


def _sorted_copy(graph: nx.Graph) -> nx.Graph:
    """The graph with nodes and edges inserted in id order, with their data, so sampling
    and Louvain's node shuffle do not depend on the order the graph was built in."""
    names = sorted(graph.nodes(), key=str)
    if list(graph.nodes()) == names:
        return graph
    out = nx.Graph()
    out.add_nodes_from((n, graph.nodes[n]) for n in names)
    ends = sorted((sorted((u, v), key=str), d) for u, v, d in graph.edges(data=True))
    out.add_edges_from((u, v, d) for (u, v), d in ends)
    return out


def betweenness(
    g: GraphLike,
    *,
    k: int | None = None,
    seed: int = 0,
    normalized: bool = True,
    engine: str = "auto",
) -> Scores:
    """Shortest-path betweenness: the brokers. With `k`, estimated from k sampled sources.

    The sources are `random.Random(seed).sample(ids in sorted order, k)` in both engines,
    which is exactly what networkx samples, so the estimates are equal too.
    """
    graph = _sorted_copy(simple(g))
    n = len(graph)
    if k is not None and k >= n:
        k = None
    if not use_igraph(engine, n):
        rng = random.Random(seed) if k is not None else None
        found = nx.betweenness_centrality(graph, k=k, normalized=normalized, seed=rng)
        return {str(v): float(b) for v, b in found.items()}
    view = indexed(g)
    sources = None
    if k is not None:
        sample = random.Random(seed).sample(list(graph.nodes()), k)
        sources = [view.index[s] for s in sample]
    raw = view.graph.betweenness(directed=False, sources=sources)
    # igraph counts each unordered pair once; networkx accumulates ordered pairs, then
    # rescales (networkx.algorithms.centrality.betweenness._rescale, endpoints=False).
    sampled = set(sources or ())
    scale_source, scale_other = _rescale(n, normalized, None if k is None else k)
    return {
        name: 2 * raw[i] * (scale_source if i in sampled else scale_other)
        for i, name in enumerate(view.names)
    }


def _rescale(n: int, normalized: bool, k: int | None) -> tuple[float, float]:
    """networkx's factors (for sampled sources, for the rest) on undirected graphs."""
    big_n = n - 1
    if big_n < 2:
        return 1.0, 1.0
    if k is None:
        same = 1 / (big_n * (big_n - 1)) if normalized else 0.5
        return same, same
    if normalized:
        source = 1 / ((k - 1) * (big_n - 1)) if k > 1 else math.nan
        return source, 1 / (k * (big_n - 1))
    source = big_n / ((k - 1) * 2) if k > 1 else math.nan
    return source, big_n / (k * 2)


def closeness(g: GraphLike, *, engine: str = "auto") -> Scores:
    """Closeness as networkx computes it (Wasserman-Faust: scaled by the reachable share)."""
    graph = simple(g)
    n = len(graph)
    if not use_igraph(engine, n):
        return {str(v): float(c) for v, c in nx.closeness_centrality(graph).items()}
    view = indexed(g)
    raw = view.graph.closeness(normalized=True)
    pieces = view.graph.connected_components()
    sizes, member = pieces.sizes(), pieces.membership
    out = {}
    for i, name in enumerate(view.names):
        reach = sizes[member[i]] - 1
        value = raw[i]
        ok = reach > 0 and value is not None and not math.isnan(value)
        out[name] = value * reach / (n - 1) if ok else 0.0
    return out


def eigenvector(g: GraphLike, *, engine: str = "auto") -> Scores:
    """Eigenvector centrality, unit Euclidean norm as networkx returns it.

    On a disconnected graph the leading eigenvector lives in one component and the rest
    score about zero; rank within a component or use the chart of one component.
    """
    graph = simple(g)
    n = len(graph)
    if n == 0:
        return {}
    if not use_igraph(engine, n):
        try:
            found = nx.eigenvector_centrality(graph, max_iter=1000, tol=1e-9)
            return {str(v): float(c) for v, c in found.items()}
        except nx.PowerIterationFailedConvergence:  # no dominant eigenvalue: ARPACK copes
            pass
    view = indexed(g)
    with warnings.catch_warnings():  # igraph warns on disconnected graphs: see above
        warnings.simplefilter("ignore", RuntimeWarning)
        values = [abs(v) for v in view.graph.eigenvector_centrality()]
    norm = math.sqrt(sum(v * v for v in values)) or 1.0
    return {name: values[i] / norm for i, name in enumerate(view.names)}


def centrality(g: GraphLike, measure: str, **options: Any) -> Scores:
    """One of MEASURES by name: what "size by" in the chart and `--size-by` ask for."""
    functions: dict[str, Callable[..., Scores]] = {
        "degree": degree,
        "betweenness": betweenness,
        "closeness": closeness,
        "eigenvector": eigenvector,
    }
    if measure not in functions:
        raise ValueError(f"measure must be one of {', '.join(MEASURES)}, not {measure!r}")
    result: Scores = functions[measure](g, **options)
    return result


def ranked(scores: Scores, n: int | None = 10) -> list[tuple[str, float]]:
    """Highest first, ties by id: the "most connected" list."""
    order = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
    return order if n is None else order[:n]


def _ordered(groups: Iterable[Iterable[Any]]) -> list[list[str]]:
    """Groups sorted inside, then largest first, ties by their first id."""
    parts = [sorted(str(v) for v in group) for group in groups]
    return sorted((p for p in parts if p), key=lambda p: (-len(p), p[0]))


def communities(
    g: GraphLike,
    *,
    seed: int = 0,
    resolution: float = 1.0,
    weight: str | None = "weight",
    engine: str = "auto",
) -> list[list[str]]:
    """Louvain communities, largest first; weighted by event counts unless weight=None."""
    graph = simple(g)
    if not use_igraph(engine, len(graph)):
        found = nx.community.louvain_communities(
            _sorted_copy(graph),
            weight=weight,
            resolution=resolution,
            seed=random.Random(seed),
        )
        return _ordered(found)
    from analyst_app.graph.fast import to_igraph

    view = to_igraph(graph, weight) if weight else indexed(g)
    with seeded(seed):
        clusters = view.graph.community_multilevel(
            weights="weight" if weight else None, resolution=resolution
        )
    return _ordered([view.names[i] for i in members] for members in clusters)


def membership(groups: list[list[str]]) -> dict[str, int]:
    """id -> group number (0 = the largest), for colouring by community."""
    return {node: i for i, group in enumerate(groups) for node in group}


def modularity(g: GraphLike, groups: list[list[str]], *, weight: str | None = "weight") -> float:
    return float(nx.community.modularity(simple(g), groups, weight=weight))


def components(g: GraphLike) -> list[list[str]]:
    """Connected components, largest first: the networks in a case, and its loose ends."""
    return _ordered(nx.connected_components(simple(g)))


def _check(graph: nx.Graph, *ids: str) -> None:
    for node in ids:
        if node not in graph:
            raise KeyError(f"{node!r} is not in this chart")


def shortest_path(g: GraphLike, source: str, target: str) -> list[str] | None:
    """The fewest-hops path from source to target (networkx's), or None when unconnected."""
    graph = simple(g)
    _check(graph, source, target)
    try:
        return [str(v) for v in nx.shortest_path(graph, source, target)]
    except nx.NetworkXNoPath:
        return None


def all_paths(
    g: GraphLike, source: str, target: str, *, cutoff: int = 4, limit: int = 1000
) -> list[list[str]]:
    """Simple paths of at most `cutoff` hops, shortest first; at most `limit` are searched
    for, because the number of paths grows exponentially with the length."""
    graph = simple(g)
    _check(graph, source, target)
    if source == target:
        return [[source]]
    found = islice(nx.all_simple_paths(graph, source, target, cutoff=cutoff), limit)
    return sorted(([str(v) for v in p] for p in found), key=lambda p: (len(p), p))


def common_neighbours(g: GraphLike, *ids: str) -> list[str]:
    """Entities tied to every one of `ids` (common contacts), sorted."""
    graph = simple(g)
    _check(graph, *ids)
    if not ids:
        return []
    shared = set(graph[ids[0]])
    for node in ids[1:]:
        shared &= set(graph[node])
    return sorted(str(v) for v in shared - set(ids))


def neighbours(g: GraphLike, ids: Iterable[str], depth: int = 1) -> set[str]:
    """`ids` and everything within `depth` hops of them in this chart ("expand")."""
    graph = simple(g)
    reached = set(ids)
    _check(graph, *reached)
    frontier = set(reached)
    for _ in range(depth):
        frontier = {v for u in frontier for v in graph[u]} - reached
        reached |= frontier
    return reached
