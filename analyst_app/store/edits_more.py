"""What the workbench asks of a case beyond queries.py and editing.py: notes, sources,
quarantined rows, saved views, stored findings and entity counts for the sidebar.

Kept in the store package because DESIGN.md keeps all SQL here (a server backend can
answer the same questions later). Writes go through `case.write`, so each note added or
removed lands with its audit entry; removing returns what was removed, so undo can put
back exactly that row.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from analyst_app.store.errors import CaseError
from analyst_app.store.rule_queries import first_column

if TYPE_CHECKING:
    from analyst_app.store.case import Case


@dataclass(frozen=True)
class Note:
    id: int
    object_id: str
    text: str
    author: str
    created_at: str
    updated_at: str


@dataclass(frozen=True)
class SourceRow:
    id: int
    file_name: str
    importer: str
    imported_at: str
    sha256: str
    path: str | None
    quarantined: int


@dataclass(frozen=True)
class QuarantinedRow:
    id: int
    locator: str
    reason: str
    raw: str | None


@dataclass(frozen=True)
class FindingRow:
    """A stored finding as the sidebar and the findings dock list it.

    Read here rather than through `analyst_app.findings.load_findings`, whose package
    imports every rule (numpy, the importers: ~0.3 s) before the window's first paint.
    The row is the `findings` table's contract; `evidence` holds its JSON objects.
    """

    id: str
    rule: str
    title: str
    severity: str
    explanation: str
    entities: tuple[str, ...]
    evidence: tuple[dict[str, Any], ...]
    state: str


_FINDING_ORDER = "CASE severity WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END, rule, title, id"


def finding_rows(case: Case) -> list[FindingRow]:
    """The stored findings, most severe first (the order `load_findings` gives)."""
    rows = case.conn.execute(
        "SELECT id, rule, title, severity, explanation, entities, evidence, state"
        f" FROM findings ORDER BY {_FINDING_ORDER}"
    )
    return [
        FindingRow(
            fid, rule, title, sev, expl, tuple(json.loads(ents)), tuple(json.loads(evid)), state
        )
        for fid, rule, title, sev, expl, ents, evid, state in rows
    ]


def entity_counts(case: Case) -> dict[str, int]:
    rows = case.conn.execute("SELECT type, count(*) FROM entities GROUP BY type ORDER BY type")
    return {t: n for t, n in rows}


def entities_of_type(case: Case, entity_type: str, limit: int = 5000) -> list[str]:
    """Ids of one type (the sidebar selects them all); capped so a huge type stays quick."""
    rows = case.conn.execute(
        "SELECT id FROM entities WHERE type = ? ORDER BY label LIMIT ?", (entity_type, limit)
    )
    return [r[0] for r in rows]


def labels(case: Case, ids: list[str]) -> dict[str, tuple[str, str]]:
    """id -> (type, label) for the ids that are entities, links or events."""
    found: dict[str, tuple[str, str]] = {}
    payload = json.dumps(ids)
    for table in ("entities", "links", "events"):
        rows = case.conn.execute(
            f"SELECT id, type, label FROM {table} WHERE id IN (SELECT value FROM json_each(?))",
            (payload,),
        )
        found.update({i: (t, lab) for i, t, lab in rows})
    return found


def sources(case: Case) -> list[SourceRow]:
    rows = case.conn.execute(
        "SELECT s.id, s.file_name, s.importer, s.imported_at, s.sha256, s.path,"
        " (SELECT count(*) FROM quarantine q WHERE q.source_id = s.id)"
        " FROM sources s ORDER BY s.id"
    )
    return [SourceRow(*row) for row in rows]


def quarantined(case: Case, source_id: int, limit: int = 1000) -> list[QuarantinedRow]:
    rows = case.conn.execute(
        "SELECT id, locator, reason, raw FROM quarantine WHERE source_id = ? ORDER BY id LIMIT ?",
        (source_id, limit),
    )
    return [QuarantinedRow(*row) for row in rows]


def saved_specs(case: Case) -> dict[str, str]:
    """Mapping specs kept in the case by earlier imports: name -> YAML text."""
    rows = case.conn.execute("SELECT name, spec FROM import_specs ORDER BY name")
    return {name: text for name, text in rows}


def chart_view_names(case: Case) -> list[str]:
    return first_column(case, "SELECT name FROM chart_views ORDER BY name")


def notes(case: Case, object_id: str) -> list[Note]:
    rows = case.conn.execute(
        "SELECT id, object_id, text, author, created_at, updated_at FROM notes"
        " WHERE object_id = ? ORDER BY created_at, id",
        (object_id,),
    )
    return [Note(*row) for row in rows]


def add_note(case: Case, object_id: str, text: str, *, note_id: int | None = None) -> int:
    """Add a note (or put a removed one back under its old id); return its id."""
    from analyst_app.store.case import utc_now

    text = text.strip()
    if not text:
        raise CaseError("A note needs some text.")
    exists = case.conn.execute(
        "SELECT 1 FROM entities WHERE id = ? UNION ALL SELECT 1 FROM links WHERE id = ?"
        " UNION ALL SELECT 1 FROM events WHERE id = ?",
        (object_id, object_id, object_id),
    ).fetchone()
    if exists is None:
        raise CaseError(f"There is no entity, link or event {object_id!r} to add a note to.")
    now = utc_now()
    with case.write("add note", {"object_id": object_id, "text": text}) as conn:
        cursor = conn.execute(
            "INSERT INTO notes (id, object_id, text, author, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (note_id, object_id, text, case.analyst, now, now),
        )
        new_id = int(cursor.lastrowid or 0)
    return new_id


def remove_note(case: Case, note_id: int) -> Note:
    """Remove a note and return it as it was, so undo can restore it."""
    row = case.conn.execute(
        "SELECT id, object_id, text, author, created_at, updated_at FROM notes WHERE id = ?",
        (note_id,),
    ).fetchone()
    if row is None:
        raise CaseError(f"There is no note {note_id}.")
    note = Note(*row)
    details: dict[str, Any] = {"id": note_id, "object_id": note.object_id, "text": note.text}
    with case.write("remove note", details) as conn:
        conn.execute("DELETE FROM notes WHERE id = ?", (note_id,))
    return note


# What goes with an entity when it is deleted, as (table, column naming the entity).
_ENTITY_ROWS = (
    ("event_entities", "entity_id"),
    ("provenance", "object_id"),
    ("notes", "object_id"),
    ("tags", "object_id"),
    ("finding_entities", "entity_id"),
)
_LINK_ROWS = (("provenance", "object_id"), ("notes", "object_id"), ("tags", "object_id"))
_RESTORE_ORDER = ("entities", "links", "event_entities", "provenance", "notes", "tags",
                  "finding_entities")  # fmt: skip


def _rows(case: Case, table: str, where: str, args: tuple[Any, ...]) -> list[dict[str, Any]]:
    cursor = case.conn.execute(f"SELECT * FROM {table} WHERE {where}", args)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def delete_entity(case: Case, entity_id: str) -> dict[str, list[dict[str, Any]]]:
    """Delete an entity, its links, and its rows in other tables; return every row removed.

    Events stay (a call happened even if one party is deleted); only the entity's part in
    them goes. The returned snapshot, given to `restore_entity`, puts back exactly these
    rows, rowids included, so undo leaves the case as it was.
    """
    entity = _rows(case, "entities", "id = ?", (entity_id,))
    if not entity:
        raise CaseError(f"There is no entity {entity_id!r} to delete.")
    links = _rows(case, "links", "source_id = ? OR target_id = ?", (entity_id, entity_id))
    snap: dict[str, list[dict[str, Any]]] = {"entities": entity, "links": links}
    for table, column in _ENTITY_ROWS:
        snap.setdefault(table, []).extend(_rows(case, table, f"{column} = ?", (entity_id,)))
    for link in links:
        for table, column in _LINK_ROWS:
            snap[table].extend(_rows(case, table, f"{column} = ?", (link["id"],)))
    details = {
        "id": entity_id,
        "label": entity[0]["label"],
        "type": entity[0]["type"],
        "removed": {table: len(rows) for table, rows in snap.items() if table != "entities"},
    }
    link_ids = json.dumps([link["id"] for link in links])
    with case.write("delete entity", details) as conn:
        for table, column in _ENTITY_ROWS:
            conn.execute(f"DELETE FROM {table} WHERE {column} = ?", (entity_id,))
        for table, column in _LINK_ROWS:
            conn.execute(
                f"DELETE FROM {table} WHERE {column} IN (SELECT value FROM json_each(?))",
                (link_ids,),
            )
        conn.execute("DELETE FROM links WHERE source_id = ? OR target_id = ?", (entity_id,) * 2)
        conn.execute("DELETE FROM entities WHERE id = ?", (entity_id,))
    return snap


def restore_entity(case: Case, snap: dict[str, list[dict[str, Any]]]) -> str:
    """Put back what `delete_entity` removed (audited); return the entity's id."""
    from analyst_app.store.migrations import INDEXED

    entity = snap["entities"][0]
    details = {"id": entity["id"], "label": entity["label"], "type": entity["type"]}
    with case.write("restore entity", details) as conn:
        for table in _RESTORE_ORDER:
            for row in snap.get(table, []):
                names = list(row)
                conn.execute(
                    f"INSERT INTO {table} ({', '.join(names)})"
                    f" VALUES ({', '.join('?' * len(names))})",
                    [row[n] for n in names],
                )
        # New entity rows are indexed by the writer, not a trigger: index this one here.
        conn.execute(
            "INSERT INTO entities_fts (rowid, label, search_text)"
            f" SELECT rowid, label, search_text FROM entities WHERE id = ?"
            f" AND ({INDEXED['entities'].format(r='entities')})",
            (entity["id"],),
        )
    return str(entity["id"])


# -- linking two entities by hand ---------------------------------------------------------
# `same_as` is what resolution records (merge decides it) and `linked` holds other tools'
# unknown link types: neither is a type an analyst picks when drawing a link.
_NOT_DRAWN = ("same_as", "linked")


@dataclass(frozen=True)
class LinkChoice:
    """A link type the schema allows between two entities, in the direction it reads."""

    type: str
    label: str
    source_id: str
    target_id: str
    directed: bool


def link_choices(case: Case, first_id: str, second_id: str) -> list[LinkChoice]:
    """Every link type valid between the two entities, each way it can read, by label."""
    found = labels(case, [first_id, second_id])
    ends = [i for i in (first_id, second_id) if i in found]
    if len(ends) != 2 or first_id == second_id:
        raise CaseError("Choose two different entities to link.")
    if not all(case.schema.get(found[i][0], "entity") for i in ends):
        raise CaseError("Only entities can be linked; choose two entities.")
    a, b = (case.schema.lineage(found[i][0]) for i in ends)
    choices: list[LinkChoice] = []
    for typedef in case.schema.of_kind("link"):
        edge = typedef.edge
        if edge is None or typedef.name in _NOT_DRAWN:
            continue
        sources, targets = set(edge.source), set(edge.target)
        for src, dst, src_types, dst_types in ((first_id, second_id, a, b),
                                               (second_id, first_id, b, a)):  # fmt: skip
            if src_types & sources and dst_types & targets:
                choices.append(LinkChoice(typedef.name, edge.label, src, dst, edge.directed))
                if not edge.directed:
                    break  # an undirected link reads the same both ways: offer it once
    return sorted(choices, key=lambda c: (c.label, c.source_id != first_id))


def add_link(
    case: Case,
    link_type: str,
    source_id: str,
    target_id: str,
    *,
    status: str = "unconfirmed",
    link_id: str | None = None,
) -> str:
    """Link two entities by hand (audited); return the link's id.

    The type must be one `link_choices` offers for the pair. `link_id` puts back a link
    an undo removed under the id it had, so later edits that name it still find it.
    """
    from analyst_app.model import Link
    from analyst_app.records import RecordError, prepare, search_text
    from analyst_app.store.case import utc_now
    from analyst_app.store.writer import insert_links

    allowed = {(c.type, c.source_id, c.target_id) for c in link_choices(case, source_id, target_id)}
    if (link_type, source_id, target_id) not in allowed:
        raise CaseError(f"The schema has no {link_type!r} link between these two entities.")
    existing = case.conn.execute(
        "SELECT id FROM links WHERE type = ? AND ((source_id = ? AND target_id = ?)"
        " OR (source_id = ? AND target_id = ?))",
        (link_type, source_id, target_id, target_id, source_id),
    ).fetchone()
    if existing is not None:
        label = case.schema.types[link_type].label
        raise CaseError(f"These two entities are already linked as {label!r}.")
    link = Link(type=link_type, source_id=source_id, target_id=target_id, status=status)
    link.id = link_id
    try:
        typedef = prepare(link, case.schema, grading=case.grading)
    except RecordError as exc:
        raise CaseError(f"The link cannot be added: {exc}.") from None
    details = {"id": link.id, "type": link_type, "source_id": source_id,
               "target_id": target_id, "status": status}  # fmt: skip
    with case.write("add link", details) as conn:
        insert_links(conn, [(link, search_text(typedef, link.properties, link.label))], utc_now())
    return str(link.id)


def remove_link(case: Case, link_id: str) -> None:
    """Remove a link and what hangs on it (notes, tags, provenance); audited."""
    row = case.conn.execute(
        "SELECT type, source_id, target_id FROM links WHERE id = ?", (link_id,)
    ).fetchone()
    if row is None:
        raise CaseError(f"There is no link {link_id!r} to remove.")
    details = {"id": link_id, "type": row[0], "source_id": row[1], "target_id": row[2]}
    with case.write("remove link", details) as conn:
        for table, column in _LINK_ROWS:
            conn.execute(f"DELETE FROM {table} WHERE {column} = ?", (link_id,))
        conn.execute("DELETE FROM links WHERE id = ?", (link_id,))
