"""The cash red flags' queries (findings.money_cash: F5, F6, F10, F11) over `temp.fx_txn`.

The rules decide what is a finding; these only fetch rows (DESIGN.md keeps SQL in the store
package). Rows that cite transactions have the columns of COLS, in that order.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from analyst_app.store.rule_queries import first_column, in_list

if TYPE_CHECKING:
    from analyst_app.store.case import Case

Row = tuple[Any, ...]
COLS = "id, account, epoch, local, amount, currency, direction, channel, location, depositor, depositor_id, memo"  # noqa: E501


def _minutes(hhmm: str) -> int:
    hours, _, minutes = hhmm.strip().partition(":")
    return int(hours) * 60 + int(minutes or 0)


def after_hours_sql(span: str) -> str:
    """SQL true when `local` is inside `span` ("21:00-06:00" wraps past midnight)."""
    start, _, end = span.partition("-")
    lo, hi = _minutes(start), _minutes(end)
    minute = "(CAST(substr(local, 12, 2) AS INTEGER) * 60 + CAST(substr(local, 15, 2) AS INTEGER))"
    if lo <= hi:
        return f"({minute} >= {lo} AND {minute} < {hi})"
    return f"({minute} >= {lo} OR {minute} < {hi})"


def business_accounts(case: Case, categories: Sequence[str], mccs: Sequence[str]) -> set[str]:
    """Accounts owned by an Organization of one of these (lower-case) categories, and
    accounts credited by a merchant of one of these MCCs (F5's businesses)."""
    category = "lower(json_extract(o.properties, '$.category'))"
    kinds = case.conn.execute(
        "SELECT l.target_id FROM links l JOIN entities o ON o.id = l.source_id WHERE"
        f" l.type = 'owns' AND o.type = 'Organization' AND {in_list(category, categories)}"
    ).fetchall()
    businesses = {r[0] for r in kinds}
    businesses.update(
        r[0]
        for r in case.conn.execute(
            f"SELECT DISTINCT account FROM fx_txn WHERE direction = 'credit' AND"
            f" {in_list('mcc', mccs)}"
        )
    )
    return businesses


def night_deposit_stats(case: Case, span: str, accounts: Sequence[str]) -> list[Row]:
    """(account, credits, their sum, cash credits, credits in `span`, cash credits in `span`,
    currency) of each of these accounts that has credits."""
    night = after_hours_sql(span)
    return case.conn.execute(
        "SELECT account, count(*), sum(amount), sum(channel = 'cash'),"
        f" sum({night}), sum({night} AND channel = 'cash'), max(currency) FROM fx_txn"
        f" WHERE direction = 'credit' AND {in_list('account', accounts)}"
        " GROUP BY account"
    ).fetchall()


def night_cash_deposits(case: Case, account: str, span: str, limit: int) -> list[Row]:
    """COLS of the account's first `limit` cash credits made in `span`, by time."""
    night = after_hours_sql(span)
    return case.conn.execute(
        f"SELECT {COLS} FROM fx_txn WHERE account = ? AND direction = 'credit' AND"
        f" channel = 'cash' AND {night} ORDER BY epoch LIMIT ?",
        (account, limit),
    ).fetchall()


def cash_without_payroll(case: Case, min_deposits: int) -> list[Row]:
    """(account,) of accounts with `min_deposits` cash credits or more and no ACH or payroll
    credit (F6)."""
    return case.conn.execute(
        "SELECT account FROM fx_txn GROUP BY account HAVING"
        " sum(direction = 'credit' AND channel = 'cash') >= ? AND"
        " sum(direction = 'credit' AND (channel = 'ach' OR lower(memo) LIKE '%payroll%')) = 0",
        (min_deposits,),
    ).fetchall()


def cash_deposits(case: Case, account: str) -> list[Row]:
    """COLS of the account's cash credits, by time."""
    return case.conn.execute(
        f"SELECT {COLS} FROM fx_txn WHERE account = ? AND direction = 'credit' AND"
        " channel = 'cash' ORDER BY epoch",
        (account,),
    ).fetchall()


def cash_deposits_between(case: Case, low: float, high: float) -> list[Row]:
    """COLS of every cash credit of `low` to `high`, by account and time (F10)."""
    return case.conn.execute(
        f"SELECT {COLS} FROM fx_txn WHERE direction = 'credit' AND channel = 'cash' AND"
        " amount BETWEEN ? AND ? ORDER BY account, epoch",
        (low, high),
    ).fetchall()


def wires_below(case: Case, account: str, low: float, limit: float) -> list[Row]:
    """COLS and cp_country of the account's outgoing wires of at least `low` and under
    `limit`, by time."""
    return case.conn.execute(
        f"SELECT {COLS}, cp_country FROM fx_txn WHERE account = ? AND direction = 'debit'"
        " AND channel = 'wire' AND amount >= ? AND amount < ? ORDER BY epoch",
        (account, low, limit),
    ).fetchall()


def addresses_of(case: Case, holder: str) -> list[str]:
    """Labels of the places the holder `lives_at`."""
    return first_column(
        case,
        "SELECT a.label FROM links l JOIN entities a ON a.id = l.target_id"
        " WHERE l.source_id = ? AND l.type = 'lives_at'",
        (holder,),
    )


def deposit_locations(case: Case, account: str) -> list[str]:
    """The location of each of the account's transactions that gives one."""
    return first_column(
        case,
        "SELECT location FROM fx_txn WHERE account = ? AND location != ''",
        (account,),
    )


def funnel_candidates(case: Case, min_locations: int, min_depositors: int) -> list[str]:
    """Accounts with cash credits at `min_locations` places or more by `min_depositors`
    depositors or more (F11)."""
    return first_column(
        case,
        "SELECT account FROM fx_txn WHERE direction = 'credit' AND channel = 'cash'"
        " AND location != '' GROUP BY account HAVING count(DISTINCT location) >= ?"
        " AND count(DISTINCT depositor) >= ?",
        (min_locations, min_depositors),
    )


def cash_and_atm(case: Case, account: str) -> list[Row]:
    """COLS of the account's cash and ATM transactions, both ways, by time."""
    return case.conn.execute(
        f"SELECT {COLS} FROM fx_txn WHERE account = ? AND channel IN ('cash', 'atm')"
        " ORDER BY epoch",
        (account,),
    ).fetchall()
