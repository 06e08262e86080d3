"""CSV: entities.csv, links.csv and events.csv, in a folder or (OUT ending .zip) a zip.

One column per property (the union over the rows), a list property joined with "; ",
and a `sources` column naming the file and place each record came from. A cell that
starts with =, +, -, @ (or a tab or carriage return) gets a leading apostrophe, so no
spreadsheet runs it as a formula: case data comes from suspects' phones and ads.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

from analyst_app.exchange.snapshot import Snapshot
from analyst_app.model import Record, values

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
FILES = ("entities.csv", "links.csv", "events.csv")


def safe_cell(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_START) else value


def _props(records: list[Record]) -> list[str]:
    names: dict[str, None] = {}
    for record in records:
        for name in record.properties:
            names.setdefault(name)
    return list(names)


def _sources(snap: Snapshot, record: Record) -> str:
    return "; ".join(f"{s.file} {s.locator}" for s in snap.sources.get(record.id or "", []))


def _table(
    snap: Snapshot, records: list[Record], fixed: list[str], row_fixed: list[list[str]]
) -> str:
    props = _props(records)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([*fixed, *props, "sources"])
    for record, first in zip(records, row_fixed, strict=True):
        cells = [*first, *("; ".join(values(record.properties.get(p))) for p in props)]
        cells.append(_sources(snap, record))
        writer.writerow([safe_cell(c or "") for c in cells])
    return buffer.getvalue()


_COMMON = ["source_grade", "info_grade", "handling"]


def tables(snap: Snapshot) -> dict[str, str]:
    entities = _table(
        snap,
        list(snap.entities),
        ["id", "type", "label", "status", "role", *_COMMON],
        [
            [
                e.id or "",
                e.type,
                e.label,
                e.status,
                e.role or "",
                e.source_grade or "",
                e.info_grade or "",
                e.handling or "",
            ]
            for e in snap.entities
        ],
    )
    links = _table(
        snap,
        list(snap.links),
        ["id", "type", "source_id", "target_id", "label", "status", *_COMMON],
        [
            [
                lk.id or "",
                lk.type,
                lk.source_id,
                lk.target_id,
                lk.label,
                lk.status,
                lk.source_grade or "",
                lk.info_grade or "",
                lk.handling or "",
            ]
            for lk in snap.links
        ],
    )
    events = _table(
        snap,
        list(snap.events),
        ["id", "type", "start_utc", "end_utc", "label", "participants", "status", *_COMMON],
        [
            [
                ev.id or "",
                ev.type,
                ev.start or "",
                ev.end or "",
                ev.label,
                "; ".join(f"{role}:{eid}" for role, eid in ev.participants),
                ev.status,
                ev.source_grade or "",
                ev.info_grade or "",
                ev.handling or "",
            ]
            for ev in snap.events
        ],
    )
    return dict(zip(FILES, (entities, links, events), strict=True))


def write_csv(snap: Snapshot, out: Path) -> str:
    """Write the tables; return "zip" or "folder", which the summary tells the analyst."""
    made = tables(snap)
    if out.suffix.lower() == ".zip":
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, text in made.items():
                archive.writestr(name, "\ufeff" + text)  # BOM: Excel then reads UTF-8
        return "zip"
    out.mkdir(parents=True, exist_ok=True)
    for name, text in made.items():
        (out / name).write_text("\ufeff" + text, encoding="utf-8", newline="")
    return "folder"
