"""Mapping specs: how one row of a table becomes entities, links and an event.

Like i2's import specifications, a spec is data (YAML) the analyst can save and reuse.
Values are templates over the row's columns, `"{a_party}"` or `"{CDATE} {CTIME}"`; a value
can also be picked from a map by a column (`{from: call_type, map: {MO: Call}}`). An entity
whose templates come out empty is left out (with its links and roles) unless it is
`required`, in which case the row is quarantined with the reason.
"""

from __future__ import annotations

import string
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from importers.timeparse import FORMATS

_FORMATTER = string.Formatter()


def _seconds(text: str) -> str:
    """'96', '01:36' or '0:01:36' as whole seconds."""
    if text.isdigit():
        return text
    parts = text.strip().split(":")
    if not 1 <= len(parts) <= 3 or not all(p.strip().isdigit() for p in parts):
        raise ValueError(f"not a duration: {text!r}")
    total = 0
    for part in parts:
        total = total * 60 + int(part)
    return str(total)


CONVERSIONS = {
    "duration": _seconds,
    "digits": lambda text: "".join(ch for ch in text if ch.isdigit()),
    "upper": str.upper,
    "lower": str.lower,
}


class SpecError(ValueError):
    """A spec the engine cannot use; the message names the key."""


class _Row(dict[str, str]):
    """A row's values by column; a column the file lacks reads as ''."""

    def __missing__(self, key: str) -> str:
        return ""


def _columns_of(template: str) -> list[str]:
    return [name for _, name, _, _ in _FORMATTER.parse(template) if name]


@dataclass
class Value:
    """A template, or a lookup of one column's value in a map."""

    template: str = ""
    source: str = ""
    table: dict[str, str] = field(default_factory=dict)
    default: str = ""
    convert: str = ""
    _columns: list[str] = field(default_factory=list)
    _render: Callable[[_Row], str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._columns = _columns_of(self.template) if self.template else []
        self._render = self._compile()

    @classmethod
    def parse(cls, raw: Any, where: str) -> Value:
        if isinstance(raw, str | int | float):
            return cls(template=str(raw))
        convert = str(raw.get("convert", "")) if isinstance(raw, dict) else ""
        if convert and convert not in CONVERSIONS:
            raise SpecError(f"{where}.convert: one of {', '.join(CONVERSIONS)}")
        if isinstance(raw, dict) and "from" in raw:
            table = raw.get("map", {})
            if not isinstance(table, dict):
                raise SpecError(f"{where}.map: must be a mapping of value to result")
            return cls(
                source=str(raw["from"]),
                default=str(raw.get("default", "")),
                table={str(k).casefold(): str(v) for k, v in table.items()},
                convert=convert,
            )
        if isinstance(raw, dict) and "template" in raw:
            return cls(template=str(raw["template"]), convert=convert)
        raise SpecError(f"{where}: must be a template string or {{from: column, map: {{...}}}}")

    def render(self, row: _Row) -> str:
        return self._render(row)

    def _compile(self) -> Callable[[_Row], str]:
        """The common shapes as small closures (a million rows each render ten values)."""
        if not self.convert:
            if self.source and not self.table:
                column = self.source
                return lambda row: row[column].strip()
            if self.source:
                column, table, default = self.source, self.table, self.default
                return lambda row: table.get(row[column].strip().casefold(), default)
            if len(self._columns) == 1 and self.template == "{" + self._columns[0] + "}":
                column = self._columns[0]
                return lambda row: row[column].strip()
        return self._render_any

    def _render_any(self, row: _Row) -> str:
        if self.source:
            found = row[self.source].strip()
            text = self.table.get(found.casefold(), self.default if self.table else found)
        else:
            columns = self._columns
            if len(columns) == 1:
                if not row[columns[0]].strip():
                    return ""  # "+{MSISDN_B}" with no B party is no value, not "+"
            elif columns and not any(row[c].strip() for c in columns):
                return ""
            text = self.template.format_map(row).strip()
        return CONVERSIONS[self.convert](text) if self.convert and text else text

    def columns(self) -> list[str]:
        return [self.source] if self.source else list(self._columns)


def _values(raw: Any, where: str) -> dict[str, Value]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise SpecError(f"{where}: must be a mapping")
    return {str(k): Value.parse(v, f"{where}.{k}") for k, v in raw.items()}


@dataclass
class EntityRule:
    name: str
    type: str
    properties: dict[str, Value]
    key: Value | None
    label: Value | None
    role: Value | None
    required: bool


@dataclass
class LinkRule:
    type: str
    source: str
    target: str
    properties: dict[str, Value]


@dataclass
class EventRule:
    type: Value
    start: Value | None
    end: Value | None
    time_formats: tuple[str, ...]
    key: Value | None
    properties: dict[str, Value]
    participants: dict[str, dict[str, str]]  # event type or "*" -> role -> entity name
    label: Value | None


@dataclass
class Spec:
    name: str
    title: str
    match: list[str]
    time_zone: str | None
    entities: list[EntityRule]
    links: list[LinkRule]
    event: EventRule | None
    raw: dict[str, Any]

    def columns(self) -> set[str]:
        """Every column name the spec's templates and maps read."""
        values: list[Value] = []
        for rule in self.entities:
            values += [
                *rule.properties.values(),
                *(v for v in (rule.key, rule.label, rule.role) if v),
            ]
        for link in self.links:
            values += list(link.properties.values())
        if self.event:
            ev = self.event
            values += [
                ev.type,
                *ev.properties.values(),
                *(v for v in (ev.start, ev.end, ev.key, ev.label) if v),
            ]
        return {c for v in values for c in v.columns()}

    def aliases(self, header: list[str]) -> dict[str, str]:
        """Spec column -> header column, for names that differ only in case ('SUBID', 'subid')."""
        exact = set(header)
        folded = {h.casefold(): h for h in header}
        return {
            c: folded[c.casefold()]
            for c in self.columns()
            if c not in exact and c.casefold() in folded
        }

    def matches(self, header: list[str]) -> float:
        """Share of the spec's `match` columns present in a header (0 when any is missing)."""
        if not self.match:
            return 0.0
        have = {h.strip().casefold() for h in header}
        return 1.0 if all(m.casefold() in have for m in self.match) else 0.0


def _opt(raw: dict[str, Any], key: str, where: str) -> Value | None:
    return Value.parse(raw[key], f"{where}.{key}") if raw.get(key) is not None else None


def _entity_rule(name: str, raw: Any) -> EntityRule:
    where = f"entities.{name}"
    if not isinstance(raw, dict) or not isinstance(raw.get("type"), str):
        raise SpecError(f"{where}: needs at least 'type' (an entity type such as Person)")
    return EntityRule(
        name=name,
        type=raw["type"],
        properties=_values(raw.get("properties"), f"{where}.properties"),
        key=_opt(raw, "key", where),
        label=_opt(raw, "label", where),
        role=_opt(raw, "role", where),
        required=bool(raw.get("required", False)),
    )


def _participants(raw: Any, names: set[str]) -> dict[str, dict[str, str]]:
    """Either {role: entity} for every event, or {event type or '*': {role: entity}}."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise SpecError("event.participants: must be a mapping of role to entity name")
    if all(isinstance(v, str) for v in raw.values()):
        raw = {"*": raw}
    out: dict[str, dict[str, str]] = {}
    for kind, roles in raw.items():
        if not isinstance(roles, dict):
            raise SpecError(f"event.participants.{kind}: must be a mapping of role to entity")
        for role, entity in roles.items():
            if entity not in names:
                raise SpecError(f"event.participants.{kind}.{role}: no entity named {entity!r}")
        out[str(kind)] = {str(r): str(e) for r, e in roles.items()}
    return out


def parse_spec(raw: Any, default_name: str = "spec") -> Spec:
    if not isinstance(raw, dict):
        raise SpecError("a spec must be a mapping (YAML keys and values)")
    entities_raw = raw.get("entities") or {}
    if not isinstance(entities_raw, dict):
        raise SpecError("entities: must be a mapping of name to entity rule")
    entities = [_entity_rule(str(n), r) for n, r in entities_raw.items()]
    names = {e.name for e in entities}
    links = []
    for i, link in enumerate(raw.get("links") or []):
        where = f"links[{i}]"
        if not isinstance(link, dict) or not {"type", "source", "target"} <= set(link):
            raise SpecError(f"{where}: needs type, source and target")
        for end in ("source", "target"):
            if link[end] not in names:
                raise SpecError(f"{where}.{end}: no entity named {link[end]!r}")
        links.append(
            LinkRule(
                str(link["type"]),
                str(link["source"]),
                str(link["target"]),
                _values(link.get("properties"), f"{where}.properties"),
            )
        )
    event = None
    if raw.get("event") is not None:
        ev = raw["event"]
        if not isinstance(ev, dict) or "type" not in ev:
            raise SpecError("event: needs at least 'type'")
        formats = ev.get("time_format")
        event = EventRule(
            type=Value.parse(ev["type"], "event.type"),
            start=_opt(ev, "start", "event"),
            end=_opt(ev, "end", "event"),
            time_formats=(str(formats),) if formats else FORMATS,
            key=_opt(ev, "key", "event"),
            properties=_values(ev.get("properties"), "event.properties"),
            participants=_participants(ev.get("participants"), names),
            label=_opt(ev, "label", "event"),
        )
    if not entities and event is None:
        raise SpecError("a spec needs at least one entity or an event")
    match = raw.get("match") or []
    if not isinstance(match, list):
        raise SpecError("match: must be a list of column names")
    return Spec(
        name=str(raw.get("name", default_name)),
        title=str(raw.get("title", "")),
        match=[str(m) for m in match],
        time_zone=raw.get("time_zone"),
        entities=entities,
        links=links,
        event=event,
        raw=raw,
    )
