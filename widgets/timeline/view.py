"""The timeline: one lane per entity, like i2 theme lines, over a date axis in case time.

Lanes are the selected entities, else the busiest ones. Up close each event is a glyph
(shape and colour by type, transactions sized by amount); zoomed out past a few thousand
visible events the lanes show density instead, which keeps a pan step fast at a million
events (see density.py). Hovering names an event, clicking selects it and its entities in
the shared selection, and a brushed time range is announced with `rangeBrushed` so the
chart can show only the links active in it.

Lanes are read on the thread pool (requests.py, loading.py): the previous lanes stay up
until the new ones are ready, a busy panel with Cancel shows when a load takes a while, and
`loaded` is emitted each time new lanes or rings are in place.
"""

from __future__ import annotations

import math
from datetime import UTC, tzinfo
from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QResizeEvent, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollBar,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from analyst_app import timeline as tl
from analyst_app.timeline.clock import local
from widgets.loading import BusyPanel, Loader, Say
from widgets.timeline.axis import LaneAxis, LocalTimeAxis
from widgets.timeline.density import Density, image
from widgets.timeline.picking import Picker
from widgets.timeline.requests import MAX_LANES, LanePlan, plan_lanes, reading
from widgets.timeline.strip import STRIP_BINS, HistogramStrip
from widgets.timeline.style import amount_sizes, density_lut, glyphs

if TYPE_CHECKING:
    from analyst_app.store import Case
    from widgets.selection import SelectionModel
    from widgets.workers import Job

GLYPH_LIMIT = 4000  # visible events drawn one by one; more are drawn as density
MIN_LANE_SLOTS = 6  # a lane is never taller than a sixth of the plot
LANE_PIXELS = 17  # a lane is never thinner than this; more lanes scroll
EMPTY = tl.LaneEvents.build((), (), np.zeros(0), np.zeros(0, np.int32), np.zeros(0, np.int8))


class TimelineWidget(QWidget):
    """Theme-line timeline over a case, tied to the app's shared selection."""

    rangeBrushed = Signal(object, object)  # (start_utc, end_utc), or (None, None) cleared
    loaded = Signal()  # new lanes (or rings) from a reload are in place

    def __init__(
        self, case: Case | None, selection: SelectionModel | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.case, self.selection = case, selection
        self.zone: tzinfo = UTC
        zone_problem = ""
        if case is not None:
            try:
                self.zone = tl.case_zone(case)
            except tl.TimelineError as exc:
                zone_problem = f" {exc} Times are shown in UTC."
        self.events = EMPTY
        self.glyphs = glyphs(case.schema if case is not None else None)
        self._mode_glyphs = False
        self._lanes_from_selection = False
        self._highlight: set[int] = set()
        self._brush: pg.LinearRegionItem | None = None
        self._drawn: tuple[float, float, int, float] | None = None
        self._generation = 0  # bumped per set_events, so a new data set is always drawn
        self._capped = 0
        self._left_out: tuple[str, ...] = ()  # everyday counterparties not given a lane
        self._glyphs_drawn = False
        self._build_ui(zone_problem)
        self.picker = Picker(self)
        self.panel = BusyPanel(self)
        self.loader = Loader(self.panel)
        self.loader.done.connect(self._loaded)
        self.loader.failed.connect(self._load_failed)
        self.loader.cancelled.connect(self._load_cancelled)
        if selection is not None:
            selection.changed.connect(self._on_selection)
        if case is not None:
            self.reload()

    # -- layout ----------------------------------------------------------------------
    def _build_ui(self, zone_problem: str) -> None:
        self.header = QLabel()
        self.header.setTextFormat(Qt.TextFormat.PlainText)
        # A long header (the lanes, what was left out) is cut at the dock's edge, whole in
        # its tooltip: as a minimum width it widened the window past the screen.
        self.header.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.brush_button = QPushButton("Brush time range")
        self.brush_button.setCheckable(True)
        self.brush_button.setToolTip("Show only the links active in a time range (B; Esc clears)")
        self.brush_button.toggled.connect(self._brush_toggled)
        fit = QPushButton("Fit")
        fit.setToolTip("Show the whole span (F)")
        fit.clicked.connect(self.fit)
        top = QHBoxLayout()
        top.addWidget(self.header, 1)
        self.viewing = QLabel()
        self.viewing.setStyleSheet("color: #455a64;")
        self.viewing.setMinimumWidth(380)  # steady width: no relayout on every pan step
        self.viewing.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        top.addWidget(self.viewing)
        top.addWidget(self.brush_button)
        top.addWidget(fit)

        self.axis = LocalTimeAxis(self.zone)
        self.lane_axis = LaneAxis()
        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.setBackground("w")
        self.plot = self.graphics.addPlot(
            row=0, col=0, axisItems={"bottom": self.axis, "left": self.lane_axis}
        )
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        for axis in (self.axis, self.lane_axis):
            axis.setTextPen("#263238")
            axis.setPen("#90a4ae")
        self.plot.showGrid(x=True, y=False, alpha=0.12)
        self.plot.setMouseEnabled(x=True, y=False)
        self.view = self.plot.getViewBox()
        self.view.invertY(True)
        self.lane_lines = pg.PlotDataItem(connect="pairs", pen=pg.mkPen("#cfd8dc", width=1))
        self.plot.addItem(self.lane_lines)
        self.density = pg.ImageItem(axisOrder="row-major")
        self.density.setLookupTable(density_lut())
        self.density.setLevels((0, 255))
        self.plot.addItem(self.density)
        self.scatters = []
        for glyph in self.glyphs:
            item = pg.ScatterPlotItem(
                symbol=glyph.symbol,
                size=9,
                pen=pg.mkPen("#263238", width=0.6),
                brush=pg.mkBrush(glyph.color),
                pxMode=True,
            )
            self.plot.addItem(item)
            self.scatters.append(item)
        self.rings = pg.ScatterPlotItem(
            symbol="o", size=20, pen=pg.mkPen("#ff6f00", width=2.5), brush=None, pxMode=True
        )
        self.rings.setZValue(20)
        self.plot.addItem(self.rings)
        self.strip = HistogramStrip(self.zone)
        self.graphics.addItem(self.strip.plot, row=1, col=0)
        self.graphics.ci.layout.setRowStretchFactor(0, 5)
        self.strip.viewMoved.connect(self._strip_moved)
        self.view.sigXRangeChanged.connect(self._range_changed)
        self.view.sigResized.connect(self._fit_lanes)

        self.legend = QLabel(self._legend_html(zone_problem))
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.note = QLabel()
        self.note.setStyleSheet("color: #8d4b00; font-weight: bold;")
        self.note.setVisible(False)
        self.detail = QLabel("Hover over an event for its details; click to select it.")
        self.detail.setTextFormat(Qt.TextFormat.PlainText)
        self.detail.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        self.lane_scroll = QScrollBar(Qt.Orientation.Vertical)
        self.lane_scroll.setToolTip("More lanes: scroll")
        self.lane_scroll.valueChanged.connect(lambda _v: self._fit_lanes())
        self.lane_scroll.setVisible(False)
        middle = QHBoxLayout()
        middle.setSpacing(0)
        middle.addWidget(self.graphics, 1)
        middle.addWidget(self.lane_scroll)
        bottom = QHBoxLayout()
        bottom.addWidget(self.detail, 1)
        bottom.addWidget(self.note)
        layout.addLayout(middle, 1)
        layout.addWidget(self.legend)
        layout.addLayout(bottom)
        # Only while the timeline has focus: the chart beside it has its own F and Esc.
        for key, action in (
            (QKeySequence("B"), self.brush_button.toggle),
            (QKeySequence("F"), self.fit),
            (QKeySequence(Qt.Key.Key_Escape), self.clear_brush),
        ):
            shortcut = QShortcut(key, self)
            shortcut.activated.connect(action)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)

    def _legend_html(self, extra: str) -> str:
        marks = "&nbsp;&nbsp;".join(
            f"<span style='color:{g.color}'>{g.mark}</span> {g.label}"
            for g in self.glyphs
            if g.kind != "Meeting"
        )
        zone = getattr(self.zone, "key", "UTC")
        return (
            f"{marks}&nbsp;&nbsp;· square size = amount&nbsp;&nbsp;· blue shading = many events"
            f" (zoom in to see each)&nbsp;&nbsp;· times in {zone}{extra}"
        )

    # -- data --------------------------------------------------------------------------
    def lanes(self) -> tuple[str, ...]:
        return self.events.lanes

    def loading(self) -> bool:
        return self.loader.busy()

    def reload(self, lane_ids: list[str] | None = None) -> Job | None:
        """Lanes for `lane_ids`, else the selected entities, else the busiest entities,
        read on the pool; `loaded` says when they are shown."""
        return self._request(lane_ids, None)

    def cancel_loading(self) -> None:
        self.loader.cancel()

    def _request(self, lane_ids: list[str] | None, changed: frozenset[str] | None) -> Job | None:
        """Read lanes on the pool; `changed` is the new selection when that prompted it."""
        if self.case is None:
            return None
        case = self.case
        if changed is not None:
            selected = changed
        else:
            selected = (
                frozenset(self.selection.ids()) if self.selection is not None else frozenset()
            )
        if not self.events.lanes:
            self.header.setText("Loading the timeline…")

        def task(progress: tl.Progress, cancelled: tl.Cancelled, say: Say) -> LanePlan:
            with reading(case):
                return plan_lanes(
                    case, lane_ids, selected, progress, cancelled, say, changed=changed is not None
                )

        return self.loader.request(task, "Loading events…")

    def _loaded(self, plan: LanePlan) -> None:
        if plan.highlight is not None:
            self._highlight = set(plan.highlight)
        if plan.events is not None:
            self._lanes_from_selection = plan.from_selection
            self._capped = plan.capped
            self._left_out = plan.left_out
            self.set_events(plan.events, plan.density)
        else:
            self._draw_rings()
        self.loaded.emit()

    def _load_failed(self, sentence: str) -> None:
        self.note.setText(f"The timeline could not be loaded: {sentence}")
        self.note.setVisible(True)
        if not self.events.lanes:
            self.header.setText("No lanes loaded")

    def _load_cancelled(self) -> None:
        self.detail.setText("Loading cancelled; the timeline still shows what it showed before.")
        if not self.events.lanes:
            self.header.setText("Loading cancelled: no lanes yet (select entities to load them)")

    def set_events(self, events: tl.LaneEvents, density: Density | None = None) -> None:
        """Show these events (already sorted by time): the data layer the benchmark feeds.
        `density` is their Density if a worker has counted it already."""
        self.events = events
        self._generation += 1
        self.picker.reset()
        count = len(events.lanes)
        self._density = density if density is not None else Density(events.t, events.lane, count)
        self.lane_axis.set_names(list(events.labels))
        ys = np.repeat(np.arange(count, dtype=np.float64), 2)
        if events.t.size:
            xs = np.tile([events.t[0] - 1e9, events.t[-1] + 1e9], count)
            self.lane_lines.setData(xs, ys)
        else:
            self.lane_lines.setData([], [])
        self.lane_scroll.setValue(0)
        self._fit_lanes()
        self.strip.set_counts(*self._density.totals(STRIP_BINS))
        self._set_limits()
        self._update_texts()
        self.fit()

    def _fit_lanes(self) -> None:
        """Show as many lanes as fit at a readable height; a scroll bar reaches the rest."""
        count = len(self.events.lanes)
        height = self.view.height() if self.view.height() > 0 else 400.0
        fits = max(int(height // LANE_PIXELS), 1)
        if count <= fits:
            self.lane_scroll.setVisible(False)
            first, slots = 0, max(count, min(MIN_LANE_SLOTS, fits))
        else:
            self.lane_scroll.setRange(0, count - fits)
            self.lane_scroll.setPageStep(fits)
            self.lane_scroll.setVisible(True)
            first, slots = self.lane_scroll.value(), fits
        self.view.setYRange(first - 0.6, first + slots - 0.4, padding=0)
        self.lane_axis.fit_font(height / slots)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.strip.plot.setMaximumHeight(int(min(max(self.height() * 0.2, 44), 92)))
        if self.panel.isVisible():
            self.panel.place()

    def _set_limits(self) -> None:
        t = self.events.t
        if t.size:
            span = max(float(t[-1] - t[0]), 3600.0)
            self.view.setLimits(
                xMin=float(t[0]) - span * 0.05, xMax=float(t[-1]) + span * 0.05, minXRange=60.0
            )

    def _update_texts(self) -> None:
        ev = self.events
        count = len(ev.lanes)
        if self._lanes_from_selection:
            who = f"{count} selected entit{'y' if count == 1 else 'ies'}"
            if self._capped:
                who += f" (first {MAX_LANES}; {self._capped} more selected)"
        else:
            who = f"the {count} most active entities (select entities to follow them)"
        aside = ""
        if self._left_out and not self._lanes_from_selection:
            names = ", ".join(self._left_out[:3]) + (", …" if len(self._left_out) > 3 else "")
            aside = f" · everyday counterparties left out: {names}"
        span = ""
        if ev.t.size:
            first = local(float(ev.t[0]), self.zone)
            last = local(float(ev.t[-1]), self.zone)
            span = f" · {first:%d %b %Y} – {last:%d %b %Y}"
        distinct = ev.distinct()
        brushed = ""
        window = self.brush_range()
        if window is not None:
            lo, hi = (tl.utc_to_epoch(w) for w in window)
            inside = np.searchsorted(ev.t, hi) - np.searchsorted(ev.t, lo)
            first, last = (local(x, self.zone) for x in (lo, hi))
            brushed = (
                f" · brushed {first:%d %b %Y %H:%M} – {last:%d %b %Y %H:%M}"
                f" ({inside:,} on these lanes)"
            )
        self.header.setText(f"Lanes: {who} · {distinct:,} events{span}{brushed}{aside}")
        self.header.setToolTip(self.header.text())
        if ev.untimed:
            self.note.setText(
                f"{ev.untimed:,} event{'s' if ev.untimed != 1 else ''} of these lanes"
                f" {'have' if ev.untimed != 1 else 'has'} no time and"
                f" {'are' if ev.untimed != 1 else 'is'} not drawn."
            )
        self.note.setVisible(ev.untimed > 0)

    # -- drawing -----------------------------------------------------------------------
    def fit(self) -> None:
        t = self.events.t
        if t.size:
            span = max(float(t[-1] - t[0]), 3600.0)
            self.view.setXRange(float(t[0]) - span * 0.02, float(t[-1]) + span * 0.02, padding=0)
        self._refresh()

    def plot_view(self) -> pg.ViewBox:
        return self.view

    def showing_glyphs(self) -> bool:
        return self._mode_glyphs

    def render_now(self) -> None:
        """Bring the drawing up to date and paint it once (the benchmark's frame)."""
        self._refresh()
        self.graphics.grab()

    def _range_changed(self) -> None:
        self._refresh()

    def _refresh(self) -> None:
        lo, hi = self.view.viewRange()[0]
        key = (lo, hi, self._generation, self.view.width())
        if key == self._drawn:
            return  # already drawn for this view (a range signal, then render_now)
        self._drawn = key
        self.strip.show_view(lo, hi)
        if self.events.t.size:
            a, b = local(lo, self.zone), local(hi, self.zone)
            fmt = "%a %d %b %Y %H:%M %Z" if hi - lo < 4 * 86_400 else "%d %b %Y"
            self.viewing.setText(f"showing {a:{fmt}} – {b:{fmt}}")
        ev = self.events
        start, stop = np.searchsorted(ev.t, (lo, hi))
        glyph_mode = stop - start <= GLYPH_LIMIT
        self._mode_glyphs = bool(glyph_mode)
        if glyph_mode:
            self.density.setVisible(False)
            self._draw_glyphs(int(start), int(stop))
        else:
            if self._glyphs_drawn:
                for item in self.scatters:
                    item.setData([], [])
                self._glyphs_drawn = False
            self._draw_density(lo, hi)
        self._draw_rings()

    def _draw_glyphs(self, start: int, stop: int) -> None:
        ev = self.events
        self._glyphs_drawn = True
        t, lane, kind = ev.t[start:stop], ev.lane[start:stop], ev.kind[start:stop]
        # Shrink glyphs when the busiest visible lane has fewer than ~12 px per event,
        # so a crowded overview reads as a rhythm rather than a wall of overlaps.
        busiest = int(np.bincount(lane, minlength=1).max()) if lane.size else 0
        room = self.view.width() / max(busiest, 1)
        scale = float(np.clip(np.sqrt(room / 12.0), 0.55, 1.0))
        for index, item in enumerate(self.scatters):
            mine = kind == index
            if self.glyphs[index].kind == "Transaction":
                # Whole pixels: pyqtgraph renders one sprite per distinct size.
                sizes = np.rint(amount_sizes(ev.amount[start:stop][mine]) * scale)
                item.setData(t[mine], lane[mine], size=sizes)
            else:
                item.setData(t[mine], lane[mine], size=float(round(9.0 * scale)))

    def _draw_density(self, lo: float, hi: float) -> None:
        pixels = max(int(self.view.width()), 50)
        bins = max(pixels // 2, 25)
        counts = self._density.counts(lo, hi, bins)
        self.density.setImage(image(counts), autoLevels=False, levels=(0, 255))
        lanes = counts.shape[0]
        self.density.setRect(lo, -0.5, hi - lo, float(lanes))
        self.density.setVisible(True)

    def redraw(self) -> None:
        self._drawn = None
        self._refresh()

    def _draw_rings(self) -> None:
        if not self._highlight or not self.events.t.size:
            self.rings.setData([], [])
            return
        mine = np.isin(self.events.rowid, list(self._highlight))
        self.rings.setData(self.events.t[mine], self.events.lane[mine])

    def _strip_moved(self, lo: float, hi: float) -> None:
        self.view.setXRange(lo, hi, padding=0)

    # -- brushing ----------------------------------------------------------------------
    def brush_range(self) -> tuple[str, str] | None:
        if self._brush is None:
            return None
        lo, hi = self._brush.getRegion()
        return tl.epoch_to_utc(math.floor(lo)), tl.epoch_to_utc(math.ceil(hi))

    def set_brush(self, start_utc: str, end_utc: str) -> None:
        """Brush [start_utc, end_utc) and announce it, as dragging the brush would."""
        lo, hi = tl.utc_to_epoch(start_utc), tl.utc_to_epoch(end_utc)
        self._ensure_brush(lo, hi)
        self._brush_done()

    def clear_brush(self) -> None:
        if self._brush is None:
            return
        self.plot.removeItem(self._brush)
        self._brush = None
        self.brush_button.blockSignals(True)
        self.brush_button.setChecked(False)
        self.brush_button.blockSignals(False)
        self._update_texts()
        self.rangeBrushed.emit(None, None)

    def _brush_toggled(self, on: bool) -> None:
        if not on:
            self.clear_brush()
            return
        lo, hi = self.view.viewRange()[0]
        self._ensure_brush(lo + (hi - lo) * 0.35, lo + (hi - lo) * 0.65)
        self._brush_done()

    def _ensure_brush(self, lo: float, hi: float) -> None:
        if self._brush is None:
            self._brush = pg.LinearRegionItem(
                values=(lo, hi),
                brush=pg.mkBrush(255, 143, 0, 45),
                hoverBrush=pg.mkBrush(255, 143, 0, 70),
                pen=pg.mkPen("#ef6c00", width=2),
            )
            self._brush.setZValue(15)
            self._brush.sigRegionChangeFinished.connect(self._brush_done)
            self.plot.addItem(self._brush)
        else:
            self._brush.setRegion((lo, hi))
        self.brush_button.blockSignals(True)
        self.brush_button.setChecked(True)
        self.brush_button.blockSignals(False)

    def _brush_done(self) -> None:
        window = self.brush_range()
        if window is None:
            return
        self._update_texts()
        self.rangeBrushed.emit(*window)

    # -- selection ---------------------------------------------------------------------
    def _on_selection(self, ids: frozenset[str], origin: object) -> None:
        if origin is self or self.case is None:
            return
        self._request(None, frozenset(ids))

    def select_event(self, rowid: int) -> None:
        """Select one event and its participants in the shared selection (a click)."""
        if self.case is None:
            return
        summary = tl.describe_event(self.case, rowid)
        if summary is None:
            return
        self._highlight = {rowid}
        self._draw_rings()
        self.detail.setText(summary.text)
        if self.selection is not None:
            self.selection.set({summary.id, *summary.entity_ids}, origin=self)

    def show_details(self, index: int) -> None:
        text = self.picker.describe(index)
        self.detail.setText(text)
        # The view's tooltip follows the event under the mouse; Qt shows it when the
        # mouse rests, as for any widget (showText would pop it up on every move).
        self.graphics.setToolTip(text)
