"""The rows of tables `findings` and `finding_entities`, read and written as plain tuples.

`analyst_app.findings` turns them into Finding objects and decides what is kept; this
module only holds the SQL (DESIGN.md keeps SQL in the store package). A finding row's
stored columns, in order: rule, title, severity, explanation, entities (JSON), evidence
(JSON), thresholds (JSON), run_at.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from analyst_app.store.case import Case
    from analyst_app.store.connection import Connection

_COLUMNS = "id, rule, title, severity, explanation, entities, evidence, thresholds, state, run_at"
_ORDER = "CASE severity WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END, rule, title, id"
CHUNK = 500


def decided_states(case: Case) -> dict[str, str]:
    """Finding id -> state, for the findings the analyst accepted or dismissed."""
    rows = case.conn.execute("SELECT id, state FROM findings WHERE state != 'open'").fetchall()
    return {str(fid): str(state) for fid, state in rows}


def delete_open(conn: Connection) -> None:
    """Inside a write: drop the open findings (a re-run replaces them)."""
    conn.execute(
        "DELETE FROM finding_entities WHERE finding_id IN"
        " (SELECT id FROM findings WHERE state = 'open')"
    )
    conn.execute("DELETE FROM findings WHERE state = 'open'")


def refresh_decided(conn: Connection, finding_id: str, row: Sequence[Any]) -> None:
    """Inside a write: new content for a decided finding; its state stays."""
    conn.execute(
        "UPDATE findings SET rule = ?, title = ?, severity = ?, explanation = ?,"
        " entities = ?, evidence = ?, thresholds = ?, run_at = ? WHERE id = ?",
        (*row, finding_id),
    )
    conn.execute("DELETE FROM finding_entities WHERE finding_id = ?", (finding_id,))


def insert_open(conn: Connection, finding_id: str, row: Sequence[Any]) -> None:
    """Inside a write: a new finding, state 'open'."""
    conn.execute(
        "INSERT INTO findings (id, rule, title, severity, explanation, entities,"
        " evidence, thresholds, state, run_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?,"
        " 'open', ?)",
        (finding_id, *row),
    )


def link_entities(conn: Connection, finding_id: str, entity_ids: Sequence[str]) -> None:
    """Inside a write: index the finding under each of its entities."""
    conn.executemany(
        "INSERT OR IGNORE INTO finding_entities (finding_id, entity_id) VALUES (?, ?)",
        [(finding_id, e) for e in entity_ids],
    )


def finding_rows(case: Case, *, entity_id: str | None = None) -> list[tuple[Any, ...]]:
    """Saved findings (all columns, see _COLUMNS), most severe first, then rule, title, id;
    with `entity_id`, only those about that entity."""
    sql = f"SELECT {_COLUMNS} FROM findings"
    params: tuple[str, ...] = ()
    if entity_id is not None:
        sql += " WHERE id IN (SELECT finding_id FROM finding_entities WHERE entity_id = ?)"
        params = (entity_id,)
    return list(case.conn.execute(f"{sql} ORDER BY {_ORDER}", params).fetchall())


def reported_rows(case: Case) -> list[tuple[Any, ...]]:
    """Findings not dismissed (all columns), most severe first, then by rule and id: the
    brief's order (without the title, unlike finding_rows)."""
    return list(
        case.conn.execute(
            f"SELECT {_COLUMNS} FROM findings WHERE state != 'dismissed'"
            " ORDER BY CASE severity WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END,"
            " rule, id"
        ).fetchall()
    )


def any_findings(case: Case) -> bool:
    """Whether the rules were ever run and stored anything."""
    return case.conn.execute("SELECT 1 FROM findings LIMIT 1").fetchone() is not None


def reported_entities(case: Case) -> set[str]:
    """Entities of findings not dismissed: subjects the chart and the timeline never hide."""
    if not any_findings(case):
        return set()
    return {str(e) for row in reported_rows(case) for e in json.loads(row[5] or "[]")}


def finding_state(case: Case, finding_id: str) -> str | None:
    row = case.conn.execute("SELECT state FROM findings WHERE id = ?", (finding_id,)).fetchone()
    return None if row is None else str(row[0])


def update_state(conn: Connection, finding_id: str, state: str) -> None:
    """Inside a write: the analyst's decision."""
    conn.execute("UPDATE findings SET state = ? WHERE id = ?", (state, finding_id))


def entity_names(case: Case, ids: Sequence[str]) -> dict[str, tuple[str, str]]:
    """id -> (type, label) of these entities, asked CHUNK ids at a time (findings name the
    entities they are about; `flags --json` shows each one's type and label)."""
    out: dict[str, tuple[str, str]] = {}
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        for eid, etype, label in case.conn.execute(
            f"SELECT id, type, label FROM entities WHERE id IN ({', '.join('?' * len(chunk))})",
            chunk,
        ):
            out[eid] = (etype, label)
    return out
