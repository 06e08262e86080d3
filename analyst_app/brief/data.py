"""What the brief reads from a case, as plain records, in a stable order.

The brief is a snapshot: it covers the audit trail up to the last change that was not
itself a brief, and takes its date from that entry. Writing a brief appends an audit
entry, so taking "now" or the whole trail would make the next build of the same case
differ; with the snapshot, the same case and options give the same bytes.
The SQL is in analyst_app.store.brief_queries (DESIGN.md keeps SQL in the store package).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from analyst_app.store import brief_queries as q
from analyst_app.store import findings_rows
from analyst_app.store.saved import saved_view

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


def sources(case: Case) -> list[Source]:
    """Every source file, numbered as exhibits in the order they were imported."""
    rows = q.source_rows(case)
    return [Source(r[0], n, *r[1:]) for n, r in enumerate(rows, start=1)]


def audit_snapshot(case: Case) -> list[AuditRec]:
    """The audit trail up to (and with) the last entry that changed the case."""
    rows = q.audit_rows(case)
    out = [AuditRec(s, at, who, act, json.loads(d), h) for s, at, who, act, d, h in rows]
    while out and out[-1].action in OUTPUT_ACTIONS:
        out.pop()
    return [a for a in out if a.action not in OUTPUT_ACTIONS]


def all_persons(case: Case) -> list[EntityRec]:
    return [_entity(r) for r in q.person_rows(case)]


def entities_of_type(case: Case, etype: str) -> list[EntityRec]:
    return [_entity(r) for r in q.entity_rows_of_type(case, etype)]


def entities(case: Case, ids: list[str]) -> dict[str, EntityRec]:
    return {r[0]: _entity(r) for r in q.entity_rows(case, ids)}


def home_address_ids(case: Case) -> set[str]:
    """Addresses someone lives at (lives_at targets): these are cut to city and region."""
    return q.home_address_ids(case)


def provenance(case: Case, ids: list[str]) -> dict[str, list[Cite]]:
    """Object id -> its citations, in source then locator order."""
    out: dict[str, list[Cite]] = {}
    for oid, sid, loc in q.citation_rows(case, ids):
        out.setdefault(oid, []).append(Cite(sid, loc))
    return out


def links_of(case: Case, entity_id: str, limit: int = 12) -> list[LinkRec]:
    rows = q.link_rows_of(case, entity_id, limit)
    return [LinkRec(i, t, s, tg, st, json.loads(p)) for i, t, s, tg, st, p in rows]


def event_summary(case: Case, ids: list[str]) -> list[tuple[str, int, str | None, str | None]]:
    """(event type, count, first, last) of the events any of `ids` takes part in."""
    return q.event_summary(case, ids)


def first_events(case: Case, ids: list[str], etype: str, n: int = 2) -> list[str]:
    return q.first_event_ids(case, ids, etype, n)


def source_grades(case: Case) -> dict[int, list[tuple[str, int]]]:
    """Source id -> [(grade code, records)], most common first, over the records it gave."""
    out: dict[int, list[tuple[str, int]]] = {}
    for sid, code, n in q.grade_counts(case):
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
    rows = q.event_rows_involving(case, ids, types, limit)
    found = [EventRec(i, t, lab, s, json.loads(p)) for i, t, lab, s, p in rows]
    who: dict[str, list[str]] = {}
    for eid, ent in q.participant_rows(case, [e.id for e in found]):
        who.setdefault(eid, []).append(ent)
    return [(e, who.get(e.id, [])) for e in found]


def findings(case: Case) -> list[FindingRec]:
    """Findings not dismissed, most severe first, then by rule and id."""
    return [
        FindingRec(i, r, t, s, x, json.loads(e), json.loads(ev), json.loads(th), st, at)
        for i, r, t, s, x, e, ev, th, st, at in findings_rows.reported_rows(case)
    ]


def findings_run(case: Case) -> bool:
    return findings_rows.any_findings(case)


def chart_view(case: Case, name: str) -> dict[str, Any] | None:
    text = saved_view(case, name)
    if text is None:
        return None
    view = json.loads(text)
    return view if isinstance(view, dict) else None


def counts(case: Case) -> dict[str, int]:
    return q.table_counts(case)
