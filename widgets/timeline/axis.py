"""Axes for the timeline: dates that read naturally in the case's time zone, lane names.

pyqtgraph's DateAxisItem knows one fixed UTC offset, so a Chicago case would show summer
events an hour off. Here ticks are placed on local wall-clock boundaries (midnights, month
starts, round hours) with zoneinfo, and a tick at local midnight names the day instead of
saying 00:00, which is how an analyst reads a night of calls.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

import pyqtgraph as pg
from PySide6.QtGui import QFont

MINUTE, HOUR, DAY = 60.0, 3600.0, 86_400.0
# (approximate seconds, unit, multiple): the candidates, finest first.
STEPS: tuple[tuple[float, str, int], ...] = (
    (MINUTE, "minute", 1),
    (5 * MINUTE, "minute", 5),
    (15 * MINUTE, "minute", 15),
    (30 * MINUTE, "minute", 30),
    (HOUR, "hour", 1),
    (3 * HOUR, "hour", 3),
    (6 * HOUR, "hour", 6),
    (12 * HOUR, "hour", 12),
    (DAY, "day", 1),
    (2 * DAY, "day", 2),
    (7 * DAY, "week", 1),
    (30.4 * DAY, "month", 1),
    (91 * DAY, "month", 3),
    (182 * DAY, "month", 6),
    (365 * DAY, "year", 1),
    (2 * 365 * DAY, "year", 2),
    (5 * 365 * DAY, "year", 5),
    (10 * 365 * DAY, "year", 10),
)
LABEL_PX = {"minute": 58, "hour": 62, "day": 84, "week": 84, "month": 72, "year": 48}
MAX_TICKS = 400


def choose_step(span: float, pixels: float) -> tuple[float, str, int]:
    """The finest step whose labels fit side by side in `pixels`."""
    for step in STEPS:
        if span / step[0] * LABEL_PX[step[1]] <= max(pixels, 1.0):
            return step
    return STEPS[-1]


def _floor(moment: datetime, unit: str, k: int) -> datetime:
    if unit == "minute":
        return moment.replace(minute=moment.minute - moment.minute % k, second=0, microsecond=0)
    if unit == "hour":
        return moment.replace(hour=moment.hour - moment.hour % k, minute=0, second=0, microsecond=0)
    day = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    if unit == "day":
        return day
    if unit == "week":
        return day - timedelta(days=day.weekday())
    if unit == "month":
        return day.replace(month=day.month - (day.month - 1) % k, day=1)
    return day.replace(year=day.year - day.year % k, month=1, day=1)


def _advance(moment: datetime, unit: str, k: int) -> datetime:
    if unit in ("minute", "hour", "day", "week"):
        size = {"minute": 1, "hour": 60, "day": 1440, "week": 10080}[unit]
        return moment + timedelta(minutes=size * k)
    if unit == "month":
        months = moment.month - 1 + k
        return moment.replace(year=moment.year + months // 12, month=months % 12 + 1)
    return moment.replace(year=moment.year + k)


def local_ticks(lo: float, hi: float, unit: str, k: int, zone: tzinfo) -> list[float]:
    """Epoch seconds of local wall-clock boundaries in [lo, hi]; a wall time skipped by a
    spring-forward change lands on the instant after it, and duplicates are dropped."""
    if not hi > lo:
        return []
    lo_c, hi_c = max(lo, -62e9), min(hi, 253e9)  # inside datetime's years 1..9999
    wall = _floor(datetime.fromtimestamp(lo_c, zone).replace(tzinfo=None), unit, k)
    ticks: list[float] = []
    while len(ticks) < MAX_TICKS:
        stamp = wall.replace(tzinfo=zone).timestamp()
        if stamp > hi_c:
            break
        if stamp >= lo_c and (not ticks or stamp > ticks[-1]):
            ticks.append(stamp)
        wall = _advance(wall, unit, k)
    return ticks


def tick_label(seconds: float, unit: str, zone: tzinfo) -> str:
    here = datetime.fromtimestamp(seconds, zone)
    if unit == "year":
        return f"{here.year}"
    if unit == "month":
        return here.strftime("%b %Y")
    if unit in ("day", "week"):
        return f"{here:%a} {here.day} {here:%b}"
    if here.hour == 0 and here.minute == 0:
        return f"{here:%a} {here.day} {here:%b}"
    return here.strftime("%H:%M")


class LocalTimeAxis(pg.AxisItem):
    """A bottom axis of epoch seconds labelled in a given time zone."""

    def __init__(self, zone: tzinfo = UTC, **kwargs: Any) -> None:
        super().__init__("bottom", **kwargs)
        self.zone = zone
        self._unit = "day"

    def set_zone(self, zone: tzinfo) -> None:
        self.zone = zone
        self.picture = None
        self.update()

    def tickValues(self, minVal: float, maxVal: float, size: float) -> list[Any]:
        if not maxVal > minVal:
            return []
        seconds, unit, k = choose_step(maxVal - minVal, size)
        self._unit = unit
        return [(seconds, local_ticks(minVal, maxVal, unit, k, self.zone))]

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        return [tick_label(v, self._unit, self.zone) for v in values]


class LaneAxis(pg.AxisItem):
    """A left axis naming each lane (lane i sits at y = i)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__("left", **kwargs)
        self.names: list[str] = []
        self.setWidth(190)

    def set_names(self, names: list[str]) -> None:
        self.names = [n if len(n) <= 26 else n[:25] + "…" for n in names]
        self.setTicks([[(float(i), name) for i, name in enumerate(self.names)], []])

    def fit_font(self, lane_pixels: float) -> None:
        """Shrink lane names when lanes are thin, so fifty lanes stay legible, not stacked."""
        font = QFont()
        font.setPointSizeF(float(min(max(lane_pixels * 0.62, 6.5), 9.5)))
        self.setStyle(tickFont=font)
