"""Finding the event under the mouse, in glyph and density modes alike.

Each lane's events are indexed lazily (on first hover over that lane) so loading a
million events stays cheap; a lookup is a binary search within the lane.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt

from analyst_app import timeline as tl
from analyst_app.timeline.clock import local

if TYPE_CHECKING:
    from widgets.timeline.view import TimelineWidget

TOLERANCE_PX = 7.0


class Picker:
    """Hover and click handling for a TimelineWidget."""

    def __init__(self, owner: TimelineWidget) -> None:
        self.owner = owner
        self._by_lane: dict[int, np.ndarray] = {}
        self._words: dict[int, str] = {}
        scene = owner.graphics.scene()
        self._proxy = pg.SignalProxy(scene.sigMouseMoved, rateLimit=30, slot=self._moved)
        scene.sigMouseClicked.connect(self._clicked)

    def reset(self) -> None:
        self._by_lane.clear()

    def _lane_index(self, lane: int) -> np.ndarray:
        found = self._by_lane.get(lane)
        if found is None:
            found = np.flatnonzero(self.owner.events.lane == lane)  # already in time order
            self._by_lane[lane] = found
        return found

    def nearest(self, x: float, y: float, x_tolerance: float) -> int | None:
        """Index (into the widget's events) of the event nearest (x, lane y), if close."""
        ev = self.owner.events
        lane = round(y)
        if not 0 <= lane < len(ev.lanes) or abs(y - lane) > 0.45 or not ev.t.size:
            return None
        index = self._lane_index(lane)
        if not index.size:
            return None
        times = ev.t[index]
        at = int(np.searchsorted(times, x))
        best = min(
            (i for i in (at - 1, at) if 0 <= i < times.size), key=lambda i: abs(times[i] - x)
        )
        return int(index[best]) if abs(times[best] - x) <= x_tolerance else None

    def at_scene(self, pos: QPointF) -> int | None:
        view = self.owner.view
        if not view.sceneBoundingRect().contains(pos):
            return None
        point = view.mapSceneToView(pos)
        lo, hi = view.viewRange()[0]
        per_px = (hi - lo) / max(view.width(), 1.0)
        return self.nearest(point.x(), point.y(), TOLERANCE_PX * per_px)

    def describe(self, index: int) -> str:
        ev = self.owner.events
        rowid = int(ev.rowid[index])
        case = self.owner.case
        if case is not None and rowid >= 0:
            if rowid not in self._words:
                summary = tl.describe_event(case, rowid)
                self._words[rowid] = summary.text if summary else "(event no longer in case)"
            return self._words[rowid]
        glyph = self.owner.glyphs[int(ev.kind[index])]
        when = local(float(ev.t[index]), self.owner.zone).strftime("%Y-%m-%d %H:%M %Z")
        return f"{when} · {glyph.label} · {ev.labels[int(ev.lane[index])]}"

    def _moved(self, args: tuple[QPointF]) -> None:
        index = self.at_scene(args[0])
        if index is not None:
            self.owner.show_details(index)

    def _clicked(self, event: object) -> None:
        button = getattr(event, "button", lambda: None)()
        if button != Qt.MouseButton.LeftButton or getattr(event, "double", lambda: False)():
            return
        index = self.at_scene(event.scenePos())  # type: ignore[attr-defined]
        if index is not None and int(self.owner.events.rowid[index]) >= 0:
            self.owner.select_event(int(self.owner.events.rowid[index]))
