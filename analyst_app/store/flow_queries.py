"""The queries of the rules on where money goes (findings.money_flow: F12, F13, F17), over
`temp.fx_txn` and the links. The pairing of rows is a SQL join here; the rules group the
pairs into findings (DESIGN.md keeps SQL in the store package)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from analyst_app.store.rule_queries import in_list

if TYPE_CHECKING:
    from analyst_app.store.case import Case

Row = tuple[Any, ...]
PAYROLL = "(lower(p.memo) LIKE '%payroll%' OR lower(p.memo) LIKE '%salary%' OR lower(p.memo) LIKE '%wage%')"  # noqa: E501


def wages_paid_on(case: Case, window_s: int, out_channels: Sequence[str]) -> list[Row]:
    """Each payroll credit p paired with each debit d of the same account through one of
    `out_channels` within `window_s` seconds after it: (p.id, p.account, p.local, p.amount,
    p.currency, p.channel, p.cp_name, d.id, d.local, d.amount, d.channel, d.cp_id,
    d.cp_name), by account, then time of p, then of d (F12)."""
    return case.conn.execute(
        "SELECT p.id, p.account, p.local, p.amount, p.currency, p.channel, p.cp_name,"
        " d.id, d.local, d.amount, d.channel, d.cp_id, d.cp_name FROM fx_txn p JOIN fx_txn d"
        " ON d.account = p.account AND d.direction = 'debit' AND d.epoch > p.epoch AND"
        f" d.epoch <= p.epoch + ? AND {in_list('d.channel', out_channels)}"
        f" WHERE p.direction = 'credit' AND {PAYROLL} ORDER BY p.account, p.epoch, d.epoch",
        (window_s,),
    ).fetchall()


def payments_received(case: Case, channels: Sequence[str]) -> list[Row]:
    """(beneficiary, sender, epoch, id, local, amount, currency, direction, channel) of
    credits received through `channels`, and of debits through them paid to a known account
    (F13). Beneficiary or sender may be None."""
    where = in_list("channel", channels)
    return case.conn.execute(
        "SELECT account, coalesce(CASE WHEN channel = 'cash' THEN depositor_id END, cp_id),"
        " epoch, id, local, amount, currency, direction, channel FROM fx_txn WHERE"
        f" direction = 'credit' AND {where} UNION ALL SELECT cp_id, account, epoch, id, local,"
        " amount, currency, direction, channel FROM fx_txn WHERE direction = 'debit' AND"
        f" cp_id LIKE 'account:%' AND {where}"
    ).fetchall()


def wires_to(case: Case, countries: Sequence[str]) -> list[Row]:
    """(account, id, local, amount, currency, cp_country) of outgoing wires to these
    (upper-case) countries, by account and time."""
    return case.conn.execute(
        "SELECT account, id, local, amount, currency, cp_country FROM fx_txn WHERE"
        f" direction = 'debit' AND channel = 'wire' AND {in_list('upper(cp_country)', countries)}"
        " ORDER BY account, epoch"
    ).fetchall()


def shared_identifiers(case: Case, identifier_types: Sequence[str], min_accounts: int) -> list[Row]:
    """(identifier id, type, label, account, holder) for identifiers of these types that the
    holders of `min_accounts` accounts or more give, two holders at least (F17)."""
    return case.conn.execute(
        "SELECT i.id, i.type, i.label, o.target_id, o.source_id FROM links o"
        " JOIN links u ON u.source_id = o.source_id AND u.type IN ('uses', 'lives_at')"
        " JOIN entities i ON i.id = u.target_id"
        f" WHERE o.type = 'owns' AND o.target_id LIKE 'account:%' AND"
        f" {in_list('i.type', identifier_types)} AND i.id IN ("
        "  SELECT u2.target_id FROM links u2 JOIN links o2 ON o2.source_id = u2.source_id"
        "  AND o2.type = 'owns' AND o2.target_id LIKE 'account:%'"
        "  WHERE u2.type IN ('uses', 'lives_at')"
        "  GROUP BY u2.target_id HAVING count(DISTINCT o2.target_id) >= ?"
        "  AND count(DISTINCT o2.source_id) >= 2)",
        (min_accounts,),
    ).fetchall()


def cash_into_others(case: Case, min_accounts: int) -> list[Row]:
    """(depositor, account, deposits, their sum) of cash credits by a depositor who does not
    own the account, for depositors who paid cash into `min_accounts` accounts or more."""
    return case.conn.execute(
        "SELECT f.depositor_id, f.account, count(*), sum(f.amount) FROM fx_txn f"
        " WHERE f.direction = 'credit' AND f.channel = 'cash' AND f.depositor_id IS NOT NULL"
        " AND NOT EXISTS (SELECT 1 FROM links o WHERE o.type = 'owns' AND"
        "   o.source_id = f.depositor_id AND o.target_id = f.account)"
        " AND f.depositor_id IN (SELECT g.depositor_id FROM fx_txn g WHERE g.channel = 'cash'"
        "   AND g.direction = 'credit' AND g.depositor_id IS NOT NULL GROUP BY g.depositor_id"
        "   HAVING count(DISTINCT g.account) >= ?)"
        " GROUP BY f.depositor_id, f.account",
        (min_accounts,),
    ).fetchall()


def holder_identifier_links(case: Case, accounts: Sequence[str]) -> list[Row]:
    """(link id, account, identifier id, identifier label) of the `uses` and `lives_at`
    links of these accounts' holders."""
    marks = ", ".join("?" * len(accounts))
    return case.conn.execute(
        "SELECT u.id, o.target_id, u.target_id, i.label FROM links o JOIN links u ON"
        " u.source_id = o.source_id AND u.type IN ('uses', 'lives_at') JOIN entities i ON"
        f" i.id = u.target_id WHERE o.type = 'owns' AND o.target_id IN ({marks})",
        accounts,
    ).fetchall()


def cash_by(case: Case, accounts: Sequence[str], depositors: Sequence[str]) -> list[Row]:
    """(id, local, amount, currency, account, depositor) of the first 300 cash credits into
    these accounts by these depositors, by time."""
    marks = ", ".join("?" * len(accounts))
    pmarks = ", ".join("?" * len(depositors))
    return case.conn.execute(
        "SELECT id, local, amount, currency, account, depositor FROM fx_txn WHERE"
        f" channel = 'cash' AND direction = 'credit' AND account IN ({marks}) AND"
        f" depositor_id IN ({pmarks}) ORDER BY epoch LIMIT 300",
        (*accounts, *depositors),
    ).fetchall()
