"""Worker-voice survey messages (SMS/USSD/IVR, Ulula style CSV): one Message event each.

The message comes from the worker's number (msisdn) and goes to no one in the graph: a
single "hotline" node joined to every respondent would suggest they know each other. The
employer becomes an Organization (one per name in the file) linked `mentioned_in` to the
worker's number, so an analyst sees which employers many workers complain about. Likert
answers (1 = strongly disagree that things are fine) are spelled out in the description;
a score outside 1-5 means the row was garbled on the way and it is quarantined rather than
guessed. Identifiers in the free text become entities with their exact span as provenance.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from importers.base import (
    Draft,
    EntityDraft,
    EventDraft,
    LinkDraft,
    Props,
    ReadOptions,
    Row,
    Unreadable,
)
from importers.narrative import identifier_draft, narrative_mentions
from importers.textfile import iter_table
from importers.tips import cell, csv_columns, phone_region, when

name = "worker-voice"
title = "Worker-voice messages"
description = "worker SMS/USSD/IVR survey messages (CSV): Likert answers, employer, free text"
version = "1"
patterns = ("*.csv", "*.tsv", "*.xlsx")

CHANNELS = {"sms": "sms", "ussd": "ussd", "ivr": "other", "voice": "other"}
LIKERT = {1: "strongly disagree", 2: "disagree", 3: "neither agree nor disagree",
          4: "agree", 5: "strongly agree"}  # fmt: skip
DEMOGRAPHICS = (("language", "Language"), ("gender", "Gender"), ("age", "Age"),
                ("migration_status", "Migration status"))  # fmt: skip
KNOWN = {"message_id", "received_at", "channel", "msisdn", "employer", "answers", "text"}
KNOWN |= {key for key, _ in DEMOGRAPHICS}


def sniff(path: Path, head: bytes) -> float:
    columns = csv_columns(head)
    return 0.95 if {"message_id", "msisdn", "answers"} <= columns else 0.0


def read(path: Path, options: ReadOptions) -> Iterator[Row]:
    seen: dict[str, str] = {}
    for n, row in enumerate(iter_table(path, progress=options.progress)):
        if n == 0 and not row.problem and "message_id" not in {k.lower() for k in row.values}:
            raise Unreadable("it has no message_id column, so it is not a worker-voice export")
        if row.problem:
            yield Row(row.locator, raw=row.raw, problem=row.problem)
            continue
        record = {k.strip().lower(): v for k, v in row.values.items()}
        yield from message_rows(record, row.locator, row.raw, options, seen)


def answers(text: str) -> list[str]:
    """ "wages=1;hours=2" as ["wages: strongly disagree", ...]; ValueError on a bad answer."""
    lines = []
    for part in (p.strip() for p in text.split(";")):
        if not part:
            continue
        question, sep, score = (s.strip() for s in part.partition("="))
        if not sep or not question:
            raise ValueError(f"answer {part!r} is not question=score")
        if score not in {"1", "2", "3", "4", "5"}:
            raise ValueError(f"answer {question}={score!r} is not on the 1-5 scale")
        lines.append(f"{question.replace('_', ' ')}: {LIKERT[int(score)]}")
    return lines


def _same_number(one: EntityDraft, other: EntityDraft) -> bool:
    """The worker quoting their own number is not a link from the number to itself."""
    digits = [
        "".join(c for c in cell(d.properties.get("number")) if c.isdigit()) for d in (one, other)
    ]
    return one.type == other.type == "Phone" and digits[0][-10:] == digits[1][-10:]


def message_rows(
    rec: dict[str, Any], locator: str, raw: str, options: ReadOptions, seen: dict[str, str]
) -> list[Row]:
    """The message's own row, then one row per identifier found in its text."""
    message_id = cell(rec.get("message_id"))
    if not message_id:
        return [Row(locator, raw=raw, problem="the message has no message_id")]
    if message_id in seen:
        return [
            Row(locator, raw=raw, problem=f"message {message_id} is also at {seen[message_id]}")
        ]
    seen[message_id] = locator
    try:
        received = when(rec, "received_at", options.time_zone)
        if received is None:
            raise ValueError("received_at is missing")
        scores = answers(cell(rec.get("answers")))
    except ValueError as exc:
        return [Row(locator, raw=raw, problem=str(exc))]
    channel = cell(rec.get("channel")).lower()
    notes = [f"{label}: {cell(rec.get(key))}" for key, label in DEMOGRAPHICS if cell(rec.get(key))]
    if channel and channel not in ("sms", "ussd"):
        notes.append(f"Channel: {channel}")
    notes += scores
    notes += [f"{k}: {cell(v)}" for k, v in rec.items() if k not in KNOWN and cell(v)]
    text = cell(rec.get("text"))
    props: dict[str, str | list[str]] = {"channel": CHANNELS.get(channel, "other")}
    if text:
        props["body"] = text
    if notes:
        props["description"] = "\n".join(notes)

    drafts: list[Draft] = []
    sender = None
    if cell(rec.get("msisdn")):
        sender = identifier_draft(message_id, "phone", cell(rec.get("msisdn")))
        drafts.append(sender)
    employer = cell(rec.get("employer"))
    mentions = narrative_mentions(message_id, locator, {"text": text}, phone_region(options))
    named: list[tuple[EntityDraft, str]] = [
        (d, "named in this number's message") for d in mentions.drafts
    ]
    if employer:
        org = EntityDraft("Organization", f"employer:{employer.casefold()}", {"name": employer})
        named.insert(0, (org, "named as employer by this number"))
    for draft, how in named:
        drafts.append(draft)
        if sender and not _same_number(draft, sender):
            props_: Props = {"start": received, "description": f"{how} ({message_id})"}
            drafts.append(LinkDraft("mentioned_in", f"{message_id}:{draft.key}:mentioned_in",
                                    draft.key, sender.key, props_))  # fmt: skip
    participants = [("sender", sender.key)] if sender else []
    event = EventDraft("Message", f"message:{message_id}", start=received, properties=props,
                       participants=participants, label=f"Worker voice {message_id}")  # fmt: skip
    return [Row(locator, [*drafts, event], raw=raw), *mentions.span_rows]
