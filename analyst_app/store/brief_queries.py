"""The SQL behind the prosecution brief: sources, audit trail, entities, citations, events.

`analyst_app.brief.data` turns these rows into its records; this module only asks the case
(DESIGN.md keeps SQL in the store package). Every read has a total order, because the same
case and options must give the same PDF bytes. A set of ids travels as one sorted JSON
array bound to `json_each`, which has no limit on its length.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from analyst_app.store.case import Case

Row = tuple[Any, ...]
# An entity row: id, type, label, role, status, source_grade, info_grade, properties
# (JSON text), rowid.
ENTITY_COLUMNS = "id, type, label, role, status, source_grade, info_grade, properties, rowid"


def source_rows(case: Case) -> list[Row]:
    """(id, file_name, path, size, sha256, importer, importer_version, acquired_at,
    imported_at, imported_by, description) of every source, in import order."""
    return case.conn.execute(
        "SELECT id, file_name, path, size, sha256, importer, importer_version, acquired_at,"
        " imported_at, imported_by, description FROM sources ORDER BY id"
    ).fetchall()


def audit_rows(case: Case) -> list[Row]:
    """(seq, at, analyst, action, details JSON, hash) of the whole audit trail, in order."""
    return case.conn.execute(
        "SELECT seq, at, analyst, action, details, hash FROM audit ORDER BY seq"
    ).fetchall()


def person_rows(case: Case) -> list[Row]:
    return case.conn.execute(
        f"SELECT {ENTITY_COLUMNS} FROM entities WHERE type = 'Person' ORDER BY rowid"
    ).fetchall()


def entity_rows_of_type(case: Case, etype: str) -> list[Row]:
    return case.conn.execute(
        f"SELECT {ENTITY_COLUMNS} FROM entities WHERE type = ? ORDER BY rowid", (etype,)
    ).fetchall()


def entity_rows(case: Case, ids: Sequence[str]) -> list[Row]:
    return case.conn.execute(
        f"SELECT {ENTITY_COLUMNS} FROM entities WHERE id IN (SELECT value FROM json_each(?))",
        (json.dumps(sorted(set(ids))),),
    ).fetchall()


def home_address_ids(case: Case) -> set[str]:
    """Addresses someone lives at (lives_at targets)."""
    rows = case.conn.execute("SELECT DISTINCT target_id FROM links WHERE type = 'lives_at'")
    return {r[0] for r in rows}


def citation_rows(case: Case, ids: Sequence[str]) -> list[tuple[str, int, str]]:
    """(object id, source id, locator) of these objects, by object, source, locator."""
    return case.conn.execute(
        "SELECT object_id, source_id, locator FROM provenance"
        " WHERE object_id IN (SELECT value FROM json_each(?))"
        " ORDER BY object_id, source_id, locator",
        (json.dumps(sorted(set(ids))),),
    ).fetchall()


def link_rows_of(case: Case, entity_id: str, limit: int) -> list[Row]:
    """(id, type, source_id, target_id, status, properties JSON) of links at this entity."""
    return case.conn.execute(
        "SELECT id, type, source_id, target_id, status, properties FROM links"
        " WHERE source_id = ? OR target_id = ? ORDER BY type, id LIMIT ?",
        (entity_id, entity_id, limit),
    ).fetchall()


def event_summary(case: Case, ids: Sequence[str]) -> list[tuple[str, int, str | None, str | None]]:
    """(event type, count, first, last) of the events any of `ids` takes part in."""
    rows = case.conn.execute(
        "SELECT e.type, count(*), min(e.start_utc), max(e.start_utc) FROM events e"
        " WHERE e.id IN (SELECT event_id FROM event_entities"
        "  WHERE entity_id IN (SELECT value FROM json_each(?)))"
        " GROUP BY e.type ORDER BY e.type",
        (json.dumps(sorted(ids)),),
    )
    return [(t, n, a, b) for t, n, a, b in rows]


def first_event_ids(case: Case, ids: Sequence[str], etype: str, n: int) -> list[str]:
    rows = case.conn.execute(
        "SELECT e.id FROM events e WHERE e.type = ? AND e.id IN (SELECT event_id FROM"
        " event_entities WHERE entity_id IN (SELECT value FROM json_each(?)))"
        " ORDER BY e.start_utc, e.id LIMIT ?",
        (etype, json.dumps(sorted(ids)), n),
    )
    return [r[0] for r in rows]


def grade_counts(case: Case) -> list[tuple[int, str, int]]:
    """(source id, source grade + info grade code or '', records) over the entities, links
    and events each source gave (a source may appear once per table and code)."""
    out: list[tuple[int, str, int]] = []
    for table in ("entities", "links", "events"):
        out.extend(
            case.conn.execute(
                f"SELECT p.source_id, coalesce(t.source_grade, '') || coalesce(t.info_grade, ''),"
                f" count(*) FROM provenance p JOIN {table} t ON t.id = p.object_id"
                " GROUP BY 1, 2"
            )
        )
    return out


def event_rows_involving(
    case: Case, ids: Sequence[str], types: Sequence[str], limit: int
) -> list[Row]:
    """(id, type, label, start_utc, properties JSON) of timed events of `types` that involve
    any of `ids`, oldest first."""
    return case.conn.execute(
        "SELECT DISTINCT e.id, e.type, e.label, e.start_utc, e.properties FROM event_entities x"
        " JOIN events e ON e.id = x.event_id"
        " WHERE x.entity_id IN (SELECT value FROM json_each(?))"
        " AND e.type IN (SELECT value FROM json_each(?)) AND e.start_utc IS NOT NULL"
        " ORDER BY e.start_utc, e.id LIMIT ?",
        (json.dumps(sorted(ids)), json.dumps(list(types)), limit),
    ).fetchall()


def participant_rows(case: Case, event_ids: Sequence[str]) -> list[tuple[str, str]]:
    """(event id, entity id) of these events' participants, in that order."""
    return case.conn.execute(
        "SELECT event_id, entity_id FROM event_entities"
        " WHERE event_id IN (SELECT value FROM json_each(?)) ORDER BY event_id, entity_id",
        (json.dumps(list(event_ids)),),
    ).fetchall()


def table_counts(case: Case) -> dict[str, int]:
    one = case.conn.execute
    return {
        t: int(one(f"SELECT count(*) FROM {t}").fetchone()[0])
        for t in ("entities", "links", "events", "sources", "quarantine")
    }
