"""What the timeline and heat map read on a worker thread, as plain functions of the case.

Nothing here touches a widget: each function takes the ids the GUI thread captured when
the request was made, reads through `analyst_app.timeline` (chunked, cancellable), and
returns a frozen result the GUI thread applies in one go.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from analyst_app import timeline as tl
from analyst_app.store.errors import CaseError
from analyst_app.timeline import queries
from analyst_app.timeline.work import Cancelled, LoadCancelled, Progress, check
from widgets.timeline.density import Density

if TYPE_CHECKING:
    from analyst_app.store import Case
    from widgets.loading import Say

DEFAULT_LANES = 12
MAX_LANES = 60
CLOSED = "The case was closed while this was being read; open it again to see it."


@contextmanager
def reading(case: Case) -> Iterator[None]:
    """Say plainly when the case was closed under a read (the auto-lock closes it), rather
    than passing on the driver's 'Cannot operate on a closed database'."""
    if case.closed:
        raise CaseError(CLOSED)
    try:
        yield
    except (CaseError, LoadCancelled):
        raise
    except Exception:
        if case.closed:
            raise CaseError(CLOSED) from None
        raise


@dataclass(frozen=True)
class LanePlan:
    """New lanes (None: keep the lanes shown) and events to ring (None: keep the rings)."""

    events: tl.LaneEvents | None
    from_selection: bool = False
    capped: int = 0  # selected entities beyond MAX_LANES, not given a lane
    highlight: frozenset[int] | None = None
    density: Density | None = None  # counted here, off the GUI thread (tens of ms at 1M)
    left_out: tuple[str, ...] = ()  # everyday counterparties the busiest lanes left out


def plan_lanes(
    case: Case,
    lane_ids: Sequence[str] | None,
    selected: Collection[str],
    progress: Progress,
    cancelled: Cancelled,
    say: Say,
    *,
    changed: bool = False,
) -> LanePlan:
    """Lanes for `lane_ids`, else the `selected` entities, else the busiest entities.

    With `changed` (the shared selection has just changed) the selected events are ringed,
    and a selection of events only keeps the lanes as they are.
    """
    highlight: frozenset[int] | None = None
    ids = frozenset(selected)
    if changed:
        highlight = frozenset(queries.event_rowids(case, ids))
    chosen, from_selection = lane_ids, lane_ids is not None
    if chosen is None and ids:
        known = queries.entity_labels(case, ids)
        if not known and changed:
            return LanePlan(None, highlight=highlight)  # only events picked: ring them
        chosen = sorted(known, key=lambda i: (known[i][1].casefold(), i)) or None
        from_selection = chosen is not None
    check(cancelled)
    left_out: list[str] = []
    if chosen is None:
        rows, left_out = tl.busiest(case, DEFAULT_LANES)
        chosen = [row[0] for row in rows]
    lanes = list(chosen[:MAX_LANES])
    size = queries.lane_event_count(case, lanes)  # an event on two lanes counts twice
    say(f"Loading {size:,} events on {len(lanes)} lane{'s' if len(lanes) != 1 else ''}…")
    events = tl.lane_events(case, lanes, progress=progress, cancelled=cancelled)
    density = Density(events.t, events.lane, len(events.lanes))
    capped = max(len(chosen) - MAX_LANES, 0)
    return LanePlan(events, from_selection, capped, highlight, density, tuple(left_out))


@dataclass(frozen=True)
class HeatPlan:
    scope: str
    heat: tl.HeatMap | None
    window: tuple[str | None, str | None]
    problem: str = ""


def plan_heat(
    case: Case,
    selected: Collection[str],
    window: tuple[str | None, str | None],
    progress: Progress,
    cancelled: Cancelled,
    say: Say,
) -> HeatPlan:
    """The heat map of the selected entities (else the whole case) in the time window."""
    entities = queries.entity_labels(case, selected) if selected else {}
    if entities:
        names = sorted(label or i for i, (_t, label) in entities.items())
        scope = names[0] if len(names) == 1 else f"{len(names)} selected entities"
    else:
        scope = "the whole case"
    say(f"Counting the events of {scope}…")
    try:
        heat = tl.heatmap(
            case,
            list(entities) if entities else None,
            start_utc=window[0],
            end_utc=window[1],
            progress=progress,
            cancelled=cancelled,
        )
    except tl.TimelineError as exc:
        return HeatPlan(scope, None, window, str(exc))
    return HeatPlan(scope, heat, window)
