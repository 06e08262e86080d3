"""The SQL behind the timeline: events counted, binned and listed, aggregated by SQLite.

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

import numpy as np

from analyst_app.timeline.work import Cancelled, check

if TYPE_CHECKING:
    from analyst_app.store.case import Case

# Types that give context to a phone (its handset, the cell it used) rather than an actor
# to follow; they take part in most calls and would crowd people out of "most active".
CONTEXT_TYPES = ("CellSite", "Device")
FETCH_BATCH = 20_000  # rows between two looks at the cancel flag (a few ms of work)


def _ids_json(ids: Collection[str]) -> str:
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
        params.append(_ids_json(entity_ids))
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
        args = [_ids_json(entity_ids or ()), *params]
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
        args = [origin, step, _ids_json(entity_ids or ()), *params]
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


def entity_labels(case: Case, ids: Collection[str]) -> dict[str, tuple[str, str]]:
    """id -> (type, label) for those of `ids` that are entities."""
    rows = case.conn.execute(
        "SELECT id, type, label FROM entities WHERE id IN (SELECT value FROM json_each(?))",
        [_ids_json(ids)],
    )
    return {str(i): (str(t), str(lbl)) for i, t, lbl in rows}


def entity_times(case: Case, entity_id: str) -> np.ndarray:
    """Start times (epoch seconds, ascending) of one entity's timed events, each event once
    (numpy sorts and de-duplicates faster than ORDER BY / DISTINCT here)."""
    rows = case.conn.execute(
        "SELECT e.rowid, unixepoch(e.start_utc, 'subsec') FROM events e"
        " JOIN event_entities ee ON ee.event_id = e.id"
        " WHERE ee.entity_id = ? AND e.start_utc IS NOT NULL",
        [entity_id],
    ).fetchall()
    if not rows:
        return np.zeros(0)
    rowid, t = (np.array(col) for col in zip(*rows, strict=True))
    _, first = np.unique(rowid, return_index=True)
    return np.sort(t[first].astype(np.float64))


def lane_columns(
    case: Case,
    entity_ids: Sequence[str],
    kinds: Sequence[str],
    cancelled: Cancelled | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Each lane's timed events as columns: lane index, rowid, epoch seconds, kind index
    (position of the type in `kinds`, else len(kinds) - 1), amount (NaN without one).

    Unsorted and possibly with a (lane, event) twice when an entity has two roles in one
    event; the caller sorts and drops those with numpy, which beats ORDER BY / DISTINCT
    in SQLite by seconds at a million rows. Only transactions pay for json_extract.
    Rows are fetched in batches so `cancelled()` is asked every FETCH_BATCH rows.
    """
    kind_case = " ".join(f"WHEN ? THEN {i}" for i in range(len(kinds)))
    sql = f"""
        WITH lanes(id, lane) AS (SELECT value, key FROM json_each(?))
        SELECT lanes.lane, e.rowid, unixepoch(e.start_utc, 'subsec'),
               CASE e.type {kind_case} ELSE {len(kinds) - 1} END,
               CASE WHEN e.type = 'Transaction'
                    THEN CAST(json_extract(e.properties, '$.amount') AS REAL) END
        FROM lanes JOIN event_entities ee ON ee.entity_id = lanes.id
        JOIN events e ON e.id = ee.event_id
        WHERE e.start_utc IS NOT NULL
    """
    cursor = case.conn.execute(sql, [json.dumps(list(entity_ids)), *kinds])
    parts: list[tuple[np.ndarray, ...]] = []
    try:
        while batch := cursor.fetchmany(FETCH_BATCH):
            parts.append(_columns(batch))
            del batch  # freed now: see _columns
            check(cancelled)
    finally:
        cursor.close()
    if not parts:
        parts.append(_columns([]))
    lane, rowid, t, kind, amount = (np.concatenate(col) for col in zip(*parts, strict=True))
    return lane, rowid, t, kind, amount


def _columns(rows: list[Any]) -> tuple[np.ndarray, ...]:
    """One batch of rows as numpy columns. Converting batch by batch keeps the row tuples
    short-lived: kept until the end, a million of them set off full garbage collections
    that each held the GIL (and so froze the GUI thread) for ~150 ms."""
    if not rows:
        empty = np.zeros(0)
        return empty.astype(np.int32), empty.astype(np.int64), empty, empty.astype(np.int8), empty
    lane, rowid, t, kind, amount = zip(*rows, strict=True)
    return (
        np.array(lane, np.int32),
        np.array(rowid, np.int64),
        np.array(t, np.float64),
        np.array(kind, np.int8),
        np.abs(np.array(amount, np.float64)),  # None -> NaN
    )


def lane_event_count(case: Case, entity_ids: Sequence[str]) -> int:
    """Event memberships of these entities, from the entity index alone: the size of a
    lane load, said before it starts (an event on two lanes counts twice)."""
    row = case.conn.execute(
        "SELECT count(*) FROM event_entities WHERE entity_id IN (SELECT value FROM json_each(?))",
        [json.dumps(list(entity_ids))],
    ).fetchone()
    return int(row[0])


def lane_untimed(case: Case, entity_ids: Sequence[str]) -> int:
    return untimed_count(case, entity_ids) if entity_ids else 0


def event_row(case: Case, rowid: int) -> tuple[str, str, str | None, str, str] | None:
    """(id, type, start_utc, label, properties JSON) of one event by rowid."""
    row = case.conn.execute(
        "SELECT id, type, start_utc, label, properties FROM events WHERE rowid = ?", [rowid]
    ).fetchone()
    return None if row is None else (str(row[0]), str(row[1]), row[2], str(row[3]), str(row[4]))


def event_participants(case: Case, event_id: str) -> list[tuple[str, str, str, str]]:
    """(role, entity id, entity type, entity label) of one event, in a stable order."""
    rows = case.conn.execute(
        "SELECT ee.role, ee.entity_id, coalesce(t.type, ''), coalesce(t.label, '')"
        " FROM event_entities ee LEFT JOIN entities t ON t.id = ee.entity_id"
        " WHERE ee.event_id = ? ORDER BY ee.role, ee.entity_id",
        [event_id],
    )
    return [(str(r), str(i), str(ty), str(lbl)) for r, i, ty, lbl in rows]


def event_rowids(case: Case, ids: Collection[str]) -> list[int]:
    """Rowids of those of `ids` that are events (the widget keys events by rowid)."""
    rows = case.conn.execute(
        "SELECT rowid FROM events WHERE id IN (SELECT value FROM json_each(?))", [_ids_json(ids)]
    )
    return [int(r[0]) for r in rows]
