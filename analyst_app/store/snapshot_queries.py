"""The SQL behind an export's snapshot: every record of the case, with where it came from.

`analyst_app.exchange.snapshot` builds the records and narrows them to a subset; this
module only reads rows, in a stable order (rowid: the order the records were added), so
the same case always exports the same file (DESIGN.md keeps SQL in the store package).
Rows are streamed from the cursor, not fetched into a list first.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from analyst_app.store.case import Case

Row = tuple[Any, ...]
# The columns every record starts with, in this order; then each kind's own columns.
FIELDS = "id, type, label, properties, status, source_grade, info_grade, handling"


def entity_rows(case: Case) -> Iterator[Row]:
    """FIELDS, then role."""
    return case.conn.execute(f"SELECT {FIELDS}, role FROM entities ORDER BY rowid")


def link_rows(case: Case) -> Iterator[Row]:
    """FIELDS, then source_id, target_id."""
    return case.conn.execute(f"SELECT {FIELDS}, source_id, target_id FROM links ORDER BY rowid")


def participant_rows(case: Case) -> Iterator[tuple[str, str, str]]:
    """(event id, entity id, role) of every event, by event, role, entity."""
    return case.conn.execute(
        "SELECT event_id, entity_id, role FROM event_entities ORDER BY event_id, role, entity_id"
    )


def event_rows(case: Case) -> Iterator[Row]:
    """FIELDS, then start_utc, end_utc."""
    return case.conn.execute(f"SELECT {FIELDS}, start_utc, end_utc FROM events ORDER BY rowid")


def source_rows(case: Case) -> Iterator[tuple[str, str, str, str, str]]:
    """(object id, file name, sha256, importer, locator) of every citation, by source and
    locator."""
    return case.conn.execute(
        "SELECT p.object_id, s.file_name, s.sha256, s.importer, p.locator FROM provenance p"
        " JOIN sources s ON s.id = p.source_id ORDER BY s.id, p.locator"
    )
