"""Every call and message of the case as numpy arrays, read once per run for the call rules.

A million call records do not fit a temporary SQL table cheaply: building one (and its two
text indexes) cost 17 s of CPU on the large demo. Here two plain scans feed Python and
numpy: `events` for each record's time, type and direction, and `event_entities` (in its
primary key order, so the GROUP BY streams) for its parties and cell. Phones and cells
become integer codes numbered in the order of their ids, so comparing codes compares ids,
as the SQL did. Rows stay in event id order, the order the SQL table
had, so ties sort exactly as before.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import count, repeat
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from analyst_app.collector import collection_paused
from analyst_app.store import rule_queries
from analyst_app.store.rule_queries import NO_TIME

if TYPE_CHECKING:
    from analyst_app.findings.context import RuleContext
    from analyst_app.store.connection import Connection

Ints = npt.NDArray[np.int64]
BATCH = 50_000
# `direction` codes (the store's DIRECTION); UNREAD: not read yet. It sits in the JSON
# properties, costly to read for a million rows, so it is read only for the rows that need it.
UNREAD, OUTGOING, INCOMING = -1, 1, 2

Row = tuple[str, str, str, str, str]  # (event id, start_utc, 'Call'|'Message', A party, B party)


@dataclass
class Comm:
    """One row per call or message with both parties known, in event id order."""

    events: list[str]  # event id per row
    epoch: Ints  # start, seconds since 1970 (UTC)
    is_call: npt.NDArray[np.bool_]
    direction: npt.NDArray[np.int8]  # OUTGOING, INCOMING, 0 (other) or UNREAD: see directions()
    a: Ints  # who started it (caller, sender): a code into `names`
    b: Ints  # who received it
    cell: Ints  # -1 when none
    names: list[str]  # entity id per code, sorted
    # rows by (A party, time) and those A parties, the same for B (made on first use)
    _by_party: tuple[Ints, Ints, Ints, Ints] | None = None

    def __len__(self) -> int:
        return len(self.events)

    def code(self, entity_id: str) -> int:
        """The code of an entity id, or -1 if no record names it."""
        at = bisect_left(self.names, entity_id)
        return at if at < len(self.names) and self.names[at] == entity_id else -1

    def party_rows(self, code: int) -> Ints:
        """Rows where `code` is the A party, then rows where it is the B party, each by
        time (ties in event order: the order the SQL index on (party, time) gave)."""
        if self._by_party is None:
            by_a, by_b = np.lexsort((self.epoch, self.a)), np.lexsort((self.epoch, self.b))
            self._by_party = (by_a, self.a[by_a], by_b, self.b[by_b])
        by_a, a, by_b, b = self._by_party
        return np.concatenate(
            [
                by_a[np.searchsorted(a, code, "left") : np.searchsorted(a, code, "right")],
                by_b[np.searchsorted(b, code, "left") : np.searchsorted(b, code, "right")],
            ]
        )


def load_comm(ctx: RuleContext) -> Comm:
    """The run's Comm (read on first use, then shared by the rules)."""
    cached = ctx.cache.get("comm")
    if isinstance(cached, Comm):
        return cached
    # The collector would walk the growing lists again and again while a million rows come
    # in (measured: a quarter of the time); nothing read here holds a reference cycle.
    with collection_paused():
        comm = _read(ctx.case.conn)
    ctx.cache["comm"] = comm
    return comm


def _read(conn: Connection) -> Comm:
    """Times, types and directions first (by event id), then the parties, matched by id."""
    ids: list[str] = []
    epochs: list[int] = []
    calls: list[int] = []
    for batch in rule_queries.call_times(conn, BATCH):
        i, e, c = zip(*batch, strict=True)
        ids.extend(i)
        epochs.extend(e)
        calls.extend(c)
    position = dict(zip(ids, range(len(ids)), strict=True))
    # Codes in order of first sight; None (no cell) is code 0. Whole columns go through
    # C-level map() calls: a Python loop over a million rows costs more than the SQL.
    codes: defaultdict[str | None, int] = defaultdict(count().__next__)
    code = codes.__getitem__
    code(None)  # None (no cell) gets the code 0
    rows: list[int] = []
    columns: tuple[list[int], list[int], list[int]] = ([], [], [])
    for batch in rule_queries.call_parties(conn, BATCH):
        events, *parties = zip(*batch, strict=True)
        rows.extend(map(position.get, events, repeat(-1, len(events))))
        for column, values in zip(columns, parties, strict=True):
            column.extend(map(code, values))
    del position
    names = sorted(n for n in codes if n is not None)
    rank = np.full(len(codes), -1, dtype=np.int64)
    rank[np.fromiter(map(code, names), dtype=np.int64, count=len(names))] = np.arange(len(names))
    epoch = np.asarray(epochs, dtype=np.int64)
    at = np.asarray(rows, dtype=np.int64)
    # parties of events that are not calls or messages, or have no time, are dropped here
    known = at >= 0
    known[known] = epoch[at[known]] != NO_TIME
    at = at[known]
    a, b, cell = (rank[np.asarray(c, dtype=np.int64)[known]] for c in columns)
    return Comm(
        events=[ids[n] for n in at.tolist()],
        epoch=epoch[at],
        is_call=np.asarray(calls, dtype=np.bool_)[at],
        direction=np.full(len(at), UNREAD, dtype=np.int8),
        a=a,
        b=b,
        cell=cell,
        names=names,
    )


def directions(ctx: RuleContext, comm: Comm, rows: Ints) -> npt.NDArray[np.int8]:
    """`comm.direction`, with these rows read (by event id, or in one scan if they are many)."""
    missing = rows[comm.direction[rows] == UNREAD]
    if missing.size > len(comm) // 4:
        wanted = {comm.events[n]: n for n in missing.tolist()}
        found = [
            (wanted[event], code)
            for event, code in rule_queries.all_call_directions(ctx.case)
            if event in wanted
        ]
    else:
        events = [comm.events[n] for n in missing.tolist()]
        position = dict(zip(events, missing.tolist(), strict=True))
        found = [
            (position[event], code)
            for event, code in rule_queries.call_directions(ctx.case, events)
        ]
    comm.direction[missing] = 0
    if found:
        comm.direction[[n for n, _ in found]] = [code for _, code in found]
    return comm.direction


def starts(ctx: RuleContext, events: Iterable[str]) -> dict[str, str]:
    """start_utc of these events (only the rows a finding shows are looked up)."""
    return rule_queries.event_starts(ctx.case, list(dict.fromkeys(events)))


def rows_of(ctx: RuleContext, comm: Comm, at: Sequence[int] | Ints) -> list[Row]:
    """(event, start_utc, type, A party, B party) for these rows, in the order given."""
    index = [int(n) for n in at]
    ts = starts(ctx, (comm.events[n] for n in index))
    names = comm.names
    out: list[Row] = []
    for n in index:
        event = comm.events[n]
        kind = "Call" if comm.is_call[n] else "Message"
        out.append((event, ts[event], kind, names[comm.a[n]], names[comm.b[n]]))
    return out


def contacts_of(comm: Comm, phone: str) -> dict[str, Ints]:
    """Everyone `phone` called or texted or was called or texted by: other party -> its
    rows (those where `phone` is the A party first, each side by time)."""
    code = comm.code(phone)
    if code < 0:
        return {}
    rows = comm.party_rows(code)
    if not rows.size:
        return {}
    others = np.where(comm.a[rows] == code, comm.b[rows], comm.a[rows])
    # group by the other party, in order of first appearance, each group in row order
    order = np.argsort(others, kind="stable")
    ordered = others[order]
    cuts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    groups = np.split(order, cuts[1:])
    groups.sort(key=lambda g: int(g[0]))
    return {comm.names[int(others[g[0]])]: rows[g] for g in groups}
