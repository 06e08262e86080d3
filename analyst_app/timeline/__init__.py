"""The timeline's core: counts over time, by hour and weekday, per entity. No Qt here.

    heatmap(case, ids)                    # HeatMap: counts[weekday][hour], local time
    histogram(case, ids, bins="day")       # [(start_utc, end_utc, events), ...]
    lane_histogram(case, [a, b], bins=50)  # each entity's own counts over shared bins
    activity(case, n=20)                   # [(entity id, label, events), ...]
    gaps(case, id) / bursts(case, id)      # silences and dense runs of one entity
    lane_events(case, [a, b])              # numpy arrays the timeline widget draws

`lane_events` and `heatmap` take `progress(fraction)` and `cancelled()` callbacks (raising
LoadCancelled) and read in chunks, for the widgets' worker threads.

Stored times are UTC; every figure here is in the case's time zone (the `time_zone`
setting), with daylight-saving changes handled by zoneinfo. Events with no time are never
dropped silently: `HeatMap.untimed` and `LaneEvents.untimed` count them.
"""

from analyst_app.timeline.activity import Burst, Gap, activity, bursts, busiest, gaps
from analyst_app.timeline.bins import (
    UNITS,
    LaneHistogram,
    calendar_edges,
    histogram,
    lane_histogram,
)
from analyst_app.timeline.clock import (
    TimelineError,
    case_business_hours,
    case_zone,
    epoch_to_utc,
    normalize_utc,
    parse_business_hours,
    utc_to_epoch,
)
from analyst_app.timeline.heatmap import WEEKDAYS, HeatMap, heatmap
from analyst_app.timeline.lanes import KINDS, EventSummary, LaneEvents, describe_event, lane_events
from analyst_app.timeline.queries import CONTEXT_TYPES
from analyst_app.timeline.work import Cancelled, LoadCancelled, Progress

__all__ = [
    "CONTEXT_TYPES",
    "KINDS",
    "UNITS",
    "WEEKDAYS",
    "Burst",
    "Cancelled",
    "EventSummary",
    "Gap",
    "HeatMap",
    "LaneEvents",
    "LaneHistogram",
    "LoadCancelled",
    "Progress",
    "TimelineError",
    "activity",
    "bursts",
    "busiest",
    "calendar_edges",
    "case_business_hours",
    "case_zone",
    "describe_event",
    "epoch_to_utc",
    "gaps",
    "heatmap",
    "histogram",
    "lane_events",
    "lane_histogram",
    "normalize_utc",
    "parse_business_hours",
    "utc_to_epoch",
]
