"""Turn an importer's drafts into checked records with their final ids.

Ids are stable so that importing the same file again adds nothing: identifier entities
take theirs from the normalized value (phone:+1555...), everything else from a hash of
the source file's SHA-256 and the draft's key within the file.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from analyst_app.ingest.prepare import Preparer
from analyst_app.model import Entity, Event, Link, Record
from analyst_app.records import RecordError
from analyst_app.schema.grading import GradingScheme
from analyst_app.schema.loader import Schema
from importers.base import EntityDraft, EventDraft, LinkDraft, Row


def stable_id(type_name: str, source_sha: str, key: str) -> str:
    digest = hashlib.blake2b(f"{source_sha}\x1f{key}".encode(), digest_size=12).hexdigest()
    return f"{type_name.lower()}:{digest}"


@dataclass
class Converted:
    """One row's records, ready to write; `ids` are every record the row stands for."""

    entities: list[tuple[Entity, str]] = field(default_factory=list)
    links: list[tuple[Link, str]] = field(default_factory=list)
    events: list[tuple[Event, str]] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    # Optional entities the row named but that could not be read: one reason each.
    dropped: list[str] = field(default_factory=list)


def _shared(draft: EntityDraft | LinkDraft | EventDraft) -> dict[str, Any]:
    """The fields every draft hands to its record unchanged."""
    return {
        "type": draft.type,
        "label": draft.label,
        "properties": dict(draft.properties),
        "status": draft.status,
        "source_grade": draft.source_grade,
        "info_grade": draft.info_grade,
        "handling": draft.handling,
    }


class Converter:
    def __init__(
        self,
        schema: Schema,
        source_sha: str,
        region: str,
        grading: GradingScheme | None,
        importer: str = "",
    ) -> None:
        self.schema, self.source_sha = schema, source_sha
        self.region, self.grading = region, grading
        self._preparer = Preparer(schema, region, grading)
        self.key_ids: dict[str, str] = {}  # draft key -> entity id, for the whole file
        self._ordinals: dict[str, int] = {}
        self._file_tag = hashlib.blake2b(
            f"{source_sha}\x1f{importer}".encode(), digest_size=6
        ).hexdigest()

    def _prepare(self, record: Record) -> str:
        return self._preparer(record)

    def _entity(self, draft: EntityDraft) -> Entity:
        typedef = self.schema.get(draft.type, "entity")
        entity = Entity(role=draft.role, **_shared(draft))
        if typedef is not None and not typedef.id_prefix:
            entity.id = stable_id(typedef.name, self.source_sha, draft.key)
        return entity

    def _ordinal_id(self, kind: str, key: str) -> str:
        """`event:<file>-<n>`: n counts distinct keys in file order.

        Stable for the same bytes read by the same importer (so a re-import adds nothing)
        and ascending as the file is read, so a million events append to the id index
        instead of landing at random places in it: hashed ids made inserts 5x slower.
        """
        ordinal = self._ordinals.setdefault(f"{kind}\x1f{key}", len(self._ordinals))
        return f"{kind}:{self._file_tag}-{ordinal:09d}"

    def _resolve(self, key: str, local: dict[str, str]) -> str:
        found = local.get(key) or self.key_ids.get(key)
        if found is None:
            raise RecordError(f"refers to {key!r}, which this file does not describe")
        return found

    def row(self, row: Row) -> Converted:
        """Check every draft of the row; a failure raises RecordError and keeps nothing,
        except for an optional entity, which is left out with everything that needs it."""
        out, local = Converted(), dict[str, str]()
        dropped: set[str] = set()
        for draft in row.drafts:
            if isinstance(draft, EntityDraft):
                known = self.key_ids.get(draft.key) or local.get(draft.key)
                if known:
                    out.ids.append(known)
                    continue
                entity = self._entity(draft)
                try:
                    text = self._prepare(entity)
                except RecordError as exc:
                    if not draft.optional:
                        raise
                    dropped.add(draft.key)
                    out.dropped.append(f"kept without this {draft.type}: {exc}")
                    continue
                assert entity.id is not None
                local[draft.key] = entity.id
                out.entities.append((entity, text))
                out.ids.append(entity.id)
        for draft in row.drafts:
            if isinstance(draft, LinkDraft):
                if dropped.intersection((draft.source, draft.target)):
                    continue
                link = Link(
                    source_id=self._resolve(draft.source, local),
                    target_id=self._resolve(draft.target, local),
                    id=self._ordinal_id("link", draft.key),
                    **_shared(draft),
                )
                out.links.append((link, self._prepare(link)))
                out.ids.append(link.id or "")
            elif isinstance(draft, EventDraft):
                event = Event(
                    start=draft.start,
                    end=draft.end,
                    participants=[
                        (role, self._resolve(key, local))
                        for role, key in draft.participants
                        if key not in dropped
                    ],
                    id=self._ordinal_id("event", draft.key),
                    **_shared(draft),
                )
                out.events.append((event, self._prepare(event)))
                out.ids.append(event.id or "")
        self.key_ids.update(local)
        return out
