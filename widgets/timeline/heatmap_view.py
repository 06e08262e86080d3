"""Hour of day x day of week for the selection, with the case's business hours on it.

Cells inside business hours are shaded in a quiet blue-grey and cells outside in orange to
red, against the same scale, so a business whose deposits or calls cluster at 2 a.m. shows
up at a glance; the business-hours band is bracketed on the grid and the count after hours
is stated under it. Painted with QPainter: 168 cells with their counts read better than an
image plot, and the same widget renders to PNG for checks.

The counts are read on the thread pool (requests.py, loading.py): the previous map stays
up until the new counts arrive, with a busy panel and Cancel if that takes a while;
`loaded` is emitted when new counts are shown.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QPen, QResizeEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from analyst_app import timeline as tl
from analyst_app.timeline.clock import minutes
from widgets.loading import BusyPanel, Loader, Say
from widgets.timeline.requests import HeatPlan, plan_heat, reading

if TYPE_CHECKING:
    from analyst_app.store import Case
    from widgets.selection import SelectionModel
    from widgets.workers import Job

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
INSIDE = ((241, 244, 247), (69, 90, 120))  # business hours: pale to slate blue
OUTSIDE = ((255, 243, 224), (191, 54, 12))  # after hours: pale to deep orange-red


def _mix(pair: tuple[tuple[int, int, int], tuple[int, int, int]], f: float) -> QColor:
    low, high = pair
    return QColor(*(round(a + (b - a) * f) for a, b in zip(low, high, strict=True)))


class HeatMapWidget(QWidget):
    """Events of the selected entities (else the whole case) by local weekday and hour."""

    loaded = Signal()  # new counts are shown

    def __init__(
        self, case: Case, selection: SelectionModel | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.case, self.selection = case, selection
        self.setMinimumSize(560, 270)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.time_window: tuple[str | None, str | None] = (None, None)
        self.scope = "the whole case"
        self.problem = "Counting events…"
        self.heat: tl.HeatMap | None = None
        self.panel = BusyPanel(self, top=None)  # over the middle of the grid
        self.shown_window: tuple[str | None, str | None] = (None, None)
        self.loader = Loader(self.panel)
        self.loader.done.connect(self._loaded)
        self.loader.failed.connect(self._failed)
        self.loader.cancelled.connect(self._cancelled)
        if selection is not None:
            selection.changed.connect(lambda _ids, _origin: self.refresh())
        self.refresh()

    def sizeHint(self) -> QSize:
        return QSize(820, 330)

    def set_time_window(self, start_utc: str | None, end_utc: str | None) -> None:
        """Count only events in [start_utc, end_utc) (connect to rangeBrushed)."""
        self.time_window = (start_utc, end_utc)
        self.refresh()

    def loading(self) -> bool:
        return self.loader.busy()

    def cancel_loading(self) -> None:
        self.loader.cancel()

    def refresh(self) -> Job:
        """Count again on the pool for the current selection and time window."""
        case, window = self.case, self.time_window
        ids = frozenset(self.selection.ids()) if self.selection is not None else frozenset()

        def task(progress: tl.Progress, cancelled: tl.Cancelled, say: Say) -> HeatPlan:
            with reading(case):
                return plan_heat(case, ids, window, progress, cancelled, say)

        return self.loader.request(task, "Counting events…")

    def _loaded(self, plan: HeatPlan) -> None:
        self.scope, self.heat, self.problem = plan.scope, plan.heat, plan.problem
        self.shown_window = plan.window  # the title describes the counts shown
        self.update()
        self.loaded.emit()

    def _failed(self, sentence: str) -> None:
        self.heat, self.problem = None, f"The heat map could not be counted: {sentence}"
        self.update()

    def _cancelled(self) -> None:
        if self.heat is None:
            self.problem = "Counting cancelled."
            self.update()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.panel.isVisible():
            self.panel.place()

    # -- painting ----------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        try:
            self._paint(painter)
        finally:
            painter.end()  # now, even if a traceback or profiler keeps this frame alive

    def _paint(self, painter: QPainter) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("white"))
        base = QFont(self.font())
        if self.heat is None:
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.problem)
            return
        heat = self.heat
        left, top, right_pad, bottom_pad = 46.0, 70.0, 62.0, 48.0
        cell_w = max((self.width() - left - right_pad) / 24.0, 8.0)
        cell_h = max((self.height() - top - bottom_pad) / 7.0, 10.0)
        peak = max((n for day in heat.counts for n in day), default=0) or 1

        title = QFont(base)
        title.setBold(True)
        painter.setFont(title)
        painter.setPen(QColor("#212121"))
        span = ""
        if self.shown_window != (None, None):
            span = " · brushed range only"
        painter.drawText(
            QRectF(8, 4, self.width() - 16, 18),
            Qt.AlignmentFlag.AlignLeft,
            f"Events by hour and weekday: {self.scope}{span} ({heat.time_zone} time)",
        )
        painter.setFont(base)
        self._draw_hours(painter, left, top, cell_w, cell_h)
        for d, day in enumerate(heat.counts):
            y = top + d * cell_h
            painter.setPen(QColor("#424242"))
            painter.drawText(
                QRectF(4, y, left - 10, cell_h),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                DAYS[d],
            )
            for h, n in enumerate(day):
                rect = QRectF(left + h * cell_w, y, cell_w, cell_h)
                ramp = INSIDE if heat.is_business_hour(h) else OUTSIDE
                fraction = (n / peak) ** 0.6 if n else 0.0
                painter.fillRect(rect.adjusted(0.5, 0.5, -0.5, -0.5), _mix(ramp, fraction))
                if n and cell_w >= 20:
                    painter.setPen(QColor("white") if fraction > 0.55 else QColor("#37474f"))
                    small = QFont(base)
                    small.setPointSizeF(max(base.pointSizeF() * (0.8 if n < 1000 else 0.65), 6))
                    painter.setFont(small)
                    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, f"{n}")
                    painter.setFont(base)
            painter.setPen(QColor("#616161"))
            painter.drawText(
                QRectF(left + 24 * cell_w + 6, y, right_pad - 8, cell_h),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                f"{sum(day):,}",
            )
        self._draw_business_band(painter, left, top, cell_w, cell_h)
        self._draw_footer(painter, top + 7 * cell_h + 6)

    def _draw_hours(self, painter: QPainter, left: float, top: float, w: float, h: float) -> None:
        painter.setPen(QColor("#424242"))
        every = 1 if w >= 22 else 2 if w >= 12 else 3
        for hour in range(0, 24, every):
            painter.drawText(
                QRectF(left + hour * w, top - 18, w * every, 16),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom,
                f"{hour:02d}",
            )
        painter.drawText(
            QRectF(left + 24 * w + 6, top - 18, 60, 16),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom,
            "total",
        )

    def _draw_business_band(
        self, painter: QPainter, left: float, top: float, w: float, h: float
    ) -> None:
        """Bracket the business hours: lines at their exact start and end on the grid."""
        assert self.heat is not None
        start, end = (minutes(x) / 60.0 for x in self.heat.business_hours)
        pen = QPen(QColor("#1a237e"), 2.2)
        painter.setPen(pen)
        bottom = top + 7 * h
        spans = [(start, end)] if start < end else [(start, 24.0), (0.0, end)]
        for a, b in spans:
            xa, xb = left + a * w, left + b * w
            painter.drawLine(int(xa), int(top - 2), int(xa), int(bottom + 2))
            painter.drawLine(int(xb), int(top - 2), int(xb), int(bottom + 2))
            painter.drawLine(int(xa), int(top - 22), int(xb), int(top - 22))
            painter.drawLine(int(xa), int(top - 22), int(xa), int(top - 18))
            painter.drawLine(int(xb), int(top - 22), int(xb), int(top - 18))
        first = spans[0]
        label = f"business hours {self.heat.business_hours[0]}–{self.heat.business_hours[1]}"
        painter.setPen(QColor("#1a237e"))
        painter.drawText(
            QRectF(left + first[0] * w, top - 40, (first[1] - first[0]) * w, 16),
            Qt.AlignmentFlag.AlignCenter,
            label,
        )

    def _draw_footer(self, painter: QPainter, y: float) -> None:
        assert self.heat is not None
        heat = self.heat
        share = f" ({heat.after_hours / heat.total:.0%})" if heat.total else ""
        text = (
            f"{heat.total:,} events; {heat.after_hours:,}{share} outside business hours"
            " (orange cells). Numbers are event counts."
        )
        painter.setPen(QColor("#212121"))
        painter.drawText(QRectF(8, y, self.width() - 16, 18), Qt.AlignmentFlag.AlignLeft, text)
        if heat.untimed:
            painter.setPen(QColor("#8d4b00"))
            painter.drawText(
                QRectF(8, y + 18, self.width() - 16, 18),
                Qt.AlignmentFlag.AlignLeft,
                f"{heat.untimed:,} more event{'s' if heat.untimed != 1 else ''} with no time"
                " cannot be placed on this map.",
            )
