"""Things an analyst saved in the case by name: import mapping specs and chart views.

The rows by name live here (saving a spec is in store.sources); what a chart view holds
is graph.views' business. DESIGN.md keeps SQL in the store package.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from analyst_app.store.case import Case
    from analyst_app.store.connection import Connection


def saved_spec(case: Case, name: str) -> str | None:
    """The YAML text of the import spec saved under `name`, or None."""
    row = case.conn.execute("SELECT spec FROM import_specs WHERE name = ?", (name,)).fetchone()
    return None if row is None else str(row[0])


def saved_view(case: Case, name: str) -> str | None:
    """The JSON text of the chart view saved under `name`, or None."""
    row = case.conn.execute("SELECT view FROM chart_views WHERE name = ?", (name,)).fetchone()
    return None if row is None else str(row[0])


def chart_view_row(case: Case, name: str) -> tuple[str, str, str] | None:
    """(view JSON, created at, updated at) of the chart view saved under `name`, or None."""
    row = case.conn.execute(
        "SELECT view, created_at, updated_at FROM chart_views WHERE name = ?", (name,)
    ).fetchone()
    return None if row is None else (str(row[0]), str(row[1]), str(row[2]))


def chart_view_names(case: Case) -> list[str]:
    rows = case.conn.execute("SELECT name FROM chart_views ORDER BY name").fetchall()
    return [str(r[0]) for r in rows]


def write_chart_view(conn: Connection, name: str, text: str, created: str, now: str) -> None:
    """Insert or replace the view (inside the caller's audited transaction)."""
    conn.execute(
        "INSERT INTO chart_views (name, view, created_at, updated_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT(name) DO UPDATE"
        " SET view = excluded.view, updated_at = excluded.updated_at",
        (name, text, created, now),
    )


def delete_chart_view(conn: Connection, name: str) -> None:
    conn.execute("DELETE FROM chart_views WHERE name = ?", (name,))
