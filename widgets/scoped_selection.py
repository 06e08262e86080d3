"""The shared selection as one build of the views sees it, cut off when they go.

Views connect to the selection however they like (bound methods, lambdas); when the
case locks or another case opens, those views are about to be deleted and must not hear
another change, since their case is closed. Each build of the views gets a
`ScopedSelection` that mirrors the window's one SelectionModel and forwards every
`set` to it; `detach()` cuts the mirror in one step, whatever the views connected.
"""

from __future__ import annotations

from collections.abc import Iterable

from widgets.selection import SelectionModel


class ScopedSelection(SelectionModel):
    def __init__(self, shared: SelectionModel) -> None:
        super().__init__(shared)
        self.shared = shared
        self._ids = shared.ids()
        self._attached = True
        shared.changed.connect(self._mirror)

    def _mirror(self, ids: frozenset[str], origin: object) -> None:
        if ids != self._ids:
            self._ids = ids
            self.changed.emit(ids, origin)

    def set(self, ids: Iterable[str], origin: object = None) -> None:
        if self._attached:
            self.shared.set(ids, origin)

    def detach(self) -> None:
        if self._attached:
            self._attached = False
            self.shared.changed.disconnect(self._mirror)
