"""Import one file into a case: all of it or none of it, bad rows quarantined and counted.

The whole file is one transaction, so a cancel, a crash or a full disk leaves the case
exactly as it was; rows an importer or the schema refuses go to quarantine with their
reason and the rest is imported. Rows are written in batches to keep memory flat.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analyst_app.ingest.convert import Converted, Converter
from analyst_app.ingest.formats import choose_importer
from analyst_app.records import RecordError
from analyst_app.store.case import Case, utc_now
from analyst_app.store.errors import CaseError
from analyst_app.store.sources import (
    known_locators,
    register_source,
    save_spec,
    sha256_file,
)
from analyst_app.store.writer import (
    ids_since,
    insert_entities,
    insert_events,
    insert_links,
    insert_provenance,
    insert_quarantine,
    max_rowid,
)
from importers.base import ReadOptions, Row, Unreadable

BATCH_ROWS = 5_000
MAX_REASONS = 5


class ImportCancelled(CaseError):
    pass


@dataclass
class ImportSummary:
    file: str
    format: str
    rows: int = 0
    imported_rows: int = 0
    present_rows: int = 0
    quarantined_rows: int = 0
    added: dict[str, int] = field(default_factory=lambda: {"entities": 0, "links": 0, "events": 0})
    # Entities already in the case that this file told us more about (new properties).
    enriched_entities: int = 0
    # Rows imported without a part they named that could not be read (kept in quarantine).
    partial_rows: int = 0
    reasons: list[str] = field(default_factory=list)
    source_id: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "format": self.format,
            "rows": self.rows,
            "imported_rows": self.imported_rows,
            "present_rows": self.present_rows,
            "quarantined_rows": self.quarantined_rows,
            "added": self.added,
            "enriched_entities": self.enriched_entities,
            "partial_rows": self.partial_rows,
            "first_reasons": self.reasons,
        }


def _batches(rows: Iterator[Row], size: int) -> Iterator[list[Row]]:
    batch: list[Row] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


class _Importer:
    def __init__(
        self, case: Case, summary: ImportSummary, converter: Converter, source_id: int
    ) -> None:
        self.case, self.summary, self.converter = case, summary, converter
        self.source_id = source_id
        self.known: set[str] = set()

    def _quarantine(self, row: Row, reason: str, pending: list[Any]) -> None:
        self.summary.quarantined_rows += 1
        if len(self.summary.reasons) < MAX_REASONS:
            self.summary.reasons.append(f"{row.locator}: {reason}")
        pending.append((self.source_id, row.locator, reason, row.raw))

    def batch(self, rows: list[Row]) -> None:
        conn, now = self.case.conn, utc_now()
        done: list[tuple[Row, Converted]] = []
        bad: list[Any] = []
        for row in rows:
            self.summary.rows += 1
            if row.locator in self.known:
                self.summary.present_rows += 1
                continue
            if row.problem:
                self._quarantine(row, row.problem, bad)
                continue
            try:
                converted = self.converter.row(row)
            except RecordError as exc:
                self._quarantine(row, str(exc), bad)
                continue
            done.append((row, converted))
            if converted.dropped:
                # The row is imported; what it could not say is kept beside it, counted.
                self.summary.partial_rows += 1
                bad.extend((self.source_id, row.locator, why, row.raw) for why in converted.dropped)
        before = {t: max_rowid(conn, t) for t in ("entities", "links", "events")}
        added = self.summary.added
        entities = [e for _, c in done for e in c.entities]
        new_entities, enriched = insert_entities(conn, entities, now)
        added["entities"] += new_entities
        self.summary.enriched_entities += enriched
        added["links"] += insert_links(conn, [lk for _, c in done for lk in c.links], now)
        added["events"] += insert_events(conn, [ev for _, c in done for ev in c.events], now)
        insert_provenance(
            conn,
            (
                (record.id or "", self.source_id, row.locator)
                for row, c in done
                for record, _ in (*c.entities, *c.links, *c.events)
            ),
        )
        insert_quarantine(conn, bad, now)
        new = set().union(*(ids_since(conn, t, before[t]) for t in before))
        for _, converted in done:
            # A row is imported when it brought something new; a later row of the same
            # batch that only repeats it counts as already present.
            fresh = new.intersection(converted.ids)
            if fresh:
                new -= fresh
                self.summary.imported_rows += 1
            else:
                self.summary.present_rows += 1


def import_file(
    case: Case,
    path: str | Path,
    *,
    format_name: str | None = None,
    spec: dict[str, Any] | None = None,
    spec_name: str | None = None,
    progress: Callable[[float], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ImportSummary:
    path = Path(path)
    if not path.is_file():
        raise CaseError(f"{path} is not a file that can be read.")
    importer = choose_importer(path, format_name)
    settings = case.settings
    size, digest = os.path.getsize(path), sha256_file(path)
    summary = ImportSummary(file=path.name, format=importer.name)
    options = ReadOptions(
        spec=spec,
        time_zone=settings["time_zone"],
        progress=progress,
        extra={"phone_region": settings["phone_region"]},
    )
    details: dict[str, Any] = {"file": path.name, "sha256": digest, "format": importer.name}
    try:
        with case.write("import", details):
            source_id, seen_before = register_source(
                case,
                path,
                sha256=digest,
                size=size,
                importer=importer.name,
                importer_version=importer.version,
            )
            summary.source_id = source_id
            if spec is not None and spec_name:
                save_spec(case, spec_name, spec)
            converter = Converter(
                case.schema, digest, settings["phone_region"], case.grading, importer.name
            )
            worker = _Importer(case, summary, converter, source_id)
            if seen_before:
                # The same bytes read by the same importer: rows already imported are known
                # by their locators, so they are counted without being read into records
                # (and importers that can, skip reading them at all).
                worker.known = known_locators(case, source_id)
                options.known = frozenset(worker.known)
            for rows in _batches(importer.read(path, options), BATCH_ROWS):
                if cancelled and cancelled():
                    raise ImportCancelled(
                        f"Import of {path.name} cancelled; the case is as it was."
                    )
                worker.batch(rows)
            if cancelled and cancelled():  # asked while the last batch was written
                raise ImportCancelled(f"Import of {path.name} cancelled; the case is as it was.")
            details.update(summary.as_dict())
    except Unreadable as exc:
        raise CaseError(f"{path.name} could not be imported: {exc}") from None
    return summary
