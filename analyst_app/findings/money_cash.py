"""Cash red flags (DOMAIN.md section 1): F5 after-hours cash business, F6 cash and no
payroll, F10 structuring, F11 funnel account. Aggregates run in SQLite over `temp.fx_txn`."""

from __future__ import annotations

import re
from collections import defaultdict
from statistics import median
from typing import Any

from analyst_app.findings.context import RuleContext, ending, money, txn_text, windows
from analyst_app.findings.model import Finding
from analyst_app.store import cash_queries as sql

DAY = 86_400
MAX_EVIDENCE = 200  # rows kept per finding; the explanation gives the full counts


def _text(r: tuple[Any, ...], extra: str = "") -> str:
    return txn_text(r[3], r[4], r[5], r[6], r[7], r[1], extra)


def f5_after_hours(ctx: RuleContext) -> list[Finding]:
    t = ctx.thresholds["F5"]
    categories = [c.lower() for c in t["categories"]]
    businesses = sql.business_accounts(ctx.case, categories, t["mccs"])
    if not businesses:
        return []
    stats = sql.night_deposit_stats(ctx.case, t["after_hours"], sorted(businesses))
    peer_median = median(s[2] or 0 for s in stats) if stats else 0
    out = []
    for account, n, total, cash, late, late_cash, currency in stats:
        if n < t["min_deposits"]:
            continue
        late_share, cash_share = late / n, cash / n
        if not (
            late_share > t["min_after_hours_share"]
            and cash_share >= t["min_cash_share"]
            and total > t["peer_median_factor"] * peer_median
        ):
            continue
        rows = sql.night_cash_deposits(ctx.case, account, t["after_hours"], MAX_EVIDENCE)
        out.append(
            ctx.finding(
                "F5",
                f"After-hours cash business: {late_share:.0%} of deposits at night",
                "high",
                f"Of {n} deposits into the business {ending(account)}, {late} "
                f"({late_share:.0%}) were made between {t['after_hours'].replace('-', ' and ')} "
                f"local time, {late_cash} of them in cash; {cash_share:.0%} of all deposits were "
                f"cash. Deposits total {money(total)} {currency}, "
                f"{total / peer_median if peer_median else 0:.1f} times the median of "
                f"{len(stats)} comparable businesses ({money(peer_median)}). Cash businesses open "
                "late (massage, nail salons, spas, bars) are a common front for commercial sex "
                "(FIN-2020-A008).",
                [*ctx.holders([account]).get(account, []), account],
                ctx.evidence((r[0], _text(r, r[8])) for r in rows),
                financial=True,
            )
        )
    return out


def f6_cash_no_payroll(ctx: RuleContext) -> list[Finding]:
    t = ctx.thresholds["F6"]
    candidates = sql.cash_without_payroll(ctx.case, t["min_deposits"])
    out = []
    for (account,) in candidates:
        rows = sql.cash_deposits(ctx.case, account)
        i, j = windows([r[2] for r in rows], t["window_days"] * DAY)
        if j - i < t["min_deposits"]:
            continue
        hit = rows[i:j]
        holders = ctx.holders([account]).get(account, [])
        out.append(
            ctx.finding(
                "F6",
                f"{j - i} cash deposits and no payroll",
                "medium",
                f"{ending(account).capitalize()} received {j - i} cash deposits "
                f"({money(sum(r[4] for r in hit))} {hit[0][5]}) between {hit[0][3][:10]} and "
                f"{hit[-1][3][:10]}, and no payroll or ACH credit at all: income that is all "
                "cash with no wages is a red flag for exploitation proceeds (FIN-2020-A008).",
                [*holders, account, *(r[10] for r in hit if r[10] and r[10] not in holders)],
                ctx.evidence((r[0], _text(r, r[8])) for r in hit[:MAX_EVIDENCE]),
                financial=True,
            )
        )
    return out


def f10_structuring(ctx: RuleContext) -> list[Finding]:
    t = ctx.thresholds["F10"]
    rows = sql.cash_deposits_between(ctx.case, t["low"], t["high"])
    by_account: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    for r in rows:
        by_account[r[1]].append(r)
    span = t["window_days"] * DAY
    out = []
    for account, deposits in by_account.items():
        clusters: list[list[tuple[Any, ...]]] = []
        i = 0
        while i < len(deposits):
            j = i
            while j + 1 < len(deposits) and deposits[j + 1][2] - deposits[i][2] <= span:
                j += 1
            group = deposits[i : j + 1]
            if len(group) >= 2 and sum(r[4] for r in group) > t["reporting_limit"]:
                clusters.append(group)
                i = j + 1
            else:
                i += 1
        if not clusters:
            continue
        low = t["wire_limit"] * (1 - t["wire_margin"])
        wires = sql.wires_below(ctx.case, account, low, t["wire_limit"])
        lines = [
            f"{' + '.join(money(r[4]) for r in g)} = {money(sum(r[4] for r in g))} "
            f"({g[0][3][:10]} to {g[-1][3][:10]})"
            for g in clusters
        ]
        wire_note = (
            f" {len(wires)} outgoing wires were kept just under {money(t['wire_limit'])}"
            f" (to {', '.join(sorted({w[12] for w in wires if w[12]})) or 'abroad'})."
            if wires
            else ""
        )
        evidence = [(r[0], _text(r, r[8])) for g in clusters for r in g]
        evidence += [(w[0], _text(w, f"wire to {w[12] or 'unknown country'}")) for w in wires]
        out.append(
            ctx.finding(
                "F10",
                f"Structuring: {len(clusters)} sets of cash deposits just under "
                f"{money(t['reporting_limit'])}",
                "high",
                f"{ending(account).capitalize()} received cash deposits of {money(t['low'])} to "
                f"{money(t['high'])} within {t['window_days']} days of each other whose totals "
                f"pass the {money(t['reporting_limit'])} reporting threshold: "
                f"{'; '.join(lines)}.{wire_note} Splitting cash to stay under the reporting "
                "threshold is structuring (FIN-2020-A008, FIN-2014-A008).",
                [*ctx.holders([account]).get(account, []), account],
                ctx.evidence(evidence),
                financial=True,
            )
        )
    return out


_CITY = re.compile(r"([A-Za-z .'-]+),\s*([A-Z]{2})\b")


def city_of(text: str) -> str:
    """'Fictional Bank Branch 412, Houston, TX' -> 'Houston, TX' (the last 'City, ST')."""
    found = _CITY.findall(text or "")
    return f"{found[-1][0].strip()}, {found[-1][1]}" if found else ""


def _home_cities(ctx: RuleContext, accounts: list[str]) -> dict[str, str]:
    """The holder's city from their address, else the account's most used branch city."""
    holders = ctx.holders(accounts)
    out: dict[str, str] = {}
    for account in accounts:
        for holder in holders.get(account, []):
            for label in sql.addresses_of(ctx.case, holder):
                if city_of(label):
                    out[account] = city_of(label)
        if account not in out:
            counts: dict[str, int] = defaultdict(int)
            for loc in sql.deposit_locations(ctx.case, account):
                counts[city_of(loc)] += 1
            counts.pop("", None)
            if counts:
                out[account] = max(counts, key=lambda c: counts[c])
    return out


def f11_funnel(ctx: RuleContext) -> list[Finding]:
    t = ctx.thresholds["F11"]
    candidates = sql.funnel_candidates(ctx.case, t["min_far_locations"], t["min_depositors"])
    homes = _home_cities(ctx, candidates)
    span = t["window_hours"] * 3600
    out = []
    for account in candidates:
        home = homes.get(account, "")
        rows = sql.cash_and_atm(ctx.case, account)
        far = [r for r in rows if r[6] == "credit" and city_of(r[8]) not in ("", home)]
        outs = [r for r in rows if r[6] == "debit"]
        episodes: list[tuple[list[tuple[Any, ...]], tuple[Any, ...]]] = []
        used: set[str] = set()
        for i, first in enumerate(far):
            if first[0] in used:
                continue
            group = [r for r in far[i:] if r[2] - first[2] <= span]
            cities = {city_of(r[8]) for r in group}
            people = {r[10] or r[9] for r in group}
            if len(cities) < t["min_far_locations"] or len(people) < t["min_depositors"]:
                continue
            last = group[-1][2]
            away = next(
                (o for o in outs if 0 <= o[2] - last <= span and city_of(o[8]) not in cities),
                None,
            )
            if away is None:
                continue
            episodes.append((group, away))
            used.update(r[0] for r in group)
        if not episodes:
            continue
        depositors = list(dict.fromkeys(r[10] for g, _ in episodes for r in g if r[10]))
        far_cities = list(dict.fromkeys(city_of(r[8]) for g, _ in episodes for r in g))
        evidence = []
        for group, away in episodes:
            evidence += [(r[0], _text(r, f"at {r[8]}, by {r[9] or 'unknown'}")) for r in group]
            evidence.append((away[0], _text(away, f"at {away[8] or 'unknown place'}")))
        out.append(
            ctx.finding(
                "F11",
                f"Funnel account: cash in from {len(far_cities)} distant cities, out in "
                f"{city_of(episodes[0][1][8]) or 'another place'}",
                "high",
                f"{len(episodes)} times, {ending(account)} received cash at branches far from "
                f"the holder ({', '.join(far_cities)}; home {home or 'unknown'}) from "
                f"{len(depositors)} different depositors, and the money was withdrawn elsewhere "
                f"within {t['window_hours']} hours. Deposits made in one place and withdrawn in "
                "another move proceeds between cities (funnel account, FIN-2020-A008).",
                [*ctx.holders([account]).get(account, []), account, *depositors],
                ctx.evidence(evidence),
                financial=True,
            )
        )
    return out
