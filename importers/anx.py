"""i2 Analyst's Notebook exchange charts (.anx): chart items become entities and links.

A chart item holds either an `End > Entity` (an icon, box or theme line of an entity type)
or a `Link` between two entity ids. Types are mapped to ours by name; a type we do not
have is kept as an Other entity (or a `linked` link) with its i2 name. Grades are indexes
into the chart's own GradeOne/GradeTwo string lists, mapped to the case's codes by their
text when it names a known grade, else by position (the first string is A, or 1).
`SourceReference`/`SourceType` go into the locator, which is the provenance the case
keeps for each record, so a brief can cite them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from xml.etree.ElementTree import Element

from analyst_app.schema.grading import grading_schemes
from importers.base import Draft, EventDraft, LinkDraft, Props, ReadOptions, Row, Unreadable
from importers.timeparse import parse_time, zone
from importers.xmlgraph import OTHER_LINK, decode, entity_draft, link_type, local, parse, place

name = "anx"
title = "i2 Analyst's Notebook chart (ANX)"
description = "i2 Analyst's Notebook charts: entity and link types, attributes, grades, sources"
version = "1"
patterns = ("*.anx",)

SOURCE_LETTERS = "ABCDEF"
INFO_DIGITS = "123456"
# Reserved attribute names Threadline writes so a round trip keeps what i2 has no field for.
ROLE_ATTR, STATUS_ATTR, HANDLING_ATTR = "Role", "Status", "Handling code"
STATUSES = ("confirmed", "unconfirmed", "suspected")
TIME_ZONE_PROPERTY = "Time zone"
EVENT_ATTR, PARTICIPANTS_ATTR, END_ATTR = "Threadline event", "Participants", "End time"
WEAK_STRENGTHS = ("possible", "probable", "tentative", "doubtful", "unknown")


def sniff(path: Path, head: bytes) -> float:
    text = decode(head[:32768]).decode("utf-8", errors="ignore")
    if "<Chart" in text and ("ChartItem" in text or "EntityTypeCollection" in text):
        return 0.95
    if path.suffix.lower() == ".anx":
        return 0.6 if "<Chart" in text or not text.strip() else 0.3
    return 0.0


def _children(el: Element | None, tag: str) -> list[Element]:
    return [c for c in el.iter() if local(c.tag) == tag] if el is not None else []


def _first(el: Element, tag: str) -> Element | None:
    for child in el.iter():
        if local(child.tag) == tag:
            return child
    return None


def _strings(root: Element, section: str) -> list[str]:
    for child in root:
        if local(child.tag) == section:
            return [s.get("Text", "") for s in _children(child, "String")]
    return []


def _grade(texts: list[str], index: str | None, codes: str, kind: str) -> str | None:
    """The grade code for a 0-based index into the chart's strings, or None if unset."""
    if index is None or not index.strip().lstrip("-").isdigit():
        return None
    i = int(index)
    if i < 0:
        return None
    text = texts[i].strip() if i < len(texts) else ""
    schemes = grading_schemes()
    # The default scheme's words first, then the others' (a chart we wrote in another scheme).
    for scheme in sorted(schemes.values(), key=lambda s: s.name != "admiralty"):
        table = scheme.source if kind == "source" else scheme.information
        for code, words in table.items():
            if text.casefold() == words.casefold():
                return code
    match = re.match(r"^([A-F1-6X])\b", text)
    if match:
        return match.group(1)
    return codes[i] if i < len(codes) else None


class _Chart:
    def __init__(self, root: Element, path: Path, time_zone: str) -> None:
        self.grade_one = _strings(root, "GradeOne")
        self.grade_two = _strings(root, "GradeTwo")
        self.file = path.name
        self.time_zone = time_zone
        self.ends: dict[str, str] = {}  # i2 EntityId -> draft key

    def locator(self, item: Element, ordinal: int) -> str:
        where = f"ChartItem {item.get('Id') or ordinal}"
        ref, kind = item.get("SourceReference"), item.get("SourceType")
        if ref or kind:
            where += f" (source {ref or '?'}{', ' + kind if kind else ''})"
        return where

    def common(self, item: Element, draft: Draft) -> None:
        draft.source_grade = _grade(
            self.grade_one, item.get("GradeOneIndex"), SOURCE_LETTERS, "source"
        )
        draft.info_grade = _grade(self.grade_two, item.get("GradeTwoIndex"), INFO_DIGITS, "info")

    def entity(self, item: Element, entity: Element) -> Row:
        icon = _first(entity, "IconStyle")
        i2_type = (icon.get("Type") if icon is not None else None) or ""
        if not i2_type:
            style = _first(entity, "ThemeStyle")
            style = style if style is not None else _first(entity, "BoxStyle")
            i2_type = (style.get("Type") if style is not None else None) or "Entity"
        label = item.get("Label") or entity.get("Identity") or ""
        attrs = [
            (a.get("AttributeClass", ""), a.get("Value", ""))
            for a in _children(item, "Attribute")
            if a.get("AttributeClass")
        ]
        reserved = {k: v for k, v in attrs if k in (ROLE_ATTR, STATUS_ATTR, HANDLING_ATTR)}
        attrs = [(k, v) for k, v in attrs if k not in reserved]
        notes = _description(item)
        identity = entity.get("Identity") or ""
        if identity and identity != label and not re.match(r"^[a-z_]+:\S+$", identity):
            notes.append(f"i2 identity: {entity.get('Identity')}")
        key = f"entity {entity.get('EntityId')}"
        draft = entity_draft(i2_type, key, label, attrs, notes=notes)
        if item.get("DateTime"):
            prior = draft.properties.get("notes")
            dated = f"Date: {_when(item)}"
            draft.properties["notes"] = f"{prior}\n{dated}" if isinstance(prior, str) else dated
        self.common(item, draft)
        draft.role = reserved.get(ROLE_ATTR) or None
        if reserved.get(STATUS_ATTR, "").casefold() in STATUSES:
            draft.status = reserved[STATUS_ATTR].casefold()
        draft.handling = reserved.get(HANDLING_ATTR) or None
        self.ends[entity.get("EntityId", "")] = key
        return Row(locator="", drafts=[draft])

    def event(self, item: Element, attrs: list[tuple[str, str]], ordinal: int) -> Row:
        """A link Threadline wrote for an event: rebuilt from its attributes."""
        fields = dict(attrs)
        participants = []
        for part in fields.get(PARTICIPANTS_ATTR, "").split(";"):
            role, _, number = part.strip().partition("=")
            if number not in self.ends:
                who = role or "participant"
                problem = f"the event's {who} {number!r} is not an entity of this chart"
                return Row(locator="", problem=problem)
            participants.append((role, self.ends[number]))
        ours = fields[EVENT_ATTR]
        lines = _description(item)
        props: Props = {}
        # No Status here: an event's status is its strength, and a call has a status property.
        reserved = (EVENT_ATTR, PARTICIPANTS_ATTR, END_ATTR, HANDLING_ATTR)
        place(ours, [(k, v) for k, v in attrs if k not in reserved], props, lines)
        if lines:
            props["description"] = "\n".join(lines)
        when, end = _when(item), fields.get(END_ATTR, "")
        draft = EventDraft(
            type=ours,
            key=f"event {item.get('Id') or ordinal}",
            start=parse_time(when, self.time_zone) if "T" in when else None,
            end=parse_time(end, self.time_zone) if end else None,
            participants=participants,
            properties=props,
            label=item.get("Label") or "",
            handling=fields.get(HANDLING_ATTR) or None,
        )
        style = _first(item, "LinkStyle")
        strength = (style.get("Strength", "") if style is not None else "").casefold()
        draft.status = strength if strength in STATUSES else "unconfirmed"
        self.common(item, draft)
        return Row(locator="", drafts=[draft])

    def link(self, item: Element, link: Element, ordinal: int) -> Row:
        attrs = [
            (a.get("AttributeClass", ""), a.get("Value", ""))
            for a in _children(item, "Attribute")
            if a.get("AttributeClass")
        ]
        if any(k == EVENT_ATTR for k, _ in attrs):
            return self.event(item, attrs, ordinal)
        style = _first(link, "LinkStyle")
        get = style.get if style is not None else (lambda _k, _d=None: _d)
        i2_type = get("Type") or "Link"
        ours = link_type(i2_type)
        end1, end2 = link.get("End1Id", ""), link.get("End2Id", "")
        if end1 not in self.ends or end2 not in self.ends:
            missing = end1 if end1 not in self.ends else end2
            return Row(
                locator="", problem=f"the link's end {missing!r} is not an entity of this chart"
            )
        source, target = self.ends[end1], self.ends[end2]
        arrow = get("ArrowStyle") or "ArrowNone"
        if arrow == "ArrowOnTail":
            source, target = target, source
        props: Props = {}
        lines = _description(item)
        if ours == OTHER_LINK:
            props["original_type"] = i2_type
        when = _when(item)
        if "T" in when:
            try:
                props["start"] = parse_time(when, self.time_zone)
            except ValueError:
                lines.append(f"Date and time: {when}")
        elif when:
            props["date"] = when
        strength = (get("Strength") or "").strip()
        folded = strength.casefold()
        status = folded if folded in STATUSES else "confirmed"
        if folded in WEAK_STRENGTHS and folded not in STATUSES:
            status = "unconfirmed"
        if strength and folded not in STATUSES:
            lines.append(f"Strength: {strength}")
        if arrow == "ArrowOnBoth":
            lines.append("Direction: both ways")
        attrs = [
            (a.get("AttributeClass", ""), a.get("Value", ""))
            for a in _children(item, "Attribute")
            if a.get("AttributeClass")
        ]
        reserved = {k: v for k, v in attrs if k in (STATUS_ATTR, HANDLING_ATTR)}
        place(ours, [(k, v) for k, v in attrs if k not in reserved], props, lines)
        if lines:
            props["notes" if ours == OTHER_LINK else "description"] = "\n".join(lines)
        label = item.get("Label") or ""
        draft = LinkDraft(
            type=ours,
            key=f"link {item.get('Id') or ordinal}",
            source=source,
            target=target,
            properties=props,
            label=label,
            status=status,
            handling=reserved.get(HANDLING_ATTR) or None,
        )
        self.common(item, draft)
        return Row(locator="", drafts=[draft])


def _time_zone(root: Element) -> str | None:
    """The zone a Threadline export names in the chart summary (i2 times carry none)."""
    for prop in _children(root, "CustomProperty"):
        if prop.get("Name") == TIME_ZONE_PROPERTY:
            try:
                zone(prop.get("Value", ""))
            except ValueError:
                return None
            return prop.get("Value")
    return None


def _description(item: Element) -> list[str]:
    text = (item.get("Description") or "").strip()
    return [text] if text else []


def _when(item: Element) -> str:
    """The item's DateTime as ISO, without the time when i2 says none was set."""
    raw = (item.get("DateTime") or "").strip()
    if not raw:
        return ""
    date, _, time = raw.partition("T")
    if item.get("TimeSet", "").casefold() == "true" and time:
        return f"{date}T{time[:8]}"
    return date


def read(path: Path, options: ReadOptions) -> Iterator[Row]:
    root = parse(path.read_bytes())
    if local(root.tag) != "Chart":
        raise Unreadable(f"it is XML but not an i2 chart (its root is <{local(root.tag)}>)")
    chart = _Chart(root, path, _time_zone(root) or options.time_zone)
    items = _children(root, "ChartItem")
    if not items:
        raise Unreadable("it is an i2 chart with no chart items in it, so nothing to import")
    # Entities first: a link may come before the entities it joins.
    ordered = sorted(
        enumerate(items), key=lambda pair: 0 if _first(pair[1], "Entity") is not None else 1
    )
    for ordinal, item in ordered:
        entity, link = _first(item, "Entity"), _first(item, "Link")
        if entity is not None:
            row = chart.entity(item, entity)
        elif link is not None:
            row = chart.link(item, link, ordinal)
        else:
            row = Row(locator="", problem="a chart item that is neither an entity nor a link")
        row.locator = chart.locator(item, ordinal)
        if row.problem:
            row.raw = (item.get("Label") or "")[:200]
        yield row
        if options.progress:
            options.progress((ordinal + 1) / len(items))
