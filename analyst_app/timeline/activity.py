"""Who is busy, and when did they go quiet or burst into activity?

`activity` ranks entities by the events they take part in (the default timeline lanes).
`gaps` and `bursts` read one entity's own rhythm: a phone silent for three weeks before a
move, or forty calls in an hour the night of an incident, are what an analyst asks about.
Both are plain, explainable measures (the thresholds are returned with the result) rather
than a model, because an analyst has to state them in a brief.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from analyst_app.commonplace import is_commonplace
from analyst_app.store import findings_rows
from analyst_app.timeline import queries
from analyst_app.timeline.clock import epoch_to_utc
from analyst_app.timeline.queries import CONTEXT_TYPES

if TYPE_CHECKING:
    from analyst_app.store.case import Case

DAY = 86_400.0


def activity(
    case: Case,
    n: int = 20,
    *,
    exclude_types: Sequence[str] = CONTEXT_TYPES,
    everyday: bool = False,
) -> list[tuple[str, str, int]]:
    """The `n` entities in most events, busiest first: (entity id, label, events).

    Handsets and cell sites are left out by default: they sit in nearly every call and are
    context for a phone, not someone to follow. So are everyday counterparties, unless
    `everyday`: the grocer and the landlord most of the case's accounts pay are busy with
    everybody (analyst_app/commonplace.py), and crowded the demo's default lanes. The
    label falls back to the id.
    """
    return busiest(case, n, exclude_types=exclude_types, everyday=everyday)[0]


def busiest(
    case: Case,
    n: int = 20,
    *,
    exclude_types: Sequence[str] = CONTEXT_TYPES,
    everyday: bool = False,
) -> tuple[list[tuple[str, str, int]], list[str]]:
    """`activity`, and the labels of the everyday counterparties it left out (busiest
    first), so that the timeline can name them. Suspects, victims and the entities of
    findings are never left out, however many they deal with."""
    if everyday:
        rows = queries.entity_event_counts(case, n, exclude_types)
        return [(i, label or i, count) for i, _type, label, count in rows], []
    # The busiest 3n, less the everyday ones: the demo loses 3 shops from its top 12.
    rows = queries.entity_event_counts(case, 3 * n, exclude_types)
    ids = [row[0] for row in rows]
    partners = queries.partners_by_type(case, ids, exclude_types)
    in_case = queries.entities_by_type(case)
    kept = queries.with_role(case, ids) | findings_rows.reported_entities(case)
    common = {i for i in ids if i not in kept and is_commonplace(partners.get(i, {}), in_case)}
    chosen = [(i, label or i, count) for i, _t, label, count in rows if i not in common][:n]
    last = chosen[-1][2] if len(chosen) == n else 0
    # Named only if it would have had a lane: as busy as the last one shown.
    left_out = [label or i for i, _t, label, count in rows if i in common and count >= last]
    return chosen, left_out


@dataclass(frozen=True)
class Gap:
    """A silence: no event of the entity between `start_utc` and `end_utc`."""

    start_utc: str
    end_utc: str
    seconds: float


@dataclass(frozen=True)
class Burst:
    """A run of events much denser than the entity's usual rate."""

    start_utc: str
    end_utc: str
    events: int
    expected: float  # events the usual rate would give over the same stretch


def gaps(
    case: Case, entity_id: str, *, min_seconds: float = DAY, factor: float = 10.0, top: int = 10
) -> list[Gap]:
    """The longest silences, longest first: at least `min_seconds` and `factor` times the
    entity's median interval between events (so a daily caller's week off shows, and a
    monthly rent payment's month does not)."""
    times = np.asarray(queries.entity_times(case, entity_id), dtype=np.float64)
    if times.size < 3:
        return []
    intervals = np.diff(times)
    threshold = max(min_seconds, factor * float(np.median(intervals)))
    found = np.flatnonzero(intervals >= threshold)
    order = found[np.argsort(-intervals[found], kind="stable")][:top]
    return [
        Gap(epoch_to_utc(times[i]), epoch_to_utc(times[i + 1]), float(intervals[i])) for i in order
    ]


def bursts(
    case: Case,
    entity_id: str,
    *,
    window: float = 3600.0,
    factor: float = 5.0,
    min_events: int = 5,
) -> list[Burst]:
    """Stretches where some `window` seconds hold at least `min_events` events and
    `factor` times what the entity's average rate over its whole span would give.
    Overlapping windows merge into one burst; bursts come in time order."""
    times = np.asarray(queries.entity_times(case, entity_id), dtype=np.float64)
    if times.size < min_events:
        return []
    span = max(float(times[-1] - times[0]), window)
    rate = times.size / span
    need = max(min_events, int(np.ceil(factor * rate * window)))
    # Events i..j-1 lie within `window` of event i: j from a sorted search.
    ends = np.searchsorted(times, times + window, side="left")
    dense = np.flatnonzero(ends - np.arange(times.size) >= need)
    found: list[Burst] = []
    lo = hi = -1
    for i in dense:
        last = int(ends[i]) - 1
        if lo >= 0 and i <= hi:
            hi = max(hi, last)
            continue
        if lo >= 0:
            found.append(_burst(times, lo, hi, rate))
        lo, hi = int(i), last
    if lo >= 0:
        found.append(_burst(times, lo, hi, rate))
    return found


def _burst(times: np.ndarray, lo: int, hi: int, rate: float) -> Burst:
    length = float(times[hi] - times[lo])
    return Burst(epoch_to_utc(times[lo]), epoch_to_utc(times[hi]), hi - lo + 1, rate * length)
