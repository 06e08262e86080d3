"""The rows of table `tags` (indicator tags on tips), and the tip texts they come from.

`analyst_app.findings.tags` decides what to suggest and records the analyst's decisions;
the SQL is here (DESIGN.md keeps SQL in the store package).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from analyst_app.store.case import Case
    from analyst_app.store.connection import Connection


def tip_texts(case: Case, fields: Sequence[str]) -> Iterator[tuple[Any, ...]]:
    """(tip id, then each of `fields` from its properties or None), one row per Tip event.

    `fields` are the program's own property names (never user input): they are written
    into the SQL as JSON paths.
    """
    columns = ", ".join(f"json_extract(properties, '$.{f}')" for f in fields)
    return case.conn.execute(f"SELECT id, {columns} FROM events WHERE type = 'Tip'")


def tag_keys(case: Case) -> set[tuple[str, str, str]]:
    """(object id, vocabulary, tag) of every tag recorded, whatever its state."""
    return {
        (o, v, t) for o, v, t in case.conn.execute("SELECT object_id, vocabulary, tag FROM tags")
    }


def insert_suggested(conn: Connection, rows: Sequence[tuple[str, str, str, str, str]]) -> None:
    """Inside a write: (object id, vocabulary, tag, created_at, created_by) as suggestions."""
    conn.executemany(
        "INSERT OR IGNORE INTO tags (object_id, vocabulary, tag, state, created_at,"
        " created_by) VALUES (?, ?, ?, 'suggested', ?, ?)",
        rows,
    )


def tag_state(case: Case, object_id: str, vocabulary: str, tag: str) -> str | None:
    row = case.conn.execute(
        "SELECT state FROM tags WHERE object_id = ? AND vocabulary = ? AND tag = ?",
        (object_id, vocabulary, tag),
    ).fetchone()
    return None if row is None else str(row[0])


def insert_tag(
    conn: Connection, object_id: str, vocabulary: str, tag: str, state: str, at: str, by: str
) -> None:
    """Inside a write: a tag the analyst decided on that had no row yet."""
    conn.execute(
        "INSERT INTO tags (object_id, vocabulary, tag, state, created_at, created_by)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (object_id, vocabulary, tag, state, at, by),
    )


def update_tag(conn: Connection, object_id: str, vocabulary: str, tag: str, state: str) -> None:
    """Inside a write: the analyst's new decision on a recorded tag."""
    conn.execute(
        "UPDATE tags SET state = ? WHERE object_id = ? AND vocabulary = ? AND tag = ?",
        (state, object_id, vocabulary, tag),
    )
