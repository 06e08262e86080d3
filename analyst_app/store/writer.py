"""Batched inserts of prepared records. Idempotent: a record whose id exists is not duplicated.

Speed matters here (a million rows per import): rows go in through `executemany` and
full-text indexing happens in SQLite triggers, so Python touches each row once.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from analyst_app.model import Entity, Event, Link, Record
from analyst_app.store.connection import Connection
from analyst_app.store.migrations import INDEXED


def _common(r: Record, search_text: str, now: str) -> tuple[object, ...]:
    props = _JSON.encode(r.properties) if r.properties else "{}"
    return (
        r.label,
        props,
        search_text,
        r.status,
        r.source_grade,
        r.info_grade,
        r.handling,
        now,
        now,
    )


# One encoder, built once: json.dumps with options builds a new one per call (3x slower).
_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
_COMMON = "label, properties, search_text, status, source_grade, info_grade, handling, created_at, updated_at"  # noqa: E501
_COMMON_Q = "?, ?, ?, ?, ?, ?, ?, ?, ?"


def max_rowid(conn: Connection, table: str) -> int:
    return int(conn.execute(f"SELECT coalesce(max(rowid), 0) FROM {table}").fetchone()[0])


def _count_since(conn: Connection, table: str, rowid: int) -> int:
    return int(
        conn.execute(f"SELECT count(*) FROM {table} WHERE rowid > ?", (rowid,)).fetchone()[0]
    )


def _index_since(conn: Connection, table: str, rowid: int) -> int:
    """Full-text index the rows added since `rowid`; return how many were added.

    Rows with nothing to find (most events) stay out of the index: see INDEXED.
    """
    added = _count_since(conn, table, rowid)
    if added:
        conn.execute(
            f"INSERT INTO {table}_fts (rowid, label, search_text)"
            f" SELECT rowid, label, search_text FROM {table}"
            f" WHERE rowid > ? AND ({INDEXED[table].format(r=table)})",
            (rowid,),
        )
    return added


# An entity already in the case (the same phone, e-mail or account read from another file)
# gains the properties it did not have; values it already holds win, so an import never
# overwrites what the analyst or an earlier file said. Its search text grows to match.
# A row just inserted patches to itself and is left alone.
_ENRICH = """
UPDATE entities SET
    properties = json_patch(:props, properties),
    search_text = CASE WHEN instr(search_text, :text) > 0
        THEN search_text ELSE trim(search_text || ' ' || :text) END,
    updated_at = :now
WHERE id = :id AND json_patch(:props, properties) != properties
"""


def insert_entities(
    conn: Connection, rows: Sequence[tuple[Entity, str]], now: str
) -> tuple[int, int]:
    """Insert (entity, search_text) pairs; return (how many were new, how many enriched)."""
    before = max_rowid(conn, "entities")
    conn.executemany(
        f"INSERT OR IGNORE INTO entities (id, type, role, {_COMMON}) VALUES (?, ?, ?, {_COMMON_Q})",
        ((e.id, e.type, e.role, *_common(e, text, now)) for e, text in rows),
    )
    added = _index_since(conn, "entities", before)
    # rowcount sums sqlite3_changes() over the rows, which leaves out the FTS triggers' rows.
    enriched = conn.executemany(
        _ENRICH,
        (
            {"props": _JSON.encode(e.properties), "text": text, "now": now, "id": e.id}
            for e, text in rows
            if e.properties
        ),
    ).rowcount
    return added, max(enriched, 0)


def insert_links(conn: Connection, rows: Sequence[tuple[Link, str]], now: str) -> int:
    before = max_rowid(conn, "links")
    conn.executemany(
        f"INSERT OR IGNORE INTO links (id, type, source_id, target_id, {_COMMON})"
        f" VALUES (?, ?, ?, ?, {_COMMON_Q})",
        (
            (lk.id, lk.type, lk.source_id, lk.target_id, *_common(lk, text, now))
            for lk, text in rows
        ),
    )
    return _count_since(conn, "links", before)


def insert_events(conn: Connection, rows: Sequence[tuple[Event, str]], now: str) -> int:
    before = max_rowid(conn, "events")
    conn.executemany(
        f"INSERT OR IGNORE INTO events (id, type, start_utc, end_utc, {_COMMON})"
        f" VALUES (?, ?, ?, ?, {_COMMON_Q})",
        ((ev.id, ev.type, ev.start, ev.end, *_common(ev, text, now)) for ev, text in rows),
    )
    conn.executemany(
        "INSERT OR IGNORE INTO event_entities (event_id, entity_id, role) VALUES (?, ?, ?)",
        ((ev.id, entity_id, role) for ev, _ in rows for role, entity_id in ev.participants),
    )
    return _index_since(conn, "events", before)


def insert_provenance(conn: Connection, rows: Iterable[tuple[str, int, str]]) -> None:
    """(object id, source id, locator): where in which file each fact was read."""
    conn.executemany(
        "INSERT OR IGNORE INTO provenance (object_id, source_id, locator) VALUES (?, ?, ?)", rows
    )


def insert_quarantine(
    conn: Connection, rows: Iterable[tuple[int | None, str, str, str | None]], now: str
) -> int:
    before = max_rowid(conn, "quarantine")
    conn.executemany(
        "INSERT OR IGNORE INTO quarantine (source_id, locator, reason, raw, created_at)"
        " VALUES (?, ?, ?, ?, ?)",
        ((s, loc, reason, raw, now) for s, loc, reason, raw in rows),
    )
    return _count_since(conn, "quarantine", before)


def ids_since(conn: Connection, table: str, rowid: int) -> set[str]:
    """Ids of the rows added after `rowid` (ingest uses it to tell new rows from known ones)."""
    return {r[0] for r in conn.execute(f"SELECT id FROM {table} WHERE rowid > ?", (rowid,))}
