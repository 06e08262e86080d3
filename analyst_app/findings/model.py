"""What a finding is: a rule's hit, the entities it is about, and the rows that prove it.

A finding's id is stable (rule + the sorted entity ids, hashed), so re-running the rules
finds the same id again and the analyst's accepted/dismissed decision on it survives.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

SEVERITIES = ("high", "medium", "low")
STATES = ("open", "accepted", "dismissed")


def finding_id(rule: str, entities: tuple[str, ...] | list[str]) -> str:
    digest = hashlib.sha256("\x1f".join(sorted(set(entities))).encode("utf-8")).hexdigest()
    return f"{rule}:{digest[:16]}"


@dataclass(frozen=True, slots=True)
class Evidence:
    """One row behind a finding, with where it came from (the exhibit and the place in it)."""

    object_id: str
    source_id: int | None
    file: str
    sha256: str
    locator: str
    text: str  # one line a prosecutor can read: "2024-03-02 02:14 cash deposit 9,500.00 USD ..."

    def as_dict(self) -> dict[str, Any]:
        return {
            "object_id": self.object_id,
            "source_id": self.source_id,
            "file": self.file,
            "sha256": self.sha256,
            "locator": self.locator,
            "text": self.text,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Evidence:
        return cls(
            str(data.get("object_id", "")),
            data.get("source_id"),
            str(data.get("file", "")),
            str(data.get("sha256", "")),
            str(data.get("locator", "")),
            str(data.get("text", "")),
        )


@dataclass(frozen=True)
class Finding:
    """A rule's hit. `counterparts` are entities shown beside the subjects, never as them
    (potential victims, FIN-2020-A008); they are derived from the case, not stored."""

    rule: str
    title: str
    severity: str
    explanation: str
    entities: tuple[str, ...]
    evidence: tuple[Evidence, ...]
    thresholds: dict[str, Any]
    state: str = "open"
    run_at: str = ""
    counterparts: frozenset[str] = field(default_factory=frozenset)
    id: str = ""

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"severity must be one of {SEVERITIES}, not {self.severity!r}")
        if self.state not in STATES:
            raise ValueError(f"state must be one of {STATES}, not {self.state!r}")
        if not self.id:
            object.__setattr__(self, "id", finding_id(self.rule, self.entities))

    @property
    def subjects(self) -> tuple[str, ...]:
        return tuple(e for e in self.entities if e not in self.counterparts)
