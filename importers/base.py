"""The importer contract: what a format module provides and what it yields.

An importer reads one file and yields `Row`s. A row is the unit that is imported or
quarantined whole: the drafts it holds (entities, links, an event) and where in the file
they came from (`locator`: "row 12", an XML path, "line 7"). Importers never normalize
identifiers, assign ids or touch the store: `analyst_app.ingest` does that, the same way
for every format. Drafts refer to each other by `key`, a name unique within the file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

Props = dict[str, str | list[str]]


@dataclass(slots=True)
class EntityDraft:
    type: str
    key: str
    properties: Props = field(default_factory=dict)
    label: str = ""
    role: str | None = None
    status: str = "unconfirmed"
    source_grade: str | None = None
    info_grade: str | None = None
    handling: str | None = None
    # True when the row stands without this entity (a call to an unreadable short code is
    # still a call): ingest keeps the rest of the row and quarantines a note about it.
    optional: bool = False


@dataclass(slots=True)
class LinkDraft:
    type: str
    key: str
    source: str
    target: str
    properties: Props = field(default_factory=dict)
    label: str = ""
    status: str = "unconfirmed"
    source_grade: str | None = None
    info_grade: str | None = None
    handling: str | None = None


@dataclass(slots=True)
class EventDraft:
    type: str
    key: str
    start: str | None = None
    end: str | None = None
    participants: list[tuple[str, str]] = field(default_factory=list)  # (role, entity key)
    properties: Props = field(default_factory=dict)
    label: str = ""
    status: str = "unconfirmed"
    source_grade: str | None = None
    info_grade: str | None = None
    handling: str | None = None


Draft = EntityDraft | LinkDraft | EventDraft


@dataclass(slots=True)
class Row:
    """What one record of the file became; `problem` set means the importer could not read it."""

    locator: str
    drafts: list[Draft] = field(default_factory=list)
    raw: str | None = None
    problem: str | None = None


class Unreadable(Exception):
    """The whole file cannot be read; str() is one sentence for the analyst."""


@dataclass
class ReadOptions:
    spec: dict[str, Any] | None = None
    time_zone: str = "UTC"
    progress: Callable[[float], None] | None = None  # fraction of the file read, 0..1
    extra: dict[str, Any] = field(default_factory=dict)
    # Locators of rows this same file already put into the case (a second import of the
    # same bytes): an importer may yield them as bare `Row(locator)` without reading them
    # into drafts, since ingest counts them as already present either way.
    known: frozenset[str] = frozenset()


class Importer(Protocol):
    """A format module: these names at module level (see importers/__init__.py)."""

    name: str
    title: str
    description: str
    version: str
    patterns: tuple[str, ...]

    def sniff(self, path: Path, head: bytes) -> float: ...

    def read(self, path: Path, options: ReadOptions) -> Iterator[Row]: ...
