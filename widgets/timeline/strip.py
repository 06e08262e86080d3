"""The histogram strip under the lanes: event counts over the whole span, for orientation.

It always shows everything, whatever the lanes are zoomed to; a grey band marks the part
the lanes show, and dragging that band pans them.
"""

from __future__ import annotations

from datetime import tzinfo

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, Signal

from widgets.timeline.axis import LocalTimeAxis

STRIP_BINS = 400


class HistogramStrip(QObject):
    """A small plot of counts over time with a movable band for the lanes' view."""

    viewMoved = Signal(float, float)

    def __init__(self, zone: tzinfo) -> None:
        super().__init__()
        self.axis = LocalTimeAxis(zone)
        self.plot = pg.PlotItem(axisItems={"bottom": self.axis})
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.hideButtons()
        self.plot.setMenuEnabled(False)
        self.plot.getAxis("left").setWidth(190)
        self.plot.getAxis("left").setStyle(showValues=False)
        self.plot.setLabel("left", "events")
        self.plot.setMaximumHeight(92)
        self.bars = pg.PlotDataItem(
            stepMode="center", fillLevel=0, pen=pg.mkPen("#546e7a", width=1), brush="#90a4ae"
        )
        self.plot.addItem(self.bars)
        self.band = pg.LinearRegionItem(
            brush=pg.mkBrush(33, 33, 33, 28), pen=pg.mkPen("#455a64", width=1), swapMode="block"
        )
        self.band.setZValue(10)
        self.plot.addItem(self.band)
        self.band.sigRegionChanged.connect(self._moved)
        self._quiet = False
        self.peak = 0

    def set_counts(self, edges: np.ndarray, counts: np.ndarray) -> None:
        """Bars for `counts` between `edges` (len(counts) + 1 epoch seconds)."""
        if counts.size == 0 or counts.sum() == 0:
            self.bars.setData([0.0, 1.0], [0.0])
            self.peak = 0
            return
        self.peak = int(counts.max())
        self.bars.setData(edges, counts.astype(np.float64))
        self.plot.setXRange(float(edges[0]), float(edges[-1]), padding=0.01)
        self.plot.setYRange(0, max(self.peak, 1), padding=0.05)

    def show_view(self, lo: float, hi: float) -> None:
        """Move the band to the lanes' view without echoing it back as a pan."""
        self._quiet = True
        try:
            self.band.setRegion((lo, hi))
        finally:
            self._quiet = False

    def _moved(self) -> None:
        if not self._quiet:
            lo, hi = self.band.getRegion()
            self.viewMoved.emit(float(lo), float(hi))
