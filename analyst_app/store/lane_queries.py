"""The SQL behind the timeline's lanes and its event details: rows for numpy columns.

A lane load can be a million rows, so rows are fetched in batches and turned into numpy
columns batch by batch; the caller's callback runs between batches (the timeline's cancel
check). Counting and binning are in store.timeline_queries (DESIGN.md keeps SQL here).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from analyst_app.store.timeline_queries import ids_json, untimed_count

if TYPE_CHECKING:
    from analyst_app.store.case import Case

FETCH_BATCH = 20_000  # rows between two looks at the cancel flag (a few ms of work)


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
    between_batches: Callable[[], None] | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Each lane's timed events as columns: lane index, rowid, epoch seconds, kind index
    (position of the type in `kinds`, else len(kinds) - 1), amount (NaN without one).

    Unsorted and possibly with a (lane, event) twice when an entity has two roles in one
    event; the caller sorts and drops those with numpy, which beats ORDER BY / DISTINCT
    in SQLite by seconds at a million rows. Only transactions pay for json_extract.
    Rows are fetched in batches and `between_batches()` is called after each FETCH_BATCH
    rows (the timeline passes its cancel check, which raises to stop the read).
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
            if between_batches is not None:
                between_batches()
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
        "SELECT rowid FROM events WHERE id IN (SELECT value FROM json_each(?))", [ids_json(ids)]
    )
    return [int(r[0]) for r in rows]
