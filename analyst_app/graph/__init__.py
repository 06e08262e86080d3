"""The link chart's core: build a case's graph, analyse it, lay it out. No Qt here.

    chart = build_graph(case, focus="phone:+13125550123", depth=2)
    ranked(betweenness(chart))           # brokers, [(id, score), ...]
    shortest_path(chart, a, b)            # [id, ...] or None
    layout(chart, "force", seed=0)        # {id: (x, y)}

Everything returned is plain data (dataclasses, dicts, lists, tuples of floats) so the Qt
chart, `threadline chart` and the PDF brief draw the same picture from the same numbers.
"""

from analyst_app.graph.analysis import (
    MEASURES,
    all_paths,
    betweenness,
    centrality,
    closeness,
    common_neighbours,
    communities,
    components,
    degree,
    eigenvector,
    membership,
    modularity,
    neighbours,
    ranked,
    shortest_path,
)
from analyst_app.graph.build import build_graph, edge_events
from analyst_app.graph.force_layout import force, incremental
from analyst_app.graph.geometry import SPACING, XY, Positions
from analyst_app.graph.hierarchy import hierarchical
from analyst_app.graph.layouts import LAYOUTS, circular, grid, grouped, layout, peacock
from analyst_app.graph.model import CONTEXT, EVENT, LINK, ChartEdge, ChartGraph, ChartNode
from analyst_app.graph.pairings import DEFAULT_PAIRINGS

__all__ = [
    "CONTEXT",
    "DEFAULT_PAIRINGS",
    "EVENT",
    "LAYOUTS",
    "LINK",
    "MEASURES",
    "SPACING",
    "XY",
    "ChartEdge",
    "ChartGraph",
    "ChartNode",
    "Positions",
    "all_paths",
    "betweenness",
    "build_graph",
    "centrality",
    "circular",
    "closeness",
    "common_neighbours",
    "communities",
    "components",
    "degree",
    "edge_events",
    "eigenvector",
    "force",
    "grid",
    "grouped",
    "hierarchical",
    "incremental",
    "layout",
    "membership",
    "modularity",
    "neighbours",
    "peacock",
    "ranked",
    "shortest_path",
]
