"""The SQL the red-flag rules share: the transactions table, evidence and name lookups, who
may be a victim, and the scans behind the call rules' numpy arrays.

`analyst_app.findings` decides what is a finding; this module only asks the case for rows
(DESIGN.md keeps SQL in the store package). Lookups by a list of ids go CHUNK ids at a
time, well under SQLite's bound-parameter limit. Each rule family's own queries are in a
module of its own: cash_queries, flow_queries, spend_queries, ad_queries, call_queries and
report_queries.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from analyst_app.store.case import Case
    from analyst_app.store.connection import Connection

CHUNK = 500

TXN_TABLE = """
CREATE TEMP TABLE fx_txn AS
SELECT e.id AS id, a.entity_id AS account, e.start_utc AS ts,
       strftime('%Y-%m-%d %H:%M', e.start_utc, {offset} || ' minutes') AS local,
       CAST(strftime('%s', e.start_utc) AS INTEGER) AS epoch,
       CAST(json_extract(e.properties, '$.amount') AS REAL) AS amount,
       coalesce(json_extract(e.properties, '$.currency'), '') AS currency,
       coalesce(json_extract(e.properties, '$.direction'), '') AS direction,
       coalesce(json_extract(e.properties, '$.channel'), '') AS channel,
       coalesce(json_extract(e.properties, '$.mcc'), '') AS mcc,
       coalesce(json_extract(e.properties, '$.merchant_name'), '') AS merchant,
       coalesce(json_extract(e.properties, '$.merchant_city'), '') AS city,
       coalesce(json_extract(e.properties, '$.location'), '') AS location,
       coalesce(json_extract(e.properties, '$.depositor'), '') AS depositor,
       coalesce(json_extract(e.properties, '$.counterparty_name'), '') AS cp_name,
       coalesce(json_extract(e.properties, '$.counterparty_country'), '') AS cp_country,
       coalesce(json_extract(e.properties, '$.memo'), '') AS memo,
       (SELECT x.entity_id FROM event_entities x WHERE x.event_id = e.id
          AND x.role = 'merchant') AS merchant_id,
       (SELECT x.entity_id FROM event_entities x WHERE x.event_id = e.id
          AND x.role = 'counterparty') AS cp_id,
       (SELECT x.entity_id FROM event_entities x WHERE x.event_id = e.id
          AND x.role = 'depositor') AS depositor_id
FROM events e JOIN event_entities a ON a.event_id = e.id AND a.role = 'account'
WHERE e.type = 'Transaction' AND e.start_utc IS NOT NULL
"""


def in_list(column: str, values: Sequence[str]) -> str:
    """`column IN ('a', 'b')` for threshold lists (quoted here: they are the analyst's YAML)."""
    quoted = ", ".join("'" + str(v).replace("'", "''") + "'" for v in values)
    return f"{column} IN ({quoted})" if values else "0"


def time_bounds(case: Case, column: str, table: str = "events") -> tuple[Any, Any]:
    """min and max of `column` (program-given names, never user input).

    Two subqueries: each is one step down an index, where min() and max() in one
    SELECT scan the whole table.
    """
    first, last = case.conn.execute(
        f"SELECT (SELECT min({column}) FROM {table}), (SELECT max({column}) FROM {table})"
    ).fetchone()
    return first, last


def make_txn_table(case: Case, offset_sql: str) -> None:
    """`temp.fx_txn` (TXN_TABLE) made afresh; `offset_sql` is the case zone's UTC offset in
    minutes at `start_utc`, as SQL (a number or a CASE the caller built from the zone)."""
    conn = case.conn
    conn.execute("DROP TABLE IF EXISTS temp.fx_txn")
    conn.execute(TXN_TABLE.replace("{offset}", offset_sql))
    conn.execute("CREATE INDEX temp.fx_txn_account ON fx_txn(account, ts)")


def drop_txn_table(case: Case) -> None:
    case.conn.execute("DROP TABLE IF EXISTS temp.fx_txn")


def drop_temp_table(case: Case, name: str) -> None:
    """Drop a temporary table a rule made (`name` is the program's, never user input)."""
    case.conn.execute(f"DROP TABLE IF EXISTS temp.{name}")


def _marks(chunk: Sequence[str]) -> str:
    return ", ".join("?" * len(chunk))


def in_chunks(case: Case, sql: str, ids: Sequence[str]) -> Iterator[tuple[Any, ...]]:
    """Rows of `sql` (its `{marks}` the placeholders) for `ids`, CHUNK ids a query: SQLite
    caps the number of bound parameters, and a case can name tens of thousands."""
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        yield from case.conn.execute(sql.format(marks=_marks(chunk)), chunk)


def first_column(case: Case, sql: str, params: Sequence[Any] = ()) -> list[Any]:
    """The first column of `sql`'s rows, in their order."""
    return [row[0] for row in case.conn.execute(sql, params)]


def places(case: Case, ids: Sequence[str]) -> Iterator[tuple[Any, ...]]:
    """(object id, source id, file name, sha256, locator) for each place these objects came
    from, in source then locator order within each chunk."""
    return in_chunks(
        case,
        "SELECT p.object_id, s.id, s.file_name, s.sha256, p.locator FROM provenance p"
        " JOIN sources s ON s.id = p.source_id WHERE p.object_id IN ({marks})"
        " ORDER BY s.id, p.locator",
        ids,
    )


def owners(case: Case, accounts: Sequence[str]) -> Iterator[tuple[str, str]]:
    """(owner, account) for `owns` links to these accounts, by owner within each chunk."""
    return in_chunks(
        case,
        "SELECT source_id, target_id FROM links WHERE type = 'owns' AND target_id IN ({marks})"
        " ORDER BY source_id",
        accounts,
    )


def labels(case: Case, ids: Sequence[str]) -> Iterator[tuple[str, str]]:
    """(id, label) of those of `ids` that are entities."""
    return in_chunks(case, "SELECT id, label FROM entities WHERE id IN ({marks})", ids)


def marked_victims(case: Case) -> list[str]:
    return first_column(case, "SELECT id FROM entities WHERE role = 'victim'")


def victim_labels(case: Case) -> list[str]:
    return first_column(case, "SELECT label FROM entities WHERE role = 'victim'")


def person_labels(case: Case) -> Iterator[tuple[str, str]]:
    return case.conn.execute("SELECT id, label FROM entities WHERE type = 'Person'")


def same_as_pairs(case: Case) -> Iterator[tuple[str, str]]:
    return case.conn.execute("SELECT source_id, target_id FROM links WHERE type = 'same_as'")


def owns_pairs(case: Case) -> Iterator[tuple[str, str]]:
    """(owner, what it owns) of every `owns` link."""
    return case.conn.execute("SELECT source_id, target_id FROM links WHERE type = 'owns'")


def account_holders(case: Case) -> Iterator[tuple[str, Any]]:
    """(account id, the holder name its bank rows gave, or None)."""
    return case.conn.execute(
        "SELECT id, json_extract(properties, '$.holder') FROM entities WHERE type = 'Account'"
    )


# -- calls and messages as columns (findings.comm) -------------------------------------------
NO_TIME = -(2**62)  # a start_utc that is not a time: the record is left out
# `direction` codes: 1 outgoing, 2 incoming, 0 anything else (missed, unknown, none). It
# sits in the JSON properties, costly to read for a million rows, so it is read only for
# the rows that need it.
DIRECTION = """CASE json_extract(properties, '$.direction')
    WHEN 'outgoing' THEN 1 WHEN 'incoming' THEN 2 ELSE 0 END"""

# `+type`: a plain scan in rowid order; the index on type would fetch nine rows in ten
# one by one. unixepoch() is strftime('%s') (the same integer) at half the cost.
EVENTS = """
SELECT id, coalesce(unixepoch(start_utc), {none}),
       type = 'Call'
FROM events WHERE +type IN ('Call', 'Message') AND start_utc IS NOT NULL
""".replace("{none}", str(NO_TIME))
# `event_entities` in its primary key order, so the GROUP BY streams.
PARTIES = """
SELECT event_id,
       max(CASE WHEN role IN ('caller', 'sender') THEN entity_id END) AS a,
       max(CASE WHEN role IN ('callee', 'recipient') THEN entity_id END) AS b,
       max(CASE WHEN role = 'cell' THEN entity_id END)
FROM event_entities WHERE role IN ('caller', 'sender', 'callee', 'recipient', 'cell')
GROUP BY event_id HAVING a IS NOT NULL AND b IS NOT NULL
"""


def _batches(conn: Connection, sql: str, size: int) -> Iterator[list[Any]]:
    cursor = conn.execute(sql)
    while batch := cursor.fetchmany(size):
        yield batch


def call_times(conn: Connection, size: int) -> Iterator[list[Any]]:
    """(event id, epoch seconds or NO_TIME, 1 if a call else 0) of every timed call and
    message, in rowid order, `size` rows a batch."""
    return _batches(conn, EVENTS, size)


def call_parties(conn: Connection, size: int) -> Iterator[list[Any]]:
    """(event id, A party, B party, cell or None) of every event with both parties, in
    event id order, `size` rows a batch."""
    return _batches(conn, PARTIES, size)


def all_call_directions(case: Case) -> Iterator[tuple[str, int]]:
    """(event id, direction code) of every call and message, in one scan."""
    return case.conn.execute(
        f"SELECT id, {DIRECTION} FROM events WHERE +type IN ('Call', 'Message')"
    )


def call_directions(case: Case, events: Sequence[str]) -> Iterator[tuple[str, int]]:
    """(event id, direction code) of these events, by id."""
    for at in range(0, len(events), CHUNK):
        chunk = events[at : at + CHUNK]
        yield from case.conn.execute(
            f"SELECT id, {DIRECTION} FROM events WHERE id IN ({_marks(chunk)})", chunk
        )


def event_starts(case: Case, events: Sequence[str]) -> dict[str, str]:
    """id -> start_utc of these events."""
    out: dict[str, str] = {}
    for at in range(0, len(events), CHUNK):
        chunk = events[at : at + CHUNK]
        out.update(
            case.conn.execute(
                f"SELECT id, start_utc FROM events WHERE id IN ({_marks(chunk)})", chunk
            ).fetchall()
        )
    return out
