"""Scraped online ads, one JSON object a line (the `ads` layout of importers/FORMATS.md).

Each line becomes the ad, the phones, emails and handles it lists (each with a `posted`
link to the ad, so ads sharing a contact meet on the chart), and an AdPost event at the
time it was posted. A re-scrape of the same ad with a new time is a new AdPost on the same
ad: the same phone moving through cities is the circuit pattern analysts look for.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from importers.base import (
    Draft,
    EntityDraft,
    EventDraft,
    LinkDraft,
    ReadOptions,
    Row,
    Unreadable,
)
from importers.textfile import SNIFF_BYTES, detect_encoding
from importers.timeparse import parse_time

name = "ads"
title = "Online ads"
description = "scraped online ads as JSON lines (ad_id, site, phones, emails, handles, ...)"
version = "1"
patterns = ("*.jsonl", "*.ndjson", "*.json")

AD_KEYS = frozenset(
    {"site", "url", "posted_at", "city", "title", "body", "phones", "emails", "handles",
     "image_hashes", "price", "currency"}
)  # fmt: skip
MAX_RAW = 20_000  # characters of a bad line kept in quarantine


def sniff(path: Path, head: bytes) -> float:
    """Ours when one of the first complete lines is an object with ad_id and ad fields."""
    try:
        text = head.decode(detect_encoding(head), errors="replace").lstrip("\ufeff")
    except Unreadable:  # binary
        return 0.0
    lines = text.splitlines()
    if len(head) >= SNIFF_BYTES:
        lines = lines[:-1]  # the last line may be cut
    for line in [x for x in lines if x.strip()][:5]:
        try:
            obj = json.loads(line)
        except (ValueError, RecursionError):
            continue
        if isinstance(obj, dict) and "ad_id" in obj:
            found = len(AD_KEYS & obj.keys())
            return 0.7 + 0.25 * found / len(AD_KEYS) if found >= 2 else 0.0
    first = text.lstrip().partition("\n")[0]
    if first.startswith("{") and '"ad_id"' in first:  # one ad longer than the whole head
        return 0.6 if sum(f'"{k}"' in first for k in AD_KEYS) >= 3 else 0.0
    return 0.0


def _text(value: Any) -> str:
    if value is None or isinstance(value, dict | list):
        return ""
    return str(value).strip()


def _list(value: Any) -> list[Any]:
    """A list field; one value written alone, or ';'-separated text, is accepted too."""
    if value is None:
        return []
    if isinstance(value, list):
        return [v for v in value if v not in (None, "")]
    return [v.strip() for v in str(value).split(";") if v.strip()]


def _key(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


def _contacts(obj: dict[str, Any]) -> list[EntityDraft]:
    """Phone, Email and Handle drafts for the identifiers the ad lists, as written."""
    out: list[EntityDraft] = []
    for field, kind, prop in (("phones", "Phone", "number"), ("emails", "Email", "address")):
        for value in map(_text, _list(obj.get(field))):
            if value:
                out.append(EntityDraft(kind, f"{kind.lower()}:{_key(value)}", {prop: value}))
    for item in _list(obj.get("handles")):
        handle, platform = (
            (_text(item.get("handle")), _text(item.get("platform")))
            if isinstance(item, dict)
            else (_text(item), "")
        )
        if handle:
            props: dict[str, str | list[str]] = {"handle": handle}
            if platform:
                props["platform"] = platform
            out.append(EntityDraft("Handle", f"handle:{_key(platform)}:{_key(handle)}", props))
    return out


def _price(value: Any) -> tuple[str | None, str | None]:
    """(amount, note): the first number in the price ("$1,200/hr" is 1200), else a note."""
    text = _text(value)
    plain = re.sub(r"(?<=\d)[,.](?=\d{3}(?!\d))", "", text)  # thousands separators
    found = re.search(r"\d+(?:[.,]\d+)?", plain)
    if found:
        return found.group().replace(",", "."), None
    return None, f"price as written: {text}" if text else None


def _row(obj: dict[str, Any], tz: str) -> list[Draft]:
    """The drafts for one ad; ValueError says what is wrong with it."""
    ad_id, site = _text(obj.get("ad_id")), _text(obj.get("site"))
    if not ad_id:
        raise ValueError("no ad_id")
    posted = _text(obj.get("posted_at"))
    try:
        start = parse_time(posted, tz) if posted else None
    except ValueError as exc:
        raise ValueError(f"bad posted_at: {exc}") from None
    props: dict[str, str | list[str]] = {"ad_id": ad_id}
    for prop in ("site", "url", "title", "body", "city"):
        if _text(obj.get(prop)):
            props[prop] = _text(obj.get(prop))
    if start:
        props["posted_at"] = start
    price, note = _price(obj.get("price"))
    notes = [note] if note else []
    if price:
        props["price"] = price
    currency = _text(obj.get("currency"))
    if re.fullmatch(r"[A-Za-z]{3}", currency):
        props["currency"] = currency.upper()
    elif currency:
        notes.append(f"currency as written: {currency}")
    hashes = [h.lower() for h in map(_text, _list(obj.get("image_hashes"))) if h]
    if hashes:
        props["image_hash"] = hashes
    if notes:
        props["notes"] = "\n".join(notes)
    ad_key = f"ad:{_key(site)}:{ad_id}"
    label = _text(obj.get("title")) or f"{site or 'ad'} {ad_id}"
    ad = EntityDraft("OnlineAd", ad_key, props, label=label[:200])
    contacts = _contacts(obj)
    links = [LinkDraft("posted", f"posted:{c.key}>{ad_key}", c.key, ad_key) for c in contacts]
    event_props: dict[str, str | list[str]] = {
        k: props[k] for k in ("site", "city", "price") if k in props
    }
    event = EventDraft(
        "AdPost",
        f"adpost:{ad_key}:{start or 'undated'}",
        start=start,
        participants=[("ad", ad_key), *(("contact", c.key) for c in contacts)],
        properties=event_props,
        label=f"Ad posted: {label[:120]}",
    )
    return [ad, *contacts, *links, event]


def _line(locator: str, line: str, tz: str) -> Row:
    kept = line[:MAX_RAW]
    try:
        obj = json.loads(line)
    except (ValueError, RecursionError) as exc:
        return Row(locator, raw=kept, problem=f"not JSON ({str(exc)[:80]})")
    if not isinstance(obj, dict):
        return Row(locator, raw=kept, problem="not a JSON object")
    try:
        return Row(locator, _row(obj, tz), raw=kept)
    except ValueError as exc:
        return Row(locator, raw=kept, problem=str(exc))


def read(path: Path, options: ReadOptions) -> Iterator[Row]:
    size = path.stat().st_size
    with path.open("rb") as raw:
        encoding = detect_encoding(raw.read(SNIFF_BYTES))  # Unreadable for binary junk
        raw.seek(0)
        text = io.TextIOWrapper(raw, encoding=encoding, errors="replace")
        last = 0.0
        for number, line in enumerate(text, start=1):
            line = line.strip().lstrip("\ufeff")
            if line:  # a blank line is not a record
                yield _line(f"line {number}", line, options.time_zone)
            if options.progress and size and raw.tell() / size - last >= 0.01:
                last = raw.tell() / size
                options.progress(min(last, 1.0))
