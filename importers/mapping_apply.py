"""Apply a mapping spec to table rows: the drafts each row makes, or the reason it can't.

`SpecApplier` is made once per file. It caches what each entity rule makes from the
columns it reads, because call records repeat the same few numbers, handsets and cells
millions of times: a cache hit costs a tuple and a dict lookup instead of a dozen
template renders.
"""

from __future__ import annotations

from importers.base import Draft, EntityDraft, EventDraft, LinkDraft, Props, Row
from importers.mapping import EntityRule, Spec, Value, _Row
from importers.timeparse import parse_time

CACHE_LIMIT = 200_000  # distinct values per entity rule before the cache starts over


_MISSING = object()


class RowProblem(ValueError):
    pass


_Made = tuple[str, Props, str, str | None] | None  # key, properties, label, role


class SpecApplier:
    def __init__(self, spec: Spec, time_zone: str, aliases: dict[str, str] | None = None):
        self.spec, self.aliases = spec, aliases or {}
        self.zone = spec.time_zone or time_zone
        self._columns = {rule.name: self._rule_columns(rule) for rule in spec.entities}
        # The drafts themselves are cached and handed out again: ingest reads drafts and
        # never changes them, and building four drafts per call record cost more than the
        # rest of reading the row.
        self._cache: dict[str, dict[tuple[str, ...], EntityDraft | None]] = {
            r.name: {} for r in spec.entities
        }
        self._roles: dict[tuple[str, str], dict[str, str]] = {}

    @staticmethod
    def _rule_columns(rule: EntityRule) -> tuple[str, ...]:
        values = [*rule.properties.values(), *(v for v in (rule.key, rule.label, rule.role) if v)]
        return tuple(sorted({c for v in values for c in v.columns()}))

    def apply(self, values: dict[str, str], locator: str, raw: str) -> Row:
        row = _Row(values)
        for spec_column, header_column in self.aliases.items():
            row[spec_column] = values.get(header_column, "")
        try:
            drafts, keys = self._entities(row)
            for link in self.spec.links:
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
            if self.spec.event is not None:
                drafts.append(self._event(row, keys, locator))
        except ValueError as exc:  # RowProblem, or a conversion that refused a value
            return Row(locator, raw=raw, problem=str(exc))
        return Row(locator, drafts, raw=raw)

    def _make(self, rule: EntityRule, row: _Row) -> _Made:
        props: Props = {
            name: text for name, value in rule.properties.items() if (text := value.render(row))
        }
        if not props:
            if rule.required:
                columns = ", ".join(self._columns[rule.name])
                raise RowProblem(f"{rule.name} is required but {columns} is empty")
            return None
        key = rule.key.render(row) if rule.key else ""
        if not key:
            key = rule.type + ":" + "|".join(f"{k}={v}" for k, v in sorted(props.items()))
        label = rule.label.render(row) if rule.label else ""
        role = (rule.role.render(row) or None) if rule.role else None
        return key, props, label, role

    def _draft(self, rule: EntityRule, row: _Row) -> EntityDraft | None:
        made = self._make(rule, row)  # raises for a required entity: not cached
        if made is None:
            return None
        key, props, label, role = made
        return EntityDraft(
            type=rule.type,
            key=key,
            properties=props,
            label=label,
            role=role,
            optional=not rule.required,
        )

    def _entities(self, row: _Row) -> tuple[list[Draft], dict[str, str]]:
        drafts: list[Draft] = []
        keys: dict[str, str] = {}
        for rule in self.spec.entities:
            cache = self._cache[rule.name]
            signature = tuple([row[c] for c in self._columns[rule.name]])
            draft = cache.get(signature, _MISSING)
            if draft is _MISSING:
                draft = self._draft(rule, row)
                if len(cache) >= CACHE_LIMIT:
                    cache.clear()
                cache[signature] = draft
            if draft is None:
                continue
            assert isinstance(draft, EntityDraft)
            keys[rule.name] = draft.key
            drafts.append(draft)
        return drafts, keys

    def _event(self, row: _Row, keys: dict[str, str], locator: str) -> EventDraft:
        rule = self.spec.event
        assert rule is not None
        kind = rule.type.render(row)
        if not kind:
            shown = row[rule.type.source] if rule.type.source else ""
            raise RowProblem(
                f"no event type for this row ({', '.join(rule.type.columns())}: {shown!r})"
            )
        start = end = None
        if rule.start and (text := rule.start.render(row)):
            start = _time(rule.start, text, self.zone, rule.time_formats)
        if rule.end and (text := rule.end.render(row)):
            end = _time(rule.end, text, self.zone, rule.time_formats)
        chosen = row[rule.type.source].strip() if rule.type.source else ""
        roles = self._roles.get((kind, chosen))
        if roles is None:
            roles = {**rule.participants.get("*", {}), **rule.participants.get(kind, {})}
            if rule.type.source:
                roles.update(rule.participants.get(chosen, {}))
            self._roles[(kind, chosen)] = roles
        participants = [(role, keys[name]) for role, name in roles.items() if name in keys]
        props: Props = {k: t for k, v in rule.properties.items() if (t := v.render(row))}
        return EventDraft(
            type=kind,
            key=(rule.key.render(row) if rule.key else "") or locator,
            start=start,
            end=end,
            participants=participants,
            properties=props,
            label=rule.label.render(row) if rule.label else "",
        )


def _time(value: Value, text: str, zone: str, formats: tuple[str, ...]) -> str:
    try:
        return parse_time(text, zone, formats)
    except ValueError as exc:
        raise RowProblem(f"{', '.join(value.columns()) or 'time'}: {exc}") from None


def apply_spec(spec: Spec, values: dict[str, str], locator: str, raw: str, time_zone: str) -> Row:
    """One row on its own (tests, previews); a whole file goes through SpecApplier."""
    return SpecApplier(spec, time_zone, spec.aliases(list(values))).apply(values, locator, raw)
