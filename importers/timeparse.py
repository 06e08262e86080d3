"""Times as files write them, made unambiguous: ISO 8601 with an offset.

A time without a zone is read in the zone the caller gives (the case's, or the one a spec
names for a carrier's files), with zoneinfo, so daylight-saving changes are handled.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

FORMATS = (
    "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M",
    "%Y%m%d %H:%M:%S", "%Y%m%d%H%M%S", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M",
    "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%d.%m.%Y %H:%M:%S", "%Y-%m-%d", "%Y%m%d",
)  # fmt: skip


@lru_cache(maxsize=64)
def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r}") from None


def parse_time(text: str, tz: str = "UTC", formats: tuple[str, ...] = FORMATS) -> str:
    """ISO 8601 with offset; raise ValueError with the text when it is not a time."""
    value = text.strip()
    if not value:
        raise ValueError("empty time")
    if value[-1:] == "Z" or value[-6:-5] in ("+", "-"):
        try:  # already ISO 8601 with its offset: nothing to add
            if datetime.fromisoformat(value.replace("Z", "+00:00")).tzinfo is not None:
                return value
        except ValueError:
            pass
    moment = _parse(value, formats)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone(tz))
    return moment.isoformat()


def _parse(value: str, formats: tuple[str, ...]) -> datetime:
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        pass
    for fmt in formats:
        try:
            return datetime.strptime(value, fmt)
        except ValueError:
            continue
    raise ValueError(f"not a date and time: {value!r}")
