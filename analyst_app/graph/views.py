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
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, replace
from typing import TYPE_CHECKING, Any

from analyst_app.graph.geometry import XY, Positions
from analyst_app.graph.model import ChartGraph
from analyst_app.store.errors import CaseError
from analyst_app.store.saved import (
    chart_view_names,
    chart_view_row,
    delete_chart_view,
    write_chart_view,
)

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

    def current(self, case: Case) -> SavedView:
        """This view in the case as it is now: an entity merged into another since the view
        was saved is read as the one it was merged into (its place, hidden and pinned
        marks go with it unless the survivor has its own); an entity deleted since is
        dropped. ViewError when nothing the view was drawn around is left."""
        ids = set(self.positions) | set(self.hidden) | set(self.pinned) | set(self.focus or ())
        now = follow_merges(case, ids)
        positions: Positions = {}
        for old, xy in sorted(self.positions.items(), key=lambda p: (now.get(p[0]) != p[0], p[0])):
            new = now.get(old)
            if new is not None and new not in positions:
                positions[new] = xy

        def kept(old: Iterable[str]) -> list[str]:
            return sorted({new for i in old if (new := now.get(i)) is not None})

        focus = None
        if self.focus is not None:
            focus = kept(self.focus)
            if not focus:
                raise ViewError(
                    f"The entities the saved view {self.name!r} was drawn around are no"
                    " longer in this case (deleted or merged away)."
                )
        return replace(
            self,
            positions=positions,
            hidden=kept(self.hidden),
            pinned=kept(self.pinned),
            focus=focus,
        )

    def positions_in(self, chart: ChartGraph) -> Positions:
        """The saved positions of the entities this chart holds (pins for a layout)."""
        return {n: xy for n, xy in self.positions.items() if n in chart.nodes}


def follow_merges(case: Case, ids: Iterable[str]) -> dict[str, str | None]:
    """Each id as the case knows it now: itself, the entity it was merged into (through
    any chain of merges not undone), or None when it is gone."""
    from analyst_app.store import graph_queries as q
    from analyst_app.store.merging import merge_history

    wanted = set(ids)
    present = {row.id for row in q.entity_rows(case, q.RowFilter(), wanted)}
    if present == wanted:
        return {i: i for i in wanted}
    into = {
        str(m["merged_id"]): str(m["kept_id"])
        for m in reversed(merge_history(case))  # oldest first: a later merge wins
        if m.get("undone_at") is None
    }
    present |= {row.id for row in q.entity_rows(case, q.RowFilter(), set(into.values()))}
    out: dict[str, str | None] = {}
    for start in sorted(wanted):
        node, seen = start, {start}
        while node not in present and node in into and into[node] not in seen:
            node = into[node]
            seen.add(node)
        out[start] = node if node in present else None
    return out


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
    row = chart_view_row(case, name)
    created = row[1] if row else now
    details = {
        "name": name,
        "entities": len(view.positions),
        "hidden": len(view.hidden),
        "pinned": len(view.pinned),
        "replaced": row is not None,
    }
    with case.write("save chart view", details) as conn:
        write_chart_view(conn, name, text, created, now)
    return SavedView.from_json(name, text, created, now)


def load_view(case: Case, name: str) -> SavedView:
    row = chart_view_row(case, name)
    if row is None:
        known = list_views(case)
        hint = f" (saved views: {', '.join(known)})" if known else " (this case has none)"
        raise ViewError(f"There is no saved view called {name!r}{hint}.")
    return SavedView.from_json(name, *row)


def list_views(case: Case) -> list[str]:
    return chart_view_names(case)


def delete_view(case: Case, name: str) -> None:
    load_view(case, name)  # a clear sentence when it is not there
    with case.write("delete chart view", {"name": name}) as conn:
        delete_chart_view(conn, name)
