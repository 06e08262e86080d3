"""Community app reports (STOP APP style JSON): each report becomes a Tip on the "app" channel.

A report is what someone saw, heard or knows, with a location pin, a time and optional
media. The location becomes an Address with its coordinates; identifiers in the narrative
become entities with their exact span as provenance (as for hotline tips); media are
listed with their SHA-256 in the description so a copy can be matched to the report.
Reporters of these apps are anonymous unless they choose otherwise: a report flagged
anonymous (or with no flag) never yields a reporter entity, even if a contact is present.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from importers.base import EntityDraft, EventDraft, ReadOptions, Row, Unreadable
from importers.narrative import narrative_mentions
from importers.tips import (
    cell,
    contact_draft,
    json_head,
    load_json,
    location_of,
    mentioned,
    phone_region,
    progress_every,
    when,
    yes_no,
)

name = "community"
title = "Community app reports"
description = "anonymous community reports (JSON): narrative, location pin, time, media hashes"
version = "1"
patterns = ("*.json",)

KNOWN = {"report_id", "submitted_at", "anonymous", "narrative", "observed_at", "location",
         "media", "contact"}  # fmt: skip
SHA256 = re.compile(r"[0-9a-fA-F]{64}")


def sniff(path: Path, head: bytes) -> float:
    text = json_head(head)
    return 0.95 if '"reports"' in text and '"report_id"' in text else 0.0


def read(path: Path, options: ReadOptions) -> Iterator[Row]:
    data = load_json(path)
    reports = data.get("reports") if isinstance(data, dict) else None
    if not isinstance(reports, list):
        raise Unreadable('it has no "reports" list, so it is not a community app export')
    seen: dict[str, str] = {}
    for i, record in enumerate(reports):
        locator, raw = f"reports[{i}]", json.dumps(record, ensure_ascii=False)
        if isinstance(record, dict):
            yield from report_rows({k.lower(): v for k, v in record.items()}, locator, raw,
                                   options, seen)  # fmt: skip
        else:
            yield Row(locator, raw=raw, problem="a report must be a JSON object")
        progress_every(options, i + 1, len(reports))


def _media(value: Any) -> list[str]:
    lines = []
    for item in value if isinstance(value, list) else [value] if value else []:
        if isinstance(item, dict):
            file_name, digest = cell(item.get("name")) or "unnamed", cell(item.get("sha256"))
        else:
            file_name, digest = cell(item), ""
        if digest and not SHA256.fullmatch(digest):
            raise ValueError(f"media {file_name!r} has a sha256 that is not 64 hex digits")
        lines.append(f"{file_name} (sha256 {digest.lower()})" if digest else file_name)
    return lines


def report_rows(
    rec: dict[str, Any], locator: str, raw: str, options: ReadOptions, seen: dict[str, str]
) -> list[Row]:
    """The report's own row, then one row per identifier found in its narrative."""
    report_id = cell(rec.get("report_id"))
    if not report_id:
        return [Row(locator, raw=raw, problem="the report has no report_id")]
    if report_id in seen:
        return [Row(locator, raw=raw, problem=f"report {report_id} is also at {seen[report_id]}")]
    seen[report_id] = locator
    try:
        submitted = when(rec, "submitted_at", options.time_zone)
        if submitted is None:
            raise ValueError("submitted_at is missing")
        observed = when(rec, "observed_at", options.time_zone)
        place, place_text = location_of(report_id, rec.get("location"))
        media = _media(rec.get("media"))
    except ValueError as exc:
        return [Row(locator, raw=raw, problem=str(exc))]
    anonymous = yes_no(rec.get("anonymous")) is not False  # no flag: treat as anonymous
    narrative = cell(rec.get("narrative"))
    notes = [f"Observed at: {observed}"] if observed else []
    if media:
        notes.append("Media: " + "; ".join(media))
    notes += [f"{k}: {cell(v)}" for k, v in rec.items() if k not in KNOWN and cell(v)]
    props: dict[str, str | list[str]] = {"channel": "app"}
    for prop, value in (("narrative", narrative), ("location_text", place_text)):
        if value:
            props[prop] = value
    drafts: list[EntityDraft] = []
    roles: list[tuple[str, str]] = []
    if not anonymous and cell(rec.get("contact")):
        drafts.append(contact_draft(report_id, cell(rec.get("contact"))))
        roles.append(("reporter", drafts[-1].key))
    elif cell(rec.get("contact")):
        notes.append("Reporter contact not kept: the report is anonymous")
    if place:
        drafts.append(place)
        roles.append(("location", place.key))
    if notes:
        props["description"] = "\n".join(notes)
    mentions = narrative_mentions(
        report_id, locator, {"narrative": narrative}, phone_region(options)
    )
    drafts += mentions.drafts
    event = EventDraft(
        "Tip",
        f"report:{report_id}",
        start=submitted,
        participants=mentioned(roles, drafts),
        properties=props,
        label=f"Community report {report_id}",
    )
    return [Row(locator, [*drafts, event], raw=raw), *mentions.span_rows]
