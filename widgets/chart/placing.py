"""Placing labels without overlaps, and finding the placed ones in a repainted strip.

Both through a grid of cells, so placing n labels and drawing the ones in view are
O(n) and O(labels in view), not O(n^2) pairwise checks.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Generic, TypeVar

from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor

T = TypeVar("T")
HALO = QColor("#f4f4ef")  # opaque: blending a translucent box per label costs more


class Placed(Generic[T]):
    """Boxes (scene coordinates) that do not overlap, each with what it labels."""

    def __init__(self, cell: float) -> None:
        self.cell = cell
        self.boxes: list[tuple[T, QRectF]] = []
        self._grid: dict[tuple[int, int], list[int]] = {}

    def _cells(self, box: QRectF) -> Iterator[tuple[int, int]]:
        c = self.cell
        for cx in range(math.floor(box.left() / c), math.floor(box.right() / c) + 1):
            for cy in range(math.floor(box.top() / c), math.floor(box.bottom() / c) + 1):
                yield cx, cy

    def place(self, what: T, box: QRectF) -> bool:
        """Keep `box` unless it overlaps one already kept; says whether it was kept."""
        cells = list(self._cells(box))
        for cell in cells:
            for other in self._grid.get(cell, ()):
                if self.boxes[other][1].intersects(box):
                    return False
        index = len(self.boxes)
        self.boxes.append((what, box))
        for cell in cells:
            self._grid.setdefault(cell, []).append(index)
        return True

    def within(self, rect: QRectF) -> list[tuple[T, QRectF]]:
        """The kept boxes touching `rect`, in the order they were placed."""
        found: set[int] = set()
        for cell in self._cells(rect):
            found.update(i for i in self._grid.get(cell, ()) if self.boxes[i][1].intersects(rect))
        return [self.boxes[i] for i in sorted(found)]
