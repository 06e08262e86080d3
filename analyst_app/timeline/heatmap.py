"""Hour of day x day of week, in the case's time zone: when does this number or business work?

After-hours activity at a business (cash deposits at 2 a.m., a massage parlor's phone busy
at midnight) is one of the indicators analysts look for, so the map carries the case's
business hours and can say how many events fall outside them.

SQLite folds the events into UTC hours; Python moves each UTC hour into local time with
zoneinfo, so daylight-saving changes land right without converting a million timestamps.
Zones with half- or quarter-hour offsets (India, Newfoundland, Nepal) fold by UTC minute.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import TYPE_CHECKING

from analyst_app.timeline import queries
from analyst_app.timeline.clock import (
    case_business_hours,
    case_zone,
    epoch_to_utc,
    in_business_hours,
    normalize_utc,
    utc_to_epoch,
)
from analyst_app.timeline.work import Cancelled, Progress, check, report

if TYPE_CHECKING:
    from analyst_app.store.case import Case

CHUNKS = 16  # stretches of time counted one query each (see _chunked_counts)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class HeatMap:
    """Event counts by local weekday (0 = Monday) and hour: `counts[weekday][hour]`.

    `total` is the events placed on the map; `untimed` the events of the same entities with
    no time at all, which no map can place but which the analyst must be told about.
    """

    counts: tuple[tuple[int, ...], ...]
    business_hours: tuple[str, str]
    time_zone: str
    total: int
    untimed: int

    def is_business_hour(self, hour: int) -> bool:
        """Whether the hour's first minute is inside business hours (how cells are shaded)."""
        return in_business_hours(self.business_hours, hour * 60)

    @property
    def after_hours(self) -> int:
        """Events in hours outside business hours, every day of the week."""
        return sum(
            n
            for day in self.counts
            for hour, n in enumerate(day)
            if not self.is_business_hour(hour)
        )

    @property
    def busiest(self) -> tuple[int, int, int]:
        """(weekday, hour, count) of the busiest cell (the first one on a tie)."""
        best = max(
            ((d, h, n) for d, day in enumerate(self.counts) for h, n in enumerate(day)),
            key=lambda cell: (cell[2], -cell[0], -cell[1]),
        )
        return best


def _fold(pairs: list[tuple[str, int]], zone: tzinfo) -> tuple[list[list[int]], bool]:
    """Add each UTC key's count to its local cell; report whether any local minute != 0."""
    grid = [[0] * 24 for _ in range(7)]
    fractional = False
    for key, n in pairs:
        moment = datetime.fromisoformat(key if len(key) > 13 else key + ":00")
        here = moment.replace(tzinfo=UTC).astimezone(zone)
        fractional = fractional or (len(key) == 13 and here.minute != 0)
        grid[here.weekday()][here.hour] += n
    return grid, fractional


def _chunked_counts(
    case: Case,
    width: int,
    ids: frozenset[str] | None,
    start: str | None,
    end: str | None,
    progress: Progress | None,
    cancelled: Cancelled | None,
) -> list[tuple[str, int]]:
    """counts_by_prefix over CHUNKS stretches of the events' span, so no single SQLite step
    holds the shared connection for long and a cancel is seen between stretches. Keys
    repeated across two stretches are simply added up again by `_fold`."""
    check(cancelled)
    bounds = queries.span(case, ids)
    if bounds is None:
        return []
    lo = max(utc_to_epoch(bounds[0]), utc_to_epoch(start)) if start else utc_to_epoch(bounds[0])
    hi = min(utc_to_epoch(bounds[1]), utc_to_epoch(end)) if end else utc_to_epoch(bounds[1])
    chunks = CHUNKS if hi - lo > CHUNKS * 3600 else 1
    edges: list[str | None] = [start]
    edges += [epoch_to_utc(int(lo + (hi - lo) * i / chunks)) for i in range(1, chunks)]
    edges.append(end)
    pairs: list[tuple[str, int]] = []
    for i in range(chunks):
        check(cancelled)
        pairs += queries.counts_by_prefix(case, width, ids, edges[i], edges[i + 1])
        report(progress, (i + 1) / (chunks + 1))
    return pairs


def heatmap(
    case: Case,
    entity_ids: Collection[str] | None = None,
    *,
    start_utc: str | None = None,
    end_utc: str | None = None,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> HeatMap:
    """Counts of events (of these entities, else all) by local weekday and hour of day.

    `progress(fraction)` and `cancelled()` (raising LoadCancelled) serve a worker thread.
    """
    zone = case_zone(case)
    start, end = normalize_utc(start_utc), normalize_utc(end_utc)
    ids = None if entity_ids is None else frozenset(entity_ids)
    pairs = _chunked_counts(case, 13, ids, start, end, progress, cancelled)
    grid, fractional = _fold(pairs, zone)
    if fractional:  # the zone is offset by part of an hour: fold by UTC minute instead
        pairs = _chunked_counts(case, 16, ids, start, end, progress, cancelled)
        grid, _ = _fold(pairs, zone)
    check(cancelled)
    heat = HeatMap(
        counts=tuple(tuple(day) for day in grid),
        business_hours=case_business_hours(case),
        time_zone=str(case.settings.get("time_zone") or "UTC"),
        total=sum(map(sum, grid)),
        untimed=queries.untimed_count(case, ids),
    )
    report(progress, 1.0)
    return heat
