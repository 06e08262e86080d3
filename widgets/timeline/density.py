"""Counting events into pixels: what the timeline draws when too many are in view.

At a million events one glyph per event costs 140-180 ms per pan step (issue 6), so past a
few thousand visible events the lanes show density instead: a lane x time-bin count image,
one bin per couple of pixels. A fine grid over the whole span is counted once at load;
overview zooms fold its columns (running totals), closer zooms count the visible slice.
Both are plain numpy on arrays sorted by time, so a step costs a few milliseconds.
"""

from __future__ import annotations

import numpy as np

BASE_BINS = 8192
ROWS_PER_LANE = 5  # the image row pattern per lane: gap, three rows of colour, gap


class Density:
    """Per-lane counts over any time window of one set of sorted events."""

    def __init__(self, t: np.ndarray, lane: np.ndarray, lanes: int) -> None:
        self.t, self.lane, self.lanes = t, lane, max(lanes, 1)
        self.lo = float(t[0]) if t.size else 0.0
        self.hi = float(t[-1]) if t.size else 1.0
        self.width = max((self.hi - self.lo) / BASE_BINS, 1e-6)
        base = self._count(self.lo, self.lo + self.width * BASE_BINS, BASE_BINS)
        # Running totals along time: any window of base columns is one subtraction.
        self.cumulative = np.zeros((self.lanes, BASE_BINS + 1), np.int64)
        np.cumsum(base, axis=1, out=self.cumulative[:, 1:])

    def _count(self, lo: float, hi: float, bins: int) -> np.ndarray:
        start, stop = np.searchsorted(self.t, (lo, hi), side="left")
        if stop < self.t.size and self.t[stop] == hi:
            stop = np.searchsorted(self.t, hi, side="right")
        index = (self.t[start:stop] - lo) * (bins / (hi - lo))
        cols = index.astype(np.int32)  # lanes x bins stays far below 2**31
        np.clip(cols, 0, bins - 1, out=cols)
        cols += self.lane[start:stop] * np.int32(bins)
        return np.bincount(cols, minlength=self.lanes * bins).reshape(self.lanes, bins)

    def totals(self, bins: int) -> tuple[np.ndarray, np.ndarray]:
        """(edges, counts) of all lanes together over the whole span (the strip)."""
        edges = np.linspace(self.lo, self.lo + self.width * BASE_BINS, bins + 1)
        cols = np.rint((edges - self.lo) / self.width).astype(np.int64)
        whole = self.cumulative.sum(axis=0)
        return edges, whole[cols[1:]] - whole[cols[:-1]]

    def counts(self, lo: float, hi: float, bins: int) -> np.ndarray:
        """(lanes, bins) counts of events in [lo, hi]."""
        bins = max(int(bins), 1)
        if not hi > lo:
            return np.zeros((self.lanes, bins), np.int64)
        per_bin = (hi - lo) / bins / self.width
        if per_bin >= 4.0:  # coarse enough: fold the base grid's columns
            edges = np.rint((np.linspace(lo, hi, bins + 1) - self.lo) / self.width)
            cols = np.clip(edges, 0, BASE_BINS).astype(np.int64)
            return self.cumulative[:, cols[1:]] - self.cumulative[:, cols[:-1]]
        return self._count(lo, hi, bins)


def image(counts: np.ndarray) -> np.ndarray:
    """uint8 rows for an ImageItem (row-major, top lane first): 0 = nothing, 1..255 = log
    of the count against the busiest bin, so a lone event is still visible."""
    lanes, bins = counts.shape
    peak = float(counts.max()) if counts.size else 0.0
    level = np.zeros((lanes, bins), np.uint8)
    if peak > 0:
        scaled = 1.0 + 254.0 * np.log1p(counts) / np.log1p(peak)
        level = np.where(counts > 0, scaled, 0).astype(np.uint8)
    out = np.zeros((lanes, ROWS_PER_LANE, bins), np.uint8)
    out[:, 1:-1, :] = level[:, None, :]
    return out.reshape(lanes * ROWS_PER_LANE, bins)
