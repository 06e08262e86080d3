"""The call rules' text lookups (findings.calls): suspects' phones, the tips and users of a
phone, and the devices behind calls. The calls themselves are read as columns by
rule_queries.call_times and call_parties (DESIGN.md keeps SQL in the store package)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from analyst_app.store.rule_queries import CHUNK, _marks, first_column, in_chunks

if TYPE_CHECKING:
    from analyst_app.store.case import Case


def suspect_labels(case: Case) -> Iterator[tuple[str, str]]:
    """(id, label) of the entities marked suspect."""
    return case.conn.execute("SELECT id, label FROM entities WHERE role = 'suspect'")


def phones_used_by(case: Case, people: Sequence[str]) -> Iterator[tuple[str, str]]:
    """(person, phone) of the `uses` links from these people to phones."""
    return in_chunks(
        case,
        "SELECT source_id, target_id FROM links WHERE type = 'uses' AND target_id LIKE"
        " 'phone:%' AND source_id IN ({marks})",
        people,
    )


def tips_naming(case: Case, entity: str) -> list[str]:
    """Ids of the Tip events the entity takes part in."""
    return first_column(
        case,
        "SELECT DISTINCT m.event_id FROM event_entities m JOIN events e ON e.id = m.event_id"
        " AND e.type = 'Tip' WHERE m.entity_id = ?",
        (entity,),
    )


def users_of(case: Case, target: str) -> list[str]:
    """Who `uses` the target, in the links' stored order."""
    return first_column(
        case,
        "SELECT source_id FROM links WHERE type = 'uses' AND target_id = ?",
        (target,),
    )


def event_devices(case: Case, events: Sequence[str]) -> Iterator[str]:
    """The device of each of these events that names one (the highest id if several)."""
    for at in range(0, len(events), CHUNK):
        chunk = events[at : at + CHUNK]
        for (device,) in case.conn.execute(
            "SELECT max(entity_id) FROM event_entities WHERE role = 'device' AND event_id IN"
            f" ({_marks(chunk)}) GROUP BY event_id",
            chunk,
        ):
            yield device
