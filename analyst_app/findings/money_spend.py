"""Spending red flags (DOMAIN.md section 1): F1 ad-site fees, F2 lodging and movement,
F3 transport for several people, F7 prepaid cards. Each is one query over `temp.fx_txn`;
only the few candidate rows come back to Python for the time-window check."""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from analyst_app.findings.context import RuleContext, ending, money, txn_text, windows
from analyst_app.findings.model import Finding
from analyst_app.store import spend_queries as sql

DAY = 86_400


def _text(r: tuple[Any, ...], extra: str = "") -> str:
    return txn_text(r[3], r[4], r[5], r[6], r[7], r[1], extra)


def _by(rows: list[tuple[Any, ...]], *keys: int) -> dict[tuple[Any, ...], list[tuple[Any, ...]]]:
    out: dict[tuple[Any, ...], list[tuple[Any, ...]]] = defaultdict(list)
    for r in rows:
        out[tuple(r[k] for k in keys)].append(r)
    return out


def f1_ad_fees(ctx: RuleContext) -> list[Finding]:
    t = ctx.thresholds["F1"]
    rows = sql.site_fees(ctx.case, t["max_amount"], t["mccs"], t["site_words"], t["min_debits"])
    # LIKE found the words anywhere ("Threads" holds "ads"); keep whole words or the MCC
    whole = re.compile(r"\b(" + "|".join(map(re.escape, t["site_words"])) + r")\b", re.I)
    rows = [r for r in rows if r[14] in t["mccs"] or whole.search(r[8] or "")]
    out = []
    for (account, merchant), group in _by(rows, 1, 8).items():
        i, j = windows([r[2] for r in group], t["window_days"] * DAY)
        if j - i < t["min_debits"]:
            continue
        hit = group[i:j]
        site = merchant or "an ad site"
        total = sum(r[4] for r in hit)
        out.append(
            ctx.finding(
                "F1",
                f"Ad-site posting fees: {j - i} payments to {site}",
                "medium",
                f"{ending(account).capitalize()} paid {site} {j - i} times between "
                f"{hit[0][3][:10]} and {hit[-1][3][:10]}, each under {t['max_amount']} "
                f"({money(total)} {hit[0][5]} in all). Repeated small payments to a classified or "
                "escort ad site are how ads for commercial sex are posted (FinCEN FIN-2014-A008, "
                "FIN-2020-A008).",
                [*ctx.holders([account]).get(account, []), account, hit[0][9]],
                ctx.evidence((r[0], _text(r, site)) for r in hit),
                financial=True,
            )
        )
    return out


def f2_lodging(ctx: RuleContext) -> list[Finding]:
    t = ctx.thresholds["F2"]
    rows = sql.lodging(ctx.case, t["lodging_mccs"], t["min_cities"])
    out = []
    span = t["window_days"] * DAY
    for (account,), group in _by(rows, 1).items():
        best: list[tuple[Any, ...]] = []
        i = 0
        for j in range(len(group)):  # the window with the most cities
            while group[j][2] - group[i][2] > span:
                i += 1
            part = group[i : j + 1]
            if len({r[10].lower() for r in part}) > len({r[10].lower() for r in best}):
                best = part
        cities = list(dict.fromkeys(r[10] for r in best))
        if len(cities) < t["min_cities"]:
            continue
        out.append(
            ctx.finding(
                "F2",
                f"Lodging in {len(cities)} cities within {t['window_days']} days",
                "medium",
                f"{ending(account).capitalize()} paid for lodging in {', '.join(cities)} between "
                f"{best[0][3][:10]} and {best[-1][3][:10]}. Hotel stays that move from city to "
                "city can follow victims moved on a circuit (FIN-2020-A008, FINTRAC).",
                [*ctx.holders([account]).get(account, []), account, *(r[9] for r in best)],
                ctx.evidence((r[0], _text(r, f"{r[8]}, {r[10]}")) for r in best),
                financial=True,
            )
        )
    out.extend(_rent(ctx, t))
    return out


def _rent(ctx: RuleContext, t: dict[str, Any]) -> list[Finding]:
    """Rent paid to several landlords at once: several residences (F2's second test)."""
    rows = sql.rent(ctx.case, t["min_rent_payees"])
    out = []
    for (account,), group in _by(rows, 1).items():
        span, best = t["rent_window_days"] * DAY, list[tuple[Any, ...]]()
        i = 0
        for j in range(len(group)):
            while group[j][2] - group[i][2] > span:
                i += 1
            part = group[i : j + 1]
            if len({r[12] or r[13] for r in part}) > len({r[12] or r[13] for r in best}):
                best = part
        payees = list(dict.fromkeys(r[12] or r[13] for r in best))
        if len(payees) < t["min_rent_payees"]:
            continue
        out.append(
            ctx.finding(
                "F2",
                f"Rent paid to {len(payees)} landlords",
                "medium",
                f"{ending(account).capitalize()} paid rent to {len(payees)} different payees "
                f"within {t['rent_window_days']} days: several residences paid from one account "
                "can house victims (FIN-2020-A008).",
                [*ctx.holders([account]).get(account, []), account, *(r[12] for r in best)],
                ctx.evidence((r[0], _text(r, f"rent to {r[13]}")) for r in best),
                financial=True,
            )
        )
    return out


def f3_transport(ctx: RuleContext) -> list[Finding]:
    t = ctx.thresholds["F3"]
    rows = sql.tickets(ctx.case, t["mccs"], t["min_tickets"])
    out = []
    for (account,), group in _by(rows, 1).items():
        trips: dict[tuple[str, str, str], list[tuple[Any, ...]]] = defaultdict(list)
        for r in group:
            trips[(r[3][:10], r[8], r[11])].append(r)
        lines = [
            f"{len(g)} tickets with {merchant} on {day}" + (f" ({route})" if route else "")
            for (day, merchant, route), g in trips.items()
        ]
        out.append(
            ctx.finding(
                "F3",
                f"Tickets for several people: {len(lines)} trips",
                "medium",
                f"{ending(account).capitalize()} bought several tickets for the same date and "
                f"route: {'; '.join(lines)}. Buying tickets for several travellers at once can "
                "be moving victims (FIN-2020-A008, FINTRAC).",
                [*ctx.holders([account]).get(account, []), account, *(r[9] for r in group)],
                ctx.evidence((r[0], _text(r, f"{r[8]}, {r[11] or r[10]}")) for r in group),
                financial=True,
            )
        )
    return out


def f7_prepaid(ctx: RuleContext) -> list[Finding]:
    t = ctx.thresholds["F7"]
    rows = sql.prepaid(ctx.case, t["mccs"], t["min_purchases"])
    out = []
    for (account,), group in _by(rows, 1).items():
        i, j = windows([r[2] for r in group], t["window_days"] * DAY)
        if j - i < t["min_purchases"]:
            continue
        hit = group[i:j]
        out.append(
            ctx.finding(
                "F7",
                f"{j - i} prepaid card purchases in {t['window_days']} days",
                "low",
                f"{ending(account).capitalize()} bought or reloaded prepaid cards {j - i} times "
                f"between {hit[0][3][:10]} and {hit[-1][3][:10]}; prepaid cards move money "
                "without a trail to the person using it (FIN-2020-A008).",
                [*ctx.holders([account]).get(account, []), account],
                ctx.evidence((r[0], _text(r, r[8])) for r in hit),
                financial=True,
            )
        )
    return out
