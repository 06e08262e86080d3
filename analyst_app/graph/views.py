"""Saved chart views: what an analyst arranged (positions, hidden, pinned, styling) kept in
the case (table chart_views), so a chart reopens as it was left and a brief can cite it.

A view stores the chart's question (focus and depth) with the picture: reopened on a case
that has grown, the saved positions are kept and new entities settle around them
(`positions_in` -> incremental layout). Saving and deleting are audited like every edit.

The SQL is four one-line statements on the one table this module owns; it stays here
rather than in the store package because nothing else reads chart_views.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from analyst_app.graph.geometry import XY, Positions
from analyst_app.graph.model import ChartGraph
from analyst_app.store.errors import CaseError

if TYPE_CHECKING:
    from analyst_app.store.case import Case

VERSION = 1
MAX_NAME = 120


class ViewError(CaseError):
    """A saved view that is missing, misnamed or unreadable."""


@dataclass
class SavedView:
    name: str
    positions: Positions = field(default_factory=dict)
    hidden: list[str] = field(default_factory=list)
    pinned: list[str] = field(default_factory=list)
    style: dict[str, Any] = field(default_factory=dict)
    focus: list[str] | None = None
    depth: int = 1
    layout: str = "force"
    seed: int = 0
    created_at: str = ""
    updated_at: str = ""

    def to_json(self) -> str:
        data = asdict(self)
        for key in ("name", "created_at", "updated_at"):
            data.pop(key)
        data["positions"] = {n: [x, y] for n, (x, y) in sorted(self.positions.items())}
        data["version"] = VERSION
        return json.dumps(data, sort_keys=True, ensure_ascii=False)

    @classmethod
    def from_json(cls, name: str, text: str, created: str = "", updated: str = "") -> SavedView:
        try:
            data = json.loads(text)
            positions = {str(n): _xy(p) for n, p in data.get("positions", {}).items()}
            focus = data.get("focus")
            return cls(
                name=name,
                positions=positions,
                hidden=sorted(str(i) for i in data.get("hidden", [])),
                pinned=sorted(str(i) for i in data.get("pinned", [])),
                style=dict(data.get("style", {})),
                focus=None if focus is None else [str(f) for f in focus],
                depth=int(data.get("depth", 1)),
                layout=str(data.get("layout", "force")),
                seed=int(data.get("seed", 0)),
                created_at=created,
                updated_at=updated,
            )
        except (ValueError, TypeError, AttributeError) as exc:
            raise ViewError(f"The saved view {name!r} cannot be read ({exc}).") from None

    def positions_in(self, chart: ChartGraph) -> Positions:
        """The saved positions of the entities this chart holds (pins for a layout)."""
        return {n: xy for n, xy in self.positions.items() if n in chart.nodes}


def _xy(value: Any) -> XY:
    x, y = float(value[0]), float(value[1])
    if not (math.isfinite(x) and math.isfinite(y)):
        raise ValueError("a position is not a finite number")
    return (x, y)


def _check_name(name: str) -> str:
    clean = name.strip()
    if not clean or len(clean) > MAX_NAME or any(ord(c) < 32 for c in clean):
        raise ViewError(f"A view name must be 1 to {MAX_NAME} printable characters.")
    return clean


def save_view(case: Case, view: SavedView) -> SavedView:
    """Insert or replace the view called `view.name` (audited); returns it as stored."""
    from analyst_app.store.case import utc_now

    name = _check_name(view.name)
    now = utc_now()
    text = view.to_json()
    row = case.conn.execute("SELECT created_at FROM chart_views WHERE name = ?", (name,)).fetchone()
    created = str(row[0]) if row else now
    details = {
        "name": name,
        "entities": len(view.positions),
        "hidden": len(view.hidden),
        "pinned": len(view.pinned),
        "replaced": row is not None,
    }
    with case.write("save chart view", details) as conn:
        conn.execute(
            "INSERT INTO chart_views (name, view, created_at, updated_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT(name) DO UPDATE"
            " SET view = excluded.view, updated_at = excluded.updated_at",
            (name, text, created, now),
        )
    return SavedView.from_json(name, text, created, now)


def load_view(case: Case, name: str) -> SavedView:
    row = case.conn.execute(
        "SELECT view, created_at, updated_at FROM chart_views WHERE name = ?", (name,)
    ).fetchone()
    if row is None:
        known = list_views(case)
        hint = f" (saved views: {', '.join(known)})" if known else " (this case has none)"
        raise ViewError(f"There is no saved view called {name!r}{hint}.")
    return SavedView.from_json(name, str(row[0]), str(row[1]), str(row[2]))


def list_views(case: Case) -> list[str]:
    rows = case.conn.execute("SELECT name FROM chart_views ORDER BY name").fetchall()
    return [str(r[0]) for r in rows]


def delete_view(case: Case, name: str) -> None:
    load_view(case, name)  # a clear sentence when it is not there
    with case.write("delete chart view", {"name": name}) as conn:
        conn.execute("DELETE FROM chart_views WHERE name = ?", (name,))
