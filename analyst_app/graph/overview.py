"""The case network: what a chart of the whole case opens on.

Drawn whole, a real case buries its ring under the periphery: hundreds of ad personas,
handsets and one-off callers, each a little star of its own (the demo case: 1,283
entities in 196 pieces, the ring a corner of one of them). An analyst wants the subjects
first (persons with a role, suspects and victims, and the entities of open findings) and
what ties them, then reaches out from there. So the case network keeps:

- the subjects;
- each subject's FIRST strongest ties (most events first: the victims' 27 calls to the
  recruiter before a caller's 3; see `_ties`), and each of those entities' SECOND
  strongest ties;
- at most MOST entities in all, subjects first.

Everyday counterparties are left out unless they are subjects: the grocer, the landlord
and the power company that most of the case's accounts pay (analyst_app/commonplace.py).
Drawn, each pulls in every account that pays it: with findings stored, the demo's network
grew from 57 entities to 231, most of them an orange knot of accounts and shops. The
chart says which were left out (`ChartGraph.query["common"]`).

Everything else stays in the case, counted on the chart: `ChartGraph.collapsed` says how
many neighbours of each shown entity are not shown (the chart draws "+12" beside it), and
expanding an entity brings them in. A case with no subjects opens whole.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Collection, Iterable
from typing import TYPE_CHECKING

from analyst_app.commonplace import LEAST, is_commonplace
from analyst_app.graph.build import build_graph
from analyst_app.graph.model import ChartGraph

if TYPE_CHECKING:
    from analyst_app.store.case import Case

SUBJECT_ROLES = ("suspect", "victim")
FIRST = 10
SECOND = 4
MOST = 400


def subjects(case: Case, chart: ChartGraph) -> set[str]:
    """Persons with a suspect or victim role, and the entities of findings not dismissed."""
    found = {n.id for n in chart.nodes.values() if n.role in SUBJECT_ROLES}
    found |= finding_entities(case)
    return found & set(chart.nodes)


def finding_entities(case: Case) -> set[str]:
    """Entities of open or accepted findings, read from the store's rows (the rules'
    package, analyst_app.findings, takes longer to import than this takes to run)."""
    from analyst_app.store import findings_rows

    return findings_rows.reported_entities(case)


def case_network(case: Case, whole: ChartGraph | None = None) -> ChartGraph:
    """The subjects' network of `case` (see the module docstring); the whole chart when
    the case has no subjects. `whole` saves building the whole chart again."""
    whole = build_graph(case) if whole is None else whole
    core = subjects(case, whole)
    if not core:
        return whole
    return network_of(whole, core)


def _ties(chart: ChartGraph, node: str, shown: Collection[str]) -> list[str]:
    """Neighbours not yet shown, strongest tie first (then id: deterministic).

    A tie's strength is its events over the square root of the other end's degree: the
    shop where every account buys, the number every handset called, are everyone's
    neighbours and say little about this one; 27 calls to a phone with five contacts do.
    """
    graph = chart.graph

    def strength(other: str) -> float:
        return float(graph.edges[node, other]["weight"]) / math.sqrt(graph.degree(other))

    return sorted((n for n in graph[node] if n not in shown), key=lambda n: (-strength(n), n))


def network_of(
    chart: ChartGraph,
    core: Iterable[str],
    *,
    first: int = FIRST,
    second: int = SECOND,
    most: int = MOST,
) -> ChartGraph:
    """`core` and its strongest ties, two steps out, as a sub-chart with `collapsed` counts;
    commonplace entities are not taken as ties (the module docstring says why)."""
    kept: dict[str, None] = dict.fromkeys(sorted(n for n in core if n in chart.nodes))
    common = commonplace(chart) - set(kept)
    passed = {**kept, **dict.fromkeys(common)}  # never taken as a tie
    ring: list[str] = []
    for node in list(kept):
        for other in _ties(chart, node, passed)[:first]:
            kept[other] = passed[other] = None
            ring.append(other)
    for node in ring:
        for other in _ties(chart, node, passed)[:second]:
            kept[other] = passed[other] = None
    ids = list(kept)[: max(most, 1)]
    out = chart.subgraph(ids)
    subjects = sorted(n for n in core if n in chart.nodes)
    # The left-out ones that a drawn entity is tied to, most ties first, with their names
    # (they are not in the sub-chart to be looked up).
    left_out = sorted(
        (n for n in common if any(o in out.nodes for o in chart.graph[n])),
        key=lambda n: (-chart.graph.degree(n), n),
    )
    out.query = {
        **chart.query,
        "network": subjects,
        "of": len(chart),
        "common": [[n, chart.nodes[n].label or n] for n in left_out],
    }
    return out


def commonplace(chart: ChartGraph) -> set[str]:
    """The chart's everyday counterparties (analyst_app/commonplace.py), by their ties."""
    per_type = Counter(n.type for n in chart.nodes.values())
    graph, nodes = chart.graph, chart.nodes
    return {
        node
        for node in graph
        if graph.degree(node) >= LEAST
        and is_commonplace(Counter(nodes[other].type for other in graph[node]), per_type)
    }


def commonplace_note(chart: ChartGraph, names: int = 3) -> str:
    """ "11 everyday counterparties (Fresh Market, Corner Grocer, ...)", or "" for none."""
    common = chart.query.get("common") or []
    if not common:
        return ""
    labels = [str(label) for _, label in common[:names]]
    more = ", ..." if len(common) > names else ""
    noun = "counterparty" if len(common) == 1 else "counterparties"
    return f"{len(common):,} everyday {noun} ({', '.join(labels)}{more})"


def network_summary(chart: ChartGraph) -> str:
    """What the chart shows, for the window's status bar: the case network's share of the
    case and what it leaves out, or the whole case's size."""
    if "network" not in chart.query:
        return f"Chart: {len(chart.nodes):,} entities, {len(chart.edges):,} links."
    whole = int(chart.query.get("of", len(chart)))
    common = commonplace_note(chart)
    left = f" Left out, among others: {common}." if common else ""
    return (
        f"Case network: {len(chart.nodes):,} of {whole:,} entities (suspects, victims,"
        f" findings and their strongest ties).{left} +N: ties not drawn; E expands."
    )
