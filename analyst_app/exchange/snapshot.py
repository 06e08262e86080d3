"""What an export writes: the case's records (or a subset) with their sources, read once.

A subset is given as ids: the entities named, the links and events named, and the links
whose two ends are both in it and the events that involve one of its entities (with only
those participants), so an exported chart never has a link hanging off nothing.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass, field

from analyst_app.model import Entity, Event, Link
from analyst_app.store import snapshot_queries as q
from analyst_app.store.case import Case


@dataclass(frozen=True)
class Source:
    file: str
    sha256: str
    importer: str
    locator: str


@dataclass
class Snapshot:
    entities: list[Entity] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    sources: dict[str, list[Source]] = field(default_factory=dict)  # object id -> sources
    time_zone: str = "UTC"
    grading: str = "admiralty"

    def counts(self) -> dict[str, int]:
        return {
            "entities": len(self.entities),
            "links": len(self.links),
            "events": len(self.events),
        }


def _common(row: tuple[object, ...]) -> dict[str, object]:
    rid, rtype, label, props, status, sg, ig, handling = row[:8]  # q.FIELDS
    return {
        "id": rid,
        "type": rtype,
        "label": label,
        "properties": json.loads(str(props)),
        "status": status,
        "source_grade": sg,
        "info_grade": ig,
        "handling": handling,
    }


def read_snapshot(case: Case, ids: Collection[str] | None = None) -> Snapshot:
    wanted = set(ids) if ids is not None else None
    snap = Snapshot(
        time_zone=str(case.settings.get("time_zone") or "UTC"),
        grading=case.grading.name,
    )
    every = [
        Entity(role=row[8], **_common(row))  # type: ignore[arg-type]
        for row in q.entity_rows(case)
    ]
    snap.entities = [e for e in every if wanted is None or e.id in wanted]
    for row in q.link_rows(case):
        snap.links.append(Link(source_id=row[8], target_id=row[9], **_common(row)))  # type: ignore[arg-type]
    parts: dict[str, list[tuple[str, str]]] = {}
    for event_id, entity_id, role in q.participant_rows(case):
        parts.setdefault(event_id, []).append((role, entity_id))
    for row in q.event_rows(case):
        event = Event(start=row[8], end=row[9], participants=parts.get(row[0], []), **_common(row))  # type: ignore[arg-type]
        snap.events.append(event)
    if wanted is not None:
        _narrow(snap, wanted, every)
    _sources(case, snap)
    return snap


def _narrow(snap: Snapshot, wanted: set[str], every: list[Entity]) -> None:
    links = [lk for lk in snap.links if lk.id in wanted]
    kept = {e.id for e in snap.entities}
    # Named links and events bring their ends with them.
    ends = {end for lk in links for end in (lk.source_id, lk.target_id)}
    events = [ev for ev in snap.events if ev.id in wanted]
    ends |= {eid for ev in events for _, eid in ev.participants}
    brought = ends - kept
    if brought:
        snap.entities += [e for e in every if e.id in brought]
        kept |= brought
    chosen_links = {lk.id for lk in links}
    snap.links = [
        lk
        for lk in snap.links
        if lk.id in chosen_links or (lk.source_id in kept and lk.target_id in kept)
    ]
    chosen_events = {ev.id for ev in events}
    narrowed = []
    for ev in snap.events:
        if ev.id in chosen_events:
            narrowed.append(ev)
        elif any(eid in kept for _, eid in ev.participants):
            ev.participants = [(r, eid) for r, eid in ev.participants if eid in kept]
            narrowed.append(ev)
    snap.events = narrowed


def _sources(case: Case, snap: Snapshot) -> None:
    wanted = {r.id for r in (*snap.entities, *snap.links, *snap.events)}
    for object_id, file, sha, importer, locator in q.source_rows(case):
        if object_id in wanted:
            snap.sources.setdefault(object_id, []).append(Source(file, sha, importer, locator))
