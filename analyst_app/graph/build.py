"""Build the chart of a case, or of a neighbourhood in it, as a `ChartGraph`.

Why events fold: a CDR gives thousands of calls between a handful of numbers; drawn one by
one they bury the network. So all events of one type between two entities become ONE edge
("120 calls", first and last date, count each way; money summed for transactions), and
`edge_events` fetches the events behind an edge when the analyst opens it.

Which participants of an event are joined is in `pairings`. Entities are reached from a
focus through the same edges the chart draws, so "depth 2" means two hops on the chart.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import asdict, replace
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from analyst_app.graph.model import CONTEXT, EVENT, LINK, ChartEdge, ChartGraph, ChartNode
from analyst_app.graph.pairings import (
    CONTEXT_PHRASES,
    DEFAULT_PAIRINGS,
    DIRECTED_EVENTS,
    NOUNS,
    PARTY_ROLES,
)
from analyst_app.model import STATUSES
from analyst_app.schema.loader import EdgeDef
from analyst_app.schema.property_types import PROPERTY_TYPES
from analyst_app.store import graph_queries as q
from analyst_app.store.graph_queries import PairRule, RowFilter

if TYPE_CHECKING:
    from analyst_app.store.case import Case

_STATUS_BY_RANK = {0: "confirmed", 1: "unconfirmed", 2: "suspected"}
# The parts of a chart's filter that apply to events (for edge_events).
_EVENT_FILTERS = (
    "event_types", "statuses", "source_grades", "info_grades", "ungraded", "start_utc", "end_utc",
)  # fmt: skip


def build_graph(
    case: Case,
    *,
    focus: str | Iterable[str] | None = None,
    depth: int = 1,
    types: Collection[str] | None = None,
    statuses: Collection[str] | None = None,
    min_source: str | None = None,
    min_info: str | None = None,
    ungraded: bool = True,
    start: str | None = None,
    end: str | None = None,
    link_types: Collection[str] | None = None,
    event_types: Collection[str] | None = None,
    context: Collection[str] = ("device",),
    pairings: Sequence[PairRule] = DEFAULT_PAIRINGS,
) -> ChartGraph:
    """The chart of the whole case, or of `focus` (an id or a selection) and its neighbours.

    Filters: entity `types`; `statuses` (of entities, links and events alike); grading at
    least `min_source`/`min_info` in the case's scheme (ungraded records pass unless
    `ungraded=False`); events from `start` to `end` (a date means that whole day in the
    case's time zone; links are standing relationships and are not time-filtered).
    With a focus, entities are reached through edges that pass the filters, `depth` hops
    out, and the chart shows every edge among the entities reached; focus ids are kept
    even if a filter would drop them.
    """
    flt = replace(
        _filter(case, types, statuses, min_source, min_info, ungraded, start, end),
        link_types=_tuple(link_types),
        event_types=_tuple(event_types),
    )
    seeds = None if focus is None else {focus} if isinstance(focus, str) else set(focus)
    query = {
        "focus": None if seeds is None else sorted(seeds),
        "depth": depth,
        "filter": {k: v for k, v in asdict(flt).items() if v is not None},
    }
    rules, ctx = tuple(pairings), tuple(context)
    if seeds is None:
        entities = q.entity_rows(case, flt)
        within: set[str] | None = None
    else:
        found = {row.id for row in q.entity_rows(case, RowFilter(), seeds)}
        missing = sorted(seeds - found)
        if missing:
            raise KeyError(f"no entity {missing[0]!r} in this case")
        within = _expand(case, flt, seeds, depth, rules, ctx)
        entities = q.entity_rows(case, RowFilter(), within)
        entities = [e for e in entities if e.id in seeds or _passes(e, flt)]
    nodes = [ChartNode(*row) for row in entities]
    edges = [*_links(case, flt, within), *_events(case, flt, rules, within)]
    edges += _contexts(case, flt, ctx, within)
    return ChartGraph.assemble(nodes, edges, query)


def edge_events(case: Case, edge: ChartEdge, chart: ChartGraph | None = None) -> list[str]:
    """Ids of the events an edge stands for, oldest first; none for a link edge.

    With the `chart` the edge came from, its event filters (time range, status, grading)
    apply again, so the list has as many events as the edge says.
    """
    if edge.kind == LINK:
        return []
    given = chart.query.get("filter", {}) if chart else {}
    flt = RowFilter(**{k: v for k, v in given.items() if k in _EVENT_FILTERS})
    if edge.kind == EVENT:
        flt = replace(flt, event_types=(edge.type,))
    return q.event_ids_between(case, edge.source, edge.target, flt)


def _tuple(values: Collection[str] | None) -> tuple[str, ...] | None:
    return None if values is None else tuple(sorted(values))


def _up_to(codes: Iterable[str], worst: str | None, what: str) -> tuple[str, ...] | None:
    if worst is None:
        return None
    ordered = list(codes)
    if worst not in ordered:
        raise ValueError(f"{what} grade {worst!r} is not one of {', '.join(ordered)}")
    return tuple(ordered[: ordered.index(worst) + 1])


def _filter(
    case: Case,
    types: Collection[str] | None,
    statuses: Collection[str] | None,
    min_source: str | None,
    min_info: str | None,
    ungraded: bool,
    start: str | None,
    end: str | None,
) -> RowFilter:
    unknown = sorted(set(statuses or ()) - set(STATUSES))
    if unknown:
        raise ValueError(f"status {unknown[0]!r} is not one of {', '.join(STATUSES)}")
    grading = case.grading
    lo, hi = _bounds(case, start, end)
    return RowFilter(
        entity_types=_tuple(types),
        statuses=_tuple(statuses),
        source_grades=_up_to(grading.source, min_source, "source"),
        info_grades=_up_to(grading.information, min_info, "information"),
        ungraded=ungraded,
        start_utc=lo,
        end_utc=hi,
    )


def _bounds(case: Case, start: str | None, end: str | None) -> tuple[str | None, str | None]:
    """UTC bounds as stored: [start, end). A bare date is a whole day in the case's zone."""
    zone = ZoneInfo(case.settings.get("time_zone") or "UTC")

    def one(value: str | None, after: bool) -> str | None:
        if not value:
            return None
        if len(value) == 10:
            day = date.fromisoformat(value) + timedelta(days=1 if after else 0)
            value = datetime(day.year, day.month, day.day, tzinfo=zone).isoformat()
        return PROPERTY_TYPES["datetime"].clean(value)

    return one(start, False), one(end, True)


def _passes(row: q.EntityRow, flt: RowFilter) -> bool:
    def ok(value: str | None, allowed: tuple[str, ...] | None, nullable: bool) -> bool:
        if allowed is None or (value is None and nullable):
            return True
        return value in allowed

    return (
        ok(row.type, flt.entity_types, False)
        and ok(row.status, flt.statuses, False)
        and ok(row.source_grade, flt.source_grades, flt.ungraded)
        and ok(row.info_grade, flt.info_grades, flt.ungraded)
    )


def _expand(
    case: Case,
    flt: RowFilter,
    seeds: set[str],
    depth: int,
    rules: tuple[PairRule, ...],
    ctx: tuple[str, ...],
) -> set[str]:
    """Breadth-first, `depth` hops, through edges and entities that pass the filter."""
    reached, frontier = set(seeds), set(seeds)
    for _ in range(max(0, depth)):
        if not frontier:
            break
        ends: set[str] = set()
        for row in q.link_rows(case, flt, touching=frontier):
            ends.update((row.source, row.target))
        for pair in q.event_pair_rows(case, flt, rules, touching=frontier):
            ends.update((pair.source, pair.target))
        for c in q.context_rows(case, flt, ctx, PARTY_ROLES, touching=frontier):
            ends.update((c.party, c.context))
        new = ends - reached
        frontier = {row.id for row in q.entity_rows(case, flt, new)} if new else set()
        reached |= frontier
    return reached


def _links(case: Case, flt: RowFilter, within: set[str] | None) -> list[ChartEdge]:
    edges = []
    defs: dict[str, EdgeDef | None] = {}  # per link type: 20,000 schema look-ups add up
    for row in q.link_rows(case, flt, within=within):
        if row.type not in defs:
            typedef = case.schema.get(row.type, "link")
            defs[row.type] = typedef.edge if typedef else None
        edge_def = defs[row.type]
        edges.append(
            ChartEdge(
                key=row.id,
                source=row.source,
                target=row.target,
                kind=LINK,
                type=row.type,
                label=edge_def.label if edge_def else row.label,
                first=row.first,
                last=row.last,
                status=row.status,
                directed=bool(edge_def and edge_def.directed),
                forward=1,
            )
        )
    return edges


def _noun(case: Case, event_type: str, count: int) -> str:
    typedef = case.schema.get(event_type, "event")
    default = (typedef.label.lower(), typedef.plural.lower()) if typedef else (event_type,) * 2
    one, many = NOUNS.get(event_type, default)
    return f"{count:,} {one if count == 1 else many}"


def _events(
    case: Case, flt: RowFilter, rules: tuple[PairRule, ...], within: set[str] | None
) -> list[ChartEdge]:
    """Fold the store's ordered pair rows into one edge per unordered pair and event type."""
    folded: dict[tuple[str, str, str], list[q.PairRow]] = {}
    for row in q.event_pair_rows(case, flt, rules, within=within):
        a, b = sorted((row.source, row.target))
        folded.setdefault((a, b, row.event_type), []).append(row)
    edges = []
    for (a, b, event_type), rows in folded.items():
        there = sum(r.events for r in rows if r.source == a)
        back = sum(r.events for r in rows if r.source != a)
        one_way = event_type in DIRECTED_EVENTS and not (there and back)
        source, target = (b, a) if one_way and back else (a, b)
        count = there + back
        amount, currency = _money(rows)
        label = _noun(case, event_type, count)
        if amount is not None:
            label += f" · {amount:,.2f}{' ' + currency if currency else ''}"
        edges.append(
            ChartEdge(
                key=f"{EVENT}:{event_type}:{a}|{b}",
                source=source,
                target=target,
                kind=EVENT,
                type=event_type,
                label=label,
                count=count,
                weight=float(count),
                first=min((r.first for r in rows if r.first), default=None),
                last=max((r.last for r in rows if r.last), default=None),
                status=_STATUS_BY_RANK[min(r.status_rank for r in rows)],
                directed=one_way,
                forward=there if source == a else back,
                backward=back if source == a else there,
                amount=amount,
                currency=currency,
            )
        )
    return edges


def _money(rows: list[q.PairRow]) -> tuple[float | None, str | None]:
    """The sum of the amounts, when they are all in one currency (else no sum at all)."""
    currencies = {r.currency for r in rows if r.currency}
    amounts = [r.amount for r in rows if r.amount is not None]
    if not amounts or len(currencies) > 1 or any(r.currencies > 1 for r in rows):
        return None, None
    return sum(amounts), next(iter(currencies), None)


def _contexts(
    case: Case, flt: RowFilter, roles: tuple[str, ...], within: set[str] | None
) -> list[ChartEdge]:
    return [
        ChartEdge(
            key=f"{CONTEXT}:{row.role}:{row.party}|{row.context}",
            source=row.party,
            target=row.context,
            kind=CONTEXT,
            type=row.role,
            label=f"{CONTEXT_PHRASES.get(row.role, row.role)} · {row.events:,}",
            count=row.events,
            weight=float(row.events),
            first=row.first,
            last=row.last,
            directed=True,
            forward=row.events,
        )
        for row in q.context_rows(case, flt, roles, PARTY_ROLES, within=within)
    ]
