"""Apply a mapping spec to one table row: the drafts it makes, or the reason it can't."""

from __future__ import annotations

from importers.base import Draft, EntityDraft, EventDraft, LinkDraft, Row
from importers.mapping import Spec, Value, _Row
from importers.timeparse import parse_time


class RowProblem(ValueError):
    pass


def _entities(spec: Spec, row: _Row) -> tuple[list[EntityDraft], dict[str, str]]:
    drafts, keys = [], {}
    for rule in spec.entities:
        props = {}
        for name, value in rule.properties.items():
            text = value.render(row)
            if text:
                props[name] = text
        if not props:
            if rule.required:
                columns = sorted({c for v in rule.properties.values() for c in v.columns()})
                raise RowProblem(f"{rule.name} is required but {', '.join(columns)} is empty")
            continue
        key = rule.key.render(row) if rule.key else ""
        if not key:
            key = rule.type + ":" + "|".join(f"{k}={v}" for k, v in sorted(props.items()))
        keys[rule.name] = key
        drafts.append(
            EntityDraft(
                type=rule.type,
                key=key,
                properties=dict(props),
                label=rule.label.render(row) if rule.label else "",
                role=(rule.role.render(row) or None) if rule.role else None,
            )
        )
    return drafts, keys


def apply_spec(spec: Spec, values: dict[str, str], locator: str, raw: str, time_zone: str) -> Row:
    row = _Row(values)
    row.update({k.casefold(): v for k, v in values.items()})
    row["line"] = locator
    try:
        entity_drafts, keys = _entities(spec, row)
        drafts: list[Draft] = list(entity_drafts)
        for link in spec.links:
            if link.source in keys and link.target in keys:
                props = {k: t for k, v in link.properties.items() if (t := v.render(row))}
                drafts.append(
                    LinkDraft(
                        type=link.type,
                        key=f"{keys[link.source]}>{link.type}>{keys[link.target]}",
                        source=keys[link.source],
                        target=keys[link.target],
                        properties=dict(props),
                    )
                )
        if spec.event is not None:
            drafts.append(_event(spec, row, keys, locator, time_zone))
    except RowProblem as exc:
        return Row(locator, raw=raw, problem=str(exc))
    except ValueError as exc:
        return Row(locator, raw=raw, problem=str(exc))
    return Row(locator, drafts, raw=raw)


def _event(spec: Spec, row: _Row, keys: dict[str, str], locator: str, time_zone: str) -> EventDraft:
    rule = spec.event
    assert rule is not None
    kind = rule.type.render(row)
    if not kind:
        columns = ", ".join(rule.type.columns())
        raise RowProblem(f"no event type for this row ({columns}: {row[rule.type.source]!r})")
    zone = spec.time_zone or time_zone
    start = end = None
    if rule.start and (text := rule.start.render(row)):
        start = _time(rule.start, text, zone, rule.time_formats)
    if rule.end and (text := rule.end.render(row)):
        end = _time(rule.end, text, zone, rule.time_formats)
    roles = {**rule.participants.get("*", {}), **rule.participants.get(kind, {})}
    selector = rule.type.render(row) if not rule.type.source else row[rule.type.source]
    roles.update(rule.participants.get(selector.strip(), {}))
    participants = [(role, keys[name]) for role, name in roles.items() if name in keys]
    props = {k: t for k, v in rule.properties.items() if (t := v.render(row))}
    return EventDraft(
        type=kind,
        key=(rule.key.render(row) if rule.key else "") or locator,
        start=start,
        end=end,
        participants=participants,
        properties=dict(props),
        label=rule.label.render(row) if rule.label else "",
    )


def _time(value: Value, text: str, zone: str, formats: tuple[str, ...]) -> str:
    try:
        return parse_time(text, zone, formats)
    except ValueError as exc:
        raise RowProblem(f"{', '.join(value.columns()) or 'time'}: {exc}") from None
