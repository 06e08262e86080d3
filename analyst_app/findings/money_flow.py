"""Where the money goes (DOMAIN.md section 1): F12 wages passed through, F13 many senders to
one beneficiary, F17 control over several accounts. The pairing of rows is a SQL join;
Python only groups the pairs into findings."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from analyst_app.findings.context import RuleContext, ending, money, txn_text
from analyst_app.findings.model import Finding
from analyst_app.findings.union import Union
from analyst_app.store import flow_queries as sql

DAY = 86_400


def f12_pass_through(ctx: RuleContext) -> list[Finding]:
    t = ctx.thresholds["F12"]
    pairs = sql.wages_paid_on(ctx.case, t["window_hours"] * 3600, t["out_channels"])
    by_credit: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    for row in pairs:
        by_credit[row[0]].append(row)
    # group passed-through wages by who received them (or by the account, if many did)
    groups: dict[str, list[list[tuple[Any, ...]]]] = defaultdict(list)
    for rows in by_credit.values():
        if sum(r[9] for r in rows) < t["out_share"] * rows[0][3]:
            continue
        receivers = {r[11] or r[12] for r in rows}
        key = rows[0][11] if len(receivers) == 1 and rows[0][11] else rows[0][1]
        groups[key].append(rows)
    out = []
    for key, credits in groups.items():
        sources = list(dict.fromkeys(c[0][1] for c in credits))
        beneficiary = key if key not in sources else None
        evidence = []
        for rows in credits:
            p = rows[0]
            evidence.append((p[0], txn_text(p[2], p[3], p[4], "credit", p[5], p[1],
                                             f"payroll from {p[6] or 'employer'}")))  # fmt: skip
            evidence += [
                (r[7], txn_text(r[8], r[9], p[4], "debit", r[10], p[1], f"to {r[12] or '?'}"))
                for r in rows
            ]
        share = sum(sum(r[9] for r in c) / c[0][3] for c in credits) / len(credits)
        who = (
            f"to {ending(beneficiary)}" if beneficiary and beneficiary.startswith("account:")
            else "out again"
        )  # fmt: skip
        entities = ([*ctx.holders([beneficiary]).get(beneficiary, []), beneficiary]
                    if beneficiary else [])  # fmt: skip
        out.append(
            ctx.finding(
                "F12",
                f"Wages passed through: {len(credits)} payroll credits from "
                f"{len(sources)} account{'s' if len(sources) > 1 else ''} moved on",
                "high",
                f"{len(credits)} payroll credits into {len(sources)} account(s) were followed "
                f"within {t['window_hours']} hours by payments of on average {share:.0%} of the "
                f"wage {who}. Wages that leave the worker's account at once suggest someone "
                "else controls the earnings (FIN-2020-A008, FATF 2018).",
                [*entities, *sources],
                ctx.evidence(evidence),
                financial=True,
            )
        )
    return out


def f13_many_senders(ctx: RuleContext) -> list[Finding]:
    t = ctx.thresholds["F13"]
    # (beneficiary, sender, epoch, row): credits received, and debits paid to a known account
    received = sql.payments_received(ctx.case, t["channels"])
    rows = [r for r in received if r[0] and r[1] and r[0] != r[1]]
    by_beneficiary: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    distinct: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        distinct[r[0]].add(r[1])
    for r in rows:
        if len(distinct[r[0]]) >= t["min_senders"]:
            by_beneficiary[r[0]].append(r)
    out = []
    span = t["window_days"] * DAY
    for beneficiary, got in by_beneficiary.items():
        got.sort(key=lambda r: r[2])
        best: list[tuple[Any, ...]] = []
        i = 0
        for j in range(len(got)):
            while got[j][2] - got[i][2] > span:
                i += 1
            if len({r[1] for r in got[i : j + 1]}) > len({r[1] for r in best}):
                best = got[i : j + 1]
        senders = list(dict.fromkeys(r[1] for r in best))
        if len(senders) < t["min_senders"] or sum(r[5] for r in best) < t["min_total"]:
            continue
        out.append(
            ctx.finding(
                "F13",
                f"{len(senders)} senders to one beneficiary in {t['window_days']} days",
                "medium",
                f"{len(senders)} different people or accounts sent money to "
                f"{ending(beneficiary) if beneficiary.startswith('account:') else 'one party'} "
                f"between {best[0][4][:10]} and {best[-1][4][:10]} "
                f"({money(sum(r[5] for r in best))} {best[0][6]}). Many senders paying one "
                "beneficiary can be earnings collected from several victims (FIN-2020-A008).",
                [*ctx.holders([beneficiary]).get(beneficiary, []), beneficiary, *senders],
                ctx.evidence(
                    (
                        r[3],
                        txn_text(r[4], r[5], r[6], r[7], r[8], r[0] if r[7] == "credit" else r[1]),
                    )
                    for r in best
                ),
                financial=True,
            )
        )
    out.extend(_watched_countries(ctx, t))
    return out


def _watched_countries(ctx: RuleContext, t: dict[str, Any]) -> list[Finding]:
    if not t["watch_countries"]:
        return []
    countries = [str(c).upper() for c in t["watch_countries"]]
    rows = sql.wires_to(ctx.case, countries)
    by_account: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    for r in rows:
        by_account[r[0]].append(r)
    return [
        ctx.finding(
            "F13",
            f"{len(wires)} wires to watched countries",
            "medium",
            f"{ending(account).capitalize()} wired money {len(wires)} times to "
            f"{', '.join(sorted({w[5] for w in wires}))}, on the analyst's list of countries "
            "to watch (FIN-2014-A008).",
            [*ctx.holders([account]).get(account, []), account],
            ctx.evidence(
                (w[1], txn_text(w[2], w[3], w[4], "debit", "wire", account, f"to {w[5]}"))
                for w in wires
            ),
            financial=True,
        )
        for account, wires in by_account.items()
    ]


def f17_control(ctx: RuleContext) -> list[Finding]:
    t = ctx.thresholds["F17"]
    uf = Union()
    # identifiers that the holders of different accounts give: two holders at least, since
    # one holder entity owning two accounts is one person (or, before resolution, two
    # namesakes whose bank rows were joined by name), not one person controlling another
    shared = sql.shared_identifiers(ctx.case, t["identifier_types"], t["min_accounts"])
    reasons: dict[str, list[str]] = defaultdict(list)
    idents: dict[str, set[str]] = defaultdict(set)
    people: dict[str, set[str]] = defaultdict(set)
    for ident, _kind, _label, account, _holder in shared:
        uf.join(ident, account)
    given: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for ident, kind, label, account, holder in shared:
        root = uf.find(ident)
        idents[root].add(ident)
        people[root].add(holder)
        if account not in given[(ident, kind, label)]:
            given[(ident, kind, label)].append(account)
    for (ident, kind, label), accounts in given.items():
        endings = ", ".join(a.removeprefix("account:")[-4:] for a in accounts)
        reasons[uf.find(ident)].append(
            f"the {kind.lower()} {label} is given for the accounts ending {endings}"
        )
    # one person depositing cash into several accounts held by others
    deposits = sql.cash_into_others(ctx.case, t["min_deposited_accounts"])
    by_depositor: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    for row in deposits:
        by_depositor[row[0]].append(row)
    for depositor, rows in by_depositor.items():
        if len(rows) < t["min_deposited_accounts"]:
            continue
        for r in rows:
            uf.join(depositor, r[1])
    for depositor, rows in by_depositor.items():
        if len(rows) < t["min_deposited_accounts"]:
            continue
        root = uf.find(depositor)
        people[root].add(depositor)
        reasons[root].append(
            f"one depositor paid cash into {len(rows)} accounts held by others "
            f"({', '.join(ending(r[1]) for r in rows)})"
        )
    components: dict[str, set[str]] = defaultdict(set)
    for node in list(uf.parent):
        components[uf.find(node)].add(node)
    out = []
    for root, nodes in components.items():
        accounts = sorted(n for n in nodes if n.startswith("account:"))
        if len(accounts) < t["min_accounts"] or root not in reasons:
            continue
        evidence = _f17_evidence(ctx, accounts, idents[root], people[root])
        holders = ctx.holders(accounts)
        owners = [h for a in accounts for h in holders.get(a, []) if h in people[root]]
        out.append(
            ctx.finding(
                "F17",
                f"Control over {len(accounts)} accounts",
                "high",
                f"{len(accounts)} accounts are tied together: "
                f"{'; '.join(dict.fromkeys(reasons[root]))}. Accounts that share a phone, "
                "e-mail, device or address, or that one person keeps paying cash into, can be "
                "controlled by one person (FIN-2020-A008).",
                [*sorted(people[root] - set(owners)), *owners, *sorted(idents[root]), *accounts],
                evidence,
                financial=True,
            )
        )
    return out


def _f17_evidence(
    ctx: RuleContext, accounts: list[str], idents: set[str], people: set[str]
) -> tuple[Any, ...]:
    """The link rows that give the shared identifiers, and the cash deposits by others."""
    rows: list[tuple[str, str]] = []
    for lid, src, dst, label in sql.holder_identifier_links(ctx.case, accounts):
        if dst in idents:
            rows.append((lid, f"the holder of {ending(src)} gives {label}"))
    if people:
        for r in sql.cash_by(ctx.case, accounts, sorted(people)):
            rows.append((r[0], txn_text(r[1], r[2], r[3], "credit", "cash", r[4],
                                        f"by {r[5]}")))  # fmt: skip
    return ctx.evidence(rows)
