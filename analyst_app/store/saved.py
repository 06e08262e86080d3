"""Things an analyst saved in the case by name: import mapping specs and chart views.

Only the lookups by name live here; saving them is in store.sources (specs) and
graph.views (chart views, SQL still to move here). DESIGN.md keeps SQL in the store package.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from analyst_app.store.case import Case


def saved_spec(case: Case, name: str) -> str | None:
    """The YAML text of the import spec saved under `name`, or None."""
    row = case.conn.execute("SELECT spec FROM import_specs WHERE name = ?", (name,)).fetchone()
    return None if row is None else str(row[0])


def saved_view(case: Case, name: str) -> str | None:
    """The JSON text of the chart view saved under `name`, or None."""
    row = case.conn.execute("SELECT view FROM chart_views WHERE name = ?", (name,)).fetchone()
    return None if row is None else str(row[0])
