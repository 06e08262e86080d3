"""What the timeline widget draws: each lane's events as flat numpy arrays, and one event
described in words for hover details.

Arrays, not objects, because the widget slices and bins a million events per pan step;
sorted by time so a visible window is two binary searches. The same `LaneEvents` can be
built straight from arrays (`LaneEvents.build`), which is how the benchmark feeds it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from analyst_app.timeline import queries
from analyst_app.timeline.clock import case_zone, local, utc_to_epoch
from analyst_app.timeline.work import Cancelled, Progress, check, report

if TYPE_CHECKING:
    from analyst_app.store.case import Case

# Glyph kinds, in the order the widget styles them; unknown types fall into "other".
KINDS = ("Call", "Message", "Transaction", "AdPost", "Tip", "Travel", "Meeting", "other")
_KIND_INDEX = {name: i for i, name in enumerate(KINDS)}


@dataclass(frozen=True)
class LaneEvents:
    """Timed events on lanes, sorted by time. One event on two lanes appears twice."""

    lanes: tuple[str, ...]  # entity ids, top lane first
    labels: tuple[str, ...]
    t: np.ndarray  # float64 epoch seconds
    lane: np.ndarray  # int32 index into lanes
    kind: np.ndarray  # int8 index into KINDS
    amount: np.ndarray  # float64, NaN where the event has none
    rowid: np.ndarray  # int64 events.rowid, -1 for synthetic events
    untimed: int = 0  # events of these lanes with no time, not drawn
    extra: dict[str, object] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        lanes: Sequence[str],
        labels: Sequence[str],
        t: np.ndarray,
        lane: np.ndarray,
        kind: np.ndarray,
        amount: np.ndarray | None = None,
        rowid: np.ndarray | None = None,
        untimed: int = 0,
    ) -> LaneEvents:
        t = np.asarray(t, dtype=np.float64)
        # Rows from the store come in time order already (ORDER BY over the index); sorting
        # a million floats again would cost most of the load budget, so check first.
        in_order = t.size < 2 or bool(np.all(t[1:] >= t[:-1]))
        order = slice(None) if in_order else np.argsort(t)
        size = t.size
        return cls(
            lanes=tuple(lanes),
            labels=tuple(labels),
            t=np.ascontiguousarray(t[order]),
            lane=np.ascontiguousarray(np.asarray(lane, np.int32)[order]),
            kind=np.ascontiguousarray(np.asarray(kind, np.int8)[order]),
            amount=(
                np.full(size, np.nan) if amount is None else np.asarray(amount, np.float64)[order]
            ),
            rowid=np.full(size, -1, np.int64) if rowid is None else np.asarray(rowid)[order],
            untimed=untimed,
        )

    def __len__(self) -> int:
        return int(self.t.size)

    def distinct(self) -> int:
        """Events counted once however many lanes they are on (synthetic ones each count).

        Worked out once and kept in `extra`: the loader computes it on its worker thread,
        so the header never sorts a million ids on the GUI thread.
        """
        known = self.extra.get("distinct")
        if isinstance(known, int):
            return known
        ids = self.rowid
        if ids.size and (ids >= 0).all():
            ordered = np.sort(ids)  # sort + diff: several times faster than np.unique here
            count = int(np.count_nonzero(ordered[1:] != ordered[:-1])) + 1
        else:
            count = int(ids.size)
        self.extra["distinct"] = count
        return count


def kind_of(event_type: str) -> int:
    return _KIND_INDEX.get(event_type, _KIND_INDEX["other"])


def lane_events(
    case: Case,
    entity_ids: Sequence[str],
    *,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> LaneEvents:
    """The timed events of each entity (one lane each, in the order given).

    Read lane by lane, reporting `progress(fraction)` after each and asking `cancelled()`
    between batches of rows (it raises LoadCancelled), so a widget can run this on a worker
    thread with a progress bar and a cancel button.
    """
    ids = list(dict.fromkeys(entity_ids))
    names = queries.entity_labels(case, ids)
    labels = [names.get(i, ("", i))[1] or i for i in ids]
    parts: list[tuple[np.ndarray, ...]] = []
    for index, entity_id in enumerate(ids):
        check(cancelled)
        lane, *rest = queries.lane_columns(case, [entity_id], KINDS, cancelled)
        parts.append((lane + index, *rest))
        report(progress, (index + 1) / (len(ids) + 1))
    if parts:
        lane, rowid, t, kind, amount = (np.concatenate(col) for col in zip(*parts, strict=True))
    else:
        lane, rowid, t, kind, amount = queries.lane_columns(case, [], KINDS)
    if rowid.size:  # one mark per (lane, event), even for an entity in two roles
        key = lane.astype(np.int64) * (int(rowid.max()) + 1) + rowid
        _, first = np.unique(key, return_index=True)
        if first.size < key.size:
            lane, rowid, t, kind, amount = (a[first] for a in (lane, rowid, t, kind, amount))
    check(cancelled)
    untimed = queries.lane_untimed(case, ids)
    events = LaneEvents.build(ids, labels, t, lane, kind, amount, rowid, untimed=untimed)
    events.distinct()  # here, off the GUI thread, rather than when the header is drawn
    report(progress, 1.0)
    return events


@dataclass(frozen=True)
class EventSummary:
    id: str
    type: str
    start_utc: str | None
    text: str  # one line: local time, type, who, what
    entity_ids: tuple[str, ...]


_DETAIL_KEYS = (
    "direction",
    "duration_s",
    "channel",
    "site",
    "city",
    "classification",
    "mode",
    "from_city",
    "to_city",
    "kind",
    "memo",
)


def describe_event(case: Case, rowid: int) -> EventSummary | None:
    """An event in one line as an analyst reads it, with the ids of its participants."""
    row = queries.event_row(case, rowid)
    if row is None:
        return None
    event_id, event_type, start, label, props_json = row
    props = json.loads(props_json or "{}")
    people = queries.event_participants(case, event_id)
    when = "no time"
    if start:
        when = local(utc_to_epoch(start), case_zone(case)).strftime("%Y-%m-%d %H:%M %Z")
    typedef = case.schema.get(event_type, "event")
    parts = [when, typedef.label if typedef else event_type]
    if props.get("amount"):
        parts.append(f"{props['amount']} {props.get('currency', '')}".strip())
    parts += [f"{k.replace('_', ' ')} {props[k]}" for k in _DETAIL_KEYS if props.get(k)]
    who = ", ".join(f"{role} {lbl or eid}" for role, eid, _t, lbl in people)
    text = " · ".join(str(p) for p in parts) + (f" — {who}" if who else "")
    if label and label not in text:
        text += f" ({label})"
    return EventSummary(
        event_id, event_type, start, text, tuple(dict.fromkeys(eid for _r, eid, _t, _l in people))
    )
