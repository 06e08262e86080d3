"""The app's one shared selection: core entity/link/event ids, never Qt items.

Every view (chart, timeline, table, inspector, search) reads and writes this model, so
selecting in one view selects in all. Views pass themselves as `origin` and ignore the
change they caused, which breaks the feedback loop without blocking signals.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QObject, Signal


class SelectionModel(QObject):
    """A set of core ids with a `changed(ids, origin)` signal."""

    changed = Signal(frozenset, object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ids: frozenset[str] = frozenset()

    def ids(self) -> frozenset[str]:
        return self._ids

    def set(self, ids: Iterable[str], origin: object = None) -> None:
        new = frozenset(ids)
        if new != self._ids:
            self._ids = new
            self.changed.emit(new, origin)

    def add(self, ids: Iterable[str], origin: object = None) -> None:
        self.set(self._ids | frozenset(ids), origin)

    def remove(self, ids: Iterable[str], origin: object = None) -> None:
        self.set(self._ids - frozenset(ids), origin)

    def clear(self, origin: object = None) -> None:
        self.set((), origin)
