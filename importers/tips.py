"""Hotline tips (CSV or JSON): one Tip event per tip, with the people and identifiers it names.

Everything a tip names becomes an entity taking part in the Tip event (reporter, subject,
victim, location, mentioned), so the graph shows which tips share a number or a person.
Identifiers found inside the narrative also become entities, and each occurrence gets a
row of its own whose locator holds the exact span ("line 5 narrative[31:52] 'five five
five 01two3'"), which provenance keeps. The reporter's contact is kept only when the tip
says consent_to_share is true: hotlines share identifying details only with consent, so
without it the contact is dropped here and never reaches the case.
The helpers below are shared by the community-report and worker-voice importers.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from importers.base import Draft, EntityDraft, EventDraft, ReadOptions, Row, Unreadable
from importers.narrative import identifier_draft, narrative_mentions
from importers.textfile import detect_delimiter, detect_encoding, iter_table
from importers.timeparse import parse_time

name = "tips"
title = "Hotline tips"
description = "hotline tip records (CSV or JSON) with persons, identifiers and narrative"
version = "1"
patterns = ("*.csv", "*.json", "*.tsv", "*.xlsx")

_COLUMNS = (
    "tip_id channel classification received_at reporter_type contact consent_to_share language"
    " narrative translation location location_precision event_start event_end exploitation_type"
    " indicators persons phones emails handles plates urgency minor grading handling"
)
FIELDS = frozenset(_COLUMNS.split(" "))
LISTED = {"phones": "phone", "emails": "email", "handles": "handle", "plates": "plate"}
PERSON_ROLES = ("suspect", "victim", "witness", "associate", "unknown")
PARTICIPANT = {"suspect": "subject", "victim": "victim"}  # others are "mentioned"
CHANNELS = {"hotline": "hotline", "phone": "hotline", "call": "hotline", "voice": "hotline",
            "app": "app", "sms": "sms", "text": "sms", "ussd": "ussd", "ivr": "ivr",
            "email": "email", "walk-in": "walk-in", "walkin": "walk-in"}  # fmt: skip
CLASSES = ("crisis", "tip", "high risk", "referral", "technical assistance", "general information")
URGENCY = ("low", "medium", "high", "immediate")
YES, NO = {"1", "true", "yes", "y", "t"}, {"0", "false", "no", "n", "f"}
COORDINATES = re.compile(r"\s*(-?\d{1,2}(?:\.\d+)?)\s*,\s*(-?\d{1,3}(?:\.\d+)?)\s*")


# Shared helpers -------------------------------------------------------------------------


def cell(value: Any) -> str:
    """A JSON or CSV value as text: lists joined with ';', booleans as true/false."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ";".join(cell(v) for v in value)
    return str(value).strip()


def as_list(value: Any) -> list[Any]:
    if isinstance(value, list):
        return [v for v in value if cell(v)]
    return [part.strip() for part in cell(value).split(";") if part.strip()]


def yes_no(value: Any) -> bool | None:
    text = cell(value).lower()
    return True if text in YES else False if text in NO else None


def csv_columns(head: bytes) -> set[str]:
    """The header of a delimited file, lower-cased; empty when it is not text."""
    try:
        text = head.decode(detect_encoding(head), errors="replace").lstrip("\ufeff")
    except Unreadable:
        return set()
    lines = text.splitlines()
    if not lines or lines[0].lstrip()[:1] in ("{", "["):
        return set()
    return {
        c.strip().lower() for c in next(csv.reader([lines[0]], delimiter=detect_delimiter(text)))
    }


def json_head(head: bytes) -> str:
    """The start of a JSON file as text, or "" when it does not start like JSON."""
    try:
        text = head.decode(detect_encoding(head), errors="replace").lstrip("\ufeff").lstrip()
    except Unreadable:
        return ""
    return text if text[:1] in ("{", "[") else ""


def load_json(path: Path) -> Any:
    try:
        return json.loads(path.read_bytes().decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise Unreadable(f"it is not valid JSON ({exc})") from None


def when(record: dict[str, Any], key: str, tz: str) -> str | None:
    """The record's time under `key` as ISO 8601, None when absent; ValueError names the key."""
    text = cell(record.get(key))
    if not text:
        return None
    try:
        return parse_time(text, tz)
    except ValueError as exc:
        raise ValueError(f"{key}: {exc}") from None


def contact_draft(prefix: str, contact: str) -> EntityDraft:
    """The reporter, from what the contact field holds: an email, a number or a name."""
    if re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", contact):
        return identifier_draft(prefix, "email", contact)
    if re.fullmatch(r"[+\d\s().\-]+", contact) and sum(c.isdigit() for c in contact) >= 7:
        return identifier_draft(prefix, "phone", contact)
    return EntityDraft("Person", f"{prefix}:reporter", {"name": contact})


def location_draft(prefix: str, text: str, lat: str = "", lon: str = "") -> EntityDraft:
    props: dict[str, str | list[str]] = {"full": text or f"{lat},{lon}"}
    found = COORDINATES.fullmatch(text) if not lat else None
    if found:
        lat, lon = found.groups()
    if lat and lon:
        if not (-90 <= float(lat) <= 90 and -180 <= float(lon) <= 180):
            raise ValueError(f"location {lat},{lon} is not a latitude and longitude")
        props["coordinates"] = f"{lat},{lon}"
    return EntityDraft("Address", f"{prefix}:location", props)


def location_of(prefix: str, value: Any) -> tuple[EntityDraft | None, str]:
    """A location as text ("lat,lon" too) or a pin {lat, lon, text}: an Address and its text."""
    if value is None or value == "":
        return None, ""
    if not isinstance(value, dict):
        text = cell(value)
        return location_draft(prefix, text), text
    lat, lon, text = cell(value.get("lat")), cell(value.get("lon")), cell(value.get("text"))
    if bool(lat) != bool(lon):
        raise ValueError("location has only one of lat and lon")
    try:
        float(lat or 0), float(lon or 0)
    except ValueError:
        raise ValueError(f"location {lat},{lon} is not a latitude and longitude") from None
    if not (lat or text):
        return None, ""
    return location_draft(prefix, text, lat, lon), text


def apply_grades(drafts: list[Draft], grading: str, handling: str) -> None:
    """Admiralty-style "B2" on every draft of the tip; ValueError when it is not a grade."""
    source = info = None
    if grading:
        found = re.fullmatch(r"([A-Za-z])\s*[-/]?\s*(\w)", grading)
        if not found:
            raise ValueError(f"grading {grading!r} is not a grade such as B2")
        source, info = found[1].upper(), found[2]
    for draft in drafts:
        draft.source_grade, draft.info_grade = source, info
        draft.handling = handling or None


def phone_region(options: ReadOptions) -> str:
    """Numbers found in text are checked against this region (ingest's default is US)."""
    return str(options.extra.get("phone_region", "US"))


def mentioned(roles: list[tuple[str, str]], drafts: list[EntityDraft]) -> list[tuple[str, str]]:
    """`roles`, then every other draft as "mentioned", each entity once."""
    out, keys = list(roles), {key for _, key in roles}
    for draft in drafts:
        if draft.key not in keys:
            keys.add(draft.key)
            out.append(("mentioned", draft.key))
    return out


def progress_every(options: ReadOptions, index: int, total: int) -> None:
    if options.progress and total and (index % 100 == 0 or index == total):
        options.progress(index / total)


# The tips format ------------------------------------------------------------------------


def sniff(path: Path, head: bytes) -> float:
    columns = csv_columns(head)
    if {"tip_id", "received_at"} <= columns and columns & {"narrative", "persons", "grading"}:
        return 0.95
    text = json_head(head)
    return 0.9 if '"tip_id"' in text and '"received_at"' in text else 0.0


def read(path: Path, options: ReadOptions) -> Iterator[Row]:
    seen: dict[str, str] = {}
    with path.open("rb") as handle:
        starts_like_json = bool(json_head(handle.read(4096)))
    if starts_like_json:
        data = load_json(path)
        tips = data.get("tips") if isinstance(data, dict) else data
        if not isinstance(tips, list):
            raise Unreadable('it holds neither a list of tips nor {"tips": [...]}')
        for i, record in enumerate(tips):
            raw = json.dumps(record, ensure_ascii=False)
            if isinstance(record, dict):
                yield from tip_rows({k.lower(): v for k, v in record.items()}, f"tips[{i}]", raw,
                                    options, seen)  # fmt: skip
            else:
                yield Row(f"tips[{i}]", raw=raw, problem="a tip must be a JSON object")
            progress_every(options, i + 1, len(tips))
        return
    for n, row in enumerate(iter_table(path, progress=options.progress)):
        if n == 0 and not row.problem and "tip_id" not in {k.lower() for k in row.values}:
            raise Unreadable("it has no tip_id column, so it is not in the tips layout")
        if row.problem:
            yield Row(row.locator, raw=row.raw, problem=row.problem)
            continue
        record = {k.strip().lower(): v for k, v in row.values.items()}
        yield from tip_rows(record, row.locator, row.raw, options, seen)


def _persons(value: Any) -> list[tuple[str, str]]:
    found = []
    for item in as_list(value):
        if isinstance(item, dict):
            person, role = cell(item.get("name")), cell(item.get("role"))
        else:
            person, _, role = (
                cell(item).rpartition(":") if ":" in cell(item) else (cell(item), "", "")
            )
        role = role.strip().lower() or "unknown"
        if not person.strip():
            raise ValueError(f"a person in {cell(value)!r} has no name")
        if role not in PERSON_ROLES:
            raise ValueError(
                f"person {person!r} has role {role!r}, not one of {', '.join(PERSON_ROLES)}"
            )
        found.append((person.strip(), role))
    return found


def _choice(rec: dict[str, Any], key: str, choices: tuple[str, ...], notes: list[str]) -> str:
    """A value from the schema's list, or "" with the odd value kept in the notes."""
    value = re.sub(r"[_\-]", " ", cell(rec.get(key)).lower())
    if value and value not in choices:
        notes.append(f"{key.capitalize()}: {value}")
    return value if value in choices else ""


TEXTS = {"narrative": "narrative", "translation": "translation", "language": "language",
         "exploitation_type": "exploitation_type",
         "minor": "minor_involved"}  # fmt: skip


def tip_properties(
    rec: dict[str, Any], window: list[str | None]
) -> tuple[dict[str, Any], list[str]]:
    """The Tip's properties and the lines of its description (what has no property yet)."""
    notes: list[str] = []
    channel = cell(rec.get("channel")).lower()
    if channel and channel not in CHANNELS:
        notes.append(f"Channel: {channel}")
    props: dict[str, Any] = {"channel": CHANNELS.get(channel, "other")}
    props["classification"] = _choice(rec, "classification", CLASSES, notes)
    props["urgency"] = _choice(rec, "urgency", URGENCY, notes)
    props.update({prop: cell(rec.get(key)) for key, prop in TEXTS.items()})
    consent = yes_no(rec.get("consent_to_share"))
    if consent is not None:
        props["consent_to_share"] = "true" if consent else "false"
    for key, label in (("reporter_type", "Reporter"), ("location_precision", "Location precision")):
        if cell(rec.get(key)):
            notes.append(f"{label}: {cell(rec.get(key))}")
    if any(window):
        notes.append(f"Event window: {window[0] or '?'} to {window[1] or '?'}")
    if as_list(rec.get("indicators")):
        notes.append("Indicators: " + "; ".join(cell(i) for i in as_list(rec.get("indicators"))))
    notes += [f"{k}: {cell(v)}" for k, v in rec.items() if k not in FIELDS and cell(v)]
    if cell(rec.get("contact")) and not consent:
        notes.append("Reporter contact not kept: no consent to share")
    return {k: v for k, v in props.items() if v}, notes


def tip_rows(
    rec: dict[str, Any], locator: str, raw: str, options: ReadOptions, seen: dict[str, str]
) -> list[Row]:
    """The tip's own row, then one row per identifier found in its narrative."""
    tip_id = cell(rec.get("tip_id"))
    if not tip_id:
        return [Row(locator, raw=raw, problem="the tip has no tip_id")]
    if tip_id in seen:
        return [Row(locator, raw=raw, problem=f"tip {tip_id} is also at {seen[tip_id]}")]
    seen[tip_id] = locator
    try:
        received = when(rec, "received_at", options.time_zone)
        if received is None:
            raise ValueError("received_at is missing")
        window = [when(rec, key, options.time_zone) for key in ("event_start", "event_end")]
        persons = _persons(rec.get("persons"))
        location, location_text = location_of(tip_id, rec.get("location"))
    except ValueError as exc:
        return [Row(locator, raw=raw, problem=str(exc))]
    props, notes = tip_properties(rec, window)
    if location_text:
        props["location_text"] = location_text
    drafts: list[EntityDraft] = []
    roles: list[tuple[str, str]] = []
    if cell(rec.get("contact")) and props.get("consent_to_share") == "true":
        drafts.append(contact_draft(tip_id, cell(rec.get("contact"))))
        roles.append(("reporter", drafts[-1].key))
    for person, role in persons:
        drafts.append(
            EntityDraft("Person", f"{tip_id}:person:{person}", {"name": person}, role=role)
        )
        roles.append((PARTICIPANT.get(role, "mentioned"), drafts[-1].key))
    if location:
        drafts.append(location)
        roles.append(("location", location.key))
    for column, kind in LISTED.items():
        drafts += [identifier_draft(tip_id, kind, cell(v)) for v in as_list(rec.get(column))]
    texts = {k: cell(rec.get(k)) for k in ("narrative", "translation")}
    mentions = narrative_mentions(tip_id, locator, texts, phone_region(options))
    drafts += mentions.drafts
    if notes:
        props["description"] = "\n".join(notes)
    event = EventDraft("Tip", f"tip:{tip_id}", start=received, properties=props,
                       participants=mentioned(roles, drafts), label=f"Tip {tip_id}")  # fmt: skip
    spans = [d for row in mentions.span_rows for d in row.drafts]
    try:
        apply_grades([*drafts, event, *spans], cell(rec.get("grading")), cell(rec.get("handling")))
    except ValueError as exc:
        return [Row(locator, raw=raw, problem=str(exc))]
    return [Row(locator, [*drafts, event], raw=raw), *mentions.span_rows]
