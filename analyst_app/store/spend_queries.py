"""The spending red flags' queries (findings.money_spend: F1, F2, F3, F7) over `temp.fx_txn`.

Each is one query that keeps only the accounts with enough matching rows; the rules check
the time windows on the few rows that come back. Rows have the columns of COLS, in that
order (DESIGN.md keeps SQL in the store package).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from analyst_app.store.rule_queries import in_list

if TYPE_CHECKING:
    from analyst_app.store.case import Case

Row = tuple[Any, ...]
COLS = "id, account, epoch, local, amount, currency, direction, channel, merchant, merchant_id, city, memo, cp_id, cp_name"  # noqa: E501


def site_fees(
    case: Case, max_amount: float, mccs: Sequence[str], site_words: Sequence[str], least: int
) -> list[Row]:
    """COLS and mcc of debits under `max_amount` to a merchant of these MCCs or whose name
    holds one of `site_words` anywhere, for (account, merchant) pairs with `least` such
    debits or more, by account, merchant and time (F1)."""
    words = " OR ".join("lower(merchant) LIKE ?" for _ in site_words) or "0"
    site = f"direction = 'debit' AND amount < ? AND ({in_list('mcc', mccs)} OR {words})"
    likes = [f"%{w.lower()}%" for w in site_words]
    return case.conn.execute(
        f"SELECT {COLS}, mcc FROM fx_txn WHERE {site} AND (account, merchant) IN ("
        f"  SELECT account, merchant FROM fx_txn WHERE {site}"
        "  GROUP BY account, merchant HAVING count(*) >= ?) ORDER BY account, merchant, epoch",
        (max_amount, *likes, max_amount, *likes, least),
    ).fetchall()


def lodging(case: Case, lodging_mccs: Sequence[str], min_cities: int) -> list[Row]:
    """COLS of lodging debits of accounts that paid for lodging in `min_cities` cities or
    more, by account and time (F2)."""
    return case.conn.execute(
        f"SELECT {COLS} FROM fx_txn WHERE direction = 'debit' AND"
        f" {in_list('mcc', lodging_mccs)} AND account IN (SELECT account FROM fx_txn WHERE"
        f" direction = 'debit' AND {in_list('mcc', lodging_mccs)} GROUP BY account"
        " HAVING count(DISTINCT lower(city)) >= ?) ORDER BY account, epoch",
        (min_cities,),
    ).fetchall()


def rent(case: Case, min_payees: int) -> list[Row]:
    """COLS of rent debits of accounts that paid rent to `min_payees` payees or more, by
    account and time (F2's second test)."""
    return case.conn.execute(
        f"SELECT {COLS} FROM fx_txn WHERE direction = 'debit' AND lower(memo) LIKE '%rent%'"
        " AND account IN (SELECT account FROM fx_txn WHERE direction = 'debit' AND"
        " lower(memo) LIKE '%rent%' GROUP BY account HAVING count(DISTINCT coalesce(cp_id,"
        " cp_name)) >= ?) ORDER BY account, epoch",
        (min_payees,),
    ).fetchall()


def tickets(case: Case, mccs: Sequence[str], min_tickets: int) -> list[Row]:
    """COLS of debits to these (transport) MCCs bought `min_tickets` or more at a time: same
    account, local day, merchant and memo; by account and time (F3)."""
    return case.conn.execute(
        f"SELECT {COLS} FROM fx_txn WHERE direction = 'debit' AND {in_list('mcc', mccs)}"
        " AND (account, substr(local, 1, 10), merchant, memo) IN (SELECT account,"
        " substr(local, 1, 10), merchant, memo FROM fx_txn WHERE direction = 'debit' AND"
        f" {in_list('mcc', mccs)} GROUP BY 1, 2, 3, 4 HAVING count(*) >= ?)"
        " ORDER BY account, epoch",
        (min_tickets,),
    ).fetchall()


def prepaid(case: Case, mccs: Sequence[str], min_purchases: int) -> list[Row]:
    """COLS of prepaid-card debits (these MCCs or the prepaid channel) of accounts with
    `min_purchases` or more, by account and time (F7)."""
    return case.conn.execute(
        f"SELECT {COLS} FROM fx_txn WHERE direction = 'debit' AND"
        f" ({in_list('mcc', mccs)} OR channel = 'prepaid') AND account IN (SELECT account"
        f" FROM fx_txn WHERE direction = 'debit' AND ({in_list('mcc', mccs)} OR"
        " channel = 'prepaid') GROUP BY account HAVING count(*) >= ?) ORDER BY account, epoch",
        (min_purchases,),
    ).fetchall()
