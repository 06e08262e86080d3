"""Events over time: one histogram for the case or a selection, or one row per lane.

Bins are either a number (equal widths over the span, for an overview strip) or a calendar
unit ("hour", "day", "week", "month", "year") whose edges fall on local midnights, Mondays
and month starts in the case's time zone; a day with a daylight-saving change is 23 or 25
hours long, as the analyst lives it. SQLite does the counting; Python only places edges.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import TYPE_CHECKING

import numpy as np

from analyst_app.timeline import queries
from analyst_app.timeline.clock import (
    TimelineError,
    case_zone,
    epoch_to_utc,
    normalize_utc,
    utc_to_epoch,
)

if TYPE_CHECKING:
    from analyst_app.store.case import Case

UNITS = ("hour", "day", "week", "month", "year")
Bins = int | str
_MAX_CALENDAR_BINS = 20_000


@dataclass(frozen=True)
class LaneHistogram:
    """Counts per lane (entity id, in the order asked) over the same bins."""

    edges: tuple[str, ...]  # len(bins) + 1 UTC strings
    counts: dict[str, tuple[int, ...]]


def _floor(moment: datetime, unit: str) -> datetime:
    start = moment.replace(minute=0, second=0, microsecond=0)
    if unit != "hour":
        start = start.replace(hour=0)
    if unit == "week":
        start -= timedelta(days=start.weekday())
    elif unit == "month":
        start = start.replace(day=1)
    elif unit == "year":
        start = start.replace(month=1, day=1)
    return start


def _next(moment: datetime, unit: str) -> datetime:
    if unit == "hour":  # in UTC steps: local hours repeat or vanish at DST changes
        return datetime.fromtimestamp(moment.timestamp() + 3600, moment.tzinfo)
    if unit in ("day", "week"):
        days = 1 if unit == "day" else 7
        return moment.replace(tzinfo=None) + timedelta(days=days)
    if unit == "month":
        carry, month = divmod(moment.month, 12)
        return moment.replace(year=moment.year + carry, month=month + 1, tzinfo=None)
    return moment.replace(year=moment.year + 1, tzinfo=None)


def calendar_edges(first: float, last: float, unit: str, zone: tzinfo) -> list[float]:
    """Local calendar boundaries (epoch seconds) covering [first, last]."""
    if unit not in UNITS:
        raise TimelineError(f"Bins must be a number or one of {', '.join(UNITS)}; not {unit!r}.")
    edge = _floor(datetime.fromtimestamp(first, zone), unit)
    edges = [edge.timestamp()]
    while edges[-1] <= last:
        following = _next(edge, unit)
        edge = following if following.tzinfo else following.replace(tzinfo=zone)
        edges.append(edge.timestamp())
        if len(edges) > _MAX_CALENDAR_BINS:
            raise TimelineError(
                f"{len(edges)}+ {unit}s is too many bins for this span; choose a longer unit."
            )
    return edges


def _edges(case: Case, bins: Bins, first: float, last: float) -> list[float]:
    if isinstance(bins, str):
        return calendar_edges(first, last, bins, case_zone(case))
    count = int(bins)
    if count < 1:
        raise TimelineError(f"The number of bins must be at least 1, not {bins}.")
    width = max((last - first) / count, 1e-3) if last > first else 1.0
    # The last edge sits just past the last event, so it falls inside the last bin.
    return [first + i * width for i in range(count)] + [max(last + 1e-3, first + count * width)]


def _span(
    case: Case, ids: Collection[str] | None, start: str | None, end: str | None
) -> tuple[float, float] | None:
    known = queries.span(case, ids)
    first = utc_to_epoch(start) if start else utc_to_epoch(known[0]) if known else None
    last = utc_to_epoch(end) - 1e-3 if end else utc_to_epoch(known[1]) if known else None
    if first is None or last is None or last < first:
        return None
    return first, last


def _count(
    case: Case,
    edges: list[float],
    ids: Collection[str] | None,
    start: str | None,
    end: str | None,
    per_entity: bool,
    equal: bool,
) -> dict[str, np.ndarray]:
    """Counts per bin. Equal widths are binned by SQLite directly; calendar edges fall on
    UTC hours (or minutes, for zones offset by part of an hour), so SQLite folds events by
    that prefix of their text and numpy drops each fold into its bin."""
    nbins = len(edges) - 1
    out: dict[str, np.ndarray] = {}
    if equal:
        step = float(edges[1] - edges[0])
        rows = queries.counts_by_step(case, edges[0], step, ids, start, end, per_entity=per_entity)
        for key, index, n in rows:
            out.setdefault(key, np.zeros(nbins, np.int64))[min(max(index, 0), nbins - 1)] += n
        return out
    width = 13 if all(edge % 3600 == 0 for edge in edges) else 16
    folded = queries.entity_counts_by_prefix(case, width, ids, start, end, per_entity=per_entity)
    if not folded:
        return out
    keys = np.array([k for _e, k, _n in folded], dtype="datetime64[m]").astype(np.int64) * 60
    slots = np.searchsorted(np.asarray(edges), keys, side="right") - 1
    for (entity, _k, n), slot in zip(folded, slots, strict=True):
        if 0 <= slot < nbins:
            out.setdefault(entity, np.zeros(nbins, np.int64))[slot] += n
    return out


def histogram(
    case: Case,
    entity_ids: Collection[str] | None = None,
    *,
    bins: Bins = 100,
    start_utc: str | None = None,
    end_utc: str | None = None,
) -> list[tuple[str, str, int]]:
    """(bin start UTC, bin end UTC, events) over the span of the events (or the range)."""
    start, end = normalize_utc(start_utc), normalize_utc(end_utc)
    ids = None if entity_ids is None else frozenset(entity_ids)
    bounds = _span(case, ids, start, end)
    if bounds is None:
        return []
    edges = _edges(case, bins, *bounds)
    counts = _count(
        case, edges, ids, start, end, per_entity=False, equal=isinstance(bins, int)
    ).get("")
    labels = [epoch_to_utc(math.floor(edge)) for edge in edges]
    return [
        (labels[i], labels[i + 1], int(counts[i]) if counts is not None else 0)
        for i in range(len(edges) - 1)
    ]


def lane_histogram(
    case: Case,
    entity_ids: Sequence[str],
    *,
    bins: Bins = 100,
    start_utc: str | None = None,
    end_utc: str | None = None,
) -> LaneHistogram:
    """Events per lane over shared bins: each entity's own line, as on i2 theme lines."""
    start, end = normalize_utc(start_utc), normalize_utc(end_utc)
    bounds = _span(case, entity_ids, start, end) if entity_ids else None
    if bounds is None:
        return LaneHistogram(edges=(), counts={i: () for i in entity_ids})
    edges = _edges(case, bins, *bounds)
    found = _count(
        case, edges, entity_ids, start, end, per_entity=True, equal=isinstance(bins, int)
    )
    empty = (0,) * (len(edges) - 1)
    return LaneHistogram(
        edges=tuple(epoch_to_utc(math.floor(edge)) for edge in edges),
        counts={i: tuple(int(n) for n in found[i]) if i in found else empty for i in entity_ids},
    )
