"""The SQL behind the timeline: events counted, binned and listed, aggregated by SQLite.

`analyst_app.timeline` decides what to draw and count; this module only asks the case for
rows, so a server backend can answer the same questions later (DESIGN.md keeps SQL here).
The lanes and single events are read in store.lane_queries.

Only aggregates cross into Python where possible (a million events folded into a few
thousand UTC hours), because fetching a million rows through the driver costs seconds.
A set of entity ids travels as one JSON array bound to `json_each`, like graph_queries.
Bounds: `start_utc` inclusive, `end_utc` exclusive, compared as text with the stored
'YYYY-MM-DDTHH:MM:SSZ' strings (normalized by the caller).
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from analyst_app.store.case import Case


def ids_json(ids: Collection[str]) -> str:
    return json.dumps(sorted(ids))


def _event_filter(
    entity_ids: Collection[str] | None,
    start_utc: str | None,
    end_utc: str | None,
    *,
    timed: bool,
) -> tuple[str, list[Any]]:
    clauses = ["e.start_utc IS NOT NULL" if timed else "e.start_utc IS NULL"]
    params: list[Any] = []
    if timed and start_utc is not None:
        clauses.append("e.start_utc >= ?")
        params.append(start_utc)
    if timed and end_utc is not None:
        clauses.append("e.start_utc < ?")
        params.append(end_utc)
    if entity_ids is not None:
        clauses.append(
            "e.id IN (SELECT ee.event_id FROM event_entities ee"
            " WHERE ee.entity_id IN (SELECT value FROM json_each(?)))"
        )
        params.append(ids_json(entity_ids))
    return " AND ".join(clauses), params


def counts_by_prefix(
    case: Case,
    width: int,
    entity_ids: Collection[str] | None = None,
    start_utc: str | None = None,
    end_utc: str | None = None,
) -> list[tuple[str, int]]:
    """Timed events counted per leading `width` characters of start_utc (13 = UTC hour)."""
    return [
        (k, n) for _e, k, n in entity_counts_by_prefix(case, width, entity_ids, start_utc, end_utc)
    ]


def entity_counts_by_prefix(
    case: Case,
    width: int,
    entity_ids: Collection[str] | None = None,
    start_utc: str | None = None,
    end_utc: str | None = None,
    *,
    per_entity: bool = False,
) -> list[tuple[str, str, int]]:
    """(entity or '', start_utc prefix, count): folding by text prefix reads only the
    start_utc index, far cheaper than computing a time per row (unixepoch)."""
    where, params = _event_filter(
        None if per_entity else entity_ids, start_utc, end_utc, timed=True
    )
    key = f"substr(e.start_utc, 1, {int(width)})"
    if per_entity:
        sql = (
            f"SELECT ee.entity_id, {key} AS k, count(DISTINCT e.id) FROM events e"
            " JOIN event_entities ee ON ee.event_id = e.id"
            f" WHERE ee.entity_id IN (SELECT value FROM json_each(?)) AND {where}"
            " GROUP BY ee.entity_id, k"
        )
        args = [ids_json(entity_ids or ()), *params]
    else:
        sql = f"SELECT '', {key} AS k, count(*) FROM events e WHERE {where} GROUP BY k ORDER BY k"
        args = params
    return [(str(i), str(k), int(n)) for i, k, n in case.conn.execute(sql, args)]


def counts_by_step(
    case: Case,
    origin: float,
    step: float,
    entity_ids: Collection[str] | None = None,
    start_utc: str | None = None,
    end_utc: str | None = None,
    *,
    per_entity: bool = False,
) -> list[tuple[str, int, int]]:
    """Timed events counted per step since `origin` (epoch seconds): (entity, step, count).

    With `per_entity` each of `entity_ids` gets its own counts (an event shared by two of
    them counts in both); otherwise entity is '' and each event counts once.
    """
    where, params = _event_filter(
        None if per_entity else entity_ids, start_utc, end_utc, timed=True
    )
    index = "CAST((unixepoch(e.start_utc, 'subsec') - ?) / ? AS INTEGER)"
    if per_entity:
        sql = (
            f"SELECT ee.entity_id, {index} AS i, count(DISTINCT e.id) FROM events e"
            " JOIN event_entities ee ON ee.event_id = e.id"
            f" WHERE ee.entity_id IN (SELECT value FROM json_each(?)) AND {where}"
            " GROUP BY ee.entity_id, i"
        )
        args = [origin, step, ids_json(entity_ids or ()), *params]
    else:
        sql = f"SELECT '', {index} AS i, count(*) FROM events e WHERE {where} GROUP BY i"
        args = [origin, step, *params]
    return [(str(k), int(i), int(n)) for k, i, n in case.conn.execute(sql, args)]


def untimed_count(case: Case, entity_ids: Collection[str] | None = None) -> int:
    where, params = _event_filter(entity_ids, None, None, timed=False)
    row = case.conn.execute(f"SELECT count(*) FROM events e WHERE {where}", params).fetchone()
    return int(row[0])


def span(case: Case, entity_ids: Collection[str] | None = None) -> tuple[str, str] | None:
    """First and last start time (UTC strings) of the timed events, or None without any."""
    where, params = _event_filter(entity_ids, None, None, timed=True)
    row = case.conn.execute(
        f"SELECT min(e.start_utc), max(e.start_utc) FROM events e WHERE {where}", params
    ).fetchone()
    return None if row is None or row[0] is None else (str(row[0]), str(row[1]))


def entity_event_counts(
    case: Case, n: int, exclude_types: Sequence[str] = ()
) -> list[tuple[str, str, str, int]]:
    """The `n` entities in most events: (id, type, label, events), busiest first.

    Counting over the entity index (entity_id, event_id, role) never touches the events
    table; an entity seen in two roles of one event (rare) is counted once per role.
    """
    marks = ", ".join("?" * len(exclude_types)) or "''"
    sql = f"""
        WITH busy AS (
            SELECT ee.entity_id AS id, count(*) AS n FROM event_entities ee
            GROUP BY ee.entity_id
        )
        SELECT t.id, t.type, t.label, busy.n FROM busy JOIN entities t ON t.id = busy.id
        WHERE t.type NOT IN ({marks})
        ORDER BY busy.n DESC, t.id LIMIT ?
    """
    rows = case.conn.execute(sql, [*exclude_types, int(n)])
    return [(str(i), str(ty), str(lbl), int(c)) for i, ty, lbl, c in rows]


def partners_by_type(
    case: Case, ids: Collection[str], exclude_types: Sequence[str] = ()
) -> dict[str, dict[str, int]]:
    """For each of `ids`: how many distinct other entities of each type share an event
    with it (its counterparties, callers, co-travellers...), types in `exclude_types`
    aside (a phone's cell sites say where it went, not whom it deals with)."""
    marks = ", ".join("?" * len(exclude_types)) or "''"
    rows = case.conn.execute(
        "SELECT a.entity_id, o.type, count(DISTINCT b.entity_id)"
        " FROM event_entities a"
        " JOIN event_entities b ON b.event_id = a.event_id AND b.entity_id <> a.entity_id"
        " JOIN entities o ON o.id = b.entity_id"
        f" WHERE a.entity_id IN (SELECT value FROM json_each(?)) AND o.type NOT IN ({marks})"
        " GROUP BY a.entity_id, o.type",
        [ids_json(ids), *exclude_types],
    )
    found: dict[str, dict[str, int]] = {}
    for entity, kind, many in rows:
        found.setdefault(str(entity), {})[str(kind)] = int(many)
    return found


def with_role(case: Case, ids: Collection[str]) -> set[str]:
    """Those of `ids` that the analyst marked suspect or victim."""
    rows = case.conn.execute(
        "SELECT id FROM entities WHERE role IN ('suspect', 'victim')"
        " AND id IN (SELECT value FROM json_each(?))",
        [ids_json(ids)],
    )
    return {str(row[0]) for row in rows}


def entities_by_type(case: Case) -> dict[str, int]:
    rows = case.conn.execute("SELECT type, count(*) FROM entities GROUP BY type")
    return {str(kind): int(many) for kind, many in rows}


def entity_labels(case: Case, ids: Collection[str]) -> dict[str, tuple[str, str]]:
    """id -> (type, label) for those of `ids` that are entities."""
    rows = case.conn.execute(
        "SELECT id, type, label FROM entities WHERE id IN (SELECT value FROM json_each(?))",
        [ids_json(ids)],
    )
    return {str(i): (str(t), str(lbl)) for i, t, lbl in rows}
