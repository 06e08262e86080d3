"""The SQL behind resolution: what candidates are built from, decisions, merge and unmerge.

A merge moves every row that points at the merged entity (links, event participation,
provenance, tags, notes) onto the kept one and deletes the merged entity. Each move is
written down in a snapshot, so that unmerge can put back exactly what was there: the same
rows, the same ids and rowids, the same values. Rows that would collide after the move are
not forced: a participation, provenance or tag row the kept entity already has is set
aside (and restored on unmerge), a link between the two would become a loop and is set
aside, and a link that would duplicate one of the kept entity's links is folded into it
(its provenance joins the survivor's) only when nothing about it differs.

The functions here run inside the caller's `case.write(...)` transaction.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from analyst_app.store.connection import Connection
from analyst_app.store.errors import CaseError
from analyst_app.store.migrations import INDEXED

if TYPE_CHECKING:
    from analyst_app.store.case import Case

Row = dict[str, Any]
SNAPSHOT_VERSION = 1


class MergeError(CaseError):
    """A merge or unmerge the case cannot do as asked; the message says why."""


# -- what candidates are built from ------------------------------------------------------
def _marks(values: Sequence[str]) -> str:
    return ", ".join("?" * len(values))


def entities_of_types(case: Case, types: Sequence[str]) -> list[tuple[str, str, str, str]]:
    """(id, type, label, properties JSON) of every entity of the given types."""
    return case.conn.execute(
        f"SELECT id, type, label, properties FROM entities WHERE type IN ({_marks(types)})"
        " ORDER BY id",
        tuple(types),
    ).fetchall()


def linked_entities(
    case: Case, types: Sequence[str], other_types: Sequence[str], link_types: Sequence[str]
) -> list[tuple[str, str, str, str]]:
    """(entity id, other id, other type, other label) for every link of `link_types`, either
    direction, between an entity of `types` and one of `other_types` (its phones, accounts)."""
    sql = (
        "SELECT p.id, o.id, o.type, o.label FROM links l"
        " JOIN entities p ON p.id = l.{near} JOIN entities o ON o.id = l.{far}"
        f" WHERE l.type IN ({_marks(link_types)}) AND p.type IN ({_marks(types)})"
        f" AND o.type IN ({_marks(other_types)})"
    )
    params = (*link_types, *types, *other_types)
    rows = case.conn.execute(sql.format(near="source_id", far="target_id"), params).fetchall()
    rows += case.conn.execute(sql.format(near="target_id", far="source_id"), params).fetchall()
    return rows


def sole_mentions(
    case: Case, types: Sequence[str], other_types: Sequence[str], event_types: Sequence[str]
) -> list[tuple[str, str, str, str]]:
    """(entity id, other id, other type, other label) for events (tips) that name exactly one
    entity of `types` together with identifiers: the tip ties that phone to that name.
    Tips naming several people are left out, since they cannot say whose phone it is."""
    return case.conn.execute(
        f"""
        WITH named AS (
            SELECT ee.event_id, min(ee.entity_id) AS entity_id FROM event_entities ee
            JOIN events ev ON ev.id = ee.event_id AND ev.type IN ({_marks(event_types)})
            JOIN entities e ON e.id = ee.entity_id AND e.type IN ({_marks(types)})
            GROUP BY ee.event_id HAVING count(DISTINCT ee.entity_id) = 1
        )
        SELECT DISTINCT n.entity_id, o.id, o.type, o.label FROM named n
        JOIN event_entities ee ON ee.event_id = n.event_id
        JOIN entities o ON o.id = ee.entity_id AND o.type IN ({_marks(other_types)})
        """,
        (*event_types, *types, *other_types),
    ).fetchall()


# -- decisions ------------------------------------------------------------------------------
def decisions(case: Case) -> dict[tuple[str, str], str]:
    """{(a_id, b_id): 'match' | 'no_match'} with a_id < b_id."""
    rows = case.conn.execute("SELECT a_id, b_id, decision FROM resolution_decisions")
    return {(min(a, b), max(a, b)): d for a, b, d in rows}


def save_decision(
    conn: Connection, a_id: str, b_id: str, decision: str, reasons: Iterable[str], by: str, at: str
) -> Row | None:
    """Insert or replace the decision on a pair; return the one it replaced, if any."""
    a, b = min(a_id, b_id), max(a_id, b_id)
    old = conn.execute(
        "SELECT decision, reasons, decided_by, decided_at FROM resolution_decisions"
        " WHERE a_id = ? AND b_id = ?",
        (a, b),
    ).fetchone()
    conn.execute(
        "INSERT OR REPLACE INTO resolution_decisions (a_id, b_id, decision, reasons,"
        " decided_by, decided_at) VALUES (?, ?, ?, ?, ?, ?)",
        (a, b, decision, json.dumps(list(reasons), ensure_ascii=False), by, at),
    )
    if old is None:
        return None
    return dict(zip(("decision", "reasons", "decided_by", "decided_at"), old, strict=True))


# -- rows ---------------------------------------------------------------------------------
def _columns(conn: Connection, table: str) -> list[str]:
    return [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]


def _rows(conn: Connection, table: str, where: str, params: Sequence[Any]) -> list[Row]:
    """Whole rows as dicts (the tables here name their integer key: rowid or id)."""
    names = _columns(conn, table)
    cursor = conn.execute(f"SELECT {', '.join(names)} FROM {table} WHERE {where}", params)
    return [dict(zip(names, row, strict=True)) for row in cursor]


def _integer_key(conn: Connection, table: str) -> str | None:
    for _, name, kind, _, _, pk in conn.execute(f"PRAGMA table_info({table})"):
        if pk == 1 and str(kind).upper() == "INTEGER":
            return str(name)
    return None


def _insert(conn: Connection, table: str, row: Row) -> None:
    """Put a row back, with its old rowid (or note id) when that is still free."""
    row = dict(row)
    key = _integer_key(conn, table)
    if key is not None and key in row:
        taken = conn.execute(f"SELECT 1 FROM {table} WHERE {key} = ?", (row[key],))
        if taken.fetchone() is not None:
            del row[key]
    names = list(row)
    conn.execute(
        f"INSERT INTO {table} ({', '.join(names)}) VALUES ({_marks(names)})",
        tuple(row[n] for n in names),
    )


def entity_row(conn: Connection, entity_id: str) -> Row | None:
    found = _rows(conn, "entities", "id = ?", (entity_id,))
    return found[0] if found else None


def _index_entity(conn: Connection, entity_id: str) -> None:
    """Re-inserted rows get no trigger (the writer indexes in bulk): index this one here."""
    conn.execute(
        "INSERT INTO entities_fts (rowid, label, search_text) SELECT rowid, label, search_text"
        f" FROM entities WHERE id = ? AND ({INDEXED['entities'].format(r='entities')})",
        (entity_id,),
    )


# -- merge ----------------------------------------------------------------------------------
_LINK_SAME = ("type", "label", "status", "source_grade", "info_grade", "handling")


def merge_rows(conn: Connection, kept: Row, merged: Row, kept_after: Row) -> dict[str, Any]:
    """Move everything of `merged` onto `kept`, delete `merged`, set `kept_after` columns on
    the kept row; return the snapshot that `unmerge_rows` needs to undo it exactly."""
    k, m = kept["id"], merged["id"]
    snap: dict[str, Any] = {
        "version": SNAPSHOT_VERSION,
        "kept": kept,
        "kept_after": kept_after,
        "merged": merged,
        "links_moved": [],
        "links_removed": [],
        "provenance_added": [],
    }
    for link in _rows(conn, "links", "source_id = ? OR target_id = ? ORDER BY rowid", (m, m)):
        _move_link(conn, link, k, m, snap)
    snap["participation"] = _move_keyed(
        conn, "event_entities", "entity_id", ("event_id", "role"), m, k
    )
    snap["provenance"] = _move_keyed(
        conn, "provenance", "object_id", ("source_id", "locator"), m, k
    )
    snap["tags"] = _move_keyed(conn, "tags", "object_id", ("vocabulary", "tag"), m, k)
    snap["notes"] = [r[0] for r in conn.execute("SELECT id FROM notes WHERE object_id = ?", (m,))]
    conn.execute("UPDATE notes SET object_id = ? WHERE object_id = ?", (k, m))
    conn.execute("DELETE FROM entities WHERE id = ?", (m,))
    sets = ", ".join(f"{c} = ?" for c in kept_after)
    conn.execute(f"UPDATE entities SET {sets} WHERE id = ?", (*kept_after.values(), k))
    return snap


def _object_rows(conn: Connection, object_id: str) -> dict[str, list[Row]]:
    return {
        table: _rows(conn, table, "object_id = ?", (object_id,))
        for table in ("provenance", "tags", "notes")
    }


def _remove_link(conn: Connection, link: Row, why: str, snap: dict[str, Any]) -> None:
    attached = _object_rows(conn, link["id"])
    snap["links_removed"].append({"row": link, "why": why, **attached})
    for table in ("provenance", "tags", "notes"):
        conn.execute(f"DELETE FROM {table} WHERE object_id = ?", (link["id"],))
    conn.execute("DELETE FROM links WHERE id = ?", (link["id"],))


def _move_link(conn: Connection, link: Row, k: str, m: str, snap: dict[str, Any]) -> None:
    source = k if link["source_id"] == m else link["source_id"]
    target = k if link["target_id"] == m else link["target_id"]
    if source == target == k and {link["source_id"], link["target_id"]} == {k, m}:
        _remove_link(conn, link, "a link between the two merged entities", snap)
        return
    survivor = _twin(conn, link, source, target)
    if survivor is not None:
        for prov in _rows(conn, "provenance", "object_id = ?", (link["id"],)):
            added = conn.execute(
                "INSERT OR IGNORE INTO provenance (object_id, source_id, locator) VALUES (?, ?, ?)",
                (survivor, prov["source_id"], prov["locator"]),
            ).rowcount
            if added:
                snap["provenance_added"].append([survivor, prov["source_id"], prov["locator"]])
        _remove_link(conn, link, f"the same as link {survivor}", snap)
        return
    conn.execute(
        "UPDATE links SET source_id = ?, target_id = ? WHERE id = ?", (source, target, link["id"])
    )
    snap["links_moved"].append([link["id"], link["source_id"], link["target_id"]])


def _twin(conn: Connection, link: Row, source: str, target: str) -> str | None:
    """A link the moved one would duplicate: same type, ends, grading and label, and its
    properties a subset of the twin's. Links with tags or notes are never folded."""
    attached = conn.execute(
        "SELECT (SELECT count(*) FROM tags WHERE object_id = :i)"
        " + (SELECT count(*) FROM notes WHERE object_id = :i)",
        {"i": link["id"]},
    ).fetchone()[0]
    if attached:
        return None
    same = " AND ".join(f"{c} IS ?" for c in _LINK_SAME)
    props = json.loads(link["properties"])
    for other_id, other_props in conn.execute(
        f"SELECT id, properties FROM links WHERE source_id = ? AND target_id = ? AND id != ?"
        f" AND {same} ORDER BY rowid",
        (source, target, link["id"], *(link[c] for c in _LINK_SAME)),
    ):
        theirs = json.loads(other_props)
        if all(theirs.get(key) == value for key, value in props.items()):
            return str(other_id)
    return None


def _move_keyed(
    conn: Connection, table: str, column: str, key: tuple[str, ...], old: str, new: str
) -> dict[str, list[Any]]:
    """Re-point rows whose primary key is (column, *key); rows the new owner already has
    stay behind in the snapshot ("dropped") instead of colliding."""
    moved: list[list[Any]] = []
    dropped: list[Row] = []
    match = " AND ".join(f"{c} = ?" for c in key)
    for row in _rows(conn, table, f"{column} = ?", (old,)):
        values = tuple(row[c] for c in key)
        exists = conn.execute(
            f"SELECT 1 FROM {table} WHERE {column} = ? AND {match}", (new, *values)
        ).fetchone()
        if exists:
            dropped.append(row)
            conn.execute(f"DELETE FROM {table} WHERE {column} = ? AND {match}", (old, *values))
        else:
            moved.append(list(values))
            conn.execute(
                f"UPDATE {table} SET {column} = ? WHERE {column} = ? AND {match}",
                (new, old, *values),
            )
    return {"moved": moved, "dropped": dropped}


# -- unmerge --------------------------------------------------------------------------------
def unmerge_rows(conn: Connection, snap: dict[str, Any]) -> None:
    """Undo `merge_rows` from its snapshot: every row back as it was."""
    if snap.get("version") != SNAPSHOT_VERSION:
        raise MergeError("this merge was recorded by another version of Threadline.")
    kept, merged, after = snap["kept"], snap["merged"], snap["kept_after"]
    k, m = kept["id"], merged["id"]
    current = entity_row(conn, k)
    if current is None:
        raise MergeError(
            f"{kept['label']} is no longer in the case, so the merge cannot be undone."
        )
    if any(current[c] != v for c, v in after.items() if c != "updated_at"):
        raise MergeError(f"{kept['label']} was edited after the merge; undo those edits first.")
    if entity_row(conn, m) is not None:
        raise MergeError(f"{merged['label']} is already back in the case.")
    sets = ", ".join(f"{c} = ?" for c in after)
    conn.execute(f"UPDATE entities SET {sets} WHERE id = ?", (*(kept[c] for c in after), k))
    _insert(conn, "entities", merged)
    _index_entity(conn, m)
    for note_id in snap["notes"]:
        conn.execute("UPDATE notes SET object_id = ? WHERE id = ?", (m, note_id))
    for table, column, key in (
        ("tags", "object_id", ("vocabulary", "tag")),
        ("provenance", "object_id", ("source_id", "locator")),
        ("event_entities", "entity_id", ("event_id", "role")),
    ):
        part = snap["participation" if table == "event_entities" else table]
        match = " AND ".join(f"{c} = ?" for c in key)
        for values in part["moved"]:
            conn.execute(
                f"UPDATE {table} SET {column} = ? WHERE {column} = ? AND {match}",
                (m, k, *values),
            )
        for row in part["dropped"]:
            _insert(conn, table, row)
    for link_id, source, target in snap["links_moved"]:
        conn.execute(
            "UPDATE links SET source_id = ?, target_id = ? WHERE id = ?", (source, target, link_id)
        )
    for object_id, source_id, locator in snap["provenance_added"]:
        conn.execute(
            "DELETE FROM provenance WHERE object_id = ? AND source_id = ? AND locator = ?",
            (object_id, source_id, locator),
        )
    for removed in snap["links_removed"]:
        _insert(conn, "links", removed["row"])
        for table in ("provenance", "tags", "notes"):
            for row in removed[table]:
                _insert(conn, table, row)


# -- the merges table ---------------------------------------------------------------------
def record_merge(
    conn: Connection, kept_id: str, merged_id: str, snapshot: dict[str, Any], by: str, at: str
) -> int:
    cursor = conn.execute(
        "INSERT INTO merges (kept_id, merged_id, snapshot, decided_by, created_at)"
        " VALUES (?, ?, ?, ?, ?)",
        (kept_id, merged_id, json.dumps(snapshot, ensure_ascii=False), by, at),
    )
    return int(cursor.lastrowid or 0)


def merge_record(conn: Connection, merge_id: int) -> Row | None:
    found = _rows(conn, "merges", "id = ?", (merge_id,))
    return found[0] if found else None


def later_merges(conn: Connection, merge_id: int, ids: Sequence[str]) -> list[int]:
    """Merges after `merge_id`, not undone, that touch any of `ids`: they must go first."""
    return [
        int(r[0])
        for r in conn.execute(
            f"SELECT id FROM merges WHERE id > ? AND undone_at IS NULL AND"
            f" (kept_id IN ({_marks(ids)}) OR merged_id IN ({_marks(ids)})) ORDER BY id",
            (merge_id, *ids, *ids),
        )
    ]


def mark_undone(conn: Connection, merge_id: int, at: str) -> None:
    conn.execute("UPDATE merges SET undone_at = ? WHERE id = ?", (at, merge_id))


def merge_history(case: Case) -> list[Row]:
    """Every merge, newest first, without the snapshots."""
    names = ("id", "kept_id", "merged_id", "decided_by", "created_at", "undone_at")
    rows = case.conn.execute(f"SELECT {', '.join(names)} FROM merges ORDER BY id DESC")
    return [dict(zip(names, r, strict=True)) for r in rows]
