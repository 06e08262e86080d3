"""Check a record against the schema and fill in what the store needs: id, label, search text.

Identifier entities (phone, email, account, ...) take their id from their normalized value,
`phone:+15551234567`, so every file that mentions the number lands on the same entity.
People and organizations get random ids and are joined only by resolution.
"""

from __future__ import annotations

import uuid

from analyst_app.model import STATUSES, Entity, Event, Link, PropertyValue, Record, values
from analyst_app.schema.grading import GradingScheme
from analyst_app.schema.loader import Schema, TypeDef
from analyst_app.schema.property_types import PROPERTY_TYPES

_KINDS = {Entity: "entity", Link: "link", Event: "event"}


class RecordError(ValueError):
    """A record the schema refuses; the message is the reason quarantine keeps."""


def _type_of(schema: Schema, record: Record, kind: str) -> TypeDef:
    typedef = schema.get(record.type, kind)
    if typedef is None or typedef.abstract:
        raise RecordError(f"unknown {kind} type {record.type!r}")
    return typedef


def _clean_one(typedef: TypeDef, name: str, raw: str, region: str) -> str:
    spec = typedef.properties[name]
    try:
        value = spec.type.clean(raw, region=region)
    except ValueError as exc:
        raise RecordError(f"{name}: {exc}") from None
    if spec.choices:
        value = value.lower()
        if value not in spec.choices:
            raise RecordError(f"{name}: {value!r} is not one of {', '.join(spec.choices)}")
    return value


def _clean_properties(typedef: TypeDef, props: dict[str, PropertyValue], region: str) -> None:
    known = typedef.properties
    for name, value in list(props.items()):
        if name not in known:
            raise RecordError(f"{typedef.name} has no property {name!r}")
        if isinstance(value, str):  # the common case, kept cheap: a million rows per import
            props[name] = _clean_one(typedef, name, value, region)
            continue
        cleaned = [_clean_one(typedef, name, raw, region) for raw in value]
        if not cleaned:
            del props[name]
        else:
            props[name] = cleaned[0] if len(cleaned) == 1 else cleaned
    for name in typedef.required:
        if name not in props:
            raise RecordError(f"{typedef.name} needs {known[name].label.lower()} ({name})")


def _check_common(record: Record, grading: GradingScheme | None) -> None:
    if record.status not in STATUSES:
        raise RecordError(f"status {record.status!r} is not one of {', '.join(STATUSES)}")
    if grading is not None:
        try:
            grading.check(record.source_grade, record.info_grade)
        except ValueError as exc:
            raise RecordError(str(exc)) from None


def search_text(typedef: TypeDef, props: dict[str, PropertyValue], label: str = "") -> str:
    """The words full-text search finds a record by, besides its label (for events, with it)."""
    words = [label] if typedef.kind == "event" and label and label != typedef.label else []
    searchable = typedef.searchable_types
    for name, value in props.items():  # in the record's own order: deterministic text
        kind = searchable.get(name)
        if kind is None:
            continue
        for one in (value,) if isinstance(value, str) else value:
            # The label has its own column in the index: don't index it twice.
            words.extend(form for form in kind.search_forms(one) if form != label)
    return " ".join(words)


def prepare(
    record: Record, schema: Schema, *, region: str = "US", grading: GradingScheme | None = None
) -> TypeDef:
    """Normalize `record` in place and return its type; raise RecordError if it is not valid."""
    kind = _KINDS[type(record)]
    typedef = _type_of(schema, record, kind)
    record.type = typedef.name
    _fill_from_label(typedef, record)
    _clean_properties(typedef, record.properties, region)
    _check_common(record, grading)
    if isinstance(record, Entity) and record.role is not None:
        roles = typedef.roles or ()
        if record.role not in roles:
            raise RecordError(f"role {record.role!r} is not one of {', '.join(roles) or 'none'}")
    if not record.label:
        record.label = _default_label(typedef, record.properties)
    check_row_parts(typedef, record)
    return typedef


def check_row_parts(typedef: TypeDef, record: Record) -> None:
    """The checks that depend on one row, not on its properties: participants' roles,
    times, link ends and the id. (ingest.prepare reuses the rest across rows.)"""
    if isinstance(record, Event):
        allowed = typedef.participants
        for role, _ in record.participants:
            if allowed and role not in allowed:
                raise RecordError(
                    f"a {typedef.label.lower()} has no role {role!r} ({', '.join(allowed)})"
                )
        record.start = _clean_time(record.start, "start")
        record.end = _clean_time(record.end, "end")
    if record.id is None:
        record.id = _new_id(typedef, record.properties)
    if isinstance(record, Link) and not (record.source_id and record.target_id):
        raise RecordError("a link needs both ends")


def _fill_from_label(typedef: TypeDef, record: Record) -> None:
    """`add --type Phone --label "555 0100"`: the label is the identifying value."""
    key = typedef.id_from or ("name" if "name" in typedef.properties else None)
    if key and record.label and not record.properties.get(key):
        record.properties[key] = record.label
        if typedef.id_from:
            record.label = ""  # relabel with the normalized value


def _clean_time(value: str | None, what: str) -> str | None:
    if value is None or value == "":
        return None
    try:
        return PROPERTY_TYPES["datetime"].clean(value)
    except ValueError as exc:
        raise RecordError(f"{what}: {exc}") from None


def _new_id(typedef: TypeDef, props: dict[str, PropertyValue]) -> str:
    if typedef.id_from and typedef.id_prefix:
        key = values(props.get(typedef.id_from))
        if key:
            return f"{typedef.id_prefix}:{key[0]}"
    return f"{typedef.name.lower()}:{uuid.uuid4().hex}"


def _default_label(typedef: TypeDef, props: dict[str, PropertyValue]) -> str:
    for name in (typedef.id_from, *typedef.identify, "name", "title"):
        if name and values(props.get(name)):
            return values(props.get(name))[0]
    return typedef.label
