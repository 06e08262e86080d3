"""The chart's undoable edits. Each carries plain data (ids, positions), never items, so it
stays valid when the scene is rebuilt (restyle, expand) between undo and redo."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from PySide6.QtGui import QUndoCommand

from analyst_app.graph import ChartGraph, Positions
from widgets.chart.scene import ChartScene

MOVE_ID = 7301  # lets consecutive keyboard nudges of the same items merge


def _names(ids: Iterable[str], scene: ChartScene) -> str:
    ids = list(ids)
    if len(ids) == 1 and ids[0] in scene.chart.nodes:
        return scene.chart.nodes[ids[0]].label or ids[0]
    return f"{len(ids):,} entities"


class MoveCommand(QUndoCommand):
    """One drag (or nudge) of any number of entities: old and new positions by id."""

    def __init__(self, scene: ChartScene, old: Positions, new: Positions) -> None:
        super().__init__(f"Move {_names(new, scene)}")
        self.scene, self.old, self.new = scene, dict(old), dict(new)

    def redo(self) -> None:
        self.scene.move(self.new)

    def undo(self) -> None:
        self.scene.move(self.old)

    def id(self) -> int:
        return MOVE_ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, MoveCommand) or set(other.new) != set(self.new):
            return False
        self.new = dict(other.new)
        return True


class FlagCommand(QUndoCommand):
    """Hide/show or pin/unpin: only ids whose state changes are recorded."""

    def __init__(self, scene: ChartScene, what: str, ids: Iterable[str], on: bool) -> None:
        current = scene.hidden if what == "hide" else scene.pinned()
        changed = sorted(i for i in ids if i in scene.items_by_id and (i in current) != on)
        verb = {("hide", True): "Hide", ("hide", False): "Show"}.get(
            (what, on), "Pin" if on else "Unpin"
        )
        super().__init__(f"{verb} {_names(changed, scene)}")
        self.scene, self.what, self.ids, self.on = scene, what, changed, on

    def _set(self, on: bool) -> None:
        if self.what == "hide":
            self.scene.set_hidden(self.ids, on)
        else:
            self.scene.set_pinned(self.ids, on)

    def redo(self) -> None:
        self._set(self.on)

    def undo(self) -> None:
        self._set(not self.on)


@dataclass
class ChartState:
    """Everything a rebuild needs: the chart, where its entities are, what is hidden/pinned."""

    chart: ChartGraph
    positions: Positions
    hidden: set[str] = field(default_factory=set)
    pinned: set[str] = field(default_factory=set)


class StateCommand(QUndoCommand):
    """A change of chart or layout (expand neighbours, a new layout, a saved view)."""

    def __init__(
        self, text: str, apply: Callable[[ChartState], None], before: ChartState, after: ChartState
    ) -> None:
        super().__init__(text)
        self.apply, self.before, self.after = apply, before, after

    def redo(self) -> None:
        self.apply(self.after)

    def undo(self) -> None:
        self.apply(self.before)
