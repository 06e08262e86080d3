"""Rows for a plain node-and-edge graph (GEXF, GraphML): the shape both formats reduce to.

Node and edge attributes are kept: those our type knows become properties, the rest
notes. Attributes Threadline itself writes on export (type, status, grades, ...) are read
back into the record's own fields, so an export imports as the records it came from.
A list property is written as a JSON array and read back as a list.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field

from importers.base import Draft, EventDraft, LinkDraft, Props, Row
from importers.xmlgraph import OTHER_LINK, entity_draft, link_type, place

# Attributes that are record fields, not properties (see analyst_app/exchange/graphs.py).
TYPE_KEYS = ("type", "kind", "entity_type", "node_type", "category", "edge_type", "relation")
LABEL_KEYS = ("label", "name", "title")
FIELDS = ("status", "role", "source_grade", "info_grade", "handling")
STATUSES = ("confirmed", "unconfirmed", "suspected")
SKIP = ("threadline_id", "original_type", "directed", "sources")
EVENT_KEYS = ("threadline_event", "participants", "start_utc", "end_utc")


@dataclass
class Item:
    """One node or edge as read from the file: attributes in file order."""

    id: str
    attrs: list[tuple[str, str]] = field(default_factory=list)
    label: str = ""
    notes: list[str] = field(default_factory=list)
    source: str = ""
    target: str = ""
    locator: str = ""
    raw: str = ""


def _pick(attrs: list[tuple[str, str]], keys: tuple[str, ...]) -> str:
    return _pick_named(attrs, keys)[1]


def _pick_named(attrs: list[tuple[str, str]], keys: tuple[str, ...]) -> tuple[str, str]:
    """(attribute name, value) of the first key present, or ("", "")."""
    for key in keys:
        for name, value in attrs:
            if name.casefold() == key and value.strip():
                return name, value.strip()
    return "", ""


def _without(attrs: list[tuple[str, str]], *names: str) -> list[tuple[str, str]]:
    drop = {n.casefold() for n in names if n}
    return [(n, v) for n, v in attrs if n.casefold() not in drop]


def _value(value: str) -> str | list[str]:
    if value.startswith("[") and value.endswith("]"):
        try:
            parsed = json.loads(value)
        except ValueError:
            return value
        if isinstance(parsed, list) and all(isinstance(v, str) for v in parsed):
            return parsed
    return value


def _fields(attrs: list[tuple[str, str]]) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """The record fields the attributes carry, and the attributes left over."""
    found: dict[str, str] = {}
    rest = []
    for name, value in attrs:
        key = name.casefold()
        if key in FIELDS and value.strip():
            if key == "status" and value.strip().casefold() not in STATUSES:
                rest.append((name, value))
                continue
            found[key] = value.strip()
        elif key not in SKIP and key not in EVENT_KEYS:
            rest.append((name, value))
    return found, rest


def _apply(draft: Draft, found: dict[str, str]) -> None:
    for key, value in found.items():
        if key != "role" or not isinstance(draft, LinkDraft):
            setattr(draft, key, value)


def _expand(attrs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Lists (JSON arrays) as repeated attributes; `property.x` (named like a field) as x."""
    out: list[tuple[str, str]] = []
    for name, value in attrs:
        name = name.removeprefix("property.")
        parsed = _value(value)
        out.extend((name, v) for v in ([parsed] if isinstance(parsed, str) else parsed))
    return out


def _locator(item: Item) -> str:
    """The item's place in the file, with the sources a Threadline export names for it."""
    sources = _pick(item.attrs, ("sources",))
    return f"{item.locator} (source {sources})" if sources else item.locator


def node_row(item: Item, default_type: str) -> Row:
    type_key, foreign = _pick_named(item.attrs, TYPE_KEYS)
    foreign = _pick(item.attrs, ("original_type",)) or foreign
    label = item.label or _pick(item.attrs, LABEL_KEYS) or item.id
    found, rest = _fields(_without(item.attrs, type_key, "label"))
    key = f"node {item.id}"
    draft = entity_draft(foreign or default_type, key, label, _expand(rest), notes=item.notes)
    _apply(draft, found)
    return Row(locator=_locator(item), drafts=[draft], raw=item.raw)


def event_row(item: Item, nodes: set[str]) -> Row:
    """An edge Threadline wrote for an event: its participants and times are attributes."""
    participants = []
    for part in _pick(item.attrs, ("participants",)).split(";"):
        role, _, node = part.strip().partition("=")
        if node not in nodes:
            problem = f"the event's {role or 'participant'} {node!r} is not a node of this graph"
            return Row(locator=item.locator, problem=problem, raw=item.raw)
        participants.append((role, f"node {node}"))
    type_key, ours = _pick_named(item.attrs, ("type",))
    found, rest = _fields(_without(item.attrs, type_key, "label", *EVENT_KEYS))
    props: Props = {}
    lines = list(item.notes)
    place(ours, _expand(rest), props, lines)
    if lines:
        props["description"] = "\n".join(lines)
    draft = EventDraft(
        type=ours,
        key=f"event {item.id}",
        start=_pick(item.attrs, ("start_utc",)) or None,
        end=_pick(item.attrs, ("end_utc",)) or None,
        participants=participants,
        properties=props,
        label=item.label or _pick(item.attrs, ("label",)),
    )
    _apply(draft, found)
    return Row(locator=_locator(item), drafts=[draft], raw=item.raw)


def edge_row(item: Item, nodes: set[str], default_type: str) -> Row:
    for end in (item.source, item.target):
        if end not in nodes:
            return Row(
                locator=item.locator,
                problem=f"its end {end!r} is not a node of this graph",
                raw=item.raw,
            )
    if _pick(item.attrs, ("threadline_event",)):
        return event_row(item, nodes)
    type_key, foreign = _pick_named(item.attrs, TYPE_KEYS)
    label = item.label or _pick(item.attrs, ("label",))
    foreign = _pick(item.attrs, ("original_type",)) or foreign or label
    ours = link_type(foreign) if foreign else OTHER_LINK
    props: Props = {}
    if ours == OTHER_LINK:
        props["original_type"] = foreign or default_type
    draft = LinkDraft(
        type=ours,
        key=f"edge {item.id}",
        source=f"node {item.source}",
        target=f"node {item.target}",
        label=label,
        properties=props,
    )
    found, rest = _fields(_without(item.attrs, type_key, "label"))
    _apply(draft, found)
    attrs = _expand(rest)
    lines = list(item.notes)
    place(ours, attrs, props, lines)
    if lines:
        props["notes" if ours == OTHER_LINK else "description"] = "\n".join(lines)
    return Row(locator=_locator(item), drafts=[draft], raw=item.raw)


def graph_rows(
    nodes: list[Item], edges: list[Item], node_type: str, edge_type: str
) -> Iterator[Row]:
    ids = {n.id for n in nodes}
    for node in nodes:
        yield node_row(node, node_type)
    for edge in edges:
        yield edge_row(edge, ids, edge_type)
