"""The chart's graph as plain data: nodes and edges a widget, an exporter or a brief can draw.

A `ChartGraph` keeps two views of the same chart:
- `nodes` and `edges`, plain frozen dataclasses in a stable order, one edge per link and one
  per (pair, event type) however many events it folds, which is what gets drawn;
- `graph`, a simple undirected networkx graph of who is tied to whom (parallel edges merged,
  weight = number of events and links), which is what analysis and layout work on: in
  communications analysis a tie is a tie whichever way the calls went.
The chart is treated as immutable once built, so derived data (igraph copy) can be cached.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from functools import cached_property
from typing import Any

import networkx as nx

# Edge kinds: a link record; events folded between two participants; a handset or cell
# attributed to the number that used it.
LINK, EVENT, CONTEXT = "link", "event", "context"


@dataclass(frozen=True)
class ChartNode:
    id: str
    type: str
    label: str
    role: str | None = None
    status: str = "unconfirmed"
    source_grade: str | None = None
    info_grade: str | None = None
    degree: int = 0  # distinct neighbours in this chart


@dataclass(frozen=True)
class ChartEdge:
    """One drawn edge. For folded events, `count` events, `forward` of them source -> target.

    `directed` is true for a link type whose schema says so and for events that all went
    one way (then `source` is the caller, sender or payer); two-way traffic is one
    undirected edge with both counts. `key` is stable: the link id, or kind:type:ends.
    """

    key: str
    source: str
    target: str
    kind: str
    type: str
    label: str
    count: int = 1
    weight: float = 1.0
    first: str | None = None
    last: str | None = None
    status: str = "unconfirmed"
    directed: bool = False
    forward: int = 0
    backward: int = 0
    amount: float | None = None
    currency: str | None = None


@dataclass
class ChartGraph:
    """Nodes by id (sorted), edges (sorted), the analysis graph, and how it was asked for."""

    nodes: dict[str, ChartNode]
    edges: list[ChartEdge]
    graph: nx.Graph = field(repr=False)
    query: dict[str, Any] = field(default_factory=dict)
    # Neighbours each entity has in the case that this chart does not show (a sub-chart of
    # a bigger one: "+12" on the chart, reachable by expanding). Absent means none known.
    collapsed: dict[str, int] = field(default_factory=dict)
    # Derived data kept with the chart (its igraph copy); valid because charts don't change.
    cache: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def assemble(
        cls, nodes: Iterable[ChartNode], edges: Iterable[ChartEdge], query: dict[str, Any]
    ) -> ChartGraph:
        """Sort, drop edges with a missing end, merge parallel edges into `graph`, set degrees."""
        by_id = {n.id: n for n in sorted(nodes, key=lambda n: n.id)}
        kept = sorted(
            (e for e in edges if e.source in by_id and e.target in by_id and e.source != e.target),
            key=lambda e: (e.source, e.target, e.kind, e.type, e.key),
        )
        graph = nx.Graph()
        graph.add_nodes_from((n.id, {"type": n.type, "label": n.label}) for n in by_id.values())
        # Parallel edges merged first, then added at once (in the order first met, as
        # edge by edge would): 20,000 has_edge checks cost more than the whole graph.
        ties: dict[tuple[str, str], dict[str, Any]] = {}
        for edge in kept:
            u, v = edge.source, edge.target
            data = ties.get((u, v)) or ties.get((v, u))
            if data is None:
                ties[(u, v)] = {"weight": edge.weight, "keys": [edge.key]}
            else:
                data["weight"] += edge.weight
                data["keys"].append(edge.key)
        graph.add_edges_from((u, v, data) for (u, v), data in ties.items())
        degrees = dict(graph.degree())
        nodes_out = {i: _with_degree(n, degrees[i]) for i, n in by_id.items()}
        return cls(nodes=nodes_out, edges=kept, graph=graph, query=query)

    @classmethod
    def from_networkx(
        cls, g: nx.Graph, *, type_attr: str = "type", label_attr: str = "label"
    ) -> ChartGraph:
        """Wrap any networkx graph (a sample file, a synthetic benchmark graph) as a chart."""
        directed = g.is_directed()
        nodes = [
            ChartNode(
                id=str(n),
                type=str(d.get(type_attr, "Thing")),
                label=str(d.get(label_attr, n)),
            )
            for n, d in g.nodes(data=True)
        ]
        edges = [
            ChartEdge(
                key=f"{LINK}:{i}",
                source=str(u),
                target=str(v),
                kind=LINK,
                type=str(d.get("type", "link")),
                label=str(d.get("label", "")),
                weight=float(d.get("weight", 1.0)),
                directed=directed,
            )
            for i, (u, v, d) in enumerate(g.edges(data=True))
        ]
        return cls.assemble(nodes, edges, {"from": "networkx"})

    def __len__(self) -> int:
        return len(self.nodes)

    @cached_property
    def arrows(self) -> list[tuple[str, str]]:
        """(source, target) of every directed edge, for layered layouts and arrowheads."""
        return sorted({(e.source, e.target) for e in self.edges if e.directed})

    def edges_of(self, node: str) -> list[ChartEdge]:
        """The drawn edges at a node (an index built on first use: the inspector's question)."""
        if "edges_of" not in self.cache:
            index: dict[str, list[ChartEdge]] = {}
            for edge in self.edges:
                index.setdefault(edge.source, []).append(edge)
                index.setdefault(edge.target, []).append(edge)
            self.cache["edges_of"] = index
        found: list[ChartEdge] = self.cache["edges_of"].get(node, [])
        return found

    def edges_between(self, a: str, b: str) -> list[ChartEdge]:
        return [e for e in self.edges_of(a) if {e.source, e.target} == {a, b}]

    def subgraph(self, ids: Iterable[str]) -> ChartGraph:
        """The chart restricted to `ids` (hide, show only the selection); `collapsed` counts
        the neighbours each kept entity loses, on top of those this chart already left out."""
        keep = set(ids)
        nodes = [n for i, n in self.nodes.items() if i in keep]
        edges = [e for e in self.edges if e.source in keep and e.target in keep]
        out = ChartGraph.assemble(nodes, edges, {**self.query, "subset": len(keep)})
        degrees = out.graph.degree()
        for node in out.nodes:
            lost = self.collapsed.get(node, 0) + self.graph.degree(node) - degrees[node]
            if lost:
                out.collapsed[node] = lost
        return out

    def to_multidigraph(self) -> nx.MultiDiGraph:
        """Every drawn edge with all its fields, for export (GraphML, GEXF) and checks."""
        out = nx.MultiDiGraph()
        for node in self.nodes.values():
            out.add_node(node.id, **_plain(asdict(node)))
        for edge in self.edges:
            out.add_edge(edge.source, edge.target, key=edge.key, **_plain(asdict(edge)))
        return out


def _with_degree(node: ChartNode, degree: int) -> ChartNode:
    if node.degree == degree:
        return node
    # Positional, not dataclasses.replace: 10,000 replace() calls take 0.15 s.
    n = node
    return ChartNode(n.id, n.type, n.label, n.role, n.status, n.source_grade, n.info_grade, degree)


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    """Drop None values (GraphML and GEXF have no null) and the id, which is the node key."""
    return {k: v for k, v in values.items() if v is not None and k not in ("id", "key")}
