"""The SQL behind the link chart: entities, links, and events folded into pairs.

`analyst_app.graph` decides what a chart shows; this module only asks the case for rows,
so that a server backend can answer the same questions later (DESIGN.md keeps SQL here).

Events are aggregated by SQLite, not in Python: a case with half a million calls gives a
few thousand (pair, event type) rows, and only those cross into Python. A set of ids
(a focus, a selection, a depth-N neighbourhood) travels as one JSON array bound to
`json_each`, which has no limit on its length, unlike the number of bound parameters.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from analyst_app.store.case import Case


@dataclass(frozen=True)
class RowFilter:
    """What the chart keeps. None means "no restriction" for each field.

    Grades are the allowed codes (the caller turns "B or better" into codes with the
    case's grading scheme); rows without a grade pass when `ungraded` is true. The time
    range applies to events only: `start_utc` inclusive, `end_utc` exclusive, both UTC ISO.
    """

    entity_types: tuple[str, ...] | None = None
    link_types: tuple[str, ...] | None = None
    event_types: tuple[str, ...] | None = None
    statuses: tuple[str, ...] | None = None
    source_grades: tuple[str, ...] | None = None
    info_grades: tuple[str, ...] | None = None
    ungraded: bool = True
    start_utc: str | None = None
    end_utc: str | None = None


class PairRule(NamedTuple):
    """Which two participants of an event type become the two ends of an edge.

    `same_role` pairs (e.g. two travellers) are taken once per unordered pair. When
    `flip_property` of the event equals `flip_value` the edge runs target -> source
    (a credit moves money from the counterparty into the account). `amount_property`
    and `currency_property` name the money fields summed on the edge.
    """

    event_type: str
    source_role: str
    target_role: str
    flip_property: str | None = None
    flip_value: str | None = None
    amount_property: str | None = None
    currency_property: str | None = None


class EntityRow(NamedTuple):
    id: str
    type: str
    label: str
    role: str | None
    status: str
    source_grade: str | None
    info_grade: str | None


class LinkRow(NamedTuple):
    id: str
    type: str
    source: str
    target: str
    label: str
    status: str
    first: str | None
    last: str | None


class PairRow(NamedTuple):
    """Events of one type from `source` to `target` (after flipping), folded into one row."""

    source: str
    target: str
    event_type: str
    events: int
    first: str | None
    last: str | None
    status_rank: int  # best status among the events: 0 confirmed, 1 unconfirmed, 2 suspected
    amount: float | None
    currencies: int
    currency: str | None


class ContextRow(NamedTuple):
    """A handset or cell attributed to the party seen in most of its events."""

    party: str
    context: str
    role: str
    events: int
    first: str | None
    last: str | None


def _where(flt: RowFilter, alias: str, *, types: tuple[str, ...] | None) -> tuple[str, list[Any]]:
    clauses: list[str] = ["1"]
    params: list[Any] = []
    for column, allowed in (
        ("type", types),
        ("status", flt.statuses),
        ("source_grade", flt.source_grades),
        ("info_grade", flt.info_grades),
    ):
        if allowed is None:
            continue
        marks = ", ".join("?" * len(allowed))
        nullable = column.endswith("grade") and flt.ungraded
        test = f"{alias}.{column} IN ({marks})" if allowed else "0"
        clauses.append(f"({alias}.{column} IS NULL OR {test})" if nullable else test)
        params.extend(allowed)
    return " AND ".join(clauses), params


def _event_where(flt: RowFilter, alias: str = "e") -> tuple[str, list[Any]]:
    sql, params = _where(flt, alias, types=flt.event_types)
    if flt.start_utc is not None:
        sql += f" AND {alias}.start_utc >= ?"
        params.append(flt.start_utc)
    if flt.end_utc is not None:
        sql += f" AND {alias}.start_utc < ?"
        params.append(flt.end_utc)
    return sql, params


def _ids(ids: Collection[str] | None) -> str:
    return json.dumps(sorted(ids) if ids is not None else [])


def entity_rows(case: Case, flt: RowFilter, ids: Collection[str] | None = None) -> list[EntityRow]:
    """Entities passing the filter, all of them or those among `ids`, ordered by id."""
    where, params = _where(flt, "t", types=flt.entity_types)
    restrict = " AND t.id IN (SELECT value FROM json_each(?))" if ids is not None else ""
    rows = case.conn.execute(
        "SELECT t.id, t.type, t.label, t.role, t.status, t.source_grade, t.info_grade"
        f" FROM entities t WHERE {where}{restrict} ORDER BY t.id",
        [*params, *([_ids(ids)] if ids is not None else [])],
    )
    return [EntityRow(*row) for row in rows]


def _ends(mode: str | None, a: str, b: str) -> str:
    """Restrict pairs to a set of ids: `within` needs both ends in it, `touching` one."""
    if mode is None:
        return ""
    inside = "IN (SELECT value FROM ids)"
    joiner = "AND" if mode == "within" else "OR"
    return f" AND ({a} {inside} {joiner} {b} {inside})"


def _mode(within: Collection[str] | None, touching: Collection[str] | None) -> str | None:
    if within is not None and touching is not None:
        raise ValueError("give `within` or `touching`, not both")
    return "within" if within is not None else "touching" if touching is not None else None


def link_rows(
    case: Case,
    flt: RowFilter,
    *,
    within: Collection[str] | None = None,
    touching: Collection[str] | None = None,
) -> list[LinkRow]:
    """Links passing the filter; with a set of ids, those inside it or touching it."""
    mode = _mode(within, touching)
    where, params = _where(flt, "l", types=flt.link_types)
    rows = case.conn.execute(
        "WITH ids(value) AS (SELECT value FROM json_each(?))"
        " SELECT l.id, l.type, l.source_id, l.target_id, l.label, l.status,"
        " coalesce(json_extract(l.properties, '$.start'), json_extract(l.properties, '$.date')),"
        " coalesce(json_extract(l.properties, '$.end'), json_extract(l.properties, '$.date'))"
        f" FROM links l WHERE {where}{_ends(mode, 'l.source_id', 'l.target_id')}"
        " ORDER BY l.id",
        [_ids(within if within is not None else touching), *params],
    )
    return [LinkRow(*row) for row in rows]


_RULES_CTE = "rules(event_type, src, dst, flip_prop, flip_value, amount_prop, currency_prop)"


def _events_cte(mode: str | None) -> str:
    """The events to fold: all, or only those in which one of the ids takes part."""
    if mode is None:
        return "evs AS (SELECT e.* FROM events e WHERE {where})"
    # MATERIALIZED, and the `+` on the ends in event_pair_rows: otherwise the planner drives
    # the event_entities joins from the id list and probes every (id, event) pair (26 s for
    # 300 ids on the demo case, against 0.3 s for the whole case).
    return (
        "evs AS MATERIALIZED (SELECT e.* FROM events e WHERE e.id IN (SELECT ee.event_id FROM"
        " event_entities ee WHERE ee.entity_id IN (SELECT value FROM ids)) AND {where})"
    )


def event_pair_rows(
    case: Case,
    flt: RowFilter,
    rules: Sequence[PairRule],
    *,
    within: Collection[str] | None = None,
    touching: Collection[str] | None = None,
) -> list[PairRow]:
    """Events folded by (source, target, event type): count, first and last start, money."""
    if not rules:
        return []
    mode = _mode(within, touching)
    where, params = _event_where(flt)
    values = ", ".join(["(?, ?, ?, ?, ?, ?, ?)"] * len(rules))
    flipped = (
        "CASE WHEN r.flip_prop IS NOT NULL AND"
        " json_extract(e.properties, '$.' || r.flip_prop) = r.flip_value THEN 1 ELSE 0 END"
    )
    money = "CASE WHEN r.amount_prop IS NULL THEN NULL ELSE {} END"
    amount = money.format("CAST(json_extract(e.properties, '$.' || r.amount_prop) AS REAL)")
    currency = money.format("json_extract(e.properties, '$.' || r.currency_prop)")
    sql = f"""
        WITH ids(value) AS (SELECT value FROM json_each(?)),
        {_RULES_CTE} AS (VALUES {values}),
        {_events_cte(mode).format(where=where)},
        pairs AS (
            SELECT CASE WHEN {flipped} = 1 THEN b.entity_id ELSE a.entity_id END AS s,
                   CASE WHEN {flipped} = 1 THEN a.entity_id ELSE b.entity_id END AS t,
                   e.type AS event_type, e.id AS event_id, e.start_utc AS at,
                   CASE e.status WHEN 'confirmed' THEN 0 WHEN 'unconfirmed' THEN 1 ELSE 2 END
                       AS rank,
                   {amount} AS amount, {currency} AS currency
            FROM evs e
            JOIN rules r ON r.event_type = e.type
            JOIN event_entities a ON a.event_id = e.id AND a.role = r.src
            JOIN event_entities b ON b.event_id = e.id AND b.role = r.dst
            WHERE a.entity_id != b.entity_id AND (r.src != r.dst OR a.entity_id < b.entity_id)
            {_ends(mode, "+a.entity_id", "+b.entity_id")}
        )
        SELECT s, t, event_type, count(DISTINCT event_id), min(at), max(at), min(rank),
               sum(amount), count(DISTINCT currency), min(currency)
        FROM pairs GROUP BY s, t, event_type ORDER BY s, t, event_type
    """
    flat = [value for rule in rules for value in rule]
    ids = _ids(within if within is not None else touching)
    return [PairRow(*row) for row in case.conn.execute(sql, [ids, *flat, *params])]


def context_rows(
    case: Case,
    flt: RowFilter,
    context_roles: Sequence[str],
    party_roles: Sequence[str],
    *,
    within: Collection[str] | None = None,
    touching: Collection[str] | None = None,
) -> list[ContextRow]:
    """Handsets and cells, each attributed to the one party seen in most of its events.

    A carrier record names the handset and cell of the subscriber whose record it is, not
    of the other party, and the event does not say which party that was; the subscriber
    is the number in more than half of that handset's events, and in more of them than any
    other number (a victim who only talks to her recruiter for a week shares all her
    handset's events with him: the handset is hers, having them all). Where no single
    number leads (a cell serving many subscribers), no edge is drawn. Attribution uses all
    the events in the time range; the id restriction applies after it.
    """
    if not context_roles or not party_roles:
        return []
    mode = _mode(within, touching)
    where, params = _event_where(flt)
    ctx_marks = ", ".join("?" * len(context_roles))
    party_marks = ", ".join("?" * len(party_roles))
    sql = f"""
        WITH ids(value) AS (SELECT value FROM json_each(?)),
        evs AS (SELECT e.id, e.start_utc FROM events e WHERE {where}),
        ctx AS (SELECT c.event_id, c.entity_id AS context, c.role FROM event_entities c
                JOIN evs ON evs.id = c.event_id WHERE c.role IN ({ctx_marks})),
        totals AS (SELECT context, count(DISTINCT event_id) AS n FROM ctx GROUP BY context),
        together AS (
            SELECT p.entity_id AS party, ctx.context, min(ctx.role) AS role,
                   count(DISTINCT ctx.event_id) AS n, min(evs.start_utc) AS first,
                   max(evs.start_utc) AS last
            FROM ctx JOIN event_entities p ON p.event_id = ctx.event_id
            JOIN evs ON evs.id = ctx.event_id
            WHERE p.role IN ({party_marks}) AND p.entity_id != ctx.context
            GROUP BY p.entity_id, ctx.context
        ),
        ranked AS (
            SELECT together.*, max(n) OVER (PARTITION BY context) AS top,
                   count(*) OVER (PARTITION BY context, n) AS alike
            FROM together
        )
        SELECT t.party, t.context, t.role, t.n, t.first, t.last
        FROM ranked t JOIN totals USING (context)
        WHERE t.n = t.top AND t.alike = 1 AND 2 * t.n > totals.n
        {_ends(mode, "t.party", "t.context")}
        ORDER BY t.party, t.context
    """
    ids = _ids(within if within is not None else touching)
    args = [ids, *params, *context_roles, *party_roles]
    return [ContextRow(*row) for row in case.conn.execute(sql, args)]


def event_ids_between(
    case: Case,
    a: str,
    b: str,
    flt: RowFilter | None = None,
    *,
    limit: int | None = None,
) -> list[str]:
    """The events in which both entities take part, oldest first: what an edge stands for."""
    where, params = _event_where(flt or RowFilter())
    rows = case.conn.execute(
        "SELECT DISTINCT e.id, e.start_utc FROM event_entities x"
        " JOIN event_entities y ON y.event_id = x.event_id AND y.entity_id = ?"
        f" JOIN events e ON e.id = x.event_id WHERE x.entity_id = ? AND {where}"
        " ORDER BY e.start_utc, e.id" + (" LIMIT ?" if limit is not None else ""),
        [b, a, *params, *([limit] if limit is not None else [])],
    )
    return [event_id for event_id, _ in rows]
