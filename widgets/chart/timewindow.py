"""Which of a chart's edges were active in a time window (the timeline's brush).

Event edges are asked of the store again with the window as a filter, among the chart's
own entities, so an edge counts only if one of its events falls in the window (an edge
whose calls are in February and April is not "active in March"). A dated link counts when
its dates overlap the window. An undated link (uses, owns, lives at) is a standing
relationship: it stays when an entity at either end is active, so the person behind an
active phone stays on the chart.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from analyst_app.graph import LINK, ChartGraph, build_graph
from analyst_app.store.case import Case


def window_keys(case: Case, chart: ChartGraph, start: str | None, end: str | None) -> set[str]:
    """Keys of the chart's edges with activity in [start, end) (UTC, either may be None)."""
    if not chart.nodes:
        return set()
    # The whole case in the window, then the keys it shares with this chart (edge keys are
    # stable): asking the store "among these ids" is slow for many ids, the whole case not.
    within = build_graph(case, start=start, end=end)
    found = {e.key for e in within.edges if e.kind != LINK}
    keys = {e.key for e in chart.edges if e.key in found}
    for edge in chart.edges:
        if (
            edge.kind == LINK
            and (edge.first or edge.last)
            and _overlaps(edge.first, edge.last, start, end)
        ):
            keys.add(edge.key)
    active = {n for e in chart.edges if e.key in keys for n in (e.source, e.target)}
    for edge in chart.edges:
        undated = edge.kind == LINK and not (edge.first or edge.last)
        if undated and (edge.source in active or edge.target in active):
            keys.add(edge.key)
    return keys


def _overlaps(first: str | None, last: str | None, start: str | None, end: str | None) -> bool:
    lo, hi = first or last or "", last or first or ""
    return (end is None or lo < end) and (start is None or hi >= start)


def _day(value: str | None, zone: ZoneInfo, *, end: bool) -> str:
    if not value:
        return "…"
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(zone)
    except ValueError:
        return value
    if end and (moment.hour, moment.minute, moment.second) == (0, 0, 0):
        moment -= timedelta(days=1)  # [start, end): the window ends the day before midnight
    return f"{moment.day} {moment:%b %Y}"


def banner_text(start: str | None, end: str | None, shown: int, total: int, case: Case) -> str:
    """ "Links active 1 Mar 2024 - 31 Mar 2024: 41 of 212" in the case's time zone."""
    zone = ZoneInfo(case.settings.get("time_zone") or "UTC")
    first, last = _day(start, zone, end=False), _day(end, zone, end=True)
    when = first if first == last else f"{first} - {last}"
    return f"Links active {when}: {shown:,} of {total:,}"
