"""Time in a case: UTC strings in the store, the case's own zone on screen and in the brief.

Events are stored as UTC ISO strings ending in "Z" (some have none). Analysts read them in
the case's time zone (the `time_zone` setting), so every hour-of-day or calendar-day figure
goes through zoneinfo, which knows each daylight-saving change: 02:30 on a spring-forward
night does not exist in Chicago, and 01:30 on a fall-back night happens twice.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, tzinfo
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from analyst_app.store.errors import CaseError

if TYPE_CHECKING:
    from analyst_app.store.case import Case

_HHMM = re.compile(r"^\s*([01]?\d|2[0-4]):([0-5]\d)\s*$")


class TimelineError(CaseError):
    """A timeline setting or argument the analyst has to correct (one sentence)."""


def zone_named(name: str) -> tzinfo:
    if name.upper() in ("UTC", "Z", "GMT"):
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise TimelineError(
            f"The case's time zone {name!r} is not a known zone name (e.g. America/Chicago)."
        ) from None


def case_zone(case: Case) -> tzinfo:
    """The case's time zone; an unknown name is a clear error, never a silent UTC."""
    return zone_named(str(case.settings.get("time_zone") or "UTC"))


def parse_business_hours(text: str) -> tuple[str, str]:
    """'09:00-21:00' -> ('09:00', '21:00'). An end before the start means overnight."""
    parts = str(text).split("-")
    matches = [_HHMM.match(part) for part in parts] if len(parts) == 2 else []
    if len(matches) != 2 or not all(matches):
        raise TimelineError(f"The case's business hours {text!r} should read like 09:00-21:00.")
    start, end = (f"{int(m.group(1)):02d}:{m.group(2)}" for m in matches if m)
    if start == end or max(minutes(start), minutes(end)) > 24 * 60:
        raise TimelineError(f"The case's business hours {text!r} are not a usable range.")
    return start, end


def case_business_hours(case: Case) -> tuple[str, str]:
    return parse_business_hours(str(case.settings.get("business_hours") or "09:00-21:00"))


def minutes(hhmm: str) -> int:
    hours, mins = hhmm.split(":")
    return int(hours) * 60 + int(mins)


def in_business_hours(hours: tuple[str, str], minute_of_day: int) -> bool:
    """Whether a local minute of the day (0..1439) falls inside the business hours."""
    start, end = minutes(hours[0]), minutes(hours[1])
    if start < end:
        return start <= minute_of_day < end
    return minute_of_day >= start or minute_of_day < end  # overnight hours


def normalize_utc(value: str | datetime | None) -> str | None:
    """Any aware time (or ISO string with an offset) as the store's 'YYYY-MM-DDTHH:MM:SSZ'.

    Bounds are compared with stored strings as text, so they must share that layout.
    """
    if value is None:
        return None
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            raise TimelineError(f"{value!r} is not a date and time.") from None
    else:
        moment = value
    if moment.tzinfo is None:
        raise TimelineError(f"{value!s} has no time zone; give it in UTC (ending in Z).")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def epoch_to_utc(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def utc_to_epoch(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def local(seconds: float, zone: tzinfo) -> datetime:
    return datetime.fromtimestamp(seconds, zone)
