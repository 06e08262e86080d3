"""The rules, in one explicit tuple, and the loop that runs them over a case."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import analyst_app.findings.ads as ads
import analyst_app.findings.calls as calls
import analyst_app.findings.money_cash as money_cash
import analyst_app.findings.money_flow as money_flow
import analyst_app.findings.money_spend as money_spend
import analyst_app.findings.reports as reports
from analyst_app.collector import collection_paused
from analyst_app.findings.comm import load_comm
from analyst_app.findings.context import RuleContext, now_utc
from analyst_app.findings.model import Finding
from analyst_app.findings.thresholds import case_thresholds

if TYPE_CHECKING:
    from analyst_app.store.case import Case

RuleFn = Callable[[RuleContext], list[Finding]]


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    family: str  # money, ads, calls, reports
    run: RuleFn


RULES: tuple[Rule, ...] = (
    Rule("F1", "Ad-site posting fees", "money", money_spend.f1_ad_fees),
    Rule("F2", "Lodging in several cities", "money", money_spend.f2_lodging),
    Rule("F3", "Transport for several people", "money", money_spend.f3_transport),
    Rule("F5", "After-hours cash business", "money", money_cash.f5_after_hours),
    Rule("F6", "Cash deposits, no payroll", "money", money_cash.f6_cash_no_payroll),
    Rule("F7", "Prepaid card purchases", "money", money_spend.f7_prepaid),
    Rule("F10", "Structuring", "money", money_cash.f10_structuring),
    Rule("F11", "Funnel account", "money", money_cash.f11_funnel),
    Rule("F12", "Wages passed through", "money", money_flow.f12_pass_through),
    Rule("F13", "Many senders to one beneficiary", "money", money_flow.f13_many_senders),
    Rule("F14", "Account identifiers in online ads", "money", ads.f14_identifiers_in_ads),
    Rule("F17", "Control over several accounts", "money", money_flow.f17_control),
    Rule("ADS-PERSONA", "Ad persona", "ads", ads.personas),
    Rule("ADS-CIRCUIT", "Ad circuit", "ads", ads.circuits),
    Rule("CO-LOCATION", "Phones seen together", "calls", calls.co_location),
    Rule("COMMON-CONTACTS", "Common contacts of suspects", "calls", calls.common_contacts),
    Rule("RECRUITMENT-RING", "Recruitment pattern", "calls", calls.recruitment),
    Rule("TIP-PHONE", "Identifier in several tips", "reports", reports.tip_identifiers),
    Rule("WORKER-VOICE", "Worker complaints about one employer", "reports", reports.worker_voice),
)
RULE_IDS = tuple(r.id for r in RULES)
Progress = Callable[[str, float], None]


def run_rules(
    case: Case,
    *,
    only: tuple[str, ...] | None = None,
    progress: Progress | None = None,
    timings: dict[str, tuple[float, float]] | None = None,
) -> list[Finding]:
    """Run every rule (or those in `only`) and return the findings, most severe first.

    `timings`, when given, receives (wall, CPU) seconds per step (the benchmark prints them).
    """
    ctx = RuleContext(case, case_thresholds(case), now_utc())
    chosen = [r for r in RULES if only is None or r.id in only]
    found: list[Finding] = []

    def timed(name: str, step: Callable[[], object]) -> None:
        wall, cpu = time.perf_counter(), time.process_time()
        step()
        if timings is not None:
            timings[name] = (time.perf_counter() - wall, time.process_time() - cpu)

    def runner(rule: Rule) -> Callable[[], object]:
        return lambda: found.extend(rule.run(ctx))

    # No reference cycles are made while the rules run, and the collector would otherwise
    # walk the hundreds of thousands of rows read again and again (measured: 15-25% of it).
    try:
        with collection_paused():
            if any(r.family == "money" for r in chosen):
                timed("(transactions table)", ctx.txn)
            if any(r.family == "calls" for r in chosen):
                timed("(calls table)", lambda: load_comm(ctx))
            for n, rule in enumerate(chosen):
                if progress:
                    progress(rule.id, n / max(1, len(chosen)))
                timed(rule.id, runner(rule))
    finally:
        ctx.close()
    if progress:
        progress("done", 1.0)
    order = {"high": 0, "medium": 1, "low": 2}
    unique = {f.id: f for f in found}
    return sorted(unique.values(), key=lambda f: (order[f.severity], f.rule, f.title, f.id))
