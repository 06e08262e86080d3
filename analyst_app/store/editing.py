"""Adding and editing records through the store, each write audited.

Bulk adds commit batch by batch, so a crash loses at most the batch in flight and the
case reopens consistent. (An import of one file is all-or-nothing instead: see ingest.)
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import TYPE_CHECKING, Any

from analyst_app.model import Entity, Event, Link, Record
from analyst_app.records import RecordError, prepare, search_text
from analyst_app.store import writer

if TYPE_CHECKING:
    from analyst_app.store.case import Case

Progress = Callable[[int], None]
Cancelled = Callable[[], bool]


@dataclass
class AddResult:
    added: int = 0
    present: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)


def _batches(items: Iterable[Record], size: int) -> Iterator[list[Record]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def write_prepared(
    case: Case,
    ents: list[tuple[Entity, str]],
    links: list[tuple[Link, str]],
    events: list[tuple[Event, str]],
    now: str,
) -> int:
    """Insert already prepared records inside the caller's transaction; return rows added."""
    return (
        writer.insert_entities(case.conn, ents, now)[0]
        + writer.insert_links(case.conn, links, now)
        + writer.insert_events(case.conn, events, now)
    )


def add_records(
    case: Case,
    records: Iterable[Record],
    *,
    batch_size: int = 20_000,
    keep_ids: bool = False,
    checked: bool = False,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> AddResult:
    """Validate and add records; invalid ones are reported in `rejected`, never half-written.

    `checked=True` is for records that already went through `records.prepare` (ingest
    normalizes each distinct value once, then writes in bulk): they are written as given.
    """
    from analyst_app.store.case import utc_now

    result, seen = AddResult(), 0
    settings = case.settings
    region, grading = settings["phone_region"], case.grading
    for batch in _batches(records, batch_size):
        if cancelled and cancelled():
            break
        buckets: dict[type, list[Any]] = {Entity: [], Link: [], Event: []}
        for offset, record in enumerate(batch):
            try:
                typedef = (
                    case.schema.types[record.type]
                    if checked
                    else prepare(record, case.schema, region=region, grading=grading)
                )
            except RecordError as exc:
                result.rejected.append((seen + offset, str(exc)))
                continue
            buckets[type(record)].append(
                (record, search_text(typedef, record.properties, record.label))
            )
            if keep_ids and record.id:
                result.ids.append(record.id)
        valid = sum(len(b) for b in buckets.values())
        details = {
            "entities": len(buckets[Entity]),
            "links": len(buckets[Link]),
            "events": len(buckets[Event]),
        }
        seen += len(batch)
        if valid:
            with case.write("add", details):
                added = write_prepared(
                    case, buckets[Entity], buckets[Link], buckets[Event], utc_now()
                )
            result.added += added
            result.present += valid - added
        if progress:
            progress(seen)
    return result


def add_one(case: Case, record: Record) -> str:
    """Add a single record; raise RecordError with the reason if the schema refuses it."""
    result = add_records(case, [record], keep_ids=True)
    if result.rejected:
        raise RecordError(result.rejected[0][1])
    return result.ids[0]


_EDITABLE = ("label", "status", "role", "source_grade", "info_grade", "handling")


def update_entity(case: Case, entity_id: str, **changes: Any) -> dict[str, Any]:
    """Edit columns and/or `properties`; the audit keeps old and new values (for undo too)."""
    row = case.conn.execute(
        f"SELECT type, properties, {', '.join(_EDITABLE)} FROM entities WHERE id = ?",
        (entity_id,),
    ).fetchone()
    if row is None:
        raise RecordError(f"there is no entity {entity_id!r}")
    old: dict[str, Any] = dict(zip(_EDITABLE, row[2:], strict=True))
    old["properties"] = json.loads(row[1])
    draft = Entity(type=row[0], id=entity_id, **{k: old[k] for k in _EDITABLE})
    draft.properties = dict(old["properties"])
    for key, value in changes.items():
        if key != "properties" and key not in _EDITABLE:
            raise RecordError(f"{key!r} cannot be edited")
        setattr(draft, key, dict(value) if key == "properties" else value)
    typedef = prepare(
        draft, case.schema, region=case.settings["phone_region"], grading=case.grading
    )
    new = {k: getattr(draft, k) for k in (*_EDITABLE, "properties")}
    diff = {k: {"old": old[k], "new": new[k]} for k in new if old[k] != new[k]}
    if not diff:
        return diff
    from analyst_app.store.case import utc_now

    with case.write("edit entity", {"id": entity_id, "changes": diff}) as conn:
        conn.execute(
            f"UPDATE entities SET {', '.join(f'{k} = ?' for k in _EDITABLE)}, properties = ?,"
            " search_text = ?, updated_at = ? WHERE id = ?",
            (
                *(new[k] for k in _EDITABLE),
                json.dumps(new["properties"], ensure_ascii=False),
                search_text(typedef, draft.properties, draft.label),
                utc_now(),
                entity_id,
            ),
        )
    return diff
