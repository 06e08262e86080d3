"""Plain records for entities, links and events, as they travel between layers.

Properties are a dict of property name to a string or a list of strings (already
normalized by their property type once `prepare` has run). Grades are the two codes
of the case's grading scheme.
"""

from __future__ import annotations

from dataclasses import dataclass, field

STATUSES = ("confirmed", "unconfirmed", "suspected")
ROLES = ("suspect", "victim", "witness", "associate", "unknown")

PropertyValue = str | list[str]


@dataclass
class Record:
    type: str
    label: str = ""
    properties: dict[str, PropertyValue] = field(default_factory=dict)
    id: str | None = None
    status: str = "unconfirmed"
    source_grade: str | None = None
    info_grade: str | None = None
    handling: str | None = None


@dataclass
class Entity(Record):
    role: str | None = None


@dataclass
class Link(Record):
    source_id: str = ""
    target_id: str = ""


@dataclass
class Event(Record):
    start: str | None = None
    end: str | None = None
    # (role, entity id): who and what the event involves.
    participants: list[tuple[str, str]] = field(default_factory=list)


def values(value: PropertyValue | None) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)
