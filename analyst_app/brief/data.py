"""What the brief reads from a case, as plain records, in a stable order.

The brief is a snapshot: it covers the audit trail up to the last change that was not
itself a brief, and takes its date from that entry. Writing a brief appends an audit
entry, so taking "now" or the whole trail would make the next build of the same case
differ; with the snapshot, the same case and options give the same bytes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from analyst_app.store.case import Case

# Audit actions that record output rather than change the case: left out of the snapshot.
OUTPUT_ACTIONS = ("brief",)


@dataclass(frozen=True)
class Source:
    id: int
    exhibit: int
    file_name: str
    path: str | None
    size: int
    sha256: str
    importer: str
    importer_version: str
    acquired_at: str | None
    imported_at: str
    imported_by: str
    description: str | None


@dataclass(frozen=True)
class Cite:
    """Where a fact comes from: a source file and the place in it (row, XML path, line)."""

    source_id: int
    locator: str


@dataclass(frozen=True)
class EntityRec:
    id: str
    type: str
    label: str
    role: str | None
    status: str
    source_grade: str | None
    info_grade: str | None
    properties: dict[str, Any]
    rowid: int


@dataclass(frozen=True)
class LinkRec:
    id: str
    type: str
    source_id: str
    target_id: str
    status: str
    properties: dict[str, Any]


@dataclass(frozen=True)
class AuditRec:
    seq: int
    at: str
    analyst: str
    action: str
    details: dict[str, Any]
    hash: str


@dataclass(frozen=True)
class FindingRec:
    id: str
    rule: str
    title: str
    severity: str
    explanation: str
    entities: list[str]
    evidence: list[dict[str, Any]]
    thresholds: dict[str, Any]
    state: str
    run_at: str


@dataclass(frozen=True)
class EventRec:
    id: str
    type: str
    label: str
    start_utc: str | None
    properties: dict[str, Any] = field(default_factory=dict)


def _entity(row: tuple[Any, ...]) -> EntityRec:
    eid, etype, label, role, status, sg, ig, props, rowid = row
    return EntityRec(eid, etype, label, role, status, sg, ig, json.loads(props), rowid)


_ENTITY_COLUMNS = "id, type, label, role, status, source_grade, info_grade, properties, rowid"


def sources(case: Case) -> list[Source]:
    """Every source file, numbered as exhibits in the order they were imported."""
    rows = case.conn.execute(
        "SELECT id, file_name, path, size, sha256, importer, importer_version, acquired_at,"
        " imported_at, imported_by, description FROM sources ORDER BY id"
    ).fetchall()
    return [Source(r[0], n, *r[1:]) for n, r in enumerate(rows, start=1)]


def audit_snapshot(case: Case) -> list[AuditRec]:
    """The audit trail up to (and with) the last entry that changed the case."""
    rows = case.conn.execute(
        "SELECT seq, at, analyst, action, details, hash FROM audit ORDER BY seq"
    ).fetchall()
    out = [AuditRec(s, at, who, act, json.loads(d), h) for s, at, who, act, d, h in rows]
    while out and out[-1].action in OUTPUT_ACTIONS:
        out.pop()
    return [a for a in out if a.action not in OUTPUT_ACTIONS]


def all_persons(case: Case) -> list[EntityRec]:
    rows = case.conn.execute(
        f"SELECT {_ENTITY_COLUMNS} FROM entities WHERE type = 'Person' ORDER BY rowid"
    )
    return [_entity(r) for r in rows]


def entities_of_type(case: Case, etype: str) -> list[EntityRec]:
    rows = case.conn.execute(
        f"SELECT {_ENTITY_COLUMNS} FROM entities WHERE type = ? ORDER BY rowid", (etype,)
    )
    return [_entity(r) for r in rows]


def entities(case: Case, ids: list[str]) -> dict[str, EntityRec]:
    rows = case.conn.execute(
        f"SELECT {_ENTITY_COLUMNS} FROM entities WHERE id IN (SELECT value FROM json_each(?))",
        (json.dumps(sorted(set(ids))),),
    )
    return {r[0]: _entity(r) for r in rows}


def home_address_ids(case: Case) -> set[str]:
    """Addresses someone lives at (lives_at targets): these are cut to city and region."""
    rows = case.conn.execute("SELECT DISTINCT target_id FROM links WHERE type = 'lives_at'")
    return {r[0] for r in rows}


def provenance(case: Case, ids: list[str]) -> dict[str, list[Cite]]:
    """Object id -> its citations, in source then locator order."""
    out: dict[str, list[Cite]] = {}
    rows = case.conn.execute(
        "SELECT object_id, source_id, locator FROM provenance"
        " WHERE object_id IN (SELECT value FROM json_each(?))"
        " ORDER BY object_id, source_id, locator",
        (json.dumps(sorted(set(ids))),),
    )
    for oid, sid, loc in rows:
        out.setdefault(oid, []).append(Cite(sid, loc))
    return out


def links_of(case: Case, entity_id: str, limit: int = 12) -> list[LinkRec]:
    rows = case.conn.execute(
        "SELECT id, type, source_id, target_id, status, properties FROM links"
        " WHERE source_id = ? OR target_id = ? ORDER BY type, id LIMIT ?",
        (entity_id, entity_id, limit),
    )
    return [LinkRec(i, t, s, tg, st, json.loads(p)) for i, t, s, tg, st, p in rows]


def event_summary(case: Case, ids: list[str]) -> list[tuple[str, int, str | None, str | None]]:
    """(event type, count, first, last) of the events any of `ids` takes part in."""
    rows = case.conn.execute(
        "SELECT e.type, count(*), min(e.start_utc), max(e.start_utc) FROM events e"
        " WHERE e.id IN (SELECT event_id FROM event_entities"
        "  WHERE entity_id IN (SELECT value FROM json_each(?)))"
        " GROUP BY e.type ORDER BY e.type",
        (json.dumps(sorted(ids)),),
    )
    return [(t, n, a, b) for t, n, a, b in rows]


def first_events(case: Case, ids: list[str], etype: str, n: int = 2) -> list[str]:
    rows = case.conn.execute(
        "SELECT e.id FROM events e WHERE e.type = ? AND e.id IN (SELECT event_id FROM"
        " event_entities WHERE entity_id IN (SELECT value FROM json_each(?)))"
        " ORDER BY e.start_utc, e.id LIMIT ?",
        (etype, json.dumps(sorted(ids)), n),
    )
    return [r[0] for r in rows]


def source_grades(case: Case) -> dict[int, list[tuple[str, int]]]:
    """Source id -> [(grade code, records)], most common first, over the records it gave."""
    out: dict[int, list[tuple[str, int]]] = {}
    for table in ("entities", "links", "events"):
        rows = case.conn.execute(
            f"SELECT p.source_id, coalesce(t.source_grade, '') || coalesce(t.info_grade, ''),"
            f" count(*) FROM provenance p JOIN {table} t ON t.id = p.object_id"
            " GROUP BY 1, 2"
        )
        for sid, code, n in rows:
            out.setdefault(sid, []).append((code, n))
    merged: dict[int, list[tuple[str, int]]] = {}
    for sid, pairs in out.items():
        totals: dict[str, int] = {}
        for code, n in pairs:
            totals[code] = totals.get(code, 0) + n
        merged[sid] = sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))
    return merged


def events_involving(
    case: Case, ids: list[str], types: tuple[str, ...], limit: int
) -> list[tuple[EventRec, list[str]]]:
    """Events of `types` that involve any of `ids`, oldest first, with their participants."""
    rows = case.conn.execute(
        "SELECT DISTINCT e.id, e.type, e.label, e.start_utc, e.properties FROM event_entities x"
        " JOIN events e ON e.id = x.event_id"
        " WHERE x.entity_id IN (SELECT value FROM json_each(?))"
        " AND e.type IN (SELECT value FROM json_each(?)) AND e.start_utc IS NOT NULL"
        " ORDER BY e.start_utc, e.id LIMIT ?",
        (json.dumps(sorted(ids)), json.dumps(list(types)), limit),
    ).fetchall()
    found = [EventRec(i, t, lab, s, json.loads(p)) for i, t, lab, s, p in rows]
    who: dict[str, list[str]] = {}
    for eid, ent in case.conn.execute(
        "SELECT event_id, entity_id FROM event_entities"
        " WHERE event_id IN (SELECT value FROM json_each(?)) ORDER BY event_id, entity_id",
        (json.dumps([e.id for e in found]),),
    ):
        who.setdefault(eid, []).append(ent)
    return [(e, who.get(e.id, [])) for e in found]


def findings(case: Case) -> list[FindingRec]:
    """Findings not dismissed, most severe first, then by rule and id."""
    rows = case.conn.execute(
        "SELECT id, rule, title, severity, explanation, entities, evidence, thresholds, state,"
        " run_at FROM findings WHERE state != 'dismissed'"
        " ORDER BY CASE severity WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END, rule, id"
    ).fetchall()
    return [
        FindingRec(i, r, t, s, x, json.loads(e), json.loads(ev), json.loads(th), st, at)
        for i, r, t, s, x, e, ev, th, st, at in rows
    ]


def findings_run(case: Case) -> bool:
    return case.conn.execute("SELECT 1 FROM findings LIMIT 1").fetchone() is not None


def chart_view(case: Case, name: str) -> dict[str, Any] | None:
    row = case.conn.execute("SELECT view FROM chart_views WHERE name = ?", (name,)).fetchone()
    if row is None:
        return None
    view = json.loads(row[0])
    return view if isinstance(view, dict) else None


def counts(case: Case) -> dict[str, int]:
    one = case.conn.execute
    return {
        t: int(one(f"SELECT count(*) FROM {t}").fetchone()[0])
        for t in ("entities", "links", "events", "sources", "quarantine")
    }
