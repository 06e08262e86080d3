"""How the chart looks: node colours and sizes, edge pens, and the options an analyst picks.

Colours come from the schema (one per entity type), or from communities or grading.
Grading colours follow the scheme's own order (best first): the first third green, the
middle amber, the worst red, "cannot be judged" grey, ungraded a pale grey; the legend
says so. Sizes follow a chosen centrality, square-root scaled so a hub is visibly larger
without swallowing its neighbours.
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass, field
from typing import Any

from PySide6.QtGui import QColor

from analyst_app.graph import ChartEdge, ChartGraph, ChartNode, centrality, communities, membership
from analyst_app.schema.grading import GradingScheme
from analyst_app.schema.loader import Schema

COLOUR_BY = ("type", "community", "grading")
SIZE_BY = ("degree", "betweenness", "closeness", "eigenvector", "none")

BASE = 24.0  # node diameter in scene units (layout spacing is 80)
LARGEST = 2.0  # the most central node is this many times BASE
FALLBACK = "#607d8b"
UNGRADED = "#cfd8dc"
UNJUDGED = "#9e9e9e"
GRADE_RAMP = ("#2e7d32", "#f9a825", "#c62828")
# 12 colours that stay apart for the usual kinds of colour blindness (Tableau 10 + 2).
COMMUNITY = (
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948",
    "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac", "#17becf", "#bcbd22",
)  # fmt: skip
OTHER_COMMUNITY = "#d0d0d0"
ROLE_RING = {"suspect": "#c62828", "victim": "#6a1b9a"}
EDGE_COLOURS = {
    "link": "#546e7a",
    "Call": "#2e7d32",
    "Message": "#00838f",
    "Transaction": "#ef6c00",
    "AdPost": "#ad1457",
    "Tip": "#6d4c41",
    "context": "#90a4ae",
}
EDGE_FALLBACK = "#78909c"
_UNJUDGED = re.compile(r"cannot|untested", re.IGNORECASE)
BACKGROUND = "#fbfbf8"
SELECTED = "#ff6f00"
PATH = "#d50000"


@dataclass
class ChartStyle:
    """The styling options a saved view keeps."""

    colour_by: str = "type"
    size_by: str = "degree"
    labels: bool = True
    link_labels: bool = True
    legend: bool = True

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ChartStyle:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        style = cls(**known)
        if style.colour_by not in COLOUR_BY:
            style.colour_by = "type"
        if style.size_by not in SIZE_BY:
            style.size_by = "degree"
        return style


@dataclass
class Look:
    """Per-node colour and diameter, computed once per chart and style."""

    colours: dict[str, str] = field(default_factory=dict)
    sizes: dict[str, float] = field(default_factory=dict)
    legend: list[tuple[str, str]] = field(default_factory=list)  # (colour, meaning)


def type_colour(schema: Schema, kind: str) -> str:
    typedef = schema.get(kind, "entity")
    return (typedef.color if typedef else None) or FALLBACK


def grade_colour(scheme: GradingScheme, grade: str | None) -> str:
    if grade is None or grade not in scheme.source:
        return UNGRADED
    # "Cannot be judged / assessed" and "untested" say nothing about reliability.
    judged = [c for c, m in scheme.source.items() if not _UNJUDGED.search(m)]
    if grade not in judged:
        return UNJUDGED
    third = judged.index(grade) * 3 // max(len(judged), 1)
    return GRADE_RAMP[min(third, 2)]


def scores(chart: ChartGraph, measure: str) -> dict[str, float]:
    """`measure`'s centrality of every entity, kept with the chart (charts never change):
    sizes, the "most connected" list and undo all ask again, and closeness of 10,000
    entities takes seconds. Betweenness of a big chart is sampled (256 sources)."""
    key = f"scores:{measure}"
    if key not in chart.cache:
        big = measure == "betweenness" and len(chart) > 2000
        options: dict[str, Any] = {"k": 256} if big else {}
        chart.cache[key] = centrality(chart, measure, **options)
    found: dict[str, float] = chart.cache[key]
    return found


def groups_of(chart: ChartGraph) -> dict[str, int]:
    """Each entity's community number, kept with the chart like `scores`."""
    if "groups" not in chart.cache:
        chart.cache["groups"] = membership(communities(chart)) if len(chart) else {}
    found: dict[str, int] = chart.cache["groups"]
    return found


def prepared(chart: ChartGraph, style: ChartStyle) -> None:
    """Work out (and keep with the chart) what `look` will ask for: called on the pool
    before a big chart is drawn, so the GUI thread only reads the results."""
    if style.size_by != "none" and len(chart):
        scores(chart, style.size_by)
    if style.colour_by == "community":
        groups_of(chart)


def sizes_by(chart: ChartGraph, measure: str) -> dict[str, float]:
    if measure == "none" or len(chart) == 0:
        return dict.fromkeys(chart.nodes, BASE)
    scores_now = scores(chart, measure)
    top = max(scores_now.values(), default=0.0) or 1.0
    return {
        n: BASE * (1 + (LARGEST - 1) * math.sqrt(max(scores_now.get(n, 0.0), 0.0) / top))
        for n in chart.nodes
    }


def look(chart: ChartGraph, style: ChartStyle, schema: Schema, scheme: GradingScheme) -> Look:
    out = Look(sizes=sizes_by(chart, style.size_by))
    nodes = chart.nodes.values()
    if style.colour_by == "community":
        groups = groups_of(chart)
        out.colours = {
            n.id: COMMUNITY[groups[n.id]]
            if groups.get(n.id, 99) < len(COMMUNITY)
            else OTHER_COMMUNITY
            for n in nodes
        }
        out.legend = [(c, f"Community {i + 1}") for i, c in enumerate(COMMUNITY)]
        out.legend = out.legend[: min(len(COMMUNITY), len(set(groups.values())))]
    elif style.colour_by == "grading":
        out.colours = {n.id: grade_colour(scheme, n.source_grade) for n in nodes}
        out.legend = [
            (GRADE_RAMP[0], "Source reliable"),
            (GRADE_RAMP[1], "Source fairly reliable"),
            (GRADE_RAMP[2], "Source unreliable"),
            (UNJUDGED, "Source cannot be judged"),
            (UNGRADED, "Ungraded"),
        ]
    else:
        out.colours = {n.id: type_colour(schema, n.type) for n in nodes}
    return out


def edge_colour(edge: ChartEdge) -> str:
    if edge.kind == "link":
        return EDGE_COLOURS["link"]
    if edge.kind == "context":
        return EDGE_COLOURS["context"]
    return EDGE_COLOURS.get(edge.type, EDGE_FALLBACK)


def edge_width(edge: ChartEdge) -> float:
    """1.2 units for one event, growing with the log of the count, at most 7 (2 for a
    handset attributed to a number: context, not contact)."""
    widest = 2.0 if edge.kind == "context" else 7.0
    return min(widest, 1.2 + 1.3 * math.log2(max(edge.weight, 1.0)))


def icon_name(schema: Schema, node: ChartNode) -> str:
    typedef = schema.get(node.type, "entity")
    return (typedef.icon if typedef and typedef.icon else "thing.svg").removesuffix(".svg")


def qcolour(name: str, alpha: int = 255) -> QColor:
    colour = QColor(name)
    colour.setAlpha(alpha)
    return colour
