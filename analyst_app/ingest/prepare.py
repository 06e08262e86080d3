"""`records.prepare` for a whole file, remembering what rows have in common.

A million call records carry a few thousand distinct (type, label, properties, status,
grades) combinations: the same durations, directions and channels again and again.
Cleaning them against the schema is most of the cost of checking an event, so the
outcome is kept per combination and only what differs per row (times, participants,
link ends, ids) is checked each time. A combination the schema refuses is never kept,
so every row that has it is refused with the same reason.
"""

from __future__ import annotations

from analyst_app.model import Entity, PropertyValue, Record
from analyst_app.records import check_row_parts, prepare, search_text
from analyst_app.schema.grading import GradingScheme
from analyst_app.schema.loader import Schema, TypeDef

MEMO_LIMIT = 100_000  # distinct combinations kept before the memo starts over

_Key = tuple[object, ...]
_Outcome = tuple[TypeDef, dict[str, PropertyValue], str, str]  # type, props, label, text


class Preparer:
    """Check records like `records.prepare` and return their search text."""

    def __init__(self, schema: Schema, region: str, grading: GradingScheme | None) -> None:
        self.schema, self.region, self.grading = schema, region, grading
        self._memo: dict[_Key, _Outcome] = {}

    def _full(self, record: Record) -> tuple[TypeDef, str]:
        typedef = prepare(record, self.schema, region=self.region, grading=self.grading)
        return typedef, search_text(typedef, record.properties, record.label)

    def __call__(self, record: Record) -> str:
        if isinstance(record, Entity):  # few per file once identifiers repeat: no memo
            return self._full(record)[1]
        props = record.properties
        if not all(type(v) is str for v in props.values()):
            return self._full(record)[1]
        key = (
            type(record),
            record.type,
            record.label,
            record.status,
            record.source_grade,
            record.info_grade,
            *props.items(),
        )
        known = self._memo.get(key)
        if known is None:
            typedef, text = self._full(record)  # RecordError: the combination is not kept
            if len(self._memo) >= MEMO_LIMIT:
                self._memo.clear()
            self._memo[key] = (typedef, dict(record.properties), record.label, text)
            return text
        typedef, cleaned, label, text = known
        record.type, record.properties, record.label = typedef.name, dict(cleaned), label
        check_row_parts(typedef, record)
        return text
